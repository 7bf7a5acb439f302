// RowSource: the records of an import file, one at a time, as entities. Two
// formats: CSV (a header row names the columns; see row_mapper.h) and JSON
// lines (one entity per line; see json_input.h). The file is streamed: only
// the current record is in memory, so files of millions of rows work.
//
// A record that cannot be turned into an entity (a bad value, an unknown
// kind) is a row error and reading goes on; a file that cannot be read on
// (a CSV quote never closed, an I/O error) is a fatal error.
//
// Thread-safety: Next() from one thread; bytes_read() and size() from any.
#ifndef PROVISOR_MASTER_CTL_ROW_SOURCE_H_
#define PROVISOR_MASTER_CTL_ROW_SOURCE_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "provisor/v1/model.pb.h"

namespace provisor::ctl {

enum class SourceFormat { kAuto, kCsv, kJsonLines };

struct SourceRow {
  uint64_t row = 0;                  // the line the record starts on
  std::optional<v1::Entity> entity;  // absent when the record is bad
  std::string error;                 // why, when entity is absent
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // True with *row filled (an entity or a row error); false at the end of
  // the input. A non-OK status is fatal; its message starts "line N: ".
  virtual StatusOr<bool> Next(SourceRow* row) = 0;
  // The line reading stopped at, after a fatal error.
  virtual uint64_t line() const = 0;
  // Bytes consumed from the file so far, and its size when known (a regular
  // file), for a progress bar.
  virtual uint64_t bytes_read() const = 0;
  virtual std::optional<uint64_t> size() const = 0;
};

struct SourceOptions {
  std::optional<v1::EntityKind> kind;  // --kind
  SourceFormat format = SourceFormat::kAuto;
};

// Opens `path` ("-" reads standard input). The format comes from the name
// (.csv, .jsonl, .json) or else from the first non-blank byte ('{' means JSON
// lines). A CSV header is checked here, before anything is sent.
StatusOr<std::unique_ptr<RowSource>> OpenRowSource(const std::string& path,
                                                   const SourceOptions& options);

// Reads `in` (tests). kAuto is not allowed here. `base_dir` resolves
// relative body_file cells.
StatusOr<std::unique_ptr<RowSource>> OpenStreamSource(std::unique_ptr<std::istream> in,
                                                      SourceFormat format,
                                                      std::optional<v1::EntityKind> kind,
                                                      std::string base_dir);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_ROW_SOURCE_H_
