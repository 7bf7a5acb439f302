// Named fields of the entities provisorctl writes: the CSV column names of
// `provisorctl import` ("sip_domain", "line2_password", "attr.floor",
// "port1_line", ...) and, through them, the add/update flags. A name is
// resolved once per kind (ResolveField) and then applied to many rows
// (ApplyField), so a CSV header is checked before any row is read.
//
// Values are text as found in a CSV cell: numbers in decimal, enums by their
// short lower-case name ("active", "suspended"), bytes in hex, lists
// separated by ';'. An empty value clears the field.
//
// Thread-safety: pure functions (ApplyField reads template body files).
#ifndef PROVISOR_MASTER_CTL_FIELDS_H_
#define PROVISOR_MASTER_CTL_FIELDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "provisor/v1/model.pb.h"

namespace provisor::ctl {

enum class FieldId {
  kSubscriberId, kAccount, kName, kStatus, kSipDomain, kRegistrar, kProxy,
  kOutboundProxy, kRingTone, kClassOfService, kSipDscp, kRtpDscp,
  kSubscriberPackage, kLineNumber, kLineUser, kLineAuthUser, kLinePassword,
  kLineDisplayName, kAttribute,
  kMac, kDeviceModel, kSerial, kDeviceSubscriber, kDeviceClass, kState, kSecret,
  kPortLine,
  kModelId, kVendor, kModelName, kModelTemplate, kEncryption, kMaxBlksize,
  kFileNames, kRefusedOptions,
  kTemplateId, kContentType, kBody, kBodyFile,
  kPackageId, kPackageDescription, kPackageTemplate, kParameter,
  kClassId, kClassDescription, kClassTemplate, kClassPackage,
};

// Highest lineN_* index in a CSV header and portN_line port.
inline constexpr uint32_t kMaxCsvLines = 8;
inline constexpr uint32_t kMaxPorts = 64;

struct FieldRef {
  v1::EntityKind kind = v1::ENTITY_KIND_UNSPECIFIED;
  FieldId id = FieldId::kSubscriberId;
  uint32_t index = 0;  // lineN_* and portN_line: N
  std::string key;     // attr.NAME and param.NAME: NAME
  std::string name;    // the name as written, for messages
};

// Resolves a column name (case-insensitive except the NAME of attr./param.)
// for `kind`. NOT_FOUND when the kind has no such field.
StatusOr<FieldRef> ResolveField(v1::EntityKind kind, std::string_view name);

// The plain (non-indexed) field names of `kind`, for help texts.
std::vector<std::string> FieldNames(v1::EntityKind kind);

// Sets the field in `entity` (creating the payload of field.kind) from
// `value`. `base_dir` resolves relative body_file paths ("" = the current
// directory). Errors name the field: "sip_dscp: '99' is out of range (0..63)".
Status ApplyField(const FieldRef& field, std::string_view value, const std::string& base_dir,
                  v1::Entity* entity);

// Puts a subscriber's lines and a device's port map in index order, after
// the fields of one row have been applied in any order.
void NormalizeEntity(v1::Entity* entity);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_FIELDS_H_
