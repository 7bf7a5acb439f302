// How provisorctl shows entities: one table row per entity for `list`,
// field/value pairs for `get`, and the protobuf JSON mapping (proto field
// names) for --json.
//
// Thread-safety: pure functions.
#ifndef PROVISOR_MASTER_CTL_ENTITY_FORMAT_H_
#define PROVISOR_MASTER_CTL_ENTITY_FORMAT_H_

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "master/ctl/table.h"
#include "provisor/v1/model.pb.h"

namespace provisor::ctl {

// An empty table with the list columns of `kind` (MAC, MODEL, SUBSCRIBER ...).
Table MakeListTable(v1::EntityKind kind);
// The cells of one list row, matching MakeListTable(KindOf(entity)).
std::vector<std::string> ListRow(const v1::Entity& entity);

// Every set field of `message`, flattened: "qos.sip_dscp", "lines[0].sip_user",
// "attributes.floor" (map keys sorted). Enums by short lower-case name
// ("active"), bytes in hex, repeated scalars joined by ", ".
std::vector<std::pair<std::string, std::string>> FieldPairs(
    const google::protobuf::Message& message);

// The protobuf JSON mapping with proto field names; `multiline` indents.
StatusOr<std::string> ToJson(const google::protobuf::Message& message, bool multiline);

// "DEVICE_STATE_ACTIVE" -> "active".
std::string EnumShortName(const google::protobuf::EnumValueDescriptor* value);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_ENTITY_FORMAT_H_
