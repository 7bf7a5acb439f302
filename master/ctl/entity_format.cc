#include "master/ctl/entity_format.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <span>
#include <string_view>

#include "master/ctl/entity_kind.h"
#include "master/ctl/text.h"

namespace provisor::ctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string JoinNumbers(const v1::Subscriber& subscriber) {
  constexpr int kShown = 3;
  std::string out;
  for (int i = 0; i < subscriber.lines_size() && i < kShown; ++i) {
    if (i > 0) out += ",";
    out += subscriber.lines(i).directory_number();
  }
  if (subscriber.lines_size() > kShown) {
    out += ",+" + std::to_string(subscriber.lines_size() - kShown) + " more";
  }
  return out;
}

std::string JoinKeys(const google::protobuf::Map<std::string, std::string>& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  std::string out;
  for (const std::string& key : keys) out += (out.empty() ? "" : ",") + key;
  return out;
}

std::string EnumText(const google::protobuf::EnumDescriptor* type, int number) {
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByNumber(number);
  return value != nullptr ? EnumShortName(value) : std::to_string(number);
}

std::string Number(uint64_t n) { return n == 0 ? "" : std::to_string(n); }

std::string ScalarText(const Message& message, const FieldDescriptor* field, int index) {
  const Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(repeated ? r->GetRepeatedInt32(message, field, index)
                                     : r->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(repeated ? r->GetRepeatedInt64(message, field, index)
                                     : r->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(repeated ? r->GetRepeatedUInt32(message, field, index)
                                     : r->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(repeated ? r->GetRepeatedUInt64(message, field, index)
                                     : r->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return std::to_string(repeated ? r->GetRepeatedDouble(message, field, index)
                                     : r->GetDouble(message, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return std::to_string(repeated ? r->GetRepeatedFloat(message, field, index)
                                     : r->GetFloat(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumShortName(repeated ? r->GetRepeatedEnum(message, field, index)
                                    : r->GetEnum(message, field));
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string value = repeated ? r->GetRepeatedString(message, field, index)
                                   : r->GetString(message, field);
      return field->type() == FieldDescriptor::TYPE_BYTES ? HexEncode(value) : value;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: break;
  }
  return "";
}

void Flatten(const Message& message, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>* out) {
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string name = prefix + field->name();
    if (field->is_map()) {
      std::vector<std::pair<std::string, std::string>> entries;
      for (int i = 0; i < r->FieldSize(message, field); ++i) {
        const Message& entry = r->GetRepeatedMessage(message, field, i);
        const google::protobuf::Descriptor* type = entry.GetDescriptor();
        entries.emplace_back(ScalarText(entry, type->map_key(), 0),
                             ScalarText(entry, type->map_value(), 0));
      }
      std::sort(entries.begin(), entries.end());
      for (auto& [key, value] : entries) out->emplace_back(name + "." + key, std::move(value));
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, field); ++i) {
          Flatten(r->GetRepeatedMessage(message, field, i),
                  name + "[" + std::to_string(i) + "].", out);
        }
      } else {
        Flatten(r->GetMessage(message, field), name + ".", out);
      }
    } else if (field->is_repeated()) {
      std::string joined;
      for (int i = 0; i < r->FieldSize(message, field); ++i) {
        joined += (i > 0 ? ", " : "") + ScalarText(message, field, i);
      }
      out->emplace_back(name, std::move(joined));
    } else {
      out->emplace_back(name, ScalarText(message, field, 0));
    }
  }
}

// `provisorctl <kind> list`: each managed kind's columns and its row; kinds
// without one list as KIND and KEY.
constexpr std::string_view kSubscriberColumns[] = {"ID",         "ACCOUNT", "NAME",   "STATUS",
                                                   "SIP DOMAIN", "LINES",   "PACKAGE"};
constexpr std::string_view kDeviceColumns[] = {"MAC",   "MODEL",  "SUBSCRIBER",
                                               "STATE", "SERIAL", "CLASS"};
constexpr std::string_view kModelColumns[] = {"ID",       "VENDOR",     "MODEL",
                                              "TEMPLATE", "ENCRYPTION", "MAX BLKSIZE"};
constexpr std::string_view kTemplateColumns[] = {"ID", "VERSION", "CONTENT TYPE", "BYTES"};
constexpr std::string_view kPackageColumns[] = {"ID", "TEMPLATE", "PARAMETERS", "DESCRIPTION"};
constexpr std::string_view kClassColumns[] = {"ID", "TEMPLATE", "PACKAGE", "DESCRIPTION"};

struct ListFormat {
  v1::EntityKind kind;
  std::span<const std::string_view> header;
  std::vector<std::string> (*row)(const v1::Entity& entity);
};

constexpr ListFormat kListFormats[] = {
    {v1::ENTITY_KIND_SUBSCRIBER, kSubscriberColumns,
     [](const v1::Entity& entity) -> std::vector<std::string> {
       const v1::Subscriber& s = entity.subscriber();
       return {s.id(),         s.account(),         s.name(),
               EnumText(v1::SubscriberStatus_descriptor(), s.status()),
               s.sip_domain(), JoinNumbers(s),      s.service_package()};
     }},
    {v1::ENTITY_KIND_DEVICE, kDeviceColumns,
     [](const v1::Entity& entity) -> std::vector<std::string> {
       const v1::Device& d = entity.device();
       return {d.mac(), d.model(), d.subscriber_id(),
               EnumText(v1::DeviceState_descriptor(), d.state()),
               d.serial(), d.client_class()};
     }},
    {v1::ENTITY_KIND_MODEL, kModelColumns,
     [](const v1::Entity& entity) -> std::vector<std::string> {
       const v1::DeviceModel& m = entity.model();
       return {m.id(), m.vendor(), m.model(), m.template_id(), m.encryption(),
               Number(m.max_blksize())};
     }},
    {v1::ENTITY_KIND_TEMPLATE, kTemplateColumns,
     [](const v1::Entity& entity) -> std::vector<std::string> {
       const v1::Template& t = entity.template_();
       return {t.id(), std::to_string(t.version()), t.content_type(),
               std::to_string(t.body().size())};
     }},
    {v1::ENTITY_KIND_PACKAGE, kPackageColumns,
     [](const v1::Entity& entity) -> std::vector<std::string> {
       const v1::ServicePackage& p = entity.package();
       return {p.id(), p.template_id(), JoinKeys(p.parameters()), p.description()};
     }},
    {v1::ENTITY_KIND_CLIENT_CLASS, kClassColumns,
     [](const v1::Entity& entity) -> std::vector<std::string> {
       const v1::ClientClass& c = entity.client_class();
       return {c.id(), c.template_id(), c.service_package(), c.description()};
     }},
};

const ListFormat* FindListFormat(v1::EntityKind kind) {
  for (const ListFormat& format : kListFormats) {
    if (format.kind == kind) return &format;
  }
  return nullptr;
}

}  // namespace

std::string EnumShortName(const google::protobuf::EnumValueDescriptor* value) {
  const google::protobuf::EnumDescriptor* type = value->type();
  std::string prefix = type->value_count() > 0 ? type->value(0)->name() : "";
  if (const size_t cut = prefix.rfind("UNSPECIFIED"); cut != std::string::npos) {
    prefix.resize(cut);
  } else {
    prefix.clear();
  }
  std::string name = value->name();
  if (StartsWith(name, prefix)) name = name.substr(prefix.size());
  return Lower(name);
}

Table MakeListTable(v1::EntityKind kind) {
  const ListFormat* format = FindListFormat(kind);
  if (format == nullptr) return Table({"KIND", "KEY"});
  return Table(std::vector<std::string>(format->header.begin(), format->header.end()));
}

std::vector<std::string> ListRow(const v1::Entity& entity) {
  const ListFormat* format = FindListFormat(KindOf(entity));
  if (format == nullptr) return {std::string(KindName(KindOf(entity))), KeyOf(entity)};
  return format->row(entity);
}

std::vector<std::pair<std::string, std::string>> FieldPairs(const Message& message) {
  std::vector<std::pair<std::string, std::string>> pairs;
  Flatten(message, "", &pairs);
  return pairs;
}

StatusOr<std::string> ToJson(const Message& message, bool multiline) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = multiline;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return InternalError("cannot print a " + message.GetDescriptor()->name() + " as JSON: " +
                         std::string(status.message()));
  }
  if (multiline && !json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

}  // namespace provisor::ctl
