// Validation and canonicalisation of the stored entities (model.proto) before
// the store writes them: required keys, id syntax, string sizes and UTF-8,
// number ranges, uniqueness inside one entity. Each function fixes up its
// argument in place (canonical MAC, default state and status) and returns
// INVALID_ARGUMENT with a one-line message that names the entity and field,
// e.g. "device aa:bb:cc:dd:ee:ff: model is required" or
// "subscriber sub-1: lines[2].directory_number '12ab' is not an E.164 number"
// (list positions in messages are 0-based). The first problem found is
// reported. References to other entities are checked only for id syntax; that
// they exist is the store's business. What needs another entity to check
// (ValidateDeviceForModel) is called by the store inside its write
// transaction and answers FAILED_PRECONDITION.
//
// Thread-safety: pure functions; safe from any thread.
// REQUIRES: non-null arguments.
#ifndef PROVISOR_MASTER_VALIDATE_H_
#define PROVISOR_MASTER_VALIDATE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "provisor/v1/model.pb.h"

namespace provisor {

inline constexpr size_t kMaxIdBytes = 128;
inline constexpr size_t kMaxTextBytes = 256;
inline constexpr size_t kMaxTemplateBodyBytes = 1024 * 1024;
inline constexpr size_t kMaxDeviceSecretBytes = 64;
inline constexpr int kMaxLines = 64;        // Subscriber.lines, Device.line_map
inline constexpr int kMaxMapEntries = 64;   // attributes, parameters
inline constexpr int kMaxListEntries = 64;  // DeviceModel file_names, refused_options
inline constexpr uint32_t kMaxDscp = 63;
inline constexpr uint32_t kMaxSlaveWeight = 1000000;
inline constexpr uint32_t kMinBlockSize = 8;      // RFC 2348
inline constexpr uint32_t kMaxBlockSize = 65464;  // RFC 2348

// An id: 1..128 bytes of A-Z a-z 0-9 . _ : @ + -
bool IsValidId(std::string_view id);

// An E.164 number: an optional '+', then 2..15 digits, the first not 0.
bool IsE164(std::string_view number);

// SubscriberStatus UNSPECIFIED becomes ACTIVE.
Status ValidateSubscriber(v1::Subscriber* subscriber);
// The MAC becomes "aa:bb:cc:dd:ee:ff"; DeviceState UNSPECIFIED becomes
// PREPROVISIONED without a subscriber_id, ACTIVE with one.
Status ValidateDevice(v1::Device* device);
// max_blksize is 0 (the slave's limit) or 8..65464; encryption is "",
// "none" or a cipher of common/vendor_crypto.h.
Status ValidateDeviceModel(v1::DeviceModel* model);
// The body is at most 1 MiB of UTF-8 and compiles (the limits of
// common/render/template_scan.h included). `version` is the store's; not
// checked.
Status ValidateTemplate(v1::Template* tmpl);
Status ValidateServicePackage(v1::ServicePackage* package);
Status ValidateClientClass(v1::ClientClass* client_class);
Status ValidateSlave(v1::Slave* slave);
// The key must be non-empty.
Status ValidateKeyEpoch(v1::KeyEpoch* key_epoch);

// A device of `model` can be rendered: when the model's encryption needs a
// per-device key, the device's secret is one. FAILED_PRECONDITION, e.g.
// "device aa:bb:cc:dd:ee:ff: secret is required: model m1 encrypts with
// yealink-aes" or "device ...: secret does not fit model m1's encryption:
// yealink-aes key must be exactly 16 characters (got 3)" (never the key).
Status ValidateDeviceForModel(const v1::Device& device, const v1::DeviceModel& model);

// Dispatches on the oneof; an Entity with no kind set is an error.
Status ValidateEntity(v1::Entity* entity);

}  // namespace provisor

#endif  // PROVISOR_MASTER_VALIDATE_H_
