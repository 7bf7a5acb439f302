#include "master/validate.h"

#include "common/render/template.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/entity_kinds.h"
#include "common/mac.h"
#include "common/utf8.h"
#include "common/vendor_crypto.h"

namespace provisor {
namespace {

using google::protobuf::Map;
using google::protobuf::RepeatedPtrField;

constexpr std::string_view kIdCharacters = "A-Z a-z 0-9 . _ : @ + -";

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '@' || c == '+' || c == '-';
}

std::string Bytes(size_t size, size_t limit) {
  return " is " + std::to_string(size) + " bytes, the limit is " + std::to_string(limit);
}

// Builds messages for one entity: "<kind> <key>: <what>".
class Checker {
 public:
  Checker(std::string_view kind, std::string_view key)
      : prefix_(std::string(kind) + (key.empty() ? "" : " ") + std::string(key) + ": ") {}

  Status Error(const std::string& what) const { return InvalidArgumentError(prefix_ + what); }

  // An id field; empty is allowed only when !required.
  Status Id(const std::string& field, const std::string& value, bool required) const {
    if (value.empty()) return required ? Error(field + " is required") : Status::Ok();
    if (value.size() > kMaxIdBytes) return Error(field + Bytes(value.size(), kMaxIdBytes));
    if (!std::all_of(value.begin(), value.end(), IsIdChar)) {
      return Error(field + " " + QuoteForMessage(value) + " has characters outside " +
                   std::string(kIdCharacters));
    }
    return Status::Ok();
  }

  // Free text: valid UTF-8 of at most `limit` bytes.
  Status Text(const std::string& field, const std::string& value,
              size_t limit = kMaxTextBytes) const {
    if (value.size() > limit) return Error(field + Bytes(value.size(), limit));
    if (!IsValidUtf8(value)) return Error(field + " is not valid UTF-8");
    return Status::Ok();
  }

  Status Count(const std::string& field, int size, int limit) const {
    if (size <= limit) return Status::Ok();
    return Error(field + " has " + std::to_string(size) + " entries, the limit is " +
                 std::to_string(limit));
  }

  // A list of non-empty texts.
  Status TextList(const std::string& field, const RepeatedPtrField<std::string>& list) const {
    PROVISOR_RETURN_IF_ERROR(Count(field, list.size(), kMaxListEntries));
    for (int i = 0; i < list.size(); ++i) {
      const std::string name = field + "[" + std::to_string(i) + "]";
      if (list[i].empty()) return Error(name + " is empty");
      PROVISOR_RETURN_IF_ERROR(Text(name, list[i]));
    }
    return Status::Ok();
  }

  // A string map; keys are checked in sorted order so the first problem
  // reported does not depend on hash order.
  Status TextMap(const std::string& field, const Map<std::string, std::string>& map) const {
    PROVISOR_RETURN_IF_ERROR(Count(field, static_cast<int>(map.size()), kMaxMapEntries));
    std::vector<const std::string*> keys;
    keys.reserve(map.size());
    for (const auto& [key, value] : map) keys.push_back(&key);
    std::sort(keys.begin(), keys.end(),
              [](const std::string* a, const std::string* b) { return *a < *b; });
    for (const std::string* key : keys) {
      if (key->empty()) return Error(field + " has an empty key");
      PROVISOR_RETURN_IF_ERROR(Text(field + " key " + QuoteForMessage(*key), *key));
      PROVISOR_RETURN_IF_ERROR(Text(field + "[" + QuoteForMessage(*key) + "]", map.at(*key)));
    }
    return Status::Ok();
  }

  Status AtMost(const std::string& field, uint32_t value, uint32_t limit) const {
    if (value <= limit) return Status::Ok();
    return Error(field + " " + std::to_string(value) + " is more than the limit " +
                 std::to_string(limit));
  }

