// JSON input of provisorctl: entities written in the protobuf JSON mapping
// (field names as in model.proto or in lowerCamelCase, enums by full name,
// bytes in base64), as `add --json '{...}'` and as the lines of a JSON-lines
// import file.
//
// Thread-safety: pure functions.
#ifndef PROVISOR_MASTER_CTL_JSON_INPUT_H_
#define PROVISOR_MASTER_CTL_JSON_INPUT_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "provisor/v1/model.pb.h"

namespace provisor::ctl {

// Parses `json` as the bare message of `kind` (a Device for devices, ...).
StatusOr<v1::Entity> ParseMessageJson(std::string_view json, v1::EntityKind kind);

// One line of a JSON-lines import: a provisor.v1.Entity ({"device": {...}}),
// or, when `kind` is given, the bare message of that kind (an Entity of that
// kind is accepted too). An Entity of no kind, or of another kind than
// `kind`, is an error.
StatusOr<v1::Entity> ParseEntityJsonLine(std::string_view line,
                                         std::optional<v1::EntityKind> kind);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_JSON_INPUT_H_
