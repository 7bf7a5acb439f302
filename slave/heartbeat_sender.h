// HeartbeatSender: a slave's periodic report to its master (Cluster.
// Heartbeat): load, sessions, transfers/s, failures by reason, applied
// revision, advertised address and weight. The interval is what the master
// asks for in its answers (default 2 s until the first answer). A failed
// report is logged once per failure streak and retried at the next tick;
// the master marks the slave down when reports stop. Stop() sends a last
// report marked `stopping` (best effort, within `timeout`), so the master
// marks the slave down at once.
//
// Thread-safety: Start/Stop from one thread; the collector is called on the
// sender's thread.
#ifndef PROVISOR_SLAVE_HEARTBEAT_SENDER_H_
#define PROVISOR_SLAVE_HEARTBEAT_SENDER_H_

#include <functional>
#include <optional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/logging.h"
#include "common/tls_config.h"
#include "provisor/v1/cluster.pb.h"

namespace provisor {

struct HeartbeatOptions {
  std::string master;  // host:port
  std::shared_ptr<const TlsMaterial> tls;
  Duration interval = std::chrono::seconds(2);  // until the master says otherwise
  Duration timeout = std::chrono::seconds(1);
  const Clock* clock = nullptr;  // REQUIRED: stamps accepted reports
};

class HeartbeatSender {
 public:
  // `collect` fills a report (slave_id etc.); called once per tick.
  HeartbeatSender(HeartbeatOptions options, std::function<void(v1::HeartbeatRequest*)> collect,
                  Logger logger);
  ~HeartbeatSender();
  void Start();
  void Stop();
  uint64_t sent() const;
  uint64_t failed() const;
  // When the master last accepted a report (steady clock); nullopt: never.
  std::optional<MonoTime> last_accepted() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_HEARTBEAT_SENDER_H_
