// The NOC's JSON documents (README "Dashboard and JSON API"): the cluster
// (/api/v1/cluster), events after a sequence number (/api/v1/events), the
// 15-minute history (/api/v1/history) and one slave's row (the answer to a
// drain/undrain/weight action). Plain numbers, ids and reasons as UTF-8
// (invalid bytes replaced), times as unix milliseconds plus ISO 8601 UTC.
//
// Thread-safety: pure functions over thread-safe sources.
#ifndef PROVISOR_MASTER_NOC_NOC_VIEW_H_
#define PROVISOR_MASTER_NOC_NOC_VIEW_H_

#include <cstdint>
#include <string>

#include "master/noc/noc_context.h"

namespace provisor {

// `admin`: whether the dashboard may offer write actions.
std::string ClusterJson(const NocContext& noc, bool admin);
// The slave `id`'s row as in ClusterJson; "" when unknown.
std::string SlaveJsonById(const NocContext& noc, const std::string& id);
std::string EventsJson(const NocContext& noc, uint64_t after_seq, size_t limit);
std::string HistoryJson(const NocContext& noc);

}  // namespace provisor

#endif  // PROVISOR_MASTER_NOC_NOC_VIEW_H_
