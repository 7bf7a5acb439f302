// The delivery seam: a front door (TFTP today; HTTP(S) and SIP later) turns
// its protocol into a DeliveryRequest and asks a DeliverySource, which
// answers the file's bytes or a DeliveryRefusal. Nothing here knows any
// door's wire format; a door maps a refusal to its own error (TFTP ERROR 1,
// HTTP 404) and never renders, decodes tokens or looks up devices itself.
//
// Thread-safety: DeliverySource::Deliver is called concurrently from every
// door's threads and must be thread-safe. A DeliveryRequest borrows its name
// for the duration of one Deliver call.
#ifndef PROVISOR_SLAVE_DELIVERY_SOURCE_H_
#define PROVISOR_SLAVE_DELIVERY_SOURCE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/socket_address.h"
#include "slave/delivery/content.h"
#include "slave/delivery/refusal.h"

namespace provisor {

enum class DeliveryProtocol { kTftp, kHttp, kHttps, kSip };

// "tftp", "http", "https", "sip".
std::string_view DeliveryProtocolName(DeliveryProtocol p);

// What a door proved about the client before asking (a verified device
// certificate, say). No door verifies an identity yet: always empty today.
struct VerifiedIdentity {
  std::string subject;
};

struct DeliveryRequest {
  DeliveryProtocol protocol = DeliveryProtocol::kTftp;
  std::string_view name;  // the requested file name, as the client sent it
  SocketAddress client;   // where the request came from
  std::optional<VerifiedIdentity> identity;
};

// Bytes on success, else the reason for the refusal.
struct DeliveryResult {
  std::shared_ptr<const Content> content;             // set on success
  DeliveryRefusal refusal = DeliveryRefusal::kCount;  // set on refusal
  bool ok() const { return content != nullptr; }

  static DeliveryResult Ok(std::shared_ptr<const Content> c) {
    DeliveryResult r;
    r.content = std::move(c);
    return r;
  }
  static DeliveryResult Refused(DeliveryRefusal reason) {
    DeliveryResult r;
    r.refusal = reason;
    return r;
  }
};

class DeliverySource {
 public:
  virtual ~DeliverySource() = default;
  virtual DeliveryResult Deliver(const DeliveryRequest& request) = 0;
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_DELIVERY_SOURCE_H_
