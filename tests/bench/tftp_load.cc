#include "tests/bench/tftp_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "tests/bench/deadline_queue.h"
#include "tests/bench/tftp_client_wire.h"

namespace provisor::bench {
namespace {

constexpr size_t kReceiveBufferSize = 65536;  // > largest UDP payload
constexpr int kMaxPacketsPerWakeup = 64;      // fairness between sockets
constexpr int kMaxEvents = 512;
constexpr int64_t kNsPerSecond = 1000000000;

int64_t ClockNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kNsPerSecond + ts.tv_nsec;
}

int64_t NowNs() { return ClockNs(CLOCK_MONOTONIC); }

std::string ErrnoText(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
};

bool ParseEndpoint(std::string host, uint16_t port, Endpoint* out) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  *out = Endpoint();
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out->address);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out->length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out->address);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out->length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

bool SameHost(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(b).sin_addr.s_addr;
  }
  return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                     &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr,
                     sizeof(in6_addr)) == 0;
}

uint16_t PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in&>(a).sin_port;
  }
  return reinterpret_cast<const sockaddr_in6&>(a).sin6_port;
}

bool SameEndpoint(const sockaddr_storage& a, const sockaddr_storage& b) {
  return SameHost(a, b) && PortOf(a) == PortOf(b);
}

double NsToMs(int64_t ns) { return static_cast<double>(ns) / 1e6; }

