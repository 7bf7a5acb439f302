#include "master/ctl/json_input.h"

#include <google/protobuf/util/json_util.h>

#include "master/ctl/entity_kind.h"
#include "master/ctl/text.h"

namespace provisor::ctl {
namespace {

Status ParseInto(std::string_view json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, options);
  if (!status.ok()) {
    return InvalidArgumentError("not a valid " + message->GetDescriptor()->name() +
                                " in JSON: " + OneLine(std::string(status.message())));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<v1::Entity> ParseMessageJson(std::string_view json, v1::EntityKind kind) {
  v1::Entity entity;
  google::protobuf::Message* message = MutablePayload(kind, &entity);
  if (message == nullptr) return InvalidArgumentError("no entity kind given");
  PROVISOR_RETURN_IF_ERROR(ParseInto(json, message));
  return entity;
}

StatusOr<v1::Entity> ParseEntityJsonLine(std::string_view line,
                                         std::optional<v1::EntityKind> kind) {
  if (kind) {
    StatusOr<v1::Entity> bare = ParseMessageJson(line, *kind);
    if (bare.ok()) return bare;
    v1::Entity wrapped;
    if (!ParseInto(line, &wrapped).ok()) return bare.status();
    if (KindOf(wrapped) != *kind) {
      return InvalidArgumentError("a " + std::string(KindName(KindOf(wrapped))) +
                                  " but --kind is " + std::string(KindName(*kind)));
    }
    return wrapped;
  }
  v1::Entity entity;
  PROVISOR_RETURN_IF_ERROR(ParseInto(line, &entity));
  if (KindOf(entity) == v1::ENTITY_KIND_UNSPECIFIED) {
    return InvalidArgumentError(
        "no entity kind: expected {\"device\": {...}} (or pass --kind for bare messages)");
  }
  return entity;
}

}  // namespace provisor::ctl
