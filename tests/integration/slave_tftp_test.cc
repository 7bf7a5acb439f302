// The real provisor-slave binary (diagnostic mode, 127.0.0.1 port 0) against
// provisor's own independent TFTP client (tests/bench/tftp_load) and
// hand-made datagrams.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "slave/tftp/packet.h"
#include "tests/bench/diagnostic_bytes.h"
#include "tests/bench/tftp_load.h"
#include "tests/support/diag_slave.h"
#include "tests/support/file_trace.h"
#include "tests/support/udp_peer.h"

namespace provisor {
namespace {

// The bytes of a string literal, embedded NULs included.
template <size_t N>
std::string S(const char (&s)[N]) {
  return std::string(s, N - 1);
}

using bench::DiagnosticBytes;
using testing::StartDiagSlave;
using testing::UdpPeer;
using namespace tftp;

bench::LoadOptions OneFetch(const SocketAddress& server, const std::string& name) {
  bench::LoadOptions o;
  o.host = server.HostString();
  o.port = server.port();
  o.names = {name};
  o.concurrency = 1;
  o.duration_s = 0;
  o.total = 1;
  o.keep_bytes = true;
  return o;
}

std::vector<uint8_t> Rrq(const std::string& name, std::vector<Option> options = {},
                         const std::string& mode = "octet") {
  std::vector<uint8_t> bytes;
  AppendRequest(Opcode::kRrq, name, mode, options, bytes);
  return bytes;
}

ParsedPacket Expect(const std::optional<UdpPeer::Datagram>& d, Opcode opcode) {
  REQUIRE(d.has_value());
  ParseResult r = Parse(d->bytes);
  REQUIRE(r.ok());
  REQUIRE(r.packet.opcode == opcode);
  return r.packet;
}

TEST_CASE("diagnostic file fetched intact, with and without options") {
  auto slave = StartDiagSlave();
  struct Variant {
    int blksize, windowsize;
    bool tsize;
    uint64_t size;
  };
  for (Variant v : {Variant{0, 0, false, 3000}, Variant{1428, 0, true, 3000},
                    Variant{1428, 8, true, 100'000}, Variant{512, 0, false, 1024},
                    Variant{8, 0, true, 0}, Variant{1468, 64, true, 1'000'000}}) {
    INFO("blksize " << v.blksize << " windowsize " << v.windowsize << " size " << v.size);
    std::string name = "diag/" + std::to_string(v.size) + "/x";
    bench::LoadOptions o = OneFetch(slave->tftp, name);
    o.blksize = v.blksize;
    o.windowsize = v.windowsize;
    o.tsize = v.tsize;
    bench::LoadReport r = bench::RunLoad(o);
    CHECK(r.setup_error.empty());
    CHECK(r.failures_by_reason.empty());
    REQUIRE(r.completed == 1);
    CHECK(r.files[name] == DiagnosticBytes(v.size));
  }
}

TEST_CASE("500 concurrent transfers all deliver the right bytes") {
  auto slave = StartDiagSlave("max_sessions_per_ip = 1000");
  bench::LoadOptions o;
  o.host = "127.0.0.1";
  o.port = slave->tftp.port();
  o.names = {"diag/2048/a", "diag/3000/b", "diag/8192/c", "diag/40000/d", "diag/0/e"};
  o.concurrency = 500;
  o.duration_s = 0;
  o.total = 500;
  o.blksize = 1428;
  o.tsize = true;
  o.verify = [](const std::string& name, std::string_view bytes) {
    auto size = bench::DiagnosticSizeFromName(name);
    return size && bytes == DiagnosticBytes(*size);
  };
  bench::LoadReport r = bench::RunLoad(o);
  INFO("failures: " << r.failures_by_reason.size());
  for (const auto& [reason, n] : r.failures_by_reason) INFO(reason << ": " << n);
  CHECK(r.failed == 0);
  CHECK(r.completed == 500);
}

TEST_CASE("IPv6 and IPv4 listeners on the same slave") {
  auto slave = StartDiagSlave("", {"127.0.0.1:0", "[::1]:0"});
  SocketAddress v6 = slave->daemon->Address("slave tftp", 1);
  REQUIRE(v6.family() == AF_INET6);
  for (const SocketAddress& server : {slave->tftp, v6}) {
    bench::LoadOptions o = OneFetch(server, "diag/5000/v");
    o.blksize = 1428;
    bench::LoadReport r = bench::RunLoad(o);
    REQUIRE(r.completed == 1);
    CHECK(r.files["diag/5000/v"] == DiagnosticBytes(5000));
  }
}

TEST_CASE("refusals: unknown file, write request, malformed and unknown packets") {
  auto slave = StartDiagSlave();
  UdpPeer peer;
  peer.SendTo(slave->tftp, Rrq("no/such/file"));
  ParsedPacket e1 = Expect(peer.Receive(), Opcode::kError);
  CHECK(e1.error_code == ErrorCode::kFileNotFound);

  std::vector<uint8_t> wrq;
  AppendRequest(Opcode::kWrq, "diag/10/x", "octet", {}, wrq);
  peer.SendTo(slave->tftp, wrq);
  CHECK(Expect(peer.Receive(), Opcode::kError).error_code == ErrorCode::kAccessViolation);

  peer.SendTo(slave->tftp, {0, 1, 'f', 'i', 'l', 'e'});  // no NUL
  CHECK(Expect(peer.Receive(), Opcode::kError).error_code == ErrorCode::kIllegalOperation);
  peer.SendTo(slave->tftp, {0, 1, 'f', 0, 'm', 'a', 'i', 'l', 0});
  CHECK(Expect(peer.Receive(), Opcode::kError).error_code == ErrorCode::kIllegalOperation);
  peer.SendTo(slave->tftp, {0, 42, 1, 2, 3});
  CHECK(Expect(peer.Receive(), Opcode::kError).error_code == ErrorCode::kIllegalOperation);
  // A stray ACK to the listening port is dropped without an answer, and so
  // is a stray ERROR, even a malformed one (never answer an ERROR).
  peer.SendTo(slave->tftp, {0, 4, 0, 1});
  peer.SendTo(slave->tftp, {0, 5, 0, 1, 'x'});
  peer.SendTo(slave->tftp, {0, 5, 0});
  CHECK_FALSE(peer.Receive(std::chrono::milliseconds(300)).has_value());
}

TEST_CASE("netascii is served up to 1 MiB and refused above") {
  auto slave = StartDiagSlave();
  UdpPeer client;
  client.SendTo(slave->tftp, Rrq("diag/1048576/x", {}, "netascii"));
  ParsedPacket d1 = Expect(client.Receive(), Opcode::kData);
  CHECK(d1.block == 1);
  // The first line, LF turned into CR LF.
  CHECK(std::string(d1.data.begin(), d1.data.begin() + 33) ==
        "provisor diagnostic line 000000\r\n");
  UdpPeer big;
  big.SendTo(slave->tftp, Rrq("diag/1048577/x", {}, "NETASCII"));
  ParsedPacket refused = Expect(big.Receive(), Opcode::kError);
  CHECK(refused.error_code == ErrorCode::kNotDefined);
  CHECK(refused.error_message == "file too large for netascii mode, use octet (binary) mode");
}

TEST_CASE("garbage never stalls the server") {
  auto slave = StartDiagSlave();
  UdpPeer peer;
  uint32_t x = 12345;
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> junk(1 + (i * 37) % 1500);
    for (auto& b : junk) {
      x = x * 1103515245 + 12345;
      b = static_cast<uint8_t>(x >> 16);
    }
    if (i % 3 == 0) junk[0] = 0, junk[1] = static_cast<uint8_t>(1 + i % 6);
    peer.SendTo(slave->tftp, junk);
  }
  bench::LoadOptions o = OneFetch(slave->tftp, "diag/4000/after");
  bench::LoadReport r = bench::RunLoad(o);
  REQUIRE(r.completed == 1);
  CHECK(r.files["diag/4000/after"] == DiagnosticBytes(4000));
  CHECK(slave->daemon->Terminate() == 0);
}

TEST_CASE("a foreign TID gets ERROR 5 and the transfer completes") {
  auto slave = StartDiagSlave();
  UdpPeer client;
  UdpPeer stranger;
  client.SendTo(slave->tftp, Rrq("diag/1000/x"));
  auto first = client.Receive();
  ParsedPacket d1 = Expect(first, Opcode::kData);
  CHECK(d1.block == 1);
  SocketAddress server_tid = first->from;
  CHECK(server_tid.port() != slave->tftp.port());  // a fresh TID for the transfer

  std::vector<uint8_t> ack1;
  AppendAck(1, ack1);
  stranger.SendTo(server_tid, ack1);
  CHECK(Expect(stranger.Receive(), Opcode::kError).error_code == ErrorCode::kUnknownTid);

  std::string received(d1.data.begin(), d1.data.end());
  client.SendTo(server_tid, ack1);
  auto second = client.Receive();
  ParsedPacket d2 = Expect(second, Opcode::kData);
  CHECK(d2.block == 2);
  received.append(d2.data.begin(), d2.data.end());
  std::vector<uint8_t> ack2;
  AppendAck(2, ack2);
  client.SendTo(server_tid, ack2);
  CHECK(received == DiagnosticBytes(1000));
  // The transfer is over; its port now waits in the pool for the next one.
  // A late duplicate ACK there is answered like any foreign TID.
  client.SendTo(server_tid, ack2);
  CHECK(Expect(client.Receive(), Opcode::kError).error_code == ErrorCode::kUnknownTid);
}

TEST_CASE("OACK holds exactly the accepted options and ERROR 8 ends the transfer") {
  auto slave = StartDiagSlave();
  UdpPeer client;
  client.SendTo(slave->tftp, Rrq("diag/3000/x", {{"BLKSIZE", "99999"},
                                                 {"multicast", ""},
                                                 {"tsize", "0"},
                                                 {"timeout", "256"},
                                                 {"windowsize", "65"}}));
  auto oack = client.Receive();
  REQUIRE(oack.has_value());
  std::string expected = S("\0\6blksize\0" "1468\0tsize\0" "3000\0windowsize\0" "64\0");
  CHECK(std::string(oack->bytes.begin(), oack->bytes.end()) == expected);
  std::vector<uint8_t> refuse;
  AppendError(ErrorCode::kOptionRefused, "no thanks", refuse);
  client.SendTo(oack->from, refuse);
  // Ended quietly: no retransmitted OACK follows (the default timeout is 1 s).
  CHECK_FALSE(client.Receive(std::chrono::milliseconds(1500)).has_value());
}

TEST_CASE("session limits answer ERROR 0 server busy") {
  SECTION("max_sessions") {
    auto slave = StartDiagSlave("max_sessions = 1");
    UdpPeer holder;
    holder.SendTo(slave->tftp, Rrq("diag/10000/hold"));
    Expect(holder.Receive(), Opcode::kData);  // session open, never acknowledged
    UdpPeer other;
    other.SendTo(slave->tftp, Rrq("diag/10/x"));
    ParsedPacket busy = Expect(other.Receive(), Opcode::kError);
    CHECK(busy.error_code == ErrorCode::kNotDefined);
    CHECK(busy.error_message == "server busy");
  }
  SECTION("max_sessions_per_ip") {
    auto slave = StartDiagSlave("max_sessions_per_ip = 2");
    UdpPeer a, b, c;
    a.SendTo(slave->tftp, Rrq("diag/10000/hold"));
    Expect(a.Receive(), Opcode::kData);
    b.SendTo(slave->tftp, Rrq("diag/10000/hold"));
    Expect(b.Receive(), Opcode::kData);
    c.SendTo(slave->tftp, Rrq("diag/10/x"));
    CHECK(Expect(c.Receive(), Opcode::kError).error_message == "server busy");
  }
}

TEST_CASE("retransmits on timeout, then frees the session") {
  auto slave = StartDiagSlave("timeout = \"100ms\"\nretries = 2\nmax_sessions = 1");
  UdpPeer client;
  client.SendTo(slave->tftp, Rrq("diag/600/x"));
  auto first = client.Receive();
  CHECK(Expect(first, Opcode::kData).block == 1);
  // Two retransmissions of block 1, then silence.
  CHECK(Expect(client.Receive(), Opcode::kData).block == 1);
  CHECK(Expect(client.Receive(), Opcode::kData).block == 1);
  CHECK_FALSE(client.Receive(std::chrono::milliseconds(400)).has_value());
  // The session slot was released: a new transfer is admitted.
  bench::LoadOptions o = OneFetch(slave->tftp, "diag/600/y");
  bench::LoadReport r = bench::RunLoad(o);
  CHECK(r.completed == 1);
}

TEST_CASE("an ERROR without its NUL ends the transfer and frees its slot") {
  auto slave = StartDiagSlave("timeout = \"100ms\"\nretries = 20\nmax_sessions = 1");
  UdpPeer client;
  client.SendTo(slave->tftp, Rrq("diag/600/x"));
  auto first = client.Receive();
  CHECK(Expect(first, Opcode::kData).block == 1);
  client.SendTo(first->from, {0, 5, 0, 0, 'g', 'o', 'n', 'e'});  // no NUL
  // No more retransmissions of block 1 (drain any already in flight)...
  std::optional<UdpPeer::Datagram> late;
  while ((late = client.Receive(std::chrono::milliseconds(400))).has_value()) {
    CHECK(Expect(late, Opcode::kData).block == 1);
  }
  // ...and the only session slot is free again.
  bench::LoadReport r = bench::RunLoad(OneFetch(slave->tftp, "diag/600/y"));
  CHECK(r.completed == 1);
}

TEST_CASE("timeout=255 is left out of the OACK; the server's timeout applies") {
  auto slave = StartDiagSlave("timeout = \"100ms\"\nretries = 1\nmax_sessions = 1");
  UdpPeer client;
  client.SendTo(slave->tftp, Rrq("diag/3000/x", {{"timeout", "255"}, {"tsize", "0"}}));
  auto oack = client.Receive();
  REQUIRE(oack.has_value());
  CHECK(std::string(oack->bytes.begin(), oack->bytes.end()) == S("\0\6tsize\0" "3000\0"));
  // One retransmission after 100 ms, then the session is gone: not 255 s.
  CHECK(Expect(client.Receive(), Opcode::kOack).oack_option_count == 1);
  CHECK_FALSE(client.Receive(std::chrono::milliseconds(500)).has_value());
  CHECK(bench::RunLoad(OneFetch(slave->tftp, "diag/600/y")).completed == 1);
}

TEST_CASE("max_session_lifetime ends a session that is kept alive with ERROR 0") {
  auto slave = StartDiagSlave(
      "timeout = \"200ms\"\nretries = 100\nmax_sessions = 1\nmax_session_lifetime = \"1s\"");
  UdpPeer client;
  client.SendTo(slave->tftp, Rrq("diag/100000/x"));
  auto first = client.Receive();
  CHECK(Expect(first, Opcode::kData).block == 1);
  // Never acknowledged: block 1 comes back every 200 ms until the lifetime
  // is over, then ERROR 0 (100 retries would have taken 20 s).
  int retransmits = 0;
  std::optional<UdpPeer::Datagram> d;
  while ((d = client.Receive(std::chrono::seconds(3))).has_value()) {
    ParseResult r = Parse(d->bytes);
    REQUIRE(r.ok());
    if (r.packet.opcode != Opcode::kData) break;
    ++retransmits;
  }
  REQUIRE(d.has_value());
  ParsedPacket error = Expect(d, Opcode::kError);
  CHECK(error.error_code == ErrorCode::kNotDefined);
  CHECK(error.error_message == "Transfer time limit exceeded");
  CHECK(retransmits >= 2);
  CHECK(retransmits <= 5);
  CHECK(bench::RunLoad(OneFetch(slave->tftp, "diag/600/y")).completed == 1);
}

TEST_CASE("the slave opens no file for writing while it serves") {
  INFO("strace is not installed: run deploy/setup.sh");
  REQUIRE(testing::HaveProgram("strace"));
  testing::TempDir trace_dir;
  const std::string trace = trace_dir.path() + "/trace";
  auto slave = StartDiagSlave("", {"127.0.0.1:0"},
                              testing::FileTraceWrapper(trace));
  bench::LoadOptions o;
  o.host = "127.0.0.1";
  o.port = slave->tftp.port();
  o.names = {"diag/3000/a", "diag/100000/b"};
  o.concurrency = 8;
  o.duration_s = 0;
  o.total = 40;
  o.blksize = 1428;
  o.windowsize = 8;
  o.tsize = true;
  o.verify = [](const std::string& name, std::string_view bytes) {
    return bytes == DiagnosticBytes(*bench::DiagnosticSizeFromName(name));
  };
  bench::LoadReport r = bench::RunLoad(o);
  CHECK(r.completed == 40);
  CHECK(slave->daemon->Terminate() == 0);

  std::string log = trace_dir.ReadFile("trace");
  REQUIRE(log.find("slave.toml") != std::string::npos);  // the trace saw the config read
  testing::FileTrace scanned = testing::ScanFileTrace(log);
  CHECK(scanned.writes == std::vector<std::string>{});
  CHECK(scanned.opens > 0);
}

TEST_CASE("SIGTERM stops the slave cleanly") {
  auto slave = StartDiagSlave();
  CHECK(slave->daemon->Terminate() == 0);
}

}  // namespace
}  // namespace provisor
