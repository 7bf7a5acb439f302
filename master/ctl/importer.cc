#include "master/ctl/importer.h"

#include <algorithm>
#include <thread>

#include "master/ctl/text.h"

namespace provisor::ctl {
namespace {

// "line 12: unterminated quote" -> "unterminated quote".
std::string WithoutLinePrefix(const std::string& message) {
  if (!StartsWith(message, "line ")) return message;
  const size_t colon = message.find(": ");
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

// "row 7: bad" -> "bad" when the row is 7: the report adds the row itself.
std::string WithoutRowPrefix(const std::string& message, uint64_t row) {
  const std::string prefix = "row " + std::to_string(row) + ": ";
  return StartsWith(message, prefix) ? message.substr(prefix.size()) : message;
}

}  // namespace

ImportProgress Importer::Progress() const {
  ImportProgress progress;
  progress.rows_sent = rows_sent_.load();
  progress.rows_committed = rows_committed_.load();
  progress.batches = batches_.load();
  progress.batches_rejected = batches_rejected_.load();
  progress.bytes_read = source_->bytes_read();
  progress.size = source_->size();
  return progress;
}

bool Importer::Send(v1::ImportChunk* chunk) {
  if (chunk->rows_size() == 0) return true;
  if (first_chunk_) {
    chunk->set_batch_size(options_.batch_size);
    first_chunk_ = false;
  }
  const uint64_t rows = static_cast<uint64_t>(chunk->rows_size());
  const uint64_t last = chunk->rows(chunk->rows_size() - 1).row();
  if (!stream_->Write(*chunk)) return false;
  rows_sent_.fetch_add(rows);
  last_row_sent_ = last;
  chunk->Clear();
  return true;
}

void Importer::SendRows() {
  v1::ImportChunk chunk;
  uint64_t chunk_bytes = 0;
  SourceRow row;
  bool call_over = false;
  uint64_t last_row_read = 0;
  while (!stop_.load()) {
    StatusOr<bool> got = source_->Next(&row);
    if (!got.ok()) {
      file_error_ = got.status();
      // A row without an entity makes the master reject the batch this
      // error cut short; the file's rows after it are never sent.
      const uint64_t line = std::max<uint64_t>(source_->line(), last_row_read + 1);
      {
        std::lock_guard<std::mutex> lock(mu_);
        local_errors_[line] = WithoutLinePrefix(file_error_.message());
      }
      chunk.add_rows()->set_row(line);
      break;
    }
    if (!*got) break;
    v1::ImportRow* out = chunk.add_rows();
    out->set_row(row.row);
    last_row_read = row.row;
    if (row.entity) {
      *out->mutable_entity() = std::move(*row.entity);
      out->set_upsert(options_.upsert);
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      local_errors_[row.row] = row.error;
    }
    chunk_bytes += out->ByteSizeLong();
    if (static_cast<uint32_t>(chunk.rows_size()) >= options_.chunk_rows ||
        chunk_bytes >= options_.chunk_bytes) {
      chunk_bytes = 0;
      if (!Send(&chunk)) {
        call_over = true;
        break;
      }
    }
  }
  // After Stop() the rows read but not sent stay unsent.
  if (!call_over && !stop_.load()) call_over = !Send(&chunk);
  if (!call_over && !aborted_.load()) stream_->WritesDone();
}

void Importer::Answer(const v1::ImportBatchResult& result, ImportSummary* summary) {
  batches_.fetch_add(1);
  std::map<uint64_t, std::string> local;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto end = local_errors_.upper_bound(result.last_row());
    if (!result.committed()) {
      local.insert(local_errors_.lower_bound(result.first_row()), end);
    }
    local_errors_.erase(local_errors_.begin(), end);
  }
  if (result.committed()) {
    rows_committed_.fetch_add(result.rows());
    return;
  }
  batches_rejected_.fetch_add(1);
  summary->rows_rejected += result.rows();
  if (summary->rejected.size() >= kMaxKeptRejections) return;
  RejectedBatch batch;
  batch.first_row = result.first_row();
  batch.last_row = result.last_row();
  for (const v1::RowError& error : result.errors()) {
    v1::RowError mine = error;
    auto it = local.find(error.row());
    if (it != local.end()) {
      mine.set_message(it->second);
      local.erase(it);
    } else {
      mine.set_message(WithoutRowPrefix(OneLine(error.message()), error.row()));
    }
    batch.errors.push_back(std::move(mine));
  }
  for (auto& [row, message] : local) {
    v1::RowError error;
    error.set_row(row);
    error.set_message(message);
    batch.errors.push_back(std::move(error));
  }
  std::stable_sort(batch.errors.begin(), batch.errors.end(),
                   [](const v1::RowError& a, const v1::RowError& b) { return a.row() < b.row(); });
  summary->rejected.push_back(std::move(batch));
}

ImportSummary Importer::Run() {
  ImportSummary summary;
  const MonoTime start = clock_->Now();
  std::thread writer([this] { SendRows(); });
  v1::ImportBatchResult result;
  while (stream_->Read(&result)) Answer(result, &summary);
  writer.join();
  summary.call_error = stream_->Finish();
  if (aborted_.load() && !summary.call_error.ok()) {
    summary.call_error = Status::Ok();  // the user cancelled it; reported as interrupted
  }
  summary.elapsed = clock_->Now() - start;
  summary.progress = Progress();
  summary.interrupted = stop_.load();
  summary.last_row_sent = last_row_sent_;
  summary.file_error = file_error_;
  return summary;
}

}  // namespace provisor::ctl
