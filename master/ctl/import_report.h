// What `provisorctl import` prints: the progress line on a terminal, the
// summary at the end ("imported 1000 rows in 1.2 s (833 rows/s), 0 batches
// rejected"), one line per rejected batch ("rows 1001-2000 rejected: row
// 1437: ..."), the one-line failure for stderr, and the same as JSON.
//
// Thread-safety: pure functions.
#ifndef PROVISOR_MASTER_CTL_IMPORT_REPORT_H_
#define PROVISOR_MASTER_CTL_IMPORT_REPORT_H_

#include <optional>
#include <string>

#include "master/ctl/importer.h"

namespace provisor::ctl {

// One line without a line break, at most `width` columns:
// "sent 120000  committed 118000  9800 rows/s  [#####.....]  42%".
std::string FormatProgress(const ImportProgress& progress, Duration elapsed, size_t width);

// The summary line, then one line per rejected batch kept, each ending "\n".
std::string FormatSummary(const ImportSummary& summary);

// "rows 1001-2000 rejected: row 1437: message" (errors joined by "; ").
std::string FormatRejectedBatch(const RejectedBatch& batch);

// Why the import failed, in one line; nullopt when it succeeded.
std::optional<std::string> ImportFailure(const ImportSummary& summary);

// The summary as one JSON document.
std::string SummaryJson(const ImportSummary& summary);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_IMPORT_REPORT_H_
