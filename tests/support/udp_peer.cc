#include "tests/support/udp_peer.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace provisor::testing {

UdpPeer::UdpPeer(int family) {
  fd_ = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
}

UdpPeer::~UdpPeer() { ::close(fd_); }

void UdpPeer::SendTo(const SocketAddress& to, const std::vector<uint8_t>& bytes) {
  if (::sendto(fd_, bytes.data(), bytes.size(), 0, to.sockaddr_ptr(), to.length()) < 0) {
    throw std::runtime_error("sendto failed");
  }
}

std::optional<UdpPeer::Datagram> UdpPeer::Receive(std::chrono::milliseconds wait) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return std::nullopt;
  std::vector<uint8_t> buf(65536);
  sockaddr_storage from;
  socklen_t len = sizeof(from);
  ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from),
                         &len);
  if (n < 0) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return Datagram{SocketAddress(reinterpret_cast<sockaddr*>(&from), len), std::move(buf)};
}

}  // namespace provisor::testing
