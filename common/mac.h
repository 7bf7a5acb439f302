// MAC addresses as operators type them, turned into the one canonical form
// the store keys devices by: lower-case "aa:bb:cc:dd:ee:ff".
//
// Thread-safety: pure functions; safe from any thread.
#ifndef PROVISOR_COMMON_MAC_H_
#define PROVISOR_COMMON_MAC_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor {

// Accepts, in any mix of upper and lower case hex digits:
//   aa:bb:cc:dd:ee:ff   AA-BB-CC-DD-EE-FF   aabb.ccdd.eeff   aabbccddeeff
// and returns "aa:bb:cc:dd:ee:ff". Anything else (other lengths, mixed
// separators, non-hex digits, surrounding spaces, the empty string) is
// INVALID_ARGUMENT: "'<text>' is not a MAC address (use ...)".
StatusOr<std::string> CanonicalMac(std::string_view text);

// "aa:bb:cc:dd:ee:ff" -> "aabbccddeeff" (the form vendor file names use).
// REQUIRES: `canonical` came from CanonicalMac().
std::string MacHex(std::string_view canonical);

}  // namespace provisor

#endif  // PROVISOR_COMMON_MAC_H_
