#include "slave/tftp/packet.h"

#include <catch2/catch.hpp>
#include <string>

namespace provisor::tftp {
namespace {

// The bytes of a string literal, embedded NULs included.
template <size_t N>
std::string S(const char (&s)[N]) {
  return std::string(s, N - 1);
}

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

ParseResult ParseString(const std::string& s) {
  static thread_local std::vector<uint8_t> keep;
  keep = Bytes(s);
  return Parse(keep);
}

TEST_CASE("RRQ round trip with options") {
  std::vector<uint8_t> bytes;
  Option opts[] = {{"blksize", "1428"}, {"TSIZE", "0"}};
  AppendRequest(Opcode::kRrq, "diag/10/x", "OcTeT", opts, bytes);
  CHECK(bytes == Bytes(S("\0\1diag/10/x\0OcTeT\0blksize\0" "1428\0TSIZE\0" "0\0")));
  ParseResult r = Parse(bytes);
  REQUIRE(r.ok());
  CHECK(r.packet.opcode == Opcode::kRrq);
  CHECK(r.packet.request.filename == "diag/10/x");
  CHECK(r.packet.request.mode == TransferMode::kOctet);
  REQUIRE(r.packet.request.option_count == 2);
  CHECK(r.packet.request.options[0].name == "blksize");
  CHECK(r.packet.request.options[0].value == "1428");
  CHECK(r.packet.request.options[1].name == "TSIZE");
}

TEST_CASE("netascii mode is recognised in any case") {
  ParseResult r = ParseString(S("\0\1f\0NetAscii\0"));
  REQUIRE(r.ok());
  CHECK(r.packet.request.mode == TransferMode::kNetascii);
}

TEST_CASE("DATA, ACK, ERROR and OACK round trip") {
  std::vector<uint8_t> bytes;
  const uint8_t payload[] = {1, 2, 3};
  AppendData(0xabcd, payload, bytes);
  CHECK(bytes == std::vector<uint8_t>{0, 3, 0xab, 0xcd, 1, 2, 3});
  ParseResult d = Parse(bytes);
  REQUIRE(d.ok());
  CHECK(d.packet.block == 0xabcd);
  CHECK(d.packet.data.size() == 3);

  bytes.clear();
  AppendAck(65535, bytes);
  CHECK(bytes == std::vector<uint8_t>{0, 4, 0xff, 0xff});
  ParseResult a = Parse(bytes);
  REQUIRE(a.ok());
  CHECK(a.packet.opcode == Opcode::kAck);
  CHECK(a.packet.block == 65535);

  bytes.clear();
  AppendError(ErrorCode::kOptionRefused, "no", bytes);
  CHECK(bytes == Bytes(S("\0\5\0\10no\0")));
  ParseResult e = Parse(bytes);
  REQUIRE(e.ok());
  CHECK(e.packet.error_code == ErrorCode::kOptionRefused);
  CHECK(e.packet.error_message == "no");

  bytes.clear();
  Option opts[] = {{"blksize", "512"}};
  AppendOack(opts, bytes);
  CHECK(bytes == Bytes(S("\0\6blksize\0" "512\0")));
  ParseResult o = Parse(bytes);
  REQUIRE(o.ok());
  REQUIRE(o.packet.oack_option_count == 1);
  CHECK(o.packet.oack_options[0].value == "512");
}

TEST_CASE("every malformed packet is rejected with its own reason") {
  struct Case {
    std::string bytes;
    ParseError want;
  };
  const Case cases[] = {
      {S(""), ParseError::kTooShort},
      {S("\0"), ParseError::kTooShort},
      {S("\0\0"), ParseError::kUnknownOpcode},
      {S("\0\7abc"), ParseError::kUnknownOpcode},
      {S("\xff\xff"), ParseError::kUnknownOpcode},
      {S("\0\1"), ParseError::kUnterminatedFilename},
      {S("\0\1file"), ParseError::kUnterminatedFilename},
      {S("\0\1\0octet\0"), ParseError::kEmptyFilename},
      {S("\0\1file\0"), ParseError::kUnterminatedMode},
      {S("\0\1file\0octet"), ParseError::kUnterminatedMode},
      {S("\0\1file\0mail\0"), ParseError::kUnknownMode},
      {S("\0\1file\0binary\0"), ParseError::kUnknownMode},
      {S("\0\1file\0octet\0blksize"), ParseError::kUnterminatedOption},
      {S("\0\1file\0octet\0blksize\0"), ParseError::kUnterminatedOption},
      {S("\0\1file\0octet\0blksize\0" "512"), ParseError::kUnterminatedOption},
      {S("\0\2file\0octet\0tsize"), ParseError::kUnterminatedOption},
      {S("\0\3\0"), ParseError::kTooShort},
      {S("\0\4\0"), ParseError::kBadAckLength},
      {S("\0\4\0\1\0"), ParseError::kBadAckLength},
      {S("\0\5\0"), ParseError::kTooShort},
      {S("\0\5\0\1oops"), ParseError::kUnterminatedError},
      {S("\0\6blksize\0"), ParseError::kUnterminatedOption},
  };
  for (const Case& c : cases) {
    INFO("bytes of size " << c.bytes.size());
    ParseResult r = ParseString(c.bytes);
    CHECK(r.error == c.want);
    CHECK(ParseErrorName(r.error) != "unknown");
  }
}

TEST_CASE("a malformed ERROR is still recognised as an ERROR, with its code when present") {
  ParseResult unterminated = ParseString(S("\0\5\0\3disk full"));
  CHECK(unterminated.error == ParseError::kUnterminatedError);
  CHECK(unterminated.is_error());
  CHECK(unterminated.packet.error_code == ErrorCode::kDiskFull);
  ParseResult short_code = ParseString(S("\0\5\0"));
  CHECK(short_code.error == ParseError::kTooShort);
  CHECK(short_code.is_error());
  CHECK(ParseString(S("\0\5")).is_error());
  CHECK(ParseString(S("\0\5\0\1ok\0")).is_error());
  // Nothing else is taken for an ERROR.
  for (const std::string& other : {S(""), S("\0"), S("\0\4\0"), S("\0\7\0\1"), S("\5\0"),
                                   S("\0\1file")}) {
    CHECK_FALSE(ParseString(other).is_error());
  }
}

TEST_CASE("oversized packets are rejected") {
  std::string big_request = S("\0\1");
  big_request += std::string(kMaxRequestSize, 'a');
  big_request += S("\0octet\0");
  CHECK(ParseString(big_request).error == ParseError::kTooLong);
  std::string big_data = S("\0\3\0\1");
  big_data += std::string(kMaxBlockSize + 1, 'x');
  CHECK(ParseString(big_data).error == ParseError::kTooLong);
  std::string max_data = S("\0\3\0\1");
  max_data += std::string(kMaxBlockSize, 'x');
  CHECK(ParseString(max_data).ok());
}

TEST_CASE("lenient where real clients need it") {
  // ERROR with neither message nor NUL still carries its code.
  ParseResult e = ParseString(S("\0\5\0\10"));
  REQUIRE(e.ok());
  CHECK(e.packet.error_code == ErrorCode::kOptionRefused);
  // Trailing NUL padding after the mode (some boot ROMs) is not an option.
  ParseResult padded = ParseString(S("\0\1f\0octet\0\0\0"));
  REQUIRE(padded.ok());
  CHECK(padded.packet.request.option_count == 0);
  // More options than kMaxOptions: the rest are ignored, not an error.
  std::string many = S("\0\1f\0octet\0");
  for (int i = 0; i < 40; ++i) many += "x" + std::to_string(i) + S("\0" "1\0");
  ParseResult m = ParseString(many);
  REQUIRE(m.ok());
  CHECK(m.packet.request.option_count == kMaxOptions);
}

TEST_CASE("EqualsIgnoreCase compares ASCII only") {
  CHECK(EqualsIgnoreCase("BlkSize", "blksize"));
  CHECK_FALSE(EqualsIgnoreCase("blksize", "blksiz"));
  CHECK_FALSE(EqualsIgnoreCase("\xc3\x89", "\xc3\xa9"));
}

}  // namespace
}  // namespace provisor::tftp
