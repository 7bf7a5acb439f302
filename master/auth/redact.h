// RedactSecrets: what a caller below `operator` sees of an entity. SIP line
// passwords and per-device secrets are cleared (token keys never leave the
// master through the admin API at all). Used by Get, List and Watch.
//
// Thread-safety: pure function.
#ifndef PROVISOR_MASTER_AUTH_REDACT_H_
#define PROVISOR_MASTER_AUTH_REDACT_H_

#include "provisor/v1/model.pb.h"

namespace provisor {

void RedactSecrets(v1::Entity* entity);

}  // namespace provisor

#endif  // PROVISOR_MASTER_AUTH_REDACT_H_
