// LoadReport: builds a slave's heartbeat from its live counters: active
// sessions and completed transfers per second (over the time since the last
// report), failures by reason (content refusals and failed transfers, since
// start), the applied revision, and CPU load (process CPU time over wall
// time and cores since the last report).
//
// Thread-safety: Fill from one thread (the heartbeat sender's).
#ifndef PROVISOR_SLAVE_LOAD_REPORT_H_
#define PROVISOR_SLAVE_LOAD_REPORT_H_

#include <string>

#include "common/clock.h"
#include "provisor/v1/cluster.pb.h"
#include "slave/generation/provider.h"
#include "slave/tftp/server.h"

namespace provisor {

struct LoadReportIdentity {
  std::string slave_id;
  std::string instance;  // RandomInstanceId() of this process
  std::string address;
  uint32_t weight = 100;
};

class LoadReport {
 public:
  LoadReport(LoadReportIdentity identity, const tftp::TftpServer* server,
             const GenerationProvider* provider, const SnapshotHolder* snapshots,
             const Clock* clock);
  void Fill(v1::HeartbeatRequest* report);

 private:
  const LoadReportIdentity identity_;
  const tftp::TftpServer* server_;
  const GenerationProvider* provider_;
  const SnapshotHolder* snapshots_;
  const Clock* clock_;
  MonoTime last_time_{};
  uint64_t last_completed_ = 0;
  double last_cpu_s_ = 0;
  unsigned cores_ = 1;
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_LOAD_REPORT_H_
