// UTF-8 checks for text that arrives from outside (CSV files, the admin API),
// quoting of such text for one-line messages, and a check for names.
//
// Thread-safety: pure functions; safe from any thread.
#ifndef PROVISOR_COMMON_UTF8_H_
#define PROVISOR_COMMON_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace provisor {

// True when `text` is well-formed UTF-8 (Unicode table 3-7): no overlong
// forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
// sequences. The empty string is valid.
bool IsValidUtf8(std::string_view text);

// `text` in single quotes for an error message: valid UTF-8 is kept, control
// characters and bytes that are not UTF-8 become \xNN, and text longer than
// `max_bytes` is cut there (at a character boundary) and followed by "...".
// The result is always one line of valid UTF-8. Example: 'ab\x0Ac'.
std::string QuoteForMessage(std::string_view text, size_t max_bytes = 64);

// True when `text` is 1..max_bytes printable ASCII characters without
// spaces: a name that may go into a log line, a metric label or a URL.
bool IsPrintableToken(std::string_view text, size_t max_bytes = 64);

}  // namespace provisor

#endif  // PROVISOR_COMMON_UTF8_H_
