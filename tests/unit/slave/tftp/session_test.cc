#include "slave/tftp/session.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "common/clock.h"

namespace provisor::tftp {
namespace {

// The bytes of a string literal, embedded NULs included.
template <size_t N>
std::string S(const char (&s)[N]) {
  return std::string(s, N - 1);
}

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

Negotiated Options(uint32_t blksize = 512, uint32_t windowsize = 1,
                   std::vector<std::pair<std::string, std::string>> accepted = {}) {
  Negotiated n;
  n.blksize = blksize;
  n.windowsize = windowsize;
  n.accepted = std::move(accepted);
  return n;
}

// One session plus the fake time and the datagrams it emitted last.
struct Harness {
  Harness(std::string content, Negotiated options, SessionConfig config = {})
      : bytes(std::move(content)),
        peer(*SocketAddress::Parse("192.0.2.10:3000")),
        session(config, peer, options, std::make_shared<StringContent>(bytes)) {}

  void Start() {
    out.Clear();
    session.Start(clock.Now(), out);
  }
  void Send(const std::vector<uint8_t>& datagram, const SocketAddress* from = nullptr) {
    out.Clear();
    session.OnDatagram(from ? *from : peer, datagram, clock.Now(), out);
  }
  void Ack(uint16_t block) {
    std::vector<uint8_t> ack;
    AppendAck(block, ack);
    Send(ack);
  }
  void Tick(Duration d) {
    clock.Advance(d);
    out.Clear();
    session.OnTimer(clock.Now(), out);
  }
  // Block numbers of the DATA packets just emitted.
  std::vector<uint16_t> DataBlocks() const {
    std::vector<uint16_t> blocks;
    for (size_t i = 0; i < out.size(); ++i) {
      ParseResult r = Parse(out.datagram(i));
      REQUIRE(r.ok());
      REQUIRE(r.packet.opcode == Opcode::kData);
      blocks.push_back(r.packet.block);
    }
    return blocks;
  }
  std::string Payload(size_t i) const {
    ParseResult r = Parse(out.datagram(i));
    return std::string(r.packet.data.begin(), r.packet.data.end());
  }

