// UdpPeer: a plain UDP socket for tests that speak TFTP by hand (malformed
// packets, foreign TIDs, held-open sessions). Receives wait on poll() with a
// deadline, never on a sleep.
#ifndef PROVISOR_TESTS_SUPPORT_UDP_PEER_H_
#define PROVISOR_TESTS_SUPPORT_UDP_PEER_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/socket_address.h"

namespace provisor::testing {

class UdpPeer {
 public:
  explicit UdpPeer(int family = AF_INET);
  ~UdpPeer();
  UdpPeer(const UdpPeer&) = delete;
  UdpPeer& operator=(const UdpPeer&) = delete;

  void SendTo(const SocketAddress& to, const std::vector<uint8_t>& bytes);
  struct Datagram {
    SocketAddress from;
    std::vector<uint8_t> bytes;
  };
  // Next datagram, or nullopt after `wait`.
  std::optional<Datagram> Receive(std::chrono::milliseconds wait = std::chrono::seconds(5));

 private:
  int fd_;
};

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_UDP_PEER_H_
