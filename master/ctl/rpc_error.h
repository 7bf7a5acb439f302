// Turns the status of a failed call to the master into one line a person
// understands. The master's own errors (NOT_FOUND, ALREADY_EXISTS,
// INVALID_ARGUMENT, FAILED_PRECONDITION ...) already carry a one-line message
// and pass through; transport failures name the master and the cause:
// "cannot reach the master at 127.0.0.1:7400 (connection refused)".
//
// Thread-safety: pure function.
#ifndef PROVISOR_MASTER_CTL_RPC_ERROR_H_
#define PROVISOR_MASTER_CTL_RPC_ERROR_H_

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace provisor::ctl {

struct RpcContext {
  std::string master;        // "127.0.0.1:7400"
  Duration timeout{};        // the call's deadline, for DEADLINE_EXCEEDED
  std::string_view what;     // the call, for UNIMPLEMENTED: "import"
};

// Same code as `status`, message rewritten for people. REQUIRES: !status.ok().
Status DescribeRpcError(const Status& status, const RpcContext& context);

// "10s", "1.5s", "250ms", "2m".
std::string FormatDuration(Duration duration);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_RPC_ERROR_H_
