// What the TFTP engine serves: a ContentProvider maps a requested name and
// the client's address to the bytes of one file (a Content, from
// slave/delivery/) or to a TFTP error. Bytes come from memory (rendered
// configurations, the diagnostic generator), never from the file system.
// The delivery core reaches TFTP through DeliveryContentProvider.
//
// Thread-safety: ContentProvider::Fetch is called concurrently from every
// TFTP loop and must be thread-safe. A Content is immutable once returned and
// may be read from the loop that owns the transfer only.
#ifndef PROVISOR_SLAVE_TFTP_CONTENT_H_
#define PROVISOR_SLAVE_TFTP_CONTENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/socket_address.h"
#include "slave/delivery/content.h"
#include "slave/tftp/packet.h"

namespace provisor::tftp {

// The delivery core's Content, under the names the TFTP engine has always
// used.
using Content = ::provisor::Content;
using StringContent = ::provisor::StringContent;
using ::provisor::ReadAll;

struct FetchResult {
  std::shared_ptr<const Content> content;  // set on success
  ErrorCode error = ErrorCode::kFileNotFound;
  std::string message;   // sent to the client in the ERROR packet
  std::string reason;    // low-cardinality label for counters ("not_found")
  bool ok() const { return content != nullptr; }

  static FetchResult Ok(std::shared_ptr<const Content> c) {
    FetchResult r;
    r.content = std::move(c);
    return r;
  }
  static FetchResult Error(ErrorCode code, std::string message, std::string reason) {
    FetchResult r;
    r.error = code;
    r.message = std::move(message);
    r.reason = std::move(reason);
    return r;
  }
};

class ContentProvider {
 public:
  virtual ~ContentProvider() = default;
  virtual FetchResult Fetch(std::string_view name, const SocketAddress& client) = 0;
};

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_CONTENT_H_
