// Thin UDP helpers for the TFTP loops: open sockets with the options the
// engine needs, receive in batches with the destination address of each
// datagram (IP_PKTINFO), and send batches. Plain non-blocking descriptors;
// the loops watch them with uv_poll_t.
//
// Thread-safety: functions are stateless; a descriptor belongs to one loop.
#ifndef PROVISOR_SLAVE_TFTP_UDP_SOCKET_H_
#define PROVISOR_SLAVE_TFTP_UDP_SOCKET_H_

#include <sys/socket.h>

#include <cstdint>
#include <span>
#include <vector>

#include "common/socket_address.h"
#include "common/status.h"
#include "slave/tftp/outbox.h"

namespace provisor::tftp {

// A listening socket for `address` with SO_REUSEPORT (so every loop can bind
// the same port), destination-address reporting, and a receive buffer of
// `receive_buffer` bytes (forced past rmem_max when running as root).
// On success returns the descriptor; `address`'s port is updated when it was 0.
StatusOr<int> OpenListeningSocket(SocketAddress& address, int receive_buffer);

// A socket for one transfer, bound to `local` with an ephemeral port.
StatusOr<int> OpenTransferSocket(const SocketAddress& local);

// One received datagram in a batch.
struct Received {
  SocketAddress from;
  SocketAddress to;         // destination address (port unset); valid if has_to
  bool has_to = false;
  int interface_index = 0;  // for IPv6 link-local replies
  std::span<const uint8_t> bytes;
  bool truncated = false;   // larger than the buffer: must be dropped
};

// Reusable buffers for batch receives.
class ReceiveBatch {
 public:
  ReceiveBatch(size_t max_datagrams, size_t datagram_size);
  // Receives up to max_datagrams; returns how many (0 when none is waiting).
  int Receive(int fd);
  const Received& operator[](size_t i) const { return received_[i]; }

 private:
  size_t datagram_size_;
  std::vector<uint8_t> buffers_;
  std::vector<uint8_t> control_;
  std::vector<sockaddr_storage> names_;
  std::vector<struct iovec> iovecs_;
  std::vector<struct mmsghdr> headers_;
  std::vector<Received> received_;
};

// Sends every datagram in `out`: those without a destination to `peer`.
// When `source` is given (a reply from a wildcard listening socket), it is
// set as the source address. Returns the number of datagrams that failed.
//
// A window of DATA blocks (equal sizes, the last one possibly shorter) goes
// out as one UDP GSO send (UDP_SEGMENT): the kernel walks the stack once for
// the whole window and cuts it into the same datagrams on the wire. When the
// kernel refuses (segment larger than the path MTU, no GSO support) the run
// is sent datagram by datagram.
class Sender {
 public:
  int Send(int fd, const SocketAddress& peer, const Outbox& out,
           const Received* source = nullptr);
  void set_gso(bool enabled) { gso_ = enabled; }

 private:
  int SendEach(int fd, const SocketAddress& peer, const Outbox& out, size_t first,
               size_t last, const Received* source);
  int SendGso(int fd, const SocketAddress& peer, const Outbox& out);

  bool gso_ = true;
  std::vector<struct mmsghdr> headers_;
  std::vector<struct iovec> iovecs_;
  std::vector<uint8_t> control_;
  std::vector<std::pair<size_t, size_t>> runs_;
};

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_UDP_SOCKET_H_
