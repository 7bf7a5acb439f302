#include "master/ctl/importer.h"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>

#include "common/clock.h"
#include "master/ctl/import_report.h"

namespace provisor::ctl {
namespace {

// The master's side of Import, in memory: batches of batch_size rows, a row
// without an entity or with a key in `bad_keys` rejects its batch.
class FakeStream final : public ImportStream {
 public:
  bool Write(const v1::ImportChunk& chunk) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_ || ended_) return false;
    chunks.push_back(chunk);
    if (chunks.size() == 1 && chunk.batch_size() > 0) batch_size_ = chunk.batch_size();
    for (const v1::ImportRow& row : chunk.rows()) {
      if (current_.rows() == 0) current_.set_first_row(row.row());
      current_.set_last_row(row.row());
      current_.set_rows(current_.rows() + 1);
      std::string problem;
      if (row.entity().kind_case() == v1::Entity::KIND_NOT_SET) {
        problem = "entity: no kind is set";
      } else if (bad_keys.contains(row.entity().device().mac())) {
        problem = "row " + std::to_string(row.row()) + ": model does not exist";
      }
      if (!problem.empty()) {
        v1::RowError* error = current_.add_errors();
        error->set_row(row.row());
        error->set_message(problem);
      }
      if (current_.rows() == batch_size_) Flush();
    }
    return true;
  }
  bool WritesDone() override {
    std::lock_guard<std::mutex> lock(mu_);
    writes_done = true;
    if (current_.rows() > 0) Flush();
    ended_ = true;
    cv_.notify_all();
    return true;
  }
  bool Read(v1::ImportBatchResult* result) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !results_.empty() || ended_ || cancelled_; });
    if (results_.empty() || cancelled_) return false;
    *result = results_.front();
    results_.pop_front();
    return true;
  }
  void Cancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }
  Status Finish() override {
    return cancelled_ ? Status(StatusCode::kCancelled, "cancelled") : Status::Ok();
  }

  std::vector<v1::ImportChunk> chunks;
  std::set<std::string> bad_keys;
  bool writes_done = false;

 private:
  void Flush() {
    current_.set_committed(current_.errors_size() == 0);
    results_.push_back(current_);
    current_.Clear();
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  uint32_t batch_size_ = 1000;
  v1::ImportBatchResult current_;
  std::deque<v1::ImportBatchResult> results_;
  bool ended_ = false;
  bool cancelled_ = false;
};

// Rows 2..n+1 (line numbers after a header) of devices; `on_row` sees each
// row number before it is returned.
class FakeSource final : public RowSource {
 public:
  explicit FakeSource(uint64_t rows) : rows_(rows) {}

  StatusOr<bool> Next(SourceRow* row) override {
    if (next_ > rows_) return false;
    const uint64_t line = ++next_;  // line 2 is the first row
    if (on_row) on_row(line);
    if (line == fatal_line) {
      return InvalidArgumentError("line " + std::to_string(line) + ": quoted field is never closed");
    }
    row->row = line;
    if (bad_lines.contains(line)) {
      row->entity.reset();
      row->error = "state: 'actve' is not one of preprovisioned, unbound, active, suspended";
    } else {
      row->entity.emplace();
      row->entity->mutable_device()->set_mac("m" + std::to_string(line));
      row->error.clear();
    }
    return true;
  }
  uint64_t line() const override { return next_; }
  uint64_t bytes_read() const override { return next_ * 10; }
  std::optional<uint64_t> size() const override { return rows_ * 10; }

  std::set<uint64_t> bad_lines;
  uint64_t fatal_line = 0;
  std::function<void(uint64_t)> on_row;

 private:
  uint64_t rows_;
  uint64_t next_ = 1;
};

