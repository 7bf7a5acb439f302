// What the TFTP engine serves: a ContentProvider maps a requested name and
// the client's address to the bytes of one file (a Content) or to a TFTP
// error. Bytes come from memory (rendered configurations, the diagnostic
// generator), never from the file system.
//
// Thread-safety: ContentProvider::Fetch is called concurrently from every
// TFTP loop and must be thread-safe. A Content is immutable once returned and
// may be read from the loop that owns the transfer only.
#ifndef PROVISOR_SLAVE_TFTP_CONTENT_H_
#define PROVISOR_SLAVE_TFTP_CONTENT_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/socket_address.h"
#include "slave/tftp/packet.h"

namespace provisor::tftp {

class Content {
 public:
  virtual ~Content() = default;
  virtual uint64_t size() const = 0;
  // Copies min(out.size(), size() - offset) bytes starting at `offset`.
  // REQUIRES: offset <= size().
  virtual void Read(uint64_t offset, std::span<uint8_t> out) const = 0;
};

// Content held in one string.
class StringContent final : public Content {
 public:
  explicit StringContent(std::string bytes) : bytes_(std::move(bytes)) {}
  uint64_t size() const override { return bytes_.size(); }
  void Read(uint64_t offset, std::span<uint8_t> out) const override;
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Returns the whole content as one string.
std::string ReadAll(const Content& content);

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