 private:
  std::string prefix_;
};

// The key shown in messages: the id when it is one, otherwise nothing (the
// id's own error then shows it quoted).
std::string_view KeyForMessage(const std::string& id) {
  return IsValidId(id) ? std::string_view(id) : std::string_view();
}

Status CheckLines(const Checker& check, const RepeatedPtrField<v1::Line>& lines) {
  PROVISOR_RETURN_IF_ERROR(check.Count("lines", lines.size(), kMaxLines));
  for (int i = 0; i < lines.size(); ++i) {
    const v1::Line& line = lines[i];
    const std::string name = "lines[" + std::to_string(i) + "]";
    if (line.index() < 1) return check.Error(name + ".index must be at least 1");
    for (int j = 0; j < i; ++j) {
      if (lines[j].index() == line.index()) {
        return check.Error(name + ".index " + std::to_string(line.index()) + " repeats lines[" +
                           std::to_string(j) + "].index");
      }
    }
    if (line.directory_number().empty()) {
      return check.Error(name + ".directory_number is required");
    }
    if (!IsE164(line.directory_number())) {
      return check.Error(name + ".directory_number " + QuoteForMessage(line.directory_number()) +
                         " is not an E.164 number");
    }
    PROVISOR_RETURN_IF_ERROR(check.Text(name + ".sip_user", line.sip_user()));
    PROVISOR_RETURN_IF_ERROR(check.Text(name + ".auth_user", line.auth_user()));
    PROVISOR_RETURN_IF_ERROR(check.Text(name + ".password", line.password()));
    PROVISOR_RETURN_IF_ERROR(check.Text(name + ".display_name", line.display_name()));
  }
  return Status::Ok();
}

Status CheckLineMap(const Checker& check, const RepeatedPtrField<v1::LineMapping>& map) {
  PROVISOR_RETURN_IF_ERROR(check.Count("line_map", map.size(), kMaxLines));
  for (int i = 0; i < map.size(); ++i) {
    const std::string name = "line_map[" + std::to_string(i) + "]";
    if (map[i].port() < 1) return check.Error(name + ".port must be at least 1");
    for (int j = 0; j < i; ++j) {
      if (map[j].port() == map[i].port()) {
        return check.Error(name + ".port " + std::to_string(map[i].port()) + " repeats line_map[" +
                           std::to_string(j) + "].port");
      }
    }
    if (map[i].subscriber_line() < 1) {
      return check.Error(name + ".subscriber_line must be at least 1");
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsValidId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxIdBytes && std::all_of(id.begin(), id.end(), IsIdChar);
}

bool IsE164(std::string_view number) {
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  if (number.size() < 2 || number.size() > 15 || number.front() == '0') return false;
  return std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status ValidateSubscriber(v1::Subscriber* s) {
  const Checker check("subscriber", KeyForMessage(s->id()));
  PROVISOR_RETURN_IF_ERROR(check.Id("id", s->id(), /*required=*/true));
  PROVISOR_RETURN_IF_ERROR(check.Text("account", s->account()));
  PROVISOR_RETURN_IF_ERROR(check.Text("name", s->name()));
  if (!v1::SubscriberStatus_IsValid(s->status())) {
    return check.Error("status " + std::to_string(s->status()) + " is not a known status");
  }
  PROVISOR_RETURN_IF_ERROR(check.Text("sip_domain", s->sip_domain()));
  PROVISOR_RETURN_IF_ERROR(check.Text("registrar", s->registrar()));
  PROVISOR_RETURN_IF_ERROR(check.Text("proxy", s->proxy()));
  PROVISOR_RETURN_IF_ERROR(check.Text("outbound_proxy", s->outbound_proxy()));
  PROVISOR_RETURN_IF_ERROR(CheckLines(check, s->lines()));
  PROVISOR_RETURN_IF_ERROR(check.Text("ring_tone", s->ring_tone()));
  PROVISOR_RETURN_IF_ERROR(check.Text("class_of_service", s->class_of_service()));
  PROVISOR_RETURN_IF_ERROR(check.AtMost("qos.sip_dscp", s->qos().sip_dscp(), kMaxDscp));
  PROVISOR_RETURN_IF_ERROR(check.AtMost("qos.rtp_dscp", s->qos().rtp_dscp(), kMaxDscp));
  PROVISOR_RETURN_IF_ERROR(check.Id("service_package", s->service_package(), false));
  PROVISOR_RETURN_IF_ERROR(check.TextMap("attributes", s->attributes()));
  if (s->status() == v1::SUBSCRIBER_STATUS_UNSPECIFIED) {
    s->set_status(v1::SUBSCRIBER_STATUS_ACTIVE);
  }
  return Status::Ok();
}

Status ValidateDevice(v1::Device* d) {
  if (d->mac().empty()) return Checker("device", "").Error("mac is required");
  StatusOr<std::string> mac = CanonicalMac(d->mac());
  if (!mac.ok()) return Checker("device", "").Error("mac " + mac.status().message());
  d->set_mac(*mac);
  const Checker check("device", d->mac());
  PROVISOR_RETURN_IF_ERROR(check.Id("model", d->model(), /*required=*/true));
  PROVISOR_RETURN_IF_ERROR(check.Text("serial", d->serial()));
  PROVISOR_RETURN_IF_ERROR(check.Id("subscriber_id", d->subscriber_id(), false));
  PROVISOR_RETURN_IF_ERROR(CheckLineMap(check, d->line_map()));
  PROVISOR_RETURN_IF_ERROR(check.Id("client_class", d->client_class(), false));
  if (!v1::DeviceState_IsValid(d->state())) {
    return check.Error("state " + std::to_string(d->state()) + " is not a known state");
  }
  if (d->secret().size() > kMaxDeviceSecretBytes) {
    return check.Error("secret" + Bytes(d->secret().size(), kMaxDeviceSecretBytes));
  }
  PROVISOR_RETURN_IF_ERROR(check.Text("last_binding.ip", d->last_binding().ip()));
  if (d->state() == v1::DEVICE_STATE_UNSPECIFIED) {
    d->set_state(d->subscriber_id().empty() ? v1::DEVICE_STATE_PREPROVISIONED
                                            : v1::DEVICE_STATE_ACTIVE);
  }
  return Status::Ok();
}

Status ValidateDeviceModel(v1::DeviceModel* m) {
  const Checker check("device model", KeyForMessage(m->id()));
  PROVISOR_RETURN_IF_ERROR(check.Id("id", m->id(), /*required=*/true));
  PROVISOR_RETURN_IF_ERROR(check.Text("vendor", m->vendor()));
  PROVISOR_RETURN_IF_ERROR(check.Text("model", m->model()));
  PROVISOR_RETURN_IF_ERROR(check.Id("template_id", m->template_id(), /*required=*/true));
  PROVISOR_RETURN_IF_ERROR(check.Text("encryption", m->encryption()));
  // Every render of its devices would fail on a cipher nobody knows.
  StatusOr<VendorCipher> cipher = ParseVendorCipher(m->encryption());
  if (!cipher.ok()) return check.Error("encryption: " + cipher.status().message());
  PROVISOR_RETURN_IF_ERROR(check.TextList("file_names", m->file_names()));
  if (m->max_blksize() != 0 &&
      (m->max_blksize() < kMinBlockSize || m->max_blksize() > kMaxBlockSize)) {
    return check.Error("max_blksize " + std::to_string(m->max_blksize()) + " is outside " +
                       std::to_string(kMinBlockSize) + ".." + std::to_string(kMaxBlockSize) +
                       " (0 means the slave's limit)");
  }
  PROVISOR_RETURN_IF_ERROR(check.TextList("refused_options", m->refused_options()));
  return Status::Ok();
}

Status ValidateTemplate(v1::Template* t) {
  const Checker check("template", KeyForMessage(t->id()));
  PROVISOR_RETURN_IF_ERROR(check.Id("id", t->id(), /*required=*/true));
  if (t->body().size() > kMaxTemplateBodyBytes) {
    return check.Error("body is " + std::to_string(t->body().size()) +
                       " bytes, the limit is 1 MiB");
  }
  PROVISOR_RETURN_IF_ERROR(check.Text("body", t->body(), kMaxTemplateBodyBytes));
  PROVISOR_RETURN_IF_ERROR(check.Text("content_type", t->content_type()));
  // A template that does not compile is refused at upload, with where.
  return CompiledTemplate::Check(t->id(), t->body());
}

Status ValidateServicePackage(v1::ServicePackage* p) {
  const Checker check("service package", KeyForMessage(p->id()));
  PROVISOR_RETURN_IF_ERROR(check.Id("id", p->id(), /*required=*/true));
  PROVISOR_RETURN_IF_ERROR(check.Text("description", p->description()));
  PROVISOR_RETURN_IF_ERROR(check.Id("template_id", p->template_id(), false));
  PROVISOR_RETURN_IF_ERROR(check.TextMap("parameters", p->parameters()));
  return Status::Ok();
}

Status ValidateClientClass(v1::ClientClass* c) {
  const Checker check("client class", KeyForMessage(c->id()));
  PROVISOR_RETURN_IF_ERROR(check.Id("id", c->id(), /*required=*/true));
  PROVISOR_RETURN_IF_ERROR(check.Text("description", c->description()));
  PROVISOR_RETURN_IF_ERROR(check.Id("template_id", c->template_id(), false));
  PROVISOR_RETURN_IF_ERROR(check.Id("service_package", c->service_package(), false));
  return Status::Ok();
}

Status ValidateSlave(v1::Slave* s) {
  const Checker check("slave", KeyForMessage(s->id()));
  PROVISOR_RETURN_IF_ERROR(check.Id("id", s->id(), /*required=*/true));
  if (s->address().empty()) return check.Error("address is required");
  PROVISOR_RETURN_IF_ERROR(check.Text("address", s->address()));
  PROVISOR_RETURN_IF_ERROR(check.AtMost("weight", s->weight(), kMaxSlaveWeight));
  return Status::Ok();
}

Status ValidateKeyEpoch(v1::KeyEpoch* k) {
  const Checker check("key epoch", std::to_string(k->epoch()));
  if (k->key().empty()) return check.Error("key is required");
  return Status::Ok();
}

Status ValidateDeviceForModel(const v1::Device& device, const v1::DeviceModel& model) {
  StatusOr<VendorCipher> cipher = ParseVendorCipher(model.encryption());
  if (!cipher.ok()) {
    return FailedPreconditionError("device " + device.mac() + ": model " + model.id() +
                                   " has encryption: " + cipher.status().message());
  }
  if (*cipher == VendorCipher::kNone) return Status::Ok();
  const std::string cipher_name(VendorCipherName(*cipher));
  if (device.secret().empty()) {
    return FailedPreconditionError("device " + device.mac() + ": secret is required: model " +
                                   model.id() + " encrypts with " + cipher_name);
  }
  Status key = ValidateVendorKey(*cipher, device.secret());
  if (!key.ok()) {
    return FailedPreconditionError("device " + device.mac() + ": secret does not fit model " +
                                   model.id() + "'s encryption: " + key.message());
  }
  return Status::Ok();
}

namespace {

// Each kind's validation, applied to the message the table of kinds finds.
template <typename T, Status (*kValidate)(T*)>
Status ValidateAs(google::protobuf::Message* message) {
  return kValidate(static_cast<T*>(message));
}

struct KindValidator {
  v1::EntityKind kind;
  Status (*validate)(google::protobuf::Message* message);
};

constexpr KindValidator kValidators[] = {
    {v1::ENTITY_KIND_SUBSCRIBER, ValidateAs<v1::Subscriber, ValidateSubscriber>},
    {v1::ENTITY_KIND_DEVICE, ValidateAs<v1::Device, ValidateDevice>},
    {v1::ENTITY_KIND_MODEL, ValidateAs<v1::DeviceModel, ValidateDeviceModel>},
    {v1::ENTITY_KIND_TEMPLATE, ValidateAs<v1::Template, ValidateTemplate>},
    {v1::ENTITY_KIND_PACKAGE, ValidateAs<v1::ServicePackage, ValidateServicePackage>},
    {v1::ENTITY_KIND_CLIENT_CLASS, ValidateAs<v1::ClientClass, ValidateClientClass>},
    {v1::ENTITY_KIND_SLAVE, ValidateAs<v1::Slave, ValidateSlave>},
    {v1::ENTITY_KIND_KEY_EPOCH, ValidateAs<v1::KeyEpoch, ValidateKeyEpoch>},
};

}  // namespace

Status ValidateEntity(v1::Entity* e) {
  const EntityKindInfo* row = FindKind(*e);
  if (row == nullptr) {
    return InvalidArgumentError("entity: no kind is set (subscriber, device, model, ...)");
  }
  for (const KindValidator& validator : kValidators) {
    if (validator.kind == row->kind) return validator.validate(row->mutable_message(e));
  }
  return InternalError("entity: no validation for kind " + std::string(row->name));
}

}  // namespace provisor
