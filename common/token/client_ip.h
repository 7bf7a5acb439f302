// ClientIp: the client address a filename token is bound to, IPv4 or IPv6.
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket
// reports for an IPv4 peer) is the IPv4 address: the master mints for
// "10.1.2.3" and a slave listening on [::] sees ::ffff:10.1.2.3, and both
// must mean the same client. Every other IPv6 address (IPv4-compatible
// ::a.b.c.d included) stays IPv6, so an IPv4 token never matches an IPv6
// client or the other way round.
//
// CheckBindable() is the rule for addresses a token may be minted for: not
// unspecified (0.0.0.0/8, ::), not limited broadcast (255.255.255.255), not
// multicast (224.0.0.0/4, ff00::/8). None of those is ever the source of a
// unicast TFTP request, so a token bound to one either works for nobody or,
// worse, was meant as a wildcard. Loopback (127.0.0.0/8, ::1) is accepted: a
// loopback source never arrives from the network (the kernel drops martian
// sources), so such a token works only from the serving slave's own host,
// which is what single-host demos and tests do.
//
// Thread-safety: value type.
#ifndef PROVISOR_COMMON_TOKEN_CLIENT_IP_H_
#define PROVISOR_COMMON_TOKEN_CLIENT_IP_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/socket_address.h"
#include "common/status.h"

namespace provisor {

class ClientIp {
 public:
  ClientIp() = default;  // 0.0.0.0
  static ClientIp V4(uint32_t host_order);
  // An IPv4-mapped address becomes its IPv4 address.
  static ClientIp V6(const std::array<uint8_t, 16>& bytes);
  static ClientIp FromSocketAddress(const SocketAddress& address);
  // "10.1.2.3" or an IPv6 address in any RFC 4291 text form (no brackets,
  // port or zone). INVALID_ARGUMENT otherwise.
  static StatusOr<ClientIp> Parse(std::string_view text);

  bool is_v6() const { return v6_; }
  // REQUIRES: !is_v6().
  uint32_t v4() const;
  // The 16 address bytes (for IPv4: ::ffff:a.b.c.d).
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  // "10.1.2.3" or "2001:db8::1".
  std::string ToString() const;

  bool operator==(const ClientIp&) const = default;

 private:
  bool v6_ = false;
  std::array<uint8_t, 16> bytes_{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
};

// OK, or INVALID_ARGUMENT saying why no token may be bound to `ip`.
Status CheckBindable(const ClientIp& ip);

// Parse() then CheckBindable(), with messages that start "client_ip '<text>'"
// (what NextServer and Admin.Render answer).
StatusOr<ClientIp> ParseBindableClientIp(std::string_view text);

}  // namespace provisor

#endif  // PROVISOR_COMMON_TOKEN_CLIENT_IP_H_
