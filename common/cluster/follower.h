// Follower: the client side of Cluster.Sync, shared by slaves (which apply
// into memory) and relay masters (which apply into their own store). One
// thread keeps a Sync stream open to the master: it asks for what follows
// the sink's revision, feeds the snapshot or the deltas to the sink, and
// when the stream breaks (master down, refused, stalled) waits with
// exponential backoff and full jitter, then reconnects and resumes by
// delta. While disconnected the sink keeps what it has.
//
// Thread-safety: Start/Stop from one thread; stats() from any thread. The
// sink is called only from the follower's thread.
#ifndef PROVISOR_COMMON_CLUSTER_FOLLOWER_H_
#define PROVISOR_COMMON_CLUSTER_FOLLOWER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/logging.h"
#include "common/status.h"
#include "common/tls_config.h"
#include "provisor/v1/cluster.pb.h"

namespace provisor {

// Where a follower puts what the master sends.
class SyncSink {
 public:
  virtual ~SyncSink() = default;
  // What to ask for: the revision last applied and the store it is of.
  virtual uint64_t applied_revision() const = 0;
  virtual std::string store_id() const = 0;
  // Every stream starts with this (delta or snapshot).
  virtual Status Start(const v1::SyncStart& start) = 0;
  virtual Status SnapshotEntities(v1::SnapshotChunk& chunk) = 0;
  // The snapshot is complete: publish it.
  virtual Status EndSnapshot(const v1::SnapshotEnd& end) = 0;
  // Whole revisions, in order; publish them.
  virtual Status ApplyChanges(v1::ChangeBatch& batch) = 0;
  // The stream broke mid-snapshot: drop the partial snapshot.
  virtual void AbortSnapshot() = 0;
};

struct FollowerOptions {
  std::string id;
  v1::FollowerKind kind = v1::FOLLOWER_KIND_SLAVE;
  std::string master;   // host:port
  std::string address;  // what this follower advertises
  // This process's random id (RandomInstanceId): the master refuses a second
  // process claiming the id of a live slave.
  std::string instance;
  std::shared_ptr<const TlsMaterial> tls;  // null: plaintext
  Duration min_backoff = std::chrono::milliseconds(100);
  Duration max_backoff = std::chrono::seconds(5);
};

// 16 random hex digits, one per process: a slave's Sync and heartbeats carry
// it so the master can tell a second process with the same id.
std::string RandomInstanceId();

struct FollowerStats {
  bool connected = false;   // a stream is open and past its start
  uint64_t streams = 0;     // streams that started
  uint64_t snapshots = 0;   // snapshots applied
  uint64_t deltas = 0;      // streams that resumed by delta
  uint64_t changes = 0;     // changes applied
  uint64_t refused = 0;     // streams the master refused (e.g. max_slaves)
  uint64_t master_revision = 0;
  std::string last_error;
};

class Follower {
 public:
  Follower(FollowerOptions options, SyncSink* sink, Logger logger);
  ~Follower();  // stops
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  void Start();
  void Stop();
  FollowerStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_CLUSTER_FOLLOWER_H_
