#include "common/utf8.h"

#include <catch2/catch.hpp>
#include <string>

namespace provisor {
namespace {

TEST_CASE("IsValidUtf8 accepts well-formed text") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii, long enough for the eight-byte path"));
  CHECK(IsValidUtf8(std::string("nul\0inside", 10)));
  CHECK(IsValidUtf8("\x7F"));
  CHECK(IsValidUtf8("caf\xC3\xA9"));                 // U+00E9
  CHECK(IsValidUtf8("\xC2\x80"));                    // U+0080, smallest 2-byte
  CHECK(IsValidUtf8("\xDF\xBF"));                    // U+07FF
  CHECK(IsValidUtf8("\xE0\xA0\x80"));                // U+0800, smallest 3-byte
  CHECK(IsValidUtf8("\xE2\x82\xAC"));                // U+20AC euro
  CHECK(IsValidUtf8("\xED\x9F\xBF"));                // U+D7FF, below surrogates
  CHECK(IsValidUtf8("\xEE\x80\x80"));                // U+E000, above surrogates
  CHECK(IsValidUtf8("\xEF\xBF\xBF"));                // U+FFFF
  CHECK(IsValidUtf8("\xF0\x90\x80\x80"));            // U+10000, smallest 4-byte
  CHECK(IsValidUtf8("\xF0\x9F\x93\x9E telephone"));  // U+1F4DE
  CHECK(IsValidUtf8("\xF4\x8F\xBF\xBF"));            // U+10FFFF, the largest
  CHECK(
      IsValidUtf8("12345678\xC3\xA9"
                  "12345678\xE2\x82\xAC"));  // after ASCII runs
}

TEST_CASE("IsValidUtf8 rejects malformed text") {
  CHECK_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  CHECK_FALSE(IsValidUtf8("abcdefgh\xBF"));      // continuation after a fast run
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xC1\xBF"));          // overlong 2-byte
  CHECK_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong 3-byte
  CHECK_FALSE(IsValidUtf8("\xE0\x9F\xBF"));      // overlong U+07FF
  CHECK_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // overlong 4-byte
  CHECK_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));  // overlong U+FFFF
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800 surrogate
  CHECK_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF surrogate
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  CHECK_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));  // lead byte past F4
  CHECK_FALSE(IsValidUtf8("\xFF"));
  CHECK_FALSE(IsValidUtf8("\xFE"));
  CHECK_FALSE(IsValidUtf8("\xC3"));          // truncated 2-byte
  CHECK_FALSE(IsValidUtf8("\xE2\x82"));      // truncated 3-byte
  CHECK_FALSE(IsValidUtf8("\xF0\x9F\x93"));  // truncated 4-byte
  CHECK_FALSE(IsValidUtf8("\xC3(x"));        // bad continuation
  CHECK_FALSE(IsValidUtf8("\xE2\x28\xA1"));
  CHECK_FALSE(IsValidUtf8("\xF0\x9F\x28\x9E"));
  CHECK_FALSE(IsValidUtf8("caf\xE9"));  // Latin-1, not UTF-8
}

TEST_CASE("QuoteForMessage keeps text readable and on one line") {
  CHECK(QuoteForMessage("") == "''");
  CHECK(QuoteForMessage("sub-1") == "'sub-1'");
  CHECK(QuoteForMessage("caf\xC3\xA9") == "'caf\xC3\xA9'");
  CHECK(QuoteForMessage("a\nb\tc\x7F") == "'a\\x0Ab\\x09c\\x7F'");
  CHECK(QuoteForMessage("caf\xE9") == "'caf\\xE9'");
  CHECK(QuoteForMessage("\xED\xA0\x80") == "'\\xED\\xA0\\x80'");
  CHECK(QuoteForMessage(std::string(100, 'x')) == "'" + std::string(64, 'x') + "'...");
  CHECK(QuoteForMessage("abcdef", 4) == "'abcd'...");
  CHECK(QuoteForMessage("abcd", 4) == "'abcd'");
  // The cut never splits a character.
  CHECK(QuoteForMessage("abc\xE2\x82\xAC", 5) == "'abc'...");
}

}  // namespace
}  // namespace provisor