  std::string bytes;
  SocketAddress peer;
  FakeClock clock;
  Outbox out;
  TftpSession session;
};

TEST_CASE("lock-step transfer without options: DATA 1 first, short last block") {
  Harness h(Pattern(1000), Options());
  h.Start();
  CHECK(h.DataBlocks() == std::vector<uint16_t>{1});
  CHECK(h.Payload(0) == h.bytes.substr(0, 512));
  h.Ack(1);
  CHECK(h.DataBlocks() == std::vector<uint16_t>{2});
  CHECK(h.Payload(0) == h.bytes.substr(512));
  CHECK_FALSE(h.session.done());
  h.Ack(2);
  CHECK(h.out.empty());
  CHECK(h.session.outcome() == Outcome::kCompleted);
  CHECK(h.session.stats().payload_bytes == 1000);
}

TEST_CASE("a size that is a multiple of blksize ends with an empty block") {
  Harness h(Pattern(1024), Options());
  h.Start();
  h.Ack(1);
  h.Ack(2);
  REQUIRE(h.DataBlocks() == std::vector<uint16_t>{3});
  CHECK(h.out.datagram(0).size() == 4);
  h.Ack(3);
  CHECK(h.session.outcome() == Outcome::kCompleted);
}

TEST_CASE("an empty file is one empty DATA block") {
  Harness h("", Options());
  h.Start();
  REQUIRE(h.DataBlocks() == std::vector<uint16_t>{1});
  CHECK(h.out.datagram(0).size() == 4);
  h.Ack(1);
  CHECK(h.session.outcome() == Outcome::kCompleted);
}

TEST_CASE("OACK carries exactly the accepted options, then ACK 0 starts the data") {
  Harness h(Pattern(3000), Options(1428, 1, {{"blksize", "1428"}, {"tsize", "3000"}}));
  h.Start();
  REQUIRE(h.out.size() == 1);
  std::span<const uint8_t> oack = h.out.datagram(0);
  std::string expected = S("\0\6blksize\0" "1428\0tsize\0" "3000\0");
  CHECK(std::string(oack.begin(), oack.end()) == expected);
  h.Ack(1);  // not the ACK of the OACK
  CHECK(h.out.empty());
  h.Ack(0);
  CHECK(h.DataBlocks() == std::vector<uint16_t>{1});
  CHECK(h.Payload(0) == h.bytes.substr(0, 1428));
  h.Ack(0);  // duplicate ACK 0: nothing
  CHECK(h.out.empty());
}

TEST_CASE("ERROR 8 in answer to the OACK ends the transfer quietly") {
  Harness h(Pattern(100), Options(512, 1, {{"tsize", "100"}}));
  h.Start();
  std::vector<uint8_t> error;
  AppendError(ErrorCode::kOptionRefused, "tsize not wanted", error);
  h.Send(error);
  CHECK(h.out.empty());
  CHECK(h.session.outcome() == Outcome::kOptionRefused);
}

TEST_CASE("another client ERROR mid-transfer ends it as a client error") {
  Harness h(Pattern(2000), Options());
  h.Start();
  std::vector<uint8_t> error;
  AppendError(ErrorCode::kDiskFull, "full", error);
  h.Send(error);
  CHECK(h.out.empty());
  CHECK(h.session.outcome() == Outcome::kClientError);
}

TEST_CASE("an ERROR without its NUL, or too short for its code, still ends the transfer") {
  for (const std::vector<uint8_t>& malformed :
       {std::vector<uint8_t>{0, 5, 0, 3, 'f', 'u', 'l', 'l'},  // message without NUL
        std::vector<uint8_t>{0, 5, 0, 8, 'x'},                 // ERROR 8 without NUL
        std::vector<uint8_t>{0, 5, 0},                         // no room for the code
        std::vector<uint8_t>{0, 5}}) {
    INFO("size " << malformed.size());
    for (bool options : {false, true}) {
      Harness h(Pattern(2000), options ? Options(512, 1, {{"tsize", "2000"}}) : Options());
      h.Start();
      if (!options) h.Ack(1);  // mid-transfer
      REQUIRE_FALSE(Parse(malformed).ok());
      REQUIRE(Parse(malformed).is_error());
      h.Send(malformed);
      CHECK(h.out.empty());  // an ERROR is never answered
      CHECK(h.session.outcome() == Outcome::kClientError);
      CHECK(h.session.stats().malformed == 1);
      // Nothing more happens: no retransmission, no answer.
      h.Tick(seconds(60));
      CHECK(h.out.empty());
    }
  }
  // From a foreign TID it is not answered either, and the transfer goes on.
  Harness h(Pattern(2000), Options());
  h.Start();
  SocketAddress stranger = *SocketAddress::Parse("192.0.2.10:3001");
  h.Send({0, 5, 0, 5, 'x'}, &stranger);
  CHECK(h.out.empty());
  CHECK(h.session.stats().foreign_tid == 1);
  CHECK_FALSE(h.session.done());
}

TEST_CASE("timeout=255 over max_timeout: refused, no OACK, the server's timeout applies") {
  Request request;
  request.filename = "f";
  request.options[request.option_count++] = Option{"timeout", "255"};
  OptionLimits limits;  // max_timeout 10 s
  Negotiated n = NegotiateOptions(request, limits, 1000);
  SessionConfig config;  // 1 s, 5 retries
  Harness h(Pattern(1000), n, config);
  h.Start();
  CHECK(h.DataBlocks() == std::vector<uint16_t>{1});  // no OACK: nothing was accepted
  CHECK(h.session.deadline() == h.clock.Now() + seconds(1));
  // An idle client is dropped after the server's retries: 6 s, not 25 min.
  for (int i = 0; i < 6; ++i) h.Tick(seconds(1));
  CHECK(h.session.outcome() == Outcome::kTimeout);

  // With another option the OACK carries that one only.
  request.options[request.option_count++] = Option{"blksize", "1024"};
  Harness with_blksize(Pattern(1000), NegotiateOptions(request, limits, 1000), config);
  with_blksize.Start();
  REQUIRE(with_blksize.out.size() == 1);
  std::span<const uint8_t> oack = with_blksize.out.datagram(0);
  CHECK(std::string(oack.begin(), oack.end()) == S("\0\6blksize\0" "1024\0"));
  CHECK(with_blksize.session.deadline() == with_blksize.clock.Now() + seconds(1));
}

TEST_CASE("max_lifetime ends a slow but steady transfer with ERROR 0") {
  SessionConfig config;
  config.timeout = seconds(5);
  config.max_lifetime = seconds(10);
  Harness h(Pattern(512 * 100), Options(), config);
  h.Start();
  const MonoTime start = h.clock.Now();
  // The client ACKs each block 4.5 s late: never a timeout, yet 100 blocks
  // would take 450 s.
  uint16_t block = 1;
  h.clock.Advance(milliseconds(4500));
  h.Ack(block++);
  CHECK(h.DataBlocks() == std::vector<uint16_t>{2});
  CHECK(h.session.deadline() == start + milliseconds(9500));
  h.clock.Advance(milliseconds(4500));
  h.Ack(block++);
  CHECK(h.DataBlocks() == std::vector<uint16_t>{3});
  CHECK(h.session.deadline() == start + seconds(10));  // 9 s + 5 s would pass it
  h.clock.Advance(milliseconds(1000));  // 10 s: the lifetime is over
  h.Ack(block++);
  REQUIRE(h.out.size() == 1);
  ParseResult error = Parse(h.out.datagram(0));
  REQUIRE(error.ok());
  CHECK(error.packet.opcode == Opcode::kError);
  CHECK(error.packet.error_code == ErrorCode::kNotDefined);
  CHECK(error.packet.error_message == "Transfer time limit exceeded");
  CHECK(h.session.outcome() == Outcome::kLifetimeExceeded);
  CHECK(OutcomeName(Outcome::kLifetimeExceeded) == "lifetime_exceeded");
  CHECK(h.session.stats().payload_bytes == 3 * 512);
}

TEST_CASE("max_lifetime: the timer ends a session whose retries would outlast it") {
  SessionConfig config;
  config.timeout = seconds(4);
  config.max_retries = 100;
  config.max_lifetime = seconds(10);
  Harness h(Pattern(1000), Options(512, 1, {{"blksize", "512"}}), config);
  h.Start();
  h.Tick(seconds(4));  // OACK resent
  h.Tick(seconds(4));  // again
  CHECK(h.session.stats().retransmits == 2);
  CHECK(h.session.deadline() == h.clock.Now() + seconds(2));  // capped at the lifetime
  h.Tick(seconds(1));
  CHECK(h.out.empty());  // not due
  h.Tick(seconds(1));
  REQUIRE(h.out.size() == 1);
  CHECK(Parse(h.out.datagram(0)).packet.error_code == ErrorCode::kNotDefined);
  CHECK(h.session.outcome() == Outcome::kLifetimeExceeded);
  // A transfer that finishes within its lifetime is unaffected.
  Harness quick(Pattern(1000), Options(), config);
  quick.Start();
  quick.clock.Advance(milliseconds(9999));
  quick.Ack(1);
  quick.Ack(2);
  CHECK(quick.session.outcome() == Outcome::kCompleted);
}

TEST_CASE("duplicate ACKs never trigger a resend (Sorcerer's Apprentice)") {
  Harness h(Pattern(3000), Options());
  h.Start();
  h.Ack(1);
  REQUIRE(h.DataBlocks() == std::vector<uint16_t>{2});
  h.Ack(1);
  CHECK(h.out.empty());
  h.Ack(1);
  CHECK(h.out.empty());
  CHECK(h.session.stats().duplicate_acks == 2);
  h.Ack(2);
  CHECK(h.DataBlocks() == std::vector<uint16_t>{3});
  CHECK(h.session.stats().retransmits == 0);
}

TEST_CASE("reordered (stale) ACKs are ignored") {
  Harness h(Pattern(3000), Options());
  h.Start();
  h.Ack(1);
  h.Ack(2);
  REQUIRE(h.DataBlocks() == std::vector<uint16_t>{3});
  h.Ack(1);  // arrives late
  CHECK(h.out.empty());
  h.Ack(9);  // never sent
  CHECK(h.out.empty());
  CHECK(h.session.stats().stale_acks == 2);
  CHECK_FALSE(h.session.done());
}

TEST_CASE("timeouts retransmit, then give up after the retries") {
  SessionConfig config;
  config.timeout = seconds(2);
  config.max_retries = 3;
  Harness h(Pattern(1000), Options(), config);
  h.Start();
  CHECK(h.session.deadline() == h.clock.Now() + seconds(2));
  h.Tick(milliseconds(1999));
  CHECK(h.out.empty());  // not due yet
  h.Tick(milliseconds(1));
  CHECK(h.DataBlocks() == std::vector<uint16_t>{1});
  h.Tick(seconds(2));
  h.Tick(seconds(2));
  CHECK(h.DataBlocks() == std::vector<uint16_t>{1});
  CHECK(h.session.stats().retransmits == 3);
  h.Tick(seconds(2));
  CHECK(h.out.empty());
  CHECK(h.session.outcome() == Outcome::kTimeout);
}

TEST_CASE("progress resets the retry count and the OACK is retransmitted too") {
  SessionConfig config;
  config.max_retries = 1;
  Harness h(Pattern(2000), Options(512, 1, {{"blksize", "512"}}), config);
  h.Start();
  h.Tick(seconds(1));
  REQUIRE(h.out.size() == 1);
  CHECK(Parse(h.out.datagram(0)).packet.opcode == Opcode::kOack);
  h.Ack(0);
  h.Tick(seconds(1));
  CHECK(h.DataBlocks() == std::vector<uint16_t>{1});
  h.Ack(1);
  h.Tick(seconds(1));
  CHECK(h.DataBlocks() == std::vector<uint16_t>{2});
  CHECK_FALSE(h.session.done());
}

TEST_CASE("a negotiated timeout replaces the configured one") {
  Negotiated n = Options(512, 1, {{"timeout", "7"}});
  n.timeout_s = 7;
  Harness h(Pattern(10), n);
  h.Start();
  CHECK(h.session.deadline() == h.clock.Now() + seconds(7));
}

TEST_CASE("windowsize: a full window, then the next after its last ACK") {
  Harness h(Pattern(5000), Options(512, 4, {{"windowsize", "4"}}));
  h.Start();
  h.Ack(0);
  REQUIRE(h.DataBlocks() == std::vector<uint16_t>{1, 2, 3, 4});
  for (size_t i = 0; i < 4; ++i) CHECK(h.Payload(i) == h.bytes.substr(i * 512, 512));
  h.Ack(4);
  CHECK(h.DataBlocks() == std::vector<uint16_t>{5, 6, 7, 8});
  h.Ack(8);
  REQUIRE(h.DataBlocks() == std::vector<uint16_t>{9, 10});
  CHECK(h.Payload(1) == h.bytes.substr(9 * 512));
  h.Ack(10);
  CHECK(h.session.outcome() == Outcome::kCompleted);
}

TEST_CASE("windowsize: an ACK inside the window resends from the next block") {
  Harness h(Pattern(5000), Options(512, 4, {{"windowsize", "4"}}));
  h.Start();
  h.Ack(0);
  h.Ack(2);  // client lost block 3
  CHECK(h.DataBlocks() == std::vector<uint16_t>{3, 4, 5, 6});
  CHECK(h.session.stats().retransmits == 2);
}

TEST_CASE("windowsize: a timeout resends from the first unacknowledged block") {
  Harness h(Pattern(5000), Options(512, 4, {{"windowsize", "4"}}));
  h.Start();
  h.Ack(0);
  h.Ack(4);
  REQUIRE(h.DataBlocks() == std::vector<uint16_t>{5, 6, 7, 8});
  h.Tick(seconds(1));
  CHECK(h.DataBlocks() == std::vector<uint16_t>{5, 6, 7, 8});
  h.Ack(6);
  CHECK(h.DataBlocks() == std::vector<uint16_t>{7, 8, 9, 10});
}

TEST_CASE("block numbers roll over to 0 by default, or to 1") {
  CHECK(TftpSession::WireBlock(65535, 0) == 65535);
  CHECK(TftpSession::WireBlock(65536, 0) == 0);
  CHECK(TftpSession::WireBlock(65537, 0) == 1);
  CHECK(TftpSession::WireBlock(131072, 0) == 0);
  CHECK(TftpSession::WireBlock(65535, 1) == 65535);
  CHECK(TftpSession::WireBlock(65536, 1) == 1);
  CHECK(TftpSession::WireBlock(131070, 1) == 65535);
  CHECK(TftpSession::WireBlock(131071, 1) == 1);

  for (uint16_t rollover : {0, 1}) {
    SessionConfig config;
    config.rollover_to = rollover;
    // 8-byte blocks: 70,000 blocks plus the empty final one.
    Harness h(Pattern(8 * 70000), Options(8, 1), config);
    h.Start();
    std::string received;
    uint64_t index = 1;
    while (!h.session.done()) {
      REQUIRE(h.out.size() == 1);
      ParseResult r = Parse(h.out.datagram(0));
      REQUIRE(r.packet.block == TftpSession::WireBlock(index, rollover));
      received.append(r.packet.data.begin(), r.packet.data.end());
      h.Ack(r.packet.block);
      ++index;
    }
    CHECK(index == 70002);
    CHECK(received == h.bytes);
    CHECK(h.session.outcome() == Outcome::kCompleted);
  }
}

TEST_CASE("a foreign TID gets ERROR 5 and the transfer goes on") {
  Harness h(Pattern(1000), Options());
  h.Start();
  SocketAddress stranger = *SocketAddress::Parse("192.0.2.10:3001");
  std::vector<uint8_t> ack;
  AppendAck(1, ack);
  h.Send(ack, &stranger);
  REQUIRE(h.out.size() == 1);
  REQUIRE(h.out.destination(0).has_value());
  CHECK(*h.out.destination(0) == stranger);
  ParseResult r = Parse(h.out.datagram(0));
  CHECK(r.packet.opcode == Opcode::kError);
  CHECK(r.packet.error_code == ErrorCode::kUnknownTid);
  CHECK(h.session.stats().foreign_tid == 1);
  // A foreign ERROR is not answered.
  std::vector<uint8_t> error;
  AppendError(ErrorCode::kUnknownTid, "x", error);
  h.Send(error, &stranger);
  CHECK(h.out.empty());
  // The real peer carries on.
  h.Ack(1);
  CHECK(h.DataBlocks() == std::vector<uint16_t>{2});
}

TEST_CASE("packets with no place in a read end it with ERROR 4 and malformed ACKs are dropped") {
  SECTION("DATA from the client") {
    Harness h(Pattern(1000), Options());
    h.Start();
    std::vector<uint8_t> data;
    AppendData(1, std::span<const uint8_t>(), data);
    h.Send(data);
    REQUIRE(h.out.size() == 1);
    CHECK(Parse(h.out.datagram(0)).packet.error_code == ErrorCode::kIllegalOperation);
    CHECK(h.session.outcome() == Outcome::kIllegalOperation);
  }
  SECTION("unknown opcode") {
    Harness h(Pattern(1000), Options());
    h.Start();
    h.Send({0, 9, 0, 1});
    CHECK(h.session.outcome() == Outcome::kIllegalOperation);
  }
  SECTION("truncated ACK") {
    Harness h(Pattern(1000), Options());
    h.Start();
    h.Send({0, 4, 0});
    CHECK(h.out.empty());
    CHECK(h.session.stats().malformed == 1);
    CHECK_FALSE(h.session.done());
  }
}

// A lossy network between the session and a windowed client: datagrams in
// both directions are dropped, duplicated and delivered out of order. The
// client follows RFC 7440 (ACK at the end of a window or on a gap).
TEST_CASE("transfers complete intact under loss, duplication and reordering") {
  for (uint32_t window : {1u, 4u, 16u}) {
    for (uint32_t seed = 1; seed <= 5; ++seed) {
      INFO("window " << window << " seed " << seed);
      std::mt19937 rng(seed * 7919 + window);
      std::uniform_real_distribution<double> coin(0, 1);
      SessionConfig config;
      config.max_retries = 50;
      Harness h(Pattern(40'000), Options(512, window, {{"windowsize", std::to_string(window)}}),
                config);
      std::string received;
      uint16_t next_expected = 1;
      uint32_t in_window = 0;
      std::vector<std::vector<uint8_t>> to_client;
      auto collect = [&] {
        for (size_t i = 0; i < h.out.size(); ++i) {
          std::span<const uint8_t> d = h.out.datagram(i);
          if (coin(rng) < 0.1) continue;                     // lost
          to_client.emplace_back(d.begin(), d.end());
          if (coin(rng) < 0.05) to_client.emplace_back(d.begin(), d.end());  // duplicated
        }
        if (to_client.size() > 1 && coin(rng) < 0.2) {
          std::swap(to_client[0], to_client[to_client.size() - 1]);  // reordered
        }
      };
      auto client_ack = [&](uint16_t block) {
        if (coin(rng) < 0.1) return;  // ACK lost
        h.Ack(block);
        collect();
      };
      h.Start();
      collect();
      int steps = 0;
      while (!h.session.done() && steps++ < 200'000) {
        if (to_client.empty()) {
          h.Tick(seconds(1));
          collect();
          continue;
        }
        std::vector<uint8_t> d = to_client.front();
        to_client.erase(to_client.begin());
        ParseResult r = Parse(d);
        REQUIRE(r.ok());
        if (r.packet.opcode == Opcode::kOack) {
          client_ack(0);
          continue;
        }
        REQUIRE(r.packet.opcode == Opcode::kData);
        if (r.packet.block != next_expected) {
          // Gap or duplicate: re-ACK the last block received in order.
          in_window = 0;
          client_ack(static_cast<uint16_t>(next_expected - 1));
          continue;
        }
        received.append(r.packet.data.begin(), r.packet.data.end());
        ++next_expected;
        bool last = r.packet.data.size() < 512;
        if (++in_window == window || last) {
          in_window = 0;
          client_ack(r.packet.block);
        }
      }
      CHECK(h.session.outcome() == Outcome::kCompleted);
      CHECK(received == h.bytes);
    }
  }
}

}  // namespace
}  // namespace provisor::tftp
