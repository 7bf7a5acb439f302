#include "slave/tftp/udp_socket.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace provisor::tftp {
namespace {

Status Errno(const std::string& what, const SocketAddress& address) {
  return UnavailableError(what + " " + address.ToString() + ": " + std::strerror(errno));
}

constexpr size_t kControlSize = CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(in_pktinfo));

}  // namespace

StatusOr<int> OpenListeningSocket(SocketAddress& address, int receive_buffer) {
  int fd = ::socket(address.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("cannot open a socket for", address);
  auto fail = [&](const std::string& what) {
    Status s = Errno(what, address);
    ::close(fd);
    return s;
  };
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) {
    return fail("cannot set SO_REUSEPORT on");
  }
  if (address.family() == AF_INET6) {
    // IPv4 is served by its own listen entry; keep the families apart.
    if (::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0 ||
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) != 0) {
      return fail("cannot set IPv6 options on");
    }
  } else if (::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) != 0) {
    return fail("cannot set IP_PKTINFO on");
  }
  if (receive_buffer > 0 &&
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof(receive_buffer)) !=
          0) {
    // Not root: the kernel caps SO_RCVBUF at net.core.rmem_max.
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
  }
  if (::bind(fd, address.sockaddr_ptr(), address.length()) != 0) {
    return fail("cannot listen on");
  }
  sockaddr_storage bound;
  socklen_t len = sizeof(bound);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
    return fail("cannot read the bound port of");
  }
  address = SocketAddress(reinterpret_cast<sockaddr*>(&bound), len);
  return fd;
}

StatusOr<int> OpenTransferSocket(const SocketAddress& local) {
  int fd = ::socket(local.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("cannot open a transfer socket on", local);
  SocketAddress any_port = local;
  any_port.set_port(0);
  if (::bind(fd, any_port.sockaddr_ptr(), any_port.length()) != 0) {
    Status s = Errno("cannot bind a transfer socket on", local);
    ::close(fd);
    return s;
  }
  return fd;
}

ReceiveBatch::ReceiveBatch(size_t max_datagrams, size_t datagram_size)
    : datagram_size_(datagram_size),
      buffers_(max_datagrams * datagram_size),
      control_(max_datagrams * kControlSize),
      names_(max_datagrams),
      iovecs_(max_datagrams),
      headers_(max_datagrams),
      received_(max_datagrams) {}

int ReceiveBatch::Receive(int fd) {
  const size_t n = headers_.size();
  for (size_t i = 0; i < n; ++i) {
    iovecs_[i].iov_base = buffers_.data() + i * datagram_size_;
    iovecs_[i].iov_len = datagram_size_;
    msghdr& h = headers_[i].msg_hdr;
    h.msg_name = &names_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &iovecs_[i];
    h.msg_iovlen = 1;
    h.msg_control = control_.data() + i * kControlSize;
    h.msg_controllen = kControlSize;
    h.msg_flags = 0;
  }
  int got = ::recvmmsg(fd, headers_.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
  if (got <= 0) return 0;
  for (int i = 0; i < got; ++i) {
    msghdr& h = headers_[i].msg_hdr;
    Received& r = received_[i];
    r.from = SocketAddress(reinterpret_cast<sockaddr*>(&names_[i]), h.msg_namelen);
    r.truncated = (h.msg_flags & MSG_TRUNC) != 0;
    r.bytes = std::span<const uint8_t>(buffers_.data() + i * datagram_size_,
                                       std::min<size_t>(headers_[i].msg_len, datagram_size_));
    r.has_to = false;
    r.interface_index = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof(info));
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr = info.ipi_addr;
        r.to = SocketAddress(reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
        r.interface_index = info.ipi_ifindex;
        r.has_to = true;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof(info));
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_addr = info.ipi6_addr;
        if (IN6_IS_ADDR_LINKLOCAL(&info.ipi6_addr)) sin6.sin6_scope_id = info.ipi6_ifindex;
        r.to = SocketAddress(reinterpret_cast<sockaddr*>(&sin6), sizeof(sin6));
        r.interface_index = static_cast<int>(info.ipi6_ifindex);
        r.has_to = true;
      }
    }
  }
  return got;
}

int Sender::Send(int fd, const SocketAddress& peer, const Outbox& out, const Received* source) {
  if (out.empty()) return 0;
  if (gso_ && source == nullptr && out.size() > 1) return SendGso(fd, peer, out);
  return SendEach(fd, peer, out, 0, out.size(), source);
}

