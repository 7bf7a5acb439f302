// BindingRecorder: records each device's DHCP binding (the IP its ACK gave
// it, and when) in the store, for the audit trail and for requests by
// vendor-native name, which a slave maps to a device by source IP.
//
// The DHCP front end may ACK thousands of devices a second; a store write
// (and a change streamed to every slave) per ACK would cost more than the
// answer itself. So Record only queues in memory, and Flush (called by the
// master's chore every second) writes the queue in batches: the latest
// binding per MAC, skipping devices that are gone and renewals that keep
// the same IP within `refresh` of the stored time. The queue is bounded;
// past `max_pending` MACs new ones are dropped and counted. A batch a
// concurrent delete makes fail loses only that device's binding.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_CLUSTER_BINDING_RECORDER_H_
#define PROVISOR_MASTER_CLUSTER_BINDING_RECORDER_H_

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "master/store/store.h"

namespace provisor {

struct BindingRecorderOptions {
  Duration refresh = std::chrono::hours(1);
  size_t max_pending = 200'000;
  size_t batch_size = 1000;
};

struct BindingCounters {
  std::atomic<uint64_t> recorded{0};   // written to the store
  std::atomic<uint64_t> unchanged{0};  // a renewal within `refresh`: nothing written
  std::atomic<uint64_t> unknown{0};    // no such device (any more)
  std::atomic<uint64_t> dropped{0};    // the queue was full
  std::atomic<uint64_t> failed{0};     // the store refused the write
};

class BindingRecorder {
 public:
  BindingRecorder(Store* store, const Clock* clock, BindingRecorderOptions options = {});

  // Queues `mac` (canonical) bound to `ip` now.
  void Record(const std::string& mac, const std::string& ip);
  // Writes what is queued; returns how many bindings were written.
  size_t Flush();

  const BindingCounters& counters() const { return counters_; }

 private:
  struct Pending {
    std::string ip;
    int64_t time_unix = 0;
  };
  // Writes one batch, dropping any device the store says is gone.
  size_t WriteBatch(std::vector<Mutation> batch);

  Store* store_;
  const Clock* clock_;
  const BindingRecorderOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Pending> pending_;  // protected by mu_
  std::mutex flush_mu_;  // one flush at a time (taken before mu_, never after)
  BindingCounters counters_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_BINDING_RECORDER_H_