TEST_CASE("rows stream in chunks and every batch is answered") {
  FakeSource source(2500);
  FakeStream stream;
  FakeClock clock;
  ImportOptions options;
  options.batch_size = 1000;
  options.upsert = true;
  Importer importer(&source, &stream, &clock, options);
  ImportSummary summary = importer.Run();
  CHECK(summary.progress.rows_sent == 2500);
  CHECK(summary.progress.rows_committed == 2500);
  CHECK(summary.progress.batches == 3);
  CHECK(summary.progress.batches_rejected == 0);
  CHECK(summary.last_row_sent == 2501);
  CHECK(stream.writes_done);
  REQUIRE(stream.chunks.size() == 5);
  CHECK(stream.chunks[0].batch_size() == 1000);
  CHECK(stream.chunks[1].batch_size() == 0);
  CHECK(stream.chunks[0].rows_size() == 500);
  CHECK(stream.chunks[0].rows(0).row() == 2);
  CHECK(stream.chunks[0].rows(0).upsert());
  CHECK_FALSE(ImportFailure(summary).has_value());
}

TEST_CASE("a row the client cannot map rejects its batch with the client's message") {
  FakeSource source(3000);
  source.bad_lines = {1438};
  FakeStream stream;
  stream.bad_keys = {"m2501"};
  FakeClock clock;
  Importer importer(&source, &stream, &clock, ImportOptions());
  ImportSummary summary = importer.Run();
  CHECK(summary.progress.rows_sent == 3000);
  CHECK(summary.progress.rows_committed == 1000);
  CHECK(summary.progress.batches_rejected == 2);
  CHECK(summary.rows_rejected == 2000);
  REQUIRE(summary.rejected.size() == 2);
  CHECK(FormatRejectedBatch(summary.rejected[0]) ==
        "rows 1002-2001 rejected: row 1438: state: 'actve' is not one of preprovisioned, "
        "unbound, active, suspended\n");
  // The master's "row N: " prefix is not repeated.
  CHECK(FormatRejectedBatch(summary.rejected[1]) ==
        "rows 2002-3001 rejected: row 2501: model does not exist\n");
  CHECK(ImportFailure(summary) == "2 of 3 batches rejected");
}

TEST_CASE("a broken file rejects the batch it cut short and stops") {
  FakeSource source(3000);
  source.fatal_line = 1301;
  FakeStream stream;
  FakeClock clock;
  Importer importer(&source, &stream, &clock, ImportOptions());
  ImportSummary summary = importer.Run();
  CHECK(summary.progress.rows_committed == 1000);
  CHECK(summary.progress.rows_sent == 1300);  // 1299 rows and the marker row
  REQUIRE(summary.rejected.size() == 1);
  CHECK(FormatRejectedBatch(summary.rejected[0]) ==
        "rows 1002-1301 rejected: row 1301: quoted field is never closed\n");
  CHECK(ImportFailure(summary) ==
        "line 1301: quoted field is never closed; nothing after it was sent");
}

TEST_CASE("Stop sends nothing more, half-closes and still counts every answer") {
  FakeSource source(100000);
  FakeStream stream;
  FakeClock clock;
  ImportOptions options;
  options.batch_size = 1000;
  Importer importer(&source, &stream, &clock, options);
  source.on_row = [&](uint64_t line) {
    if (line == 1800) importer.Stop();
  };
  ImportSummary summary = importer.Run();
  CHECK(summary.interrupted);
  CHECK(stream.writes_done);
  // Chunks of 500: rows up to line 1501 went out; the chunk being filled did not.
  CHECK(summary.progress.rows_sent == 1500);
  CHECK(summary.progress.rows_committed == 1500);  // the master commits the partial batch
  CHECK(summary.progress.batches == 2);
  CHECK(ImportFailure(summary) == "interrupted; rows after line 1501 were not sent");
}

TEST_CASE("Abort cancels the call and reports an interruption") {
  FakeSource source(100000);
  FakeStream stream;
  FakeClock clock;
  Importer importer(&source, &stream, &clock, ImportOptions());
  source.on_row = [&](uint64_t line) {
    if (line == 2600) importer.Abort();
  };
  ImportSummary summary = importer.Run();
  CHECK(summary.interrupted);
  CHECK(summary.call_error.ok());
  CHECK_FALSE(stream.writes_done);
  CHECK(ImportFailure(summary)->find("interrupted") == 0);
}

}  // namespace
}  // namespace provisor::ctl
