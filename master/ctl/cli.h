// provisorctl's command line: global flags (--master, also $PROVISOR_MASTER;
// --json; --timeout; --tls-ca/--tls-cert/--tls-key, all three or none, also
// $PROVISOR_TLS_CA/CERT/KEY), the command tree, and the exit codes: 0
// success, 1 the request failed (one line on stderr), 2 bad usage.
//
// Thread-safety: call once, from main().
#ifndef PROVISOR_MASTER_CTL_CLI_H_
#define PROVISOR_MASTER_CTL_CLI_H_

#include <ostream>

#include "common/clock.h"
#include "common/status.h"

namespace provisor::ctl {

int RunProvisorctl(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                   const Clock& clock);

// "10s", "500ms", "2m", or a bare number of seconds; more than zero.
StatusOr<Duration> ParseTimeout(std::string_view text);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_CLI_H_