int Sender::SendEach(int fd, const SocketAddress& peer, const Outbox& out, size_t first,
                     size_t last, const Received* source) {
  const size_t n = last - first;
  headers_.resize(n);
  iovecs_.resize(n);
  control_.assign(source != nullptr && source->has_to ? kControlSize : 0, 0);
  for (size_t k = 0; k < n; ++k) {
    const size_t i = first + k;
    std::span<const uint8_t> d = out.datagram(i);
    iovecs_[k].iov_base = const_cast<uint8_t*>(d.data());
    iovecs_[k].iov_len = d.size();
    const SocketAddress& to = out.destination(i) ? *out.destination(i) : peer;
    msghdr& h = headers_[k].msg_hdr;
    h = msghdr{};
    h.msg_name = const_cast<sockaddr*>(to.sockaddr_ptr());
    h.msg_namelen = to.length();
    h.msg_iov = &iovecs_[k];
    h.msg_iovlen = 1;
    if (!control_.empty()) {
      h.msg_control = control_.data();
      h.msg_controllen = kControlSize;
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      if (source->to.family() == AF_INET6) {
        in6_pktinfo info{};
        info.ipi6_addr = reinterpret_cast<const sockaddr_in6*>(source->to.sockaddr_ptr())->sin6_addr;
        info.ipi6_ifindex = static_cast<unsigned>(source->interface_index);
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(info));
        std::memcpy(CMSG_DATA(c), &info, sizeof(info));
        h.msg_controllen = CMSG_SPACE(sizeof(info));
      } else {
        in_pktinfo info{};
        info.ipi_spec_dst = reinterpret_cast<const sockaddr_in*>(source->to.sockaddr_ptr())->sin_addr;
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(info));
        std::memcpy(CMSG_DATA(c), &info, sizeof(info));
        h.msg_controllen = CMSG_SPACE(sizeof(info));
      }
    }
  }
  if (n == 1) return ::sendmsg(fd, &headers_[0].msg_hdr, MSG_DONTWAIT) < 0 ? 1 : 0;
  int failed = 0;
  size_t sent = 0;
  while (sent < n) {
    int rc = ::sendmmsg(fd, headers_.data() + sent, static_cast<unsigned>(n - sent), MSG_DONTWAIT);
    if (rc <= 0) {
      // Skip the datagram that failed (UDP: the retransmit timer covers it).
      ++failed;
      ++sent;
      continue;
    }
    sent += static_cast<size_t>(rc);
  }
  return failed;
}

int Sender::SendGso(int fd, const SocketAddress& peer, const Outbox& out) {
  // Kernel limits for one GSO send: 64 segments (UDP_MAX_SEGMENTS on older
  // kernels) and one IP datagram's worth of payload.
  constexpr size_t kMaxSegments = 64;
  constexpr size_t kMaxBytes = 65000;
  runs_.clear();
  const size_t n = out.size();
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    if (!out.destination(i)) {
      const size_t segment = out.datagram(i).size();
      size_t bytes = segment;
      while (j < n && !out.destination(j) && j - i < kMaxSegments &&
             out.datagram(j).size() <= segment && bytes + out.datagram(j).size() <= kMaxBytes) {
        bytes += out.datagram(j).size();
        const bool shorter = out.datagram(j).size() < segment;
        ++j;
        if (shorter) break;  // only the last segment may be shorter
      }
    }
    runs_.emplace_back(i, j);
    i = j;
  }
  int failed = 0;
  for (const auto& [first, last] : runs_) {
    if (last - first == 1) {
      failed += SendEach(fd, peer, out, first, last, nullptr);
      continue;
    }
    std::span<const uint8_t> bytes = out.Run(first, last);
    iovec iov{const_cast<uint8_t*>(bytes.data()), bytes.size()};
    alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(uint16_t))] = {};
    msghdr h{};
    h.msg_name = const_cast<sockaddr*>(peer.sockaddr_ptr());
    h.msg_namelen = peer.length();
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control;
    h.msg_controllen = sizeof(control);
    cmsghdr* c = CMSG_FIRSTHDR(&h);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t segment = static_cast<uint16_t>(out.datagram(first).size());
    std::memcpy(CMSG_DATA(c), &segment, sizeof(segment));
    if (::sendmsg(fd, &h, MSG_DONTWAIT) >= 0) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
      failed += static_cast<int>(last - first);  // the retransmit timer covers it
      continue;
    }
    // EINVAL (segment above the path MTU), ENOPROTOOPT, EIO (no checksum
    // offload): send this run the classic way. Stop trying GSO when the
    // kernel cannot do it at all.
    if (errno == ENOPROTOOPT || errno == EOPNOTSUPP) gso_ = false;
    failed += SendEach(fd, peer, out, first, last, nullptr);
  }
  return failed;
}

}  // namespace provisor::tftp
