// SocketAddress: an IPv4 or IPv6 address and port, as used by every listener
// and peer in provisor. Parses "1.2.3.4:69", "[::1]:69" and "host-less" forms
// such as ":69" (meaning 0.0.0.0:69); prints the same forms back.
//
// Thread-safety: value type.
#ifndef PROVISOR_COMMON_SOCKET_ADDRESS_H_
#define PROVISOR_COMMON_SOCKET_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor {

class SocketAddress {
 public:
  SocketAddress();  // 0.0.0.0:0
  // Copies `len` bytes of an AF_INET or AF_INET6 sockaddr.
  SocketAddress(const sockaddr* sa, socklen_t len);

  static StatusOr<SocketAddress> Parse(std::string_view text);

  int family() const { return storage_.ss_family; }
  uint16_t port() const;
  void set_port(uint16_t port);
  bool is_any() const;  // 0.0.0.0 or ::
  // 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104.
  bool is_loopback() const;

  const sockaddr* sockaddr_ptr() const {
    return reinterpret_cast<const sockaddr*>(&storage_);
  }
  socklen_t length() const;

  // "1.2.3.4:69" or "[::1]:69".
  std::string ToString() const;
  // Address only: "1.2.3.4" or "::1".
  std::string HostString() const;

  bool operator==(const SocketAddress& other) const;
  // Same IP, any port.
  bool SameHost(const SocketAddress& other) const;
  // Hash of the IP only (for per-host maps) and of IP and port.
  size_t HostHash() const;
  size_t Hash() const;

 private:
  sockaddr_storage storage_;
};

struct SocketAddressHash {
  size_t operator()(const SocketAddress& a) const { return a.Hash(); }
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_SOCKET_ADDRESS_H_