// Nearest-rank percentile of sorted samples.
int64_t Percentile(const std::vector<int64_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(
      std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

class LoadRunner {
 public:
  explicit LoadRunner(const LoadOptions& options)
      : options_(options),
        transfers_(static_cast<size_t>(std::max(options.concurrency, 0))),
        timers_(transfers_.size()),
        receive_buffer_(kReceiveBufferSize) {}

  ~LoadRunner() {
    for (Transfer& t : transfers_) {
      if (t.fd >= 0) close(t.fd);
    }
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }

  LoadRunner(const LoadRunner&) = delete;
  LoadRunner& operator=(const LoadRunner&) = delete;

  LoadReport Run();

 private:
  // kCancelling: the run ended before the server answered the RRQ; the
  // socket stays open until that answer arrives (so the new server session
  // can be told with ERROR 0 instead of retransmitting into a port a later
  // transfer may reuse) or the retransmission timeout expires.
  enum class State : uint8_t {
    kIdle,
    kAwaitingReply,
    kTransferring,
    kCancelling,
  };

  // One in-flight download; reused slot by slot, never reallocated.
  struct Transfer {
    State state = State::kIdle;
    int fd = -1;
    uint32_t generation = 0;  // bumped per transfer; tags epoll events
    size_t name_index = 0;
    Endpoint peer;  // server TID, learned from the first reply
    bool got_oack = false;
    NegotiatedOptions negotiated;
    uint16_t last_block = 0;  // last in-order block (0 before block 1)
    uint32_t in_window = 0;   // in-order blocks since our last ACK
    bool reacked = false;     // sent a re-ACK since the last progress
    uint32_t acks_sent = 0;   // lets OnReadable stop reading after an ACK
    int retries_left = 0;
    uint64_t bytes = 0;
    int64_t start_ns = 0;
    std::string data;  // kept only when verifying / keeping bytes
  };

  bool Setup();
  bool CanStart(int64_t now) const;
  void StartTransfer(uint32_t index, int64_t now);
  void OnReadable(uint32_t index, uint32_t generation);
  void OnPacket(uint32_t index, const sockaddr_storage& from,
                const uint8_t* packet, size_t size, int64_t now);
  void OnOack(uint32_t index, const uint8_t* packet, size_t size, int64_t now);
  void OnData(uint32_t index, const uint8_t* packet, size_t size, int64_t now);
  void OnTimeout(uint32_t index, int64_t now);
  void SendAck(Transfer& t, uint16_t block);
  void SendError(const Transfer& t, const Endpoint& to, uint16_t code,
                 std::string_view message);
  void Complete(uint32_t index, int64_t now);
  // Fails the transfer; if `code` >= 0 the peer is told with an ERROR.
  void Fail(uint32_t index, std::string reason, int code, int64_t now);
  void Release(uint32_t index, int64_t now);
  void Close(uint32_t index);
  void CancelAll();
  void CloseAll();
  void StopWithSetupError(std::string error);
  void ArmTimer(uint32_t index, int64_t now) {
    timers_.Arm(index, now + timeout_ns_);
  }

  const LoadOptions& options_;
  std::vector<Transfer> transfers_;
  DeadlineQueue timers_;
  std::vector<uint8_t> receive_buffer_;
  std::vector<std::string> requests_;  // prebuilt RRQ per name
  RequestedOptions requested_;
  Endpoint server_;
  bool keep_data_ = false;
  int epoll_fd_ = -1;
  int64_t timeout_ns_ = 0;
  int64_t start_ns_ = 0;
  int64_t end_ns_ = 0;
  int64_t last_finish_ns_ = 0;
  uint64_t started_ = 0;
  uint64_t active_ = 0;
  size_t next_name_ = 0;
  bool stopping_ = false;
  std::vector<int64_t> latencies_ns_;
  LoadReport report_;
};

bool LoadRunner::Setup() {
  if (options_.names.empty()) {
    report_.setup_error = "no file names given";
  } else if (options_.concurrency < 1) {
    report_.setup_error = "concurrency must be >= 1";
  } else if (options_.duration_s <= 0 && options_.total == 0) {
    report_.setup_error = "need a duration or a total";
  } else if (options_.blksize != 0 &&
             (options_.blksize < static_cast<int>(kMinBlockSize) ||
              options_.blksize > static_cast<int>(kMaxBlockSize))) {
    report_.setup_error = "blksize must be 8..65464";
  } else if (options_.windowsize < 0 ||
             options_.windowsize > static_cast<int>(kMaxWindowSize)) {
    report_.setup_error = "windowsize must be 0..65535";
  } else if (!(options_.timeout_s > 0) || options_.retries < 0) {
    report_.setup_error = "timeout must be > 0 and retries >= 0";
  } else if (!ParseEndpoint(options_.host, options_.port, &server_)) {
    report_.setup_error = "host is not a numeric IP address: " + options_.host;
  }
  if (!report_.setup_error.empty()) return false;

  requested_.blksize = static_cast<uint32_t>(options_.blksize);
  requested_.windowsize = static_cast<uint32_t>(options_.windowsize);
  requested_.tsize = options_.tsize;
  for (const std::string& name : options_.names) {
    requests_.push_back(BuildReadRequest(name, requested_));
  }
  keep_data_ = static_cast<bool>(options_.verify) || options_.keep_bytes;
  timeout_ns_ = static_cast<int64_t>(options_.timeout_s * 1e9);
  latencies_ns_.reserve(1 << 16);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    report_.setup_error = ErrnoText("epoll_create1");
    return false;
  }
  return true;
}

bool LoadRunner::CanStart(int64_t now) const {
  return !stopping_ && now < end_ns_ &&
         (options_.total == 0 || started_ < options_.total);
}

void LoadRunner::StopWithSetupError(std::string error) {
  if (report_.setup_error.empty()) report_.setup_error = std::move(error);
  stopping_ = true;
}

void LoadRunner::StartTransfer(uint32_t index, int64_t now) {
  Transfer& t = transfers_[index];
  int fd = socket(server_.address.ss_family,
                  SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    StopWithSetupError(ErrnoText("socket"));
    return;
  }
  t.generation++;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = (static_cast<uint64_t>(t.generation) << 32) | index;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    close(fd);
    StopWithSetupError(ErrnoText("epoll_ctl"));
    return;
  }
  t.fd = fd;
  t.state = State::kAwaitingReply;
  t.name_index = next_name_;
  next_name_ = (next_name_ + 1) % requests_.size();
  t.peer = Endpoint();
  t.got_oack = false;
  t.negotiated = NegotiatedOptions();
  t.last_block = 0;
  t.in_window = 0;
  t.reacked = false;
  t.retries_left = options_.retries;
  t.bytes = 0;
  t.data.clear();
  t.start_ns = now;
  started_++;
  active_++;
  const std::string& request = requests_[t.name_index];
  // A lost or refused first send is recovered by the retransmission timer.
  sendto(fd, request.data(), request.size(), 0,
         reinterpret_cast<const sockaddr*>(&server_.address), server_.length);
  ArmTimer(index, now);
}

