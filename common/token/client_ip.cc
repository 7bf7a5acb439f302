#include "common/token/client_ip.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace provisor {
namespace {

bool IsV4Mapped(const std::array<uint8_t, 16>& b) {
  for (size_t i = 0; i < 10; ++i) {
    if (b[i] != 0) return false;
  }
  return b[10] == 0xff && b[11] == 0xff;
}

}  // namespace

ClientIp ClientIp::V4(uint32_t host_order) {
  ClientIp ip;
  ip.bytes_[12] = static_cast<uint8_t>(host_order >> 24);
  ip.bytes_[13] = static_cast<uint8_t>(host_order >> 16);
  ip.bytes_[14] = static_cast<uint8_t>(host_order >> 8);
  ip.bytes_[15] = static_cast<uint8_t>(host_order);
  return ip;
}

ClientIp ClientIp::V6(const std::array<uint8_t, 16>& bytes) {
  ClientIp ip;
  ip.bytes_ = bytes;
  ip.v6_ = !IsV4Mapped(bytes);
  return ip;
}

ClientIp ClientIp::FromSocketAddress(const SocketAddress& address) {
  if (address.family() == AF_INET6) {
    const auto* sa = reinterpret_cast<const sockaddr_in6*>(address.sockaddr_ptr());
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), sa->sin6_addr.s6_addr, 16);
    return V6(bytes);
  }
  const auto* sa = reinterpret_cast<const sockaddr_in*>(address.sockaddr_ptr());
  return V4(ntohl(sa->sin_addr.s_addr));
}

StatusOr<ClientIp> ClientIp::Parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; anything longer than the
  // longest IPv6 text form is not an address.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
    return InvalidArgumentError("'" + std::string(text) + "' is not an IPv4 or IPv6 address");
  }
  const std::string s(text);
  in_addr v4;
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) return V4(ntohl(v4.s_addr));
  in6_addr v6;
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), v6.s6_addr, 16);
    return V6(bytes);
  }
  return InvalidArgumentError("'" + s + "' is not an IPv4 or IPv6 address");
}

uint32_t ClientIp::v4() const {
  return (uint32_t{bytes_[12]} << 24) | (uint32_t{bytes_[13]} << 16) |
         (uint32_t{bytes_[14]} << 8) | bytes_[15];
}

std::string ClientIp::ToString() const {
  char text[INET6_ADDRSTRLEN];
  if (!v6_) {
    in_addr a;
    a.s_addr = htonl(v4());
    inet_ntop(AF_INET, &a, text, sizeof(text));
  } else {
    in6_addr a;
    std::memcpy(a.s6_addr, bytes_.data(), 16);
    inet_ntop(AF_INET6, &a, text, sizeof(text));
  }
  return text;
}

Status CheckBindable(const ClientIp& ip) {
  auto refuse = [&](const char* what) {
    return InvalidArgumentError(ip.ToString() + " is " + what +
                                ", not a device address a filename can be bound to");
  };
  if (!ip.is_v6()) {
    const uint32_t a = ip.v4();
    if ((a >> 24) == 0) return refuse("unspecified (0.0.0.0/8)");
    if (a == 0xffffffffu) return refuse("the broadcast address");
    if ((a >> 28) == 0xe) return refuse("multicast (224.0.0.0/4)");
    return Status::Ok();
  }
  const std::array<uint8_t, 16>& b = ip.bytes();
  if (std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; })) {
    return refuse("unspecified (::)");
  }
  if (b[0] == 0xff) return refuse("multicast (ff00::/8)");
  return Status::Ok();
}

StatusOr<ClientIp> ParseBindableClientIp(std::string_view text) {
  StatusOr<ClientIp> ip = ClientIp::Parse(text);
  if (!ip.ok()) {
    return InvalidArgumentError("client_ip '" + std::string(text) +
                                "' is not an IPv4 or IPv6 address");
  }
  Status bindable = CheckBindable(*ip);
  if (!bindable.ok()) {
    return InvalidArgumentError("client_ip '" + std::string(text) + "' refused: " +
                                bindable.message());
  }
  return ip;
}

}  // namespace provisor
