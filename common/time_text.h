// Times as people and JSON documents read them: ISO 8601 in UTC to the
// second, "2027-01-15T08:00:00Z".
//
// Thread-safety: pure functions.
#ifndef PROVISOR_COMMON_TIME_TEXT_H_
#define PROVISOR_COMMON_TIME_TEXT_H_

#include <cstdint>
#include <string>

#include "common/clock.h"

namespace provisor {

std::string IsoTime(WallTime t);
// The same for unix milliseconds (negative ones round down).
std::string IsoTimeFromUnixMillis(int64_t unix_ms);

}  // namespace provisor

#endif  // PROVISOR_COMMON_TIME_TEXT_H_