void LoadRunner::SendAck(Transfer& t, uint16_t block) {
  uint8_t ack[kAckSize];
  BuildAck(block, ack);
  // Send failures (e.g. ENOBUFS) are recovered by the retransmission timer.
  sendto(t.fd, ack, sizeof(ack), 0,
         reinterpret_cast<const sockaddr*>(&t.peer.address), t.peer.length);
  t.in_window = 0;
  t.acks_sent++;
}

void LoadRunner::SendError(const Transfer& t, const Endpoint& to, uint16_t code,
                           std::string_view message) {
  uint8_t packet[128];
  size_t size = BuildError(code, message, packet, sizeof(packet));
  sendto(t.fd, packet, size, 0, reinterpret_cast<const sockaddr*>(&to.address),
         to.length);
}

// Reads until the socket is drained, the transfer ends, or we sent an ACK:
// after an ACK the server has nothing to send until it gets it, so probing
// for more would mostly cost an EAGAIN syscall (level-triggered epoll reports
// anything still queued on the next round).
void LoadRunner::OnReadable(uint32_t index, uint32_t generation) {
  Transfer& t = transfers_[index];
  uint32_t acks_before = t.acks_sent;
  for (int i = 0; i < kMaxPacketsPerWakeup; ++i) {
    if (t.generation != generation || t.state == State::kIdle ||
        t.acks_sent != acks_before) {
      return;
    }
    sockaddr_storage from;
    socklen_t from_length = sizeof(from);
    ssize_t size =
        recvfrom(t.fd, receive_buffer_.data(), receive_buffer_.size(), 0,
                 reinterpret_cast<sockaddr*>(&from), &from_length);
    if (size < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      Fail(index, ErrnoText("recvfrom"), -1, NowNs());
      return;
    }
    OnPacket(index, from, receive_buffer_.data(), static_cast<size_t>(size),
             NowNs());
  }
}

void LoadRunner::OnPacket(uint32_t index, const sockaddr_storage& from,
                          const uint8_t* packet, size_t size, int64_t now) {
  Transfer& t = transfers_[index];
  if (t.state == State::kCancelling) {
    if (SameHost(from, server_.address)) {
      Endpoint session;
      std::memcpy(&session.address, &from, sizeof(from));
      session.length = server_.length;
      SendError(t, session, kErrUndefined, "load generator stopped");
      Close(index);
    }
    return;
  }
  bool first_reply = t.state == State::kAwaitingReply;
  if (first_reply) {
    // The server answers from a new port (its TID); accept any port, but
    // only from the server's address.
    if (!SameHost(from, server_.address)) {
      report_.stray_packets++;
      return;
    }
    std::memcpy(&t.peer.address, &from, sizeof(from));
    t.peer.length = server_.length;
    t.state = State::kTransferring;
  } else if (!SameEndpoint(from, t.peer.address)) {
    // RFC 1350: wrong TID -> ERROR 5 to the sender, transfer continues.
    report_.stray_packets++;
    Endpoint stray;
    std::memcpy(&stray.address, &from, sizeof(from));
    stray.length = server_.length;
    SendError(t, stray, kErrUnknownTid, "Unknown transfer ID");
    return;
  }
  if (size < 4) {
    Fail(index, "malformed packet", kErrIllegalOperation, now);
    return;
  }
  switch (ReadU16(packet)) {
    case kOpOack:
      if (first_reply) {
        OnOack(index, packet, size, now);
      } else if (t.got_oack && t.bytes == 0) {
        // Duplicate OACK before any DATA (a first block always carries data
        // or ends the transfer): our ACK 0 was lost or is late.
        SendAck(t, 0);
      } else {
        report_.stray_packets++;
      }
      return;
    case kOpData:
      OnData(index, packet, size, now);
      return;
    case kOpError:
      Fail(index, DescribeError(std::span<const uint8_t>(packet, size)), -1,
           now);
      return;
    default:
      Fail(index, "unexpected opcode " + std::to_string(ReadU16(packet)),
           kErrIllegalOperation, now);
      return;
  }
}

