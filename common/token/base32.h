// Lower-case RFC 4648 base32 without padding ("abcdefghijklmnopqrstuvwxyz234567"):
// the alphabet of provisor's encoded filenames. Decoding is case-insensitive,
// because some TFTP clients and DHCP servers change the case of file names.
//
// Thread-safety: stateless.
#ifndef PROVISOR_COMMON_TOKEN_BASE32_H_
#define PROVISOR_COMMON_TOKEN_BASE32_H_

#include <optional>
#include <string>
#include <string_view>

namespace provisor {

std::string Base32Encode(std::string_view bytes);
// nullopt for a character outside the alphabet or leftover bits that are
// not zero (so every byte string has exactly one encoding).
std::optional<std::string> Base32Decode(std::string_view text);

}  // namespace provisor

#endif  // PROVISOR_COMMON_TOKEN_BASE32_H_
