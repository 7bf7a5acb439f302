#include "master/ctl/fields.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>

#include "master/ctl/entity_kind.h"
#include "master/ctl/text.h"

namespace provisor::ctl {
namespace {

struct PlainField {
  std::string_view name;
  FieldId id;
};

constexpr PlainField kSubscriberFields[] = {
    {"id", FieldId::kSubscriberId},
    {"account", FieldId::kAccount},
    {"name", FieldId::kName},
    {"status", FieldId::kStatus},
    {"sip_domain", FieldId::kSipDomain},
    {"registrar", FieldId::kRegistrar},
    {"proxy", FieldId::kProxy},
    {"outbound_proxy", FieldId::kOutboundProxy},
    {"ring_tone", FieldId::kRingTone},
    {"class_of_service", FieldId::kClassOfService},
    {"sip_dscp", FieldId::kSipDscp},
    {"rtp_dscp", FieldId::kRtpDscp},
    {"service_package", FieldId::kSubscriberPackage},
};
constexpr PlainField kDeviceFields[] = {
    {"mac", FieldId::kMac},
    {"model", FieldId::kDeviceModel},
    {"serial", FieldId::kSerial},
    {"subscriber_id", FieldId::kDeviceSubscriber},
    {"client_class", FieldId::kDeviceClass},
    {"state", FieldId::kState},
    {"secret", FieldId::kSecret},
};
constexpr PlainField kModelFields[] = {
    {"id", FieldId::kModelId},
    {"vendor", FieldId::kVendor},
    {"model", FieldId::kModelName},
    {"template_id", FieldId::kModelTemplate},
    {"encryption", FieldId::kEncryption},
    {"max_blksize", FieldId::kMaxBlksize},
    {"file_names", FieldId::kFileNames},
    {"refused_options", FieldId::kRefusedOptions},
};
constexpr PlainField kTemplateFields[] = {
    {"id", FieldId::kTemplateId},
    {"content_type", FieldId::kContentType},
    {"body", FieldId::kBody},
    {"body_file", FieldId::kBodyFile},
};
constexpr PlainField kPackageFields[] = {
    {"id", FieldId::kPackageId},
    {"description", FieldId::kPackageDescription},
    {"template_id", FieldId::kPackageTemplate},
};
constexpr PlainField kClassFields[] = {
    {"id", FieldId::kClassId},
    {"description", FieldId::kClassDescription},
    {"template_id", FieldId::kClassTemplate},
    {"service_package", FieldId::kClassPackage},
};

struct LineSuffix {
  std::string_view suffix;
  FieldId id;
};
constexpr LineSuffix kLineSuffixes[] = {
    {"number", FieldId::kLineNumber},
    {"user", FieldId::kLineUser},
    {"auth_user", FieldId::kLineAuthUser},
    {"password", FieldId::kLinePassword},
    {"display_name", FieldId::kLineDisplayName},
};

// Template bodies are at most 1 MiB (model.proto).
constexpr uintmax_t kMaxBodyBytes = 1 << 20;

// Each managed kind's plain columns (ResolveField parses the patterned
// ones: lineN_..., attr.NAME, portN_line, param.NAME).
struct KindFields {
  v1::EntityKind kind;
  std::span<const PlainField> plain;
};

constexpr KindFields kKindFields[] = {
    {v1::ENTITY_KIND_SUBSCRIBER, kSubscriberFields}, {v1::ENTITY_KIND_DEVICE, kDeviceFields},
    {v1::ENTITY_KIND_MODEL, kModelFields},           {v1::ENTITY_KIND_TEMPLATE, kTemplateFields},
    {v1::ENTITY_KIND_PACKAGE, kPackageFields},       {v1::ENTITY_KIND_CLIENT_CLASS, kClassFields},
};

std::span<const PlainField> PlainFieldsOf(v1::EntityKind kind) {
  for (const KindFields& fields : kKindFields) {
    if (fields.kind == kind) return fields.plain;
  }
  return {};
}

const PlainField* FindPlainForKind(v1::EntityKind kind, std::string_view name) {
  for (const PlainField& field : PlainFieldsOf(kind)) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

// Parses "<prefix><N>_<rest>" with 1 <= N <= max; returns N and sets *rest.
uint32_t ParseIndexed(std::string_view name, std::string_view prefix, uint32_t max,
                      std::string_view* rest) {
  if (!StartsWith(name, prefix)) return 0;
  name.remove_prefix(prefix.size());
  uint32_t index = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
  if (ec != std::errc() || ptr == name.data() || *name.data() == '0') return 0;
  std::string_view after(ptr, name.data() + name.size() - ptr);
  if (index < 1 || index > max || !StartsWith(after, "_")) return 0;
  *rest = after.substr(1);
  return index;
}

// "" -> UNSPECIFIED (0); "active", "ACTIVE", "SUBSCRIBER_STATUS_ACTIVE".
// The short name is what follows the prefix all values share, found from
// the "<PREFIX>UNSPECIFIED" value.
StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor* type, std::string_view text) {
  std::string_view trimmed = Trim(text);
  if (trimmed.empty()) return 0;
  const std::string wanted = Lower(trimmed);
  std::string prefix = Lower(type->value(0)->name());
  if (const size_t cut = prefix.rfind("unspecified"); cut != std::string::npos) {
    prefix.resize(cut);
  } else {
    prefix.clear();
  }
  std::string known;
  for (int i = 0; i < type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = type->value(i);
    const std::string full = Lower(value->name());
    const std::string short_name = StartsWith(full, prefix) ? full.substr(prefix.size()) : full;
    if (wanted == short_name || wanted == full) return value->number();
    if (value->number() != 0) known += (known.empty() ? "" : ", ") + short_name;
  }
  return InvalidArgumentError("'" + std::string(trimmed) + "' is not one of " + known);
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    const size_t semicolon = text.find(';');
    std::string_view item = Trim(text.substr(0, semicolon));
    if (!item.empty()) items.emplace_back(item);
    if (semicolon == std::string_view::npos) break;
    text.remove_prefix(semicolon + 1);
  }
  return items;
}

StatusOr<std::string> ReadBodyFile(std::string_view value, const std::string& base_dir) {
  std::filesystem::path path{std::string(Trim(value))};
  if (path.is_relative() && !base_dir.empty()) path = std::filesystem::path(base_dir) / path;
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(path, error);
  if (error) {
    return NotFoundError("cannot read " + path.string() + ": " + error.message());
  }
  if (size > kMaxBodyBytes) {
    return InvalidArgumentError(path.string() + " is larger than 1 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return NotFoundError("cannot read " + path.string());
  return body;
}

v1::Line* LineAt(v1::Subscriber* subscriber, uint32_t index) {
  for (v1::Line& line : *subscriber->mutable_lines()) {
    if (line.index() == index) return &line;
  }
  v1::Line* line = subscriber->add_lines();
  line->set_index(index);
  return line;
}

v1::LineMapping* PortAt(v1::Device* device, uint32_t port) {
  for (v1::LineMapping& mapping : *device->mutable_line_map()) {
    if (mapping.port() == port) return &mapping;
  }
  v1::LineMapping* mapping = device->add_line_map();
  mapping->set_port(port);
  return mapping;
}

Status Apply(const FieldRef& field, std::string_view value, const std::string& base_dir,
             v1::Entity* entity) {
  const std::string text(value);
  switch (field.id) {
    // Subscriber.
    case FieldId::kSubscriberId: entity->mutable_subscriber()->set_id(text); break;
    case FieldId::kAccount: entity->mutable_subscriber()->set_account(text); break;
    case FieldId::kName: entity->mutable_subscriber()->set_name(text); break;
    case FieldId::kStatus: {
      StatusOr<int> status = ParseEnum(v1::SubscriberStatus_descriptor(), value);
      if (!status.ok()) return status.status();
      entity->mutable_subscriber()->set_status(static_cast<v1::SubscriberStatus>(*status));
      break;
    }
    case FieldId::kSipDomain: entity->mutable_subscriber()->set_sip_domain(text); break;
    case FieldId::kRegistrar: entity->mutable_subscriber()->set_registrar(text); break;
    case FieldId::kProxy: entity->mutable_subscriber()->set_proxy(text); break;
    case FieldId::kOutboundProxy: entity->mutable_subscriber()->set_outbound_proxy(text); break;
    case FieldId::kRingTone: entity->mutable_subscriber()->set_ring_tone(text); break;
    case FieldId::kClassOfService:
      entity->mutable_subscriber()->set_class_of_service(text);
      break;
    case FieldId::kSipDscp:
    case FieldId::kRtpDscp: {
      StatusOr<uint32_t> dscp = ParseUint32(value, 63);
      if (!dscp.ok()) return dscp.status();
      v1::Qos* qos = entity->mutable_subscriber()->mutable_qos();
      if (field.id == FieldId::kSipDscp) {
        qos->set_sip_dscp(*dscp);
      } else {
        qos->set_rtp_dscp(*dscp);
      }
      break;
    }
    case FieldId::kSubscriberPackage:
      entity->mutable_subscriber()->set_service_package(text);
      break;
    case FieldId::kLineNumber:
      LineAt(entity->mutable_subscriber(), field.index)->set_directory_number(text);
      break;
    case FieldId::kLineUser:
      LineAt(entity->mutable_subscriber(), field.index)->set_sip_user(text);
      break;
    case FieldId::kLineAuthUser:
      LineAt(entity->mutable_subscriber(), field.index)->set_auth_user(text);
      break;
    case FieldId::kLinePassword:
      LineAt(entity->mutable_subscriber(), field.index)->set_password(text);
      break;
    case FieldId::kLineDisplayName:
      LineAt(entity->mutable_subscriber(), field.index)->set_display_name(text);
      break;
    case FieldId::kAttribute:
      (*entity->mutable_subscriber()->mutable_attributes())[field.key] = text;
      break;
    // Device.
    case FieldId::kMac: entity->mutable_device()->set_mac(std::string(Trim(value))); break;
    case FieldId::kDeviceModel: entity->mutable_device()->set_model(text); break;
    case FieldId::kSerial: entity->mutable_device()->set_serial(text); break;
    case FieldId::kDeviceSubscriber: entity->mutable_device()->set_subscriber_id(text); break;
    case FieldId::kDeviceClass: entity->mutable_device()->set_client_class(text); break;
    case FieldId::kState: {
      StatusOr<int> state = ParseEnum(v1::DeviceState_descriptor(), value);
      if (!state.ok()) return state.status();
      entity->mutable_device()->set_state(static_cast<v1::DeviceState>(*state));
      break;
    }
    case FieldId::kSecret: {
      StatusOr<std::string> secret = HexDecode(value);
      if (!secret.ok()) return secret.status();
      entity->mutable_device()->set_secret(std::move(*secret));
      break;
    }
    case FieldId::kPortLine: {
      StatusOr<uint32_t> line = ParseUint32(value, kMaxPorts);
      if (!line.ok()) return line.status();
      PortAt(entity->mutable_device(), field.index)->set_subscriber_line(*line);
      break;
    }
    // DeviceModel.
    case FieldId::kModelId: entity->mutable_model()->set_id(text); break;
    case FieldId::kVendor: entity->mutable_model()->set_vendor(text); break;
    case FieldId::kModelName: entity->mutable_model()->set_model(text); break;
    case FieldId::kModelTemplate: entity->mutable_model()->set_template_id(text); break;
    case FieldId::kEncryption: entity->mutable_model()->set_encryption(text); break;
    case FieldId::kMaxBlksize: {
      StatusOr<uint32_t> blksize = ParseUint32(value, 65464);
      if (!blksize.ok()) return blksize.status();
      entity->mutable_model()->set_max_blksize(*blksize);
      break;
    }
    case FieldId::kFileNames: {
      v1::DeviceModel* model = entity->mutable_model();
      model->clear_file_names();
      for (std::string& name : SplitList(value)) model->add_file_names(std::move(name));
      break;
    }
    case FieldId::kRefusedOptions: {
      v1::DeviceModel* model = entity->mutable_model();
      model->clear_refused_options();
      for (std::string& name : SplitList(value)) model->add_refused_options(std::move(name));
      break;
    }
    // Template.
    case FieldId::kTemplateId: entity->mutable_template_()->set_id(text); break;
    case FieldId::kContentType: entity->mutable_template_()->set_content_type(text); break;
    case FieldId::kBody: entity->mutable_template_()->set_body(text); break;
    case FieldId::kBodyFile: {
      if (Trim(value).empty()) {
        entity->mutable_template_()->clear_body();
        break;
      }
      StatusOr<std::string> body = ReadBodyFile(value, base_dir);
      if (!body.ok()) return body.status();
      entity->mutable_template_()->set_body(std::move(*body));
      break;
    }
    // ServicePackage.
    case FieldId::kPackageId: entity->mutable_package()->set_id(text); break;
    case FieldId::kPackageDescription: entity->mutable_package()->set_description(text); break;
    case FieldId::kPackageTemplate: entity->mutable_package()->set_template_id(text); break;
    case FieldId::kParameter:
      (*entity->mutable_package()->mutable_parameters())[field.key] = text;
      break;
    // ClientClass.
    case FieldId::kClassId: entity->mutable_client_class()->set_id(text); break;
    case FieldId::kClassDescription:
      entity->mutable_client_class()->set_description(text);
      break;
    case FieldId::kClassTemplate: entity->mutable_client_class()->set_template_id(text); break;
    case FieldId::kClassPackage:
      entity->mutable_client_class()->set_service_package(text);
      break;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<FieldRef> ResolveField(v1::EntityKind kind, std::string_view name) {
  FieldRef field;
  field.kind = kind;
  field.name = std::string(name);
  const std::string lower = Lower(Trim(name));
  if (const PlainField* plain = FindPlainForKind(kind, lower)) {
    field.id = plain->id;
    return field;
  }
  std::string_view rest;
  if (kind == v1::ENTITY_KIND_SUBSCRIBER) {
    if (StartsWith(lower, "attr.") && lower.size() > 5) {
      field.id = FieldId::kAttribute;
      field.key = std::string(Trim(name).substr(5));
      return field;
    }
    if (uint32_t index = ParseIndexed(lower, "line", kMaxCsvLines, &rest)) {
      for (const LineSuffix& suffix : kLineSuffixes) {
        if (rest == suffix.suffix) {
          field.id = suffix.id;
          field.index = index;
          return field;
        }
      }
    }
  }
  if (kind == v1::ENTITY_KIND_DEVICE) {
    if (uint32_t index = ParseIndexed(lower, "port", kMaxPorts, &rest); index && rest == "line") {
      field.id = FieldId::kPortLine;
      field.index = index;
      return field;
    }
  }
  if (kind == v1::ENTITY_KIND_PACKAGE && StartsWith(lower, "param.") && lower.size() > 6) {
    field.id = FieldId::kParameter;
    field.key = std::string(Trim(name).substr(6));
    return field;
  }
  return NotFoundError("unknown column '" + std::string(name) + "' for " +
                       std::string(KindPlural(kind)));
}

std::vector<std::string> FieldNames(v1::EntityKind kind) {
  std::vector<std::string> names;
  for (const PlainField& field : PlainFieldsOf(kind)) names.emplace_back(field.name);
  if (kind == v1::ENTITY_KIND_SUBSCRIBER) {
    names.push_back("lineN_number, lineN_user, lineN_auth_user, lineN_password, "
                    "lineN_display_name (N = 1.." + std::to_string(kMaxCsvLines) + ")");
    names.push_back("attr.NAME");
  } else if (kind == v1::ENTITY_KIND_DEVICE) {
    names.push_back("portN_line");
  } else if (kind == v1::ENTITY_KIND_PACKAGE) {
    names.push_back("param.NAME");
  }
  return names;
}

Status ApplyField(const FieldRef& field, std::string_view value, const std::string& base_dir,
                  v1::Entity* entity) {
  Status status = Apply(field, value, base_dir, entity);
  if (status.ok()) return status;
  return Status(status.code(), field.name + ": " + status.message());
}

void NormalizeEntity(v1::Entity* entity) {
  if (entity->has_subscriber()) {
    auto* lines = entity->mutable_subscriber()->mutable_lines();
    std::stable_sort(lines->begin(), lines->end(),
                     [](const v1::Line& a, const v1::Line& b) { return a.index() < b.index(); });
  }
  if (entity->has_device()) {
    auto* ports = entity->mutable_device()->mutable_line_map();
    std::stable_sort(ports->begin(), ports->end(),
                     [](const v1::LineMapping& a, const v1::LineMapping& b) {
                       return a.port() < b.port();
                     });
  }
}

}  // namespace provisor::ctl