void LoadRunner::OnOack(uint32_t index, const uint8_t* packet, size_t size,
                        int64_t now) {
  Transfer& t = transfers_[index];
  if (!requested_.any()) {
    Fail(index, "unexpected oack (no options requested)", kErrOptionRefused,
         now);
    return;
  }
  std::string error;
  if (!ParseOack(std::span<const uint8_t>(packet + 2, size - 2), requested_,
                 &t.negotiated, &error)) {
    Fail(index, std::move(error), kErrOptionRefused, now);
    return;
  }
  t.got_oack = true;
  if (keep_data_ && t.negotiated.tsize > 0) {
    t.data.reserve(static_cast<size_t>(
        std::min<int64_t>(t.negotiated.tsize, int64_t{1} << 30)));
  }
  t.retries_left = options_.retries;
  SendAck(t, 0);
  ArmTimer(index, now);
}

// DATA as the first reply means the server ignored our options (RFC 2347):
// the RFC 1350 defaults already in t.negotiated apply.
void LoadRunner::OnData(uint32_t index, const uint8_t* packet, size_t size,
                        int64_t now) {
  Transfer& t = transfers_[index];
  uint16_t block = ReadU16(packet + 2);
  size_t payload = size - 4;
  uint16_t expected = static_cast<uint16_t>(t.last_block + 1);  // wraps to 0
  if (block != expected) {
    // Duplicate or gap: re-ACK the last in-order block once per stall so a
    // burst of out-of-order blocks does not trigger a burst of resends.
    report_.out_of_order++;
    if (!t.reacked) {
      t.reacked = true;
      SendAck(t, t.last_block);
    }
    return;
  }
  if (payload > t.negotiated.blksize) {
    Fail(index,
         "data block of " + std::to_string(payload) +
             " bytes exceeds blksize " + std::to_string(t.negotiated.blksize),
         kErrIllegalOperation, now);
    return;
  }
  if (keep_data_) {
    t.data.append(reinterpret_cast<const char*>(packet + 4), payload);
  }
  t.bytes += payload;
  t.last_block = block;
  t.in_window++;
  t.reacked = false;
  t.retries_left = options_.retries;
  if (payload < t.negotiated.blksize) {
    SendAck(t, block);
    Complete(index, now);
    return;
  }
  if (t.in_window >= t.negotiated.windowsize) SendAck(t, block);
  ArmTimer(index, now);
}

void LoadRunner::OnTimeout(uint32_t index, int64_t now) {
  Transfer& t = transfers_[index];
  if (t.state == State::kCancelling) {
    Close(index);
    return;
  }
  if (t.retries_left <= 0) {
    Fail(index, "timeout", -1, now);
    return;
  }
  t.retries_left--;
  report_.retransmits++;
  if (t.state == State::kAwaitingReply) {
    const std::string& request = requests_[t.name_index];
    sendto(t.fd, request.data(), request.size(), 0,
           reinterpret_cast<const sockaddr*>(&server_.address), server_.length);
  } else {
    // RFC 7440: on timeout ACK the last block received in order; the
    // server restarts its window after it.
    t.reacked = false;
    SendAck(t, t.last_block);
  }
  ArmTimer(index, now);
}

void LoadRunner::Complete(uint32_t index, int64_t now) {
  Transfer& t = transfers_[index];
  if (options_.tsize && t.negotiated.tsize >= 0 &&
      static_cast<uint64_t>(t.negotiated.tsize) != t.bytes) {
    Fail(index,
         "tsize mismatch (announced " + std::to_string(t.negotiated.tsize) +
             ", received " + std::to_string(t.bytes) + ")",
         -1, now);
    return;
  }
  const std::string& name = options_.names[t.name_index];
  if (options_.verify && !options_.verify(name, t.data)) {
    Fail(index, "verify", -1, now);
    return;
  }
  if (options_.keep_bytes) report_.files[name] = t.data;
  report_.completed++;
  report_.bytes += t.bytes;
  latencies_ns_.push_back(now - t.start_ns);
  Release(index, now);
}

void LoadRunner::Fail(uint32_t index, std::string reason, int code,
                      int64_t now) {
  Transfer& t = transfers_[index];
  if (code >= 0 && t.state == State::kTransferring) {
    SendError(t, t.peer, static_cast<uint16_t>(code), reason);
  }
  report_.failed++;
  report_.failures_by_reason[std::move(reason)]++;
  Release(index, now);
}

void LoadRunner::Close(uint32_t index) {
  Transfer& t = transfers_[index];
  timers_.Disarm(index);
  close(t.fd);  // also removes it from the epoll set
  t.fd = -1;
  t.state = State::kIdle;
  active_--;
}

