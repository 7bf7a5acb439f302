// Outbox: the datagrams a TFTP state machine wants sent, built in one
// reusable byte buffer so the hot path does not allocate. By default a
// datagram goes to the session's peer; one with a destination set goes there
// (ERROR 5 to a foreign transfer ID).
//
// Thread-safety: not thread-safe; one per loop.
#ifndef PROVISOR_SLAVE_TFTP_OUTBOX_H_
#define PROVISOR_SLAVE_TFTP_OUTBOX_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/socket_address.h"

namespace provisor::tftp {

class Outbox {
 public:
  void Clear() {
    bytes_.clear();
    datagrams_.clear();
  }
  // Reserves `size` bytes for one new datagram and returns them for writing.
  // The span is valid until the next Append or Clear.
  std::span<uint8_t> Append(size_t size) {
    size_t offset = bytes_.size();
    bytes_.resize(offset + size);
    datagrams_.push_back(Entry{offset, size, std::nullopt});
    return {bytes_.data() + offset, size};
  }
  // Appends a datagram given as bytes (ERROR, OACK), optionally addressed.
  void AppendBytes(std::span<const uint8_t> packet,
                   std::optional<SocketAddress> destination = std::nullopt) {
    std::span<uint8_t> dst = Append(packet.size());
    std::copy(packet.begin(), packet.end(), dst.begin());
    datagrams_.back().destination = std::move(destination);
  }

  size_t size() const { return datagrams_.size(); }
  bool empty() const { return datagrams_.empty(); }
  std::span<const uint8_t> datagram(size_t i) const {
    return {bytes_.data() + datagrams_[i].offset, datagrams_[i].size};
  }
  // Datagrams [first, last) as one run of bytes (they are stored back to back).
  std::span<const uint8_t> Run(size_t first, size_t last) const {
    size_t begin = datagrams_[first].offset;
    size_t end = datagrams_[last - 1].offset + datagrams_[last - 1].size;
    return {bytes_.data() + begin, end - begin};
  }
  // nullopt: to the session's peer.
  const std::optional<SocketAddress>& destination(size_t i) const {
    return datagrams_[i].destination;
  }

 private:
  struct Entry {
    size_t offset;
    size_t size;
    std::optional<SocketAddress> destination;
  };
  std::vector<uint8_t> bytes_;
  std::vector<Entry> datagrams_;
};

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_OUTBOX_H_
