// DiagnosticProvider: the content a slave serves in diagnostic mode, so that
// operators can check a new slave's reachability and capacity before it
// joins a cluster (and tests and benchmarks have a known payload).
//
// A request for "diag/<size>/<anything>" (size in bytes, decimal, at most
// 64 MiB) gets `size` bytes of the text made by repeating the lines
// "provisor diagnostic line NNNNNN\n" (NNNNNN: zero-padded line number from
// 000000; numbers past 999999 simply grow a digit), cut at `size`. The bytes
// are generated on demand for each block, so a 64 MiB file costs no memory.
// Any other name gets ERROR 1.
//
// Thread-safety: thread-safe (stateless).
#ifndef PROVISOR_SLAVE_DIAGNOSTIC_PROVIDER_H_
#define PROVISOR_SLAVE_DIAGNOSTIC_PROVIDER_H_

#include <cstdint>

#include "slave/tftp/content.h"

namespace provisor {

inline constexpr uint64_t kMaxDiagnosticSize = 64ull << 20;

class DiagnosticContent final : public tftp::Content {
 public:
  explicit DiagnosticContent(uint64_t size) : size_(size) {}
  uint64_t size() const override { return size_; }
  void Read(uint64_t offset, std::span<uint8_t> out) const override;

 private:
  uint64_t size_;
};

class DiagnosticProvider final : public tftp::ContentProvider {
 public:
  tftp::FetchResult Fetch(std::string_view name, const SocketAddress& client) override;
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_DIAGNOSTIC_PROVIDER_H_