void LoadRunner::Release(uint32_t index, int64_t now) {
  Close(index);
  last_finish_ns_ = now;
  if (CanStart(now)) StartTransfer(index, now);
}

// End of the run: every in-flight transfer counts as aborted. Sessions with a
// known TID get ERROR 0 now; RRQs still unanswered are left to kCancelling.
void LoadRunner::CancelAll() {
  stopping_ = true;
  for (uint32_t i = 0; i < transfers_.size(); ++i) {
    Transfer& t = transfers_[i];
    if (t.state == State::kIdle || t.state == State::kCancelling) continue;
    report_.aborted++;
    if (t.state == State::kAwaitingReply) {
      t.state = State::kCancelling;  // its timer bounds the wait
      continue;
    }
    SendError(t, t.peer, kErrUndefined, "load generator stopped");
    Close(i);
  }
}

void LoadRunner::CloseAll() {
  for (uint32_t i = 0; i < transfers_.size(); ++i) {
    if (transfers_[i].state != State::kIdle) Close(i);
  }
}

LoadReport LoadRunner::Run() {
  if (!Setup()) return std::move(report_);
  int64_t cpu_start_ns = ClockNs(CLOCK_THREAD_CPUTIME_ID);
  start_ns_ = NowNs();
  end_ns_ = options_.duration_s > 0
                ? start_ns_ + static_cast<int64_t>(options_.duration_s * 1e9)
                : std::numeric_limits<int64_t>::max();
  last_finish_ns_ = start_ns_;
  for (uint32_t i = 0; i < transfers_.size() && CanStart(start_ns_); ++i) {
    StartTransfer(i, start_ns_);
  }
  epoll_event events[kMaxEvents];
  int64_t stop_ns = -1;  // set when the duration ends
  while (active_ > 0) {
    int64_t now = NowNs();
    if (stop_ns < 0 && now >= end_ns_) {
      stop_ns = now;
      CancelAll();
      continue;
    }
    int64_t wake_ns =
        stop_ns < 0 ? end_ns_ : std::numeric_limits<int64_t>::max();
    if (!timers_.empty()) {
      wake_ns = std::min(wake_ns, timers_.front_deadline_ns());
    }
    int64_t wait_ns = std::clamp<int64_t>(wake_ns - now, 0, kNsPerSecond);
    int wait_ms = static_cast<int>((wait_ns + 999999) / 1000000);
    int count = epoll_wait(epoll_fd_, events, kMaxEvents, wait_ms);
    if (count < 0) {
      if (errno == EINTR) continue;
      StopWithSetupError(ErrnoText("epoll_wait"));
      if (stop_ns < 0) stop_ns = NowNs();
      report_.aborted += active_;
      CloseAll();
      break;
    }
    for (int i = 0; i < count; ++i) {
      uint64_t tag = events[i].data.u64;
      OnReadable(static_cast<uint32_t>(tag & 0xffffffffu),
                 static_cast<uint32_t>(tag >> 32));
    }
    now = NowNs();
    while (!timers_.empty() && timers_.front_deadline_ns() <= now) {
      OnTimeout(timers_.front(), now);
    }
  }
  if (stop_ns < 0) stop_ns = last_finish_ns_;
  report_.client_cpu_s =
      static_cast<double>(ClockNs(CLOCK_THREAD_CPUTIME_ID) - cpu_start_ns) /
      1e9;

  report_.elapsed_s = static_cast<double>(stop_ns - start_ns_) / 1e9;
  if (report_.elapsed_s > 0) {
    report_.transfers_per_s =
        static_cast<double>(report_.completed) / report_.elapsed_s;
  }
  std::sort(latencies_ns_.begin(), latencies_ns_.end());
  report_.p50_ms = NsToMs(Percentile(latencies_ns_, 0.50));
  report_.p99_ms = NsToMs(Percentile(latencies_ns_, 0.99));
  report_.max_ms = latencies_ns_.empty() ? 0 : NsToMs(latencies_ns_.back());
  return std::move(report_);
}

}  // namespace

LoadReport RunLoad(const LoadOptions& options) {
  LoadRunner runner(options);
  return runner.Run();
}

}  // namespace provisor::bench
