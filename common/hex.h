// Hex text for bytes, and back: store ids, instance ids, page tokens, key
// files, SHA-256 digests. One place for the digits.
//
// Thread-safety: pure functions (RandomHex draws from OpenSSL's RNG, which is
// thread-safe).
#ifndef PROVISOR_COMMON_HEX_H_
#define PROVISOR_COMMON_HEX_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor {

// Two lower-case digits per byte.
std::string HexEncode(std::string_view bytes);
// The bytes of an even number of hex digits (either case); nullopt otherwise.
std::optional<std::string> HexDecode(std::string_view hex);
// `bytes` random bytes (RAND_bytes) as hex; INTERNAL when the RNG fails.
StatusOr<std::string> RandomHex(size_t bytes);

}  // namespace provisor

#endif  // PROVISOR_COMMON_HEX_H_
