#include "common/socket_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace provisor {

SocketAddress::SocketAddress() {
  std::memset(&storage_, 0, sizeof(storage_));
  storage_.ss_family = AF_INET;
}

SocketAddress::SocketAddress(const sockaddr* sa, socklen_t len) {
  std::memset(&storage_, 0, sizeof(storage_));
  if (sa != nullptr && len <= static_cast<socklen_t>(sizeof(storage_)) &&
      (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)) {
    std::memcpy(&storage_, sa, len);
  } else {
    storage_.ss_family = AF_INET;
  }
}

StatusOr<SocketAddress> SocketAddress::Parse(std::string_view text) {
  auto bad = [&](std::string why) {
    return InvalidArgumentError("'" + std::string(text) + "' is not an address:port (" +
                                why + ")");
  };
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (rest.size() < 2 || rest.front() != ':') return bad("missing :port");
    port_text = rest.substr(1);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("missing :port");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("put IPv6 addresses in [ ]");
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty()) {
    return bad("port must be 0..65535");
  }
  SocketAddress out;
  std::string host_str(host.empty() ? "0.0.0.0" : host);
  if (host_str == "localhost") host_str = "127.0.0.1";
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage_);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage_);
  if (inet_pton(AF_INET, host_str.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    return out;
  }
  std::memset(&out.storage_, 0, sizeof(out.storage_));
  if (inet_pton(AF_INET6, host_str.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    return out;
  }
  return bad("not a numeric IPv4 or IPv6 address");
}

uint16_t SocketAddress::port() const {
  if (storage_.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
}

void SocketAddress::set_port(uint16_t port) {
  if (storage_.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  }
}

bool SocketAddress::is_any() const {
  if (storage_.ss_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    return IN6_IS_ADDR_UNSPECIFIED(&a);
  }
  return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr == INADDR_ANY;
}

bool SocketAddress::is_loopback() const {
  if (storage_.ss_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
    return IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127;
  }
  return (ntohl(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr) >> 24) == 127;
}

socklen_t SocketAddress::length() const {
  return storage_.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

std::string SocketAddress::HostString() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (storage_.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf,
              sizeof(buf));
  } else {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf,
              sizeof(buf));
  }
  return buf;
}

std::string SocketAddress::ToString() const {
  if (storage_.ss_family == AF_INET6) {
    return "[" + HostString() + "]:" + std::to_string(port());
  }
  return HostString() + ":" + std::to_string(port());
}

bool SocketAddress::SameHost(const SocketAddress& other) const {
  if (storage_.ss_family != other.storage_.ss_family) return false;
  if (storage_.ss_family == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(&other.storage_)->sin6_addr,
                       sizeof(in6_addr)) == 0;
  }
  return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr ==
         reinterpret_cast<const sockaddr_in*>(&other.storage_)->sin_addr.s_addr;
}

bool SocketAddress::operator==(const SocketAddress& other) const {
  return SameHost(other) && port() == other.port();
}

size_t SocketAddress::HostHash() const {
  std::string_view bytes;
  if (storage_.ss_family == AF_INET6) {
    const auto* a = &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    bytes = std::string_view(reinterpret_cast<const char*>(a), sizeof(in6_addr));
  } else {
    const auto* a = &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr;
    bytes = std::string_view(reinterpret_cast<const char*>(a), sizeof(in_addr));
  }
  return std::hash<std::string_view>()(bytes);
}

size_t SocketAddress::Hash() const { return HostHash() * 31 + port(); }

}  // namespace provisor
