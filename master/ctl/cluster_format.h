// How provisorctl shows the cluster: one table row per slave (`status`,
// `slave ...`), a summary line with the master's revision and role, the
// recent events, and JSON objects with plain numbers (not the protobuf JSON
// mapping, whose 64-bit numbers are strings) for --json.
//
// Thread-safety: pure functions.
#ifndef PROVISOR_MASTER_CTL_CLUSTER_FORMAT_H_
#define PROVISOR_MASTER_CTL_CLUSTER_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "master/ctl/table.h"
#include "provisor/v1/balancer.pb.h"
#include "provisor/v1/cluster.pb.h"

namespace provisor::ctl {

// ID, ADDRESS, STATE, WEIGHT, EFFECTIVE, LAST HEARTBEAT, SESSIONS,
// TRANSFERS/S, REVISION LAG.
Table MakeSlaveTable();
// An operator weight is marked "*". `colour`: the state in green (up), red
// (down) or yellow (draining), as ANSI colour sequences.
std::vector<std::string> SlaveRow(const v1::SlaveStatusProto& slave, bool colour = false);

// The slave table, then "master revision R, role root, N slaves (max M)".
std::string FormatStatus(const v1::StatusResponse& status, bool colour = false);
// TIME, SLAVE, EVENT (its stable id), REASON (oldest first), or "no cluster
// events".
std::string FormatEvents(const std::vector<v1::ClusterEventProto>& events);
// One line per event, "TIME  ID  SLAVE  REASON" (`events --follow`, `top`).
std::string FormatEventLines(const std::vector<v1::ClusterEventProto>& events);
// `top`'s screen: a totals line, the slave table, the newest `max_events`
// events (newest first).
std::string FormatTop(const v1::StatusResponse& status, int64_t now_unix_ms, size_t max_events,
                      bool colour);

// {"revision":..,"store_id":..,"role":..,...,"slaves":[..],"events":[..]}
std::string StatusJson(const v1::StatusResponse& status);
// {"events":[{"time":"...Z","time_unix_ms":..,"slave_id":..,"kind":..,"reason":..}]}
std::string EventsJson(const std::vector<v1::ClusterEventProto>& events);
// One event on one line (`events --follow --json`): {"time":..,"seq":..,...}
std::string EventLineJson(const v1::ClusterEventProto& event);
// One slave: {"id":..,"address":..,"state":..,"weight":..,...}
std::string SlaveJson(const v1::SlaveStatusProto& slave);

// "never" for a negative age, else "0.4s ago", "12s ago", "3m05s ago",
// "2h10m ago".
std::string FormatAge(double seconds);
// "2027-01-15T08:00:00Z" (UTC).
std::string FormatEventTime(int64_t unix_ms);

// {"server":..,"port":..,"filename":..,"slave":..}; `full` adds siaddr,
// option66, option67 and option150.
std::string NextServerJson(const v1::NextServerResponse& answer, bool full);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_CLUSTER_FORMAT_H_
