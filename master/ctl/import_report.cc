#include "master/ctl/import_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace provisor::ctl {
namespace {

constexpr size_t kMaxErrorsPerLine = 3;

double Seconds(Duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

uint64_t Rate(uint64_t rows, Duration elapsed) {
  const double seconds = Seconds(elapsed);
  if (seconds <= 0) return 0;
  return static_cast<uint64_t>(static_cast<double>(rows) / seconds + 0.5);
}

std::string Plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string FormatProgress(const ImportProgress& progress, Duration elapsed, size_t width) {
  std::string line = "sent " + std::to_string(progress.rows_sent) + "  committed " +
                     std::to_string(progress.rows_committed) + "  " +
                     std::to_string(Rate(progress.rows_committed, elapsed)) + " rows/s";
  if (progress.batches_rejected > 0) {
    line += "  " + Plural(progress.batches_rejected, "batch", "batches") + " rejected";
  }
  if (progress.size && *progress.size > 0) {
    const double fraction =
        std::min(1.0, static_cast<double>(progress.bytes_read) / static_cast<double>(*progress.size));
    const int percent = static_cast<int>(fraction * 100);
    const std::string tail = "  " + std::to_string(percent) + "%";
    // The bar takes what is left of the line, between 10 and 40 columns.
    const size_t used = line.size() + 4 + tail.size();
    if (width > used + 10) {
      const size_t bar = std::min<size_t>(40, width - used);
      const size_t filled = static_cast<size_t>(fraction * static_cast<double>(bar));
      line += "  [" + std::string(filled, '#') + std::string(bar - filled, '.') + "]";
    }
    line += tail;
  }
  if (line.size() > width && width > 0) line.resize(width);
  return line;
}

std::string FormatRejectedBatch(const RejectedBatch& batch) {
  std::string line = "rows " + std::to_string(batch.first_row) + "-" +
                     std::to_string(batch.last_row) + " rejected";
  if (batch.errors.empty()) return line + "\n";
  line += ": ";
  for (size_t i = 0; i < batch.errors.size() && i < kMaxErrorsPerLine; ++i) {
    if (i > 0) line += "; ";
    line += "row " + std::to_string(batch.errors[i].row()) + ": " + batch.errors[i].message();
  }
  if (batch.errors.size() > kMaxErrorsPerLine) {
    line += "; and " + Plural(batch.errors.size() - kMaxErrorsPerLine, "more error", "more errors");
  }
  return line + "\n";
}

std::string FormatSummary(const ImportSummary& summary) {
  const ImportProgress& p = summary.progress;
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.1f", Seconds(summary.elapsed));
  std::string out = "imported " + std::to_string(p.rows_committed) + " rows in " + seconds +
                    " s (" + std::to_string(Rate(p.rows_committed, summary.elapsed)) +
                    " rows/s), " + Plural(p.batches_rejected, "batch", "batches") + " rejected";
  if (summary.rows_rejected > 0) {
    out += " (" + Plural(summary.rows_rejected, "row", "rows") + ")";
  }
  out += "\n";
  for (const RejectedBatch& batch : summary.rejected) out += FormatRejectedBatch(batch);
  if (p.batches_rejected > summary.rejected.size()) {
    out += "... and " + Plural(p.batches_rejected - summary.rejected.size(), "more rejected batch",
                               "more rejected batches") + "\n";
  }
  return out;
}

std::optional<std::string> ImportFailure(const ImportSummary& summary) {
  if (!summary.call_error.ok()) return summary.call_error.message();
  if (!summary.file_error.ok()) {
    return summary.file_error.message() + "; nothing after it was sent";
  }
  if (summary.interrupted) {
    if (summary.last_row_sent == 0) return std::string("interrupted; nothing was sent");
    return "interrupted; rows after line " + std::to_string(summary.last_row_sent) +
           " were not sent";
  }
  if (summary.progress.batches_rejected > 0) {
    return std::to_string(summary.progress.batches_rejected) + " of " +
           std::to_string(summary.progress.batches) + " batches rejected";
  }
  return std::nullopt;
}

std::string SummaryJson(const ImportSummary& summary) {
  const ImportProgress& p = summary.progress;
  nlohmann::ordered_json json;
  json["rows_sent"] = p.rows_sent;
  json["rows_committed"] = p.rows_committed;
  json["rows_rejected"] = summary.rows_rejected;
  json["batches"] = p.batches;
  json["batches_rejected"] = p.batches_rejected;
  json["seconds"] = Seconds(summary.elapsed);
  json["rows_per_second"] = Rate(p.rows_committed, summary.elapsed);
  json["interrupted"] = summary.interrupted;
  json["last_row_sent"] = summary.last_row_sent;
  nlohmann::ordered_json rejected = nlohmann::ordered_json::array();
  for (const RejectedBatch& batch : summary.rejected) {
    nlohmann::ordered_json item;
    item["first_row"] = batch.first_row;
    item["last_row"] = batch.last_row;
    item["errors"] = nlohmann::ordered_json::array();
    for (const v1::RowError& error : batch.errors) {
      item["errors"].push_back({{"row", error.row()}, {"message", error.message()}});
    }
    rejected.push_back(std::move(item));
  }
  json["rejected"] = std::move(rejected);
  if (std::optional<std::string> failure = ImportFailure(summary)) json["error"] = *failure;
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace provisor::ctl
