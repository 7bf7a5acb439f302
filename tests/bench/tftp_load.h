// TFTP client load generator (RFC 1350 read requests with RFC 2347 option
// negotiation of blksize / tsize / windowsize, RFC 2348 / 2349 / 7440).
//
// Contract: RunLoad() keeps `concurrency` downloads in flight from one
// server, each on a fresh UDP socket (fresh source port = fresh TID), until
// `duration_s` elapses or `total` transfers have been started and finished.
// Single-threaded (one epoll loop, Linux only), blocking for the whole run;
// it never throws and never retries a failed transfer. It checks the server
// strictly (TIDs, OACK values, block sizes, tsize) so it doubles as an
// independent protocol oracle for integration tests.
//
// Counting: a transfer is "completed" when its final (short) block arrived and
// passed the tsize and `verify` checks, "failed" otherwise (reason counted in
// failures_by_reason), and "aborted" when the run's duration ran out while it
// was still in flight; aborted transfers count neither way. Each aborted
// session is sent ERROR 0 so the server drops it at once instead of
// retransmitting into a port a later transfer may reuse; for an RRQ not yet
// answered RunLoad waits (at most timeout_s past the end) for the server's
// first reply to do so. elapsed_s ends at the end of the duration, or at the
// last finished transfer when all transfers finished earlier. Latency = first
// RRQ sent to last block received, completed transfers only.
#ifndef PROVISOR_TESTS_BENCH_TFTP_LOAD_H_
#define PROVISOR_TESTS_BENCH_TFTP_LOAD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/bench/diagnostic_bytes.h"

namespace provisor::bench {

struct LoadOptions {
  std::string host = "127.0.0.1";  // numeric IPv4 or IPv6 address
  uint16_t port = 69;
  std::vector<std::string> names;  // files to fetch, round-robin
  int concurrency = 32;
  double duration_s = 5;   // 0 = run until `total` transfers are done
  uint64_t total = 0;      // > 0: start at most this many transfers
  int blksize = 0;         // 0 = option not sent
  int windowsize = 0;      // 0 = option not sent
  bool tsize = false;      // send "tsize 0", check announced size
  double timeout_s = 1.0;  // retransmission timeout (fixed, no backoff)
  int retries = 5;         // retransmissions before failing with "timeout"
  // Optional: called with each fully received file; false = failure
  // "verify".
  std::function<bool(const std::string& name, std::string_view bytes)> verify;
  bool keep_bytes = false;  // fill LoadReport::files
};

struct LoadReport {
  uint64_t completed = 0;
  uint64_t failed = 0;
  uint64_t aborted = 0;
  std::map<std::string, uint64_t> failures_by_reason;
  double elapsed_s = 0;
  double transfers_per_s = 0;  // completed / elapsed_s
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  uint64_t bytes = 0;          // file bytes of completed transfers
  uint64_t retransmits = 0;    // RRQ / ACK resent after a timeout
  uint64_t stray_packets = 0;  // from an unexpected address / port
  uint64_t out_of_order = 0;   // DATA blocks that were not the next block
  // CPU time (user + system) of the calling thread during the run: near
  // elapsed_s means the load generator, not the server, set the pace.
  double client_cpu_s = 0;
  // keep_bytes only: last successfully received content of each name.
  std::map<std::string, std::string> files;
  // Non-empty when the run could not start or had to stop early (bad
  // options, unparsable host, socket()/epoll failure).
  std::string setup_error;
};

LoadReport RunLoad(const LoadOptions& options);

}  // namespace provisor::bench

#endif  // PROVISOR_TESTS_BENCH_TFTP_LOAD_H_
