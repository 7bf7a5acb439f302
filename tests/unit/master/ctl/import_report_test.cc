#include "master/ctl/import_report.h"

#include <catch2/catch.hpp>

namespace provisor::ctl {
namespace {

v1::RowError Error(uint64_t row, const std::string& message) {
  v1::RowError error;
  error.set_row(row);
  error.set_message(message);
  return error;
}

TEST_CASE("the summary names the rate and every rejected batch") {
  ImportSummary summary;
  summary.progress.rows_sent = 3000;
  summary.progress.rows_committed = 2000;
  summary.progress.batches = 3;
  summary.progress.batches_rejected = 1;
  summary.rows_rejected = 1000;
  summary.elapsed = std::chrono::milliseconds(12300);
  RejectedBatch batch;
  batch.first_row = 1001;
  batch.last_row = 2000;
  batch.errors = {Error(1437, "model 'x' does not exist")};
  summary.rejected.push_back(batch);
  CHECK(FormatSummary(summary) ==
        "imported 2000 rows in 12.3 s (163 rows/s), 1 batch rejected (1000 rows)\n"
        "rows 1001-2000 rejected: row 1437: model 'x' does not exist\n");
  CHECK(ImportFailure(summary) == "1 of 3 batches rejected");
  const std::string json = SummaryJson(summary);
  CHECK(json.find("\"rows_committed\": 2000") != std::string::npos);
  CHECK(json.find("\"message\": \"model 'x' does not exist\"") != std::string::npos);
}

TEST_CASE("a clean import has no failure line") {
  ImportSummary summary;
  summary.progress.rows_committed = 1000000;
  summary.progress.batches = 1000;
  summary.elapsed = std::chrono::milliseconds(12300);
  CHECK(FormatSummary(summary) ==
        "imported 1000000 rows in 12.3 s (81301 rows/s), 0 batches rejected\n");
  CHECK_FALSE(ImportFailure(summary).has_value());
}

TEST_CASE("many errors in one batch are cut short") {
  RejectedBatch batch;
  batch.first_row = 2;
  batch.last_row = 11;
  for (uint64_t row = 2; row < 8; ++row) batch.errors.push_back(Error(row, "bad"));
  CHECK(FormatRejectedBatch(batch) ==
        "rows 2-11 rejected: row 2: bad; row 3: bad; row 4: bad; and 3 more errors\n");
}

TEST_CASE("the progress line fits the terminal") {
  ImportProgress progress;
  progress.rows_sent = 120000;
  progress.rows_committed = 100000;
  progress.bytes_read = 50;
  progress.size = 200;
  const std::string line = FormatProgress(progress, std::chrono::seconds(10), 80);
  CHECK(line.find("sent 120000  committed 100000  10000 rows/s  [") == 0);
  CHECK(line.find("]  25%") != std::string::npos);
  CHECK(line.size() <= 80);
  // Too narrow for a bar: the percentage alone; without a size: neither.
  CHECK(FormatProgress(progress, std::chrono::seconds(10), 50).find('[') == std::string::npos);
  progress.size.reset();
  CHECK(FormatProgress(progress, std::chrono::seconds(10), 80) ==
        "sent 120000  committed 100000  10000 rows/s");
}

}  // namespace
}  // namespace provisor::ctl
