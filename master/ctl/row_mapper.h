// RowMapper: turns the records of an import CSV into provisor.v1.Entity
// messages. The header names the columns (see fields.h); the kind comes from
// --kind or from a "kind" column (then each row says what it is, and a column
// may belong to any kind, but a non-empty cell must belong to its row's kind).
// Empty cells leave their field unset.
//
// Every column is resolved when the mapper is created, so an unknown column
// fails before any row is read or sent. Error messages carry no line number:
// the caller prefixes "line N: ".
//
// Thread-safety: Map() is const and may be called from any thread.
#ifndef PROVISOR_MASTER_CTL_ROW_MAPPER_H_
#define PROVISOR_MASTER_CTL_ROW_MAPPER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "master/ctl/fields.h"
#include "provisor/v1/model.pb.h"

namespace provisor::ctl {

class RowMapper {
 public:
  // `base_dir` resolves relative body_file cells (the CSV file's directory).
  static StatusOr<RowMapper> Create(const std::vector<std::string>& header,
                                    std::optional<v1::EntityKind> kind, std::string base_dir);

  // Maps one record with as many fields as the header.
  StatusOr<v1::Entity> Map(const std::vector<std::string>& fields) const;

 private:
  RowMapper() = default;

  std::vector<std::string> header_;
  std::optional<v1::EntityKind> kind_;  // from --kind
  int kind_column_ = -1;                // index of the "kind" column, or -1
  // Per kind: one entry per column, nullopt where the column is not a field
  // of that kind (or is the kind column).
  std::map<v1::EntityKind, std::vector<std::optional<FieldRef>>> columns_;
  std::string base_dir_;
};

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_ROW_MAPPER_H_
