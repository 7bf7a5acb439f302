// Small text helpers shared by provisorctl's parsers and printers: trimming,
// case folding, strict number parsing and hex coding.
//
// Thread-safety: pure functions.
#ifndef PROVISOR_MASTER_CTL_TEXT_H_
#define PROVISOR_MASTER_CTL_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor::ctl {

std::string_view Trim(std::string_view text);
std::string Lower(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);

// A decimal integer in [0, max]; "" is 0. Errors read "'x' is not a number"
// or "'99' is out of range (0..63)".
StatusOr<uint32_t> ParseUint32(std::string_view text, uint32_t max);

// "a0ff" (any case, optional "0x", ':' or '-' separators) to bytes.
StatusOr<std::string> HexDecode(std::string_view text);
std::string HexEncode(std::string_view bytes);

// Replaces line breaks and tabs by spaces and trims, so that a message fits
// on one line.
std::string OneLine(std::string_view text);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_TEXT_H_
