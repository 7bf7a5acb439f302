#include "master/ctl/entity_flags.h"

#include <CLI/CLI.hpp>

#include "master/ctl/entity_kind.h"
#include "master/ctl/fields.h"
#include "master/ctl/text.h"

namespace provisor::ctl {
namespace {

constexpr const char* kLineParts[] = {"number", "user", "auth_user", "password", "display_name"};

Status Set(v1::EntityKind kind, const std::string& column, std::string_view value,
           v1::Entity* entity) {
  StatusOr<FieldRef> field = ResolveField(kind, column);
  if (!field.ok()) return InvalidArgumentError(field.status().message());
  return ApplyField(*field, value, "", entity);
}

// "NAME=VALUE" -> {NAME, VALUE}.
StatusOr<std::pair<std::string, std::string>> SplitAssignment(const std::string& text) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos || Trim(text.substr(0, equals)).empty()) {
    return InvalidArgumentError("'" + text + "' is not NAME=VALUE");
  }
  return std::make_pair(std::string(Trim(text.substr(0, equals))), text.substr(equals + 1));
}

Status ApplyOne(v1::EntityKind kind, const GivenFlag& flag, v1::Entity* entity) {
  const FlagSpec& spec = flag.spec;
  switch (spec.shape) {
    case FlagShape::kSingle:
      return Set(kind, spec.column, flag.values.empty() ? "" : flag.values.back(), entity);
    case FlagShape::kList: {
      std::string joined;
      for (const std::string& value : flag.values) {
        joined += (joined.empty() ? "" : ";") + value;
      }
      return Set(kind, spec.column, joined, entity);
    }
    case FlagShape::kKeyValue:
      for (const std::string& value : flag.values) {
        StatusOr<std::pair<std::string, std::string>> kv = SplitAssignment(value);
        if (!kv.ok()) return kv.status();
        PROVISOR_RETURN_IF_ERROR(Set(kind, spec.column + kv->first, kv->second, entity));
      }
      return Status::Ok();
    case FlagShape::kPort:
      MutablePayload(kind, entity);
      entity->mutable_device()->clear_line_map();
      for (const std::string& value : flag.values) {
        StatusOr<std::pair<std::string, std::string>> kv = SplitAssignment(value);
        StatusOr<uint32_t> port = kv.ok() ? ParseUint32(kv->first, kMaxPorts) : kv.status();
        if (!port.ok() || *port == 0) {
          return InvalidArgumentError("'" + value + "' is not PORT=LINE with PORT 1.." +
                                      std::to_string(kMaxPorts));
        }
        PROVISOR_RETURN_IF_ERROR(
            Set(kind, "port" + std::to_string(*port) + "_line", kv->second, entity));
      }
      return Status::Ok();
    case FlagShape::kLine: {
      MutablePayload(kind, entity);
      entity->mutable_subscriber()->clear_lines();
      if (flag.values.size() > kMaxCsvLines) {
        return InvalidArgumentError("at most " + std::to_string(kMaxCsvLines) +
                                    " lines (use --json for more)");
      }
      for (size_t i = 0; i < flag.values.size(); ++i) {
        std::string_view rest = flag.values[i];
        for (size_t part = 0; part < std::size(kLineParts); ++part) {
          // The display name, last, keeps any further commas.
          const size_t comma =
              part + 1 < std::size(kLineParts) ? rest.find(',') : std::string_view::npos;
          std::string_view value = rest.substr(0, comma);
          if (!value.empty()) {
            PROVISOR_RETURN_IF_ERROR(Set(
                kind, "line" + std::to_string(i + 1) + "_" + kLineParts[part], value, entity));
          }
          if (comma == std::string_view::npos) break;
          rest.remove_prefix(comma + 1);
        }
        if (entity->subscriber().lines_size() <= static_cast<int>(i)) {
          return InvalidArgumentError("line " + std::to_string(i + 1) + " is empty");
        }
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

// The first long name: "--sip-domain,--domain" -> "--sip-domain".
std::string FirstName(const char* names) {
  std::string_view all(names);
  return std::string(all.substr(0, all.find(',')));
}

}  // namespace

std::vector<FlagSpec> EntityFlagSpecs(v1::EntityKind kind) {
  switch (kind) {
    case v1::ENTITY_KIND_SUBSCRIBER:
      return {
          {"--id", "id", "subscriber id (key)"},
          {"--account", "account", "billing account"},
          {"--name", "name", "subscriber name"},
          {"--status", "status", "active or suspended"},
          {"--sip-domain", "sip_domain", "SIP domain"},
          {"--registrar", "registrar", "SIP registrar host[:port]"},
          {"--proxy", "proxy", "SIP proxy host[:port]"},
          {"--outbound-proxy", "outbound_proxy", "SIP outbound proxy host[:port]"},
          {"--ring-tone", "ring_tone", "ring tone name"},
          {"--class-of-service", "class_of_service", "class of service"},
          {"--sip-dscp", "sip_dscp", "DSCP of SIP packets (0..63)"},
          {"--rtp-dscp", "rtp_dscp", "DSCP of RTP packets (0..63)"},
          {"--package,--service-package", "service_package", "service package id"},
          {"--line", "line", "\"number,sip_user,auth_user,password,display_name\" (repeat for lines 1, 2 ...)",
           FlagShape::kLine},
          {"--attr", "attr.", "NAME=VALUE attribute (repeatable)", FlagShape::kKeyValue},
      };
    case v1::ENTITY_KIND_DEVICE:
      return {
          {"--mac", "mac", "MAC address (key), any notation"},
          {"--model", "model", "device model id"},
          {"--serial", "serial", "serial number"},
          {"--subscriber", "subscriber_id", "subscriber id"},
          {"--class,--client-class", "client_class", "client class id"},
          {"--state", "state", "preprovisioned, unbound, active or suspended"},
          {"--secret", "secret", "per-device key in hex"},
          {"--port", "port", "PORT=LINE: device port to subscriber line (repeatable)",
           FlagShape::kPort},
      };
    case v1::ENTITY_KIND_MODEL:
      return {
          {"--id", "id", "model id (key), e.g. yealink-t46u"},
          {"--vendor", "vendor", "vendor"},
          {"--model", "model", "vendor's model name"},
          {"--template", "template_id", "template id"},
          {"--encryption", "encryption", "profile encryption: cisco-aes256-cbc, yealink-aes, ..."},
          {"--max-blksize", "max_blksize", "largest TFTP block size (0 = the slave's)"},
          {"--file-name", "file_names", "vendor-native file name (repeatable)", FlagShape::kList},
          {"--refused-option", "refused_options", "TFTP option the model mishandles (repeatable)",
           FlagShape::kList},
      };
    case v1::ENTITY_KIND_TEMPLATE:
      return {
          {"--id", "id", "template id (key)"},
          {"--file", "body_file", "read the body from this file"},
          {"--body", "body", "the body itself"},
          {"--content-type", "content_type", "e.g. text/plain, application/xml"},
      };
    case v1::ENTITY_KIND_PACKAGE:
      return {
          {"--id", "id", "package id (key)"},
          {"--description", "description", "description"},
          {"--template", "template_id", "template id"},
          {"--param", "param.", "NAME=VALUE parameter (repeatable)", FlagShape::kKeyValue},
      };
    case v1::ENTITY_KIND_CLIENT_CLASS:
      return {
          {"--id", "id", "class id (key)"},
          {"--description", "description", "description"},
          {"--template", "template_id", "template id"},
          {"--package,--service-package", "service_package", "service package id"},
      };
    default:
      return {};
  }
}

Status ApplyFlags(v1::EntityKind kind, const std::vector<GivenFlag>& flags, v1::Entity* entity) {
  MutablePayload(kind, entity);
  for (const GivenFlag& flag : flags) {
    Status status = ApplyOne(kind, flag, entity);
    if (!status.ok()) {
      std::string message = status.message();
      // "sip_dscp: ..." names the column; name the flag instead.
      const std::string prefix = std::string(flag.spec.column) + ": ";
      if ((flag.spec.shape == FlagShape::kSingle || flag.spec.shape == FlagShape::kList) &&
          StartsWith(message, prefix)) {
        message = message.substr(prefix.size());
      }
      return InvalidArgumentError(FirstName(flag.spec.names) + ": " + message);
    }
  }
  NormalizeEntity(entity);
  return Status::Ok();
}

EntityFlags::EntityFlags(v1::EntityKind kind, CLI::App* app) : kind_(kind) {
  std::vector<FlagSpec> specs = EntityFlagSpecs(kind);
  bound_.reserve(specs.size());
  for (const FlagSpec& spec : specs) {
    Bound& bound = bound_.emplace_back();
    bound.spec = spec;
    if (spec.shape == FlagShape::kSingle) {
      bound.values.resize(1);
      bound.option = app->add_option(spec.names, bound.values[0], spec.help);
    } else {
      bound.option = app->add_option(spec.names, bound.values, spec.help)
                         ->expected(1)
                         ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    }
  }
}

std::vector<GivenFlag> EntityFlags::Given() const {
  std::vector<GivenFlag> given;
  for (const Bound& bound : bound_) {
    if (bound.option->count() == 0) continue;
    given.push_back(GivenFlag{bound.spec, bound.values});
  }
  return given;
}

bool EntityFlags::key_given() const {
  const std::string key(KeyFieldName(kind_));
  for (const Bound& bound : bound_) {
    if (bound.spec.column == key && bound.option->count() > 0) return true;
  }
  return false;
}

}  // namespace provisor::ctl
