// libdhcp_provisor.so: the Kea DHCPv4 hook library that asks a provisor
// master (Balancer.NextServer) which TFTP server and which filename each
// device gets, and sets siaddr, the `file` field and options 66, 67 and
// 150 in its DHCPOFFER and DHCPACK.
//
// - DHCPACK: at leases4_committed the query is parked and the master is
//   asked asynchronously; the answer unparks it on Kea's IO service, so no
//   Kea thread waits. pkt4_send then writes the answer into the ACK, and
//   the master records the binding.
// - DHCPOFFER: Kea 2.2 can park a packet only at leases4_committed, which
//   an OFFER never reaches, so pkt4_send asks synchronously, bounded by
//   the timeout.
// - No answer in time (masters down or slow): siaddr, 66 and 150 from the
//   fallback (fallback.h); no provisor filename. A master's refusal (an
//   unknown MAC where the deployment refuses those) leaves Kea's own values.
//
// Counters are Kea statistics (statistic-get-all): provisor.answered,
// provisor.refused, provisor.fallback, provisor.unanswered. The same
// tallies ride along with an ask about once a second (front_end, named by
// the `front-end-id` parameter, default "kea@<hostname>"), so the master's
// metrics show them, fallbacks served while no master answered included.
// A latency summary goes to stderr when Kea unloads the library.
#include <asiolink/io_address.h>
#include <asiolink/io_service.h>
#include <cc/data.h>
#include <dhcp/dhcp4.h>
#include <dhcp/option.h>
#include <dhcp/pkt4.h>
#include <dhcpsrv/lease.h>
#include <hooks/hooks.h>
#include <stats/stats_mgr.h>
#include <util/multi_threading_mgr.h>

#include <arpa/inet.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "deploy/kea/fallback.h"
#include "deploy/kea/front_end_report.h"
#include "deploy/kea/latency.h"
#include "deploy/kea/master_client.h"

namespace provisor::kea {
namespace {

using isc::asiolink::IOAddress;
using isc::asiolink::IOServicePtr;
using isc::data::ConstElementPtr;
using isc::data::Element;
using isc::dhcp::Option;
using isc::dhcp::OptionBuffer;
using isc::dhcp::Pkt4;
using isc::dhcp::Pkt4Ptr;
using isc::hooks::CalloutHandle;
using isc::hooks::LibraryHandle;

constexpr uint16_t kOptionTftpServerName = 66;   // RFC 2132
constexpr uint16_t kOptionBootfileName = 67;     // RFC 2132
constexpr uint16_t kOptionTftpServerList = 150;  // Cisco, RFC 5859
const char kContextName[] = "provisor";

// The library's state. Kea's hook ABI is a set of C functions with no user
// pointer, so the one instance lives here from load() to unload().
struct Hook {
  std::unique_ptr<MasterClient> client;
  std::unique_ptr<Fallback> fallback;
  IOServicePtr io;  // Kea's, from dhcp4_srv_configured
  LatencyHistogram latency;
  FrontEndReport report;
  std::string front_end;  // this front end's name in reports
  std::mutex mu;
  std::condition_variable idle;
  int in_flight = 0;  // asynchronous asks not yet finished
};
Hook* hook = nullptr;

// An ACK's answer, from leases4_committed to pkt4_send. `stage` settles a
// race: an ask that fails at once (no master reachable) calls back before
// Ask returns, on the callout's own thread; the packet must then not stay
// parked. Whoever moves it first from kAsking decides: the callout
// (kParked: the callback unparks later) or the callback (kAnswered: the
// callout un-parks by continuing).
struct Pending {
  enum Stage { kAsking, kParked, kAnswered };
  std::atomic<int> stage{kAsking};
  Answer answer;
};
using PendingPtr = boost::shared_ptr<Pending>;

void Count(const char* name, FrontEndReport::Result result) {
  isc::stats::StatsMgr::instance().addValue(name, static_cast<int64_t>(1));
  hook->report.Count(result);
}

std::string OptionText(Pkt4& query, uint16_t code) {
  isc::dhcp::OptionPtr option = query.getOption(code);
  if (!option) return "";
  const OptionBuffer& data = option->getData();
  return std::string(data.begin(), data.end());
}

Query MakeQuery(Pkt4& query, const std::string& client_ip, bool ack) {
  Query q;
  if (query.getHWAddr()) q.mac = query.getHWAddr()->toText(false);
  q.client_ip = client_ip;
  q.giaddr = query.getGiaddr().toText();
  q.vendor_class = OptionText(query, isc::dhcp::DHO_VENDOR_CLASS_IDENTIFIER);
  q.hostname = OptionText(query, isc::dhcp::DHO_HOST_NAME);
  q.ack = ack;
  if (auto counts = hook->report.Due(std::chrono::steady_clock::now())) {
    q.front_end = hook->front_end;
    q.front_end_counts = std::move(*counts);
  }
  return q;
}

std::string SubnetKey(const Pkt4& query) {
  return query.getGiaddr().isV4Zero() ? "iface:" + query.getIface()
                                      : "relay:" + query.getGiaddr().toText();
}

void SetOption(Pkt4& response, uint16_t code, OptionBuffer data) {
  while (response.delOption(code)) {
  }
  response.addOption(boost::make_shared<Option>(Option::V4, code, std::move(data)));
}

bool SetServers(Pkt4& response, const ServerChoice& choice) {
  in_addr first{};
  if (inet_pton(AF_INET, choice.siaddr.c_str(), &first) != 1) return false;
  response.setSiaddr(IOAddress(choice.siaddr));
  SetOption(response, kOptionTftpServerName,
            OptionBuffer(choice.option66.begin(), choice.option66.end()));
  OptionBuffer list;
  for (const std::string& server : choice.option150) {
    in_addr a{};
    if (inet_pton(AF_INET, server.c_str(), &a) != 1) continue;
    const auto* bytes = reinterpret_cast<const uint8_t*>(&a.s_addr);
    list.insert(list.end(), bytes, bytes + 4);
  }
  if (!list.empty()) SetOption(response, kOptionTftpServerList, std::move(list));
  return true;
}

void Apply(const Pkt4& query, Pkt4& response, const Answer& answer) {
  const std::string subnet = SubnetKey(query);
  if (answer.kind == Answer::Kind::kAnswered) {
    ServerChoice choice{answer.siaddr, answer.option66, answer.option150};
    if (SetServers(response, choice)) hook->fallback->Remember(subnet, choice);
    if (answer.filename.size() <= Pkt4::MAX_FILE_LEN) {
      response.setFile(reinterpret_cast<const uint8_t*>(answer.filename.data()),
                       answer.filename.size());
    }
    SetOption(response, kOptionBootfileName,
              OptionBuffer(answer.option67.begin(), answer.option67.end()));
    Count("provisor.answered", FrontEndReport::kAnswered);
    return;
  }
  if (answer.kind == Answer::Kind::kRefused) {
    Count("provisor.refused", FrontEndReport::kRefused);
    return;
  }
  std::optional<ServerChoice> choice = hook->fallback->For(subnet);
  if (choice.has_value() && SetServers(response, *choice)) {
    Count("provisor.fallback", FrontEndReport::kFallback);
  } else {
    Count("provisor.unanswered", FrontEndReport::kUnanswered);
  }
}

// Asks on the calling thread (bounded by the timeout), timing the wait.
Answer AskInLine(const Query& query) {
  const auto start = std::chrono::steady_clock::now();
  Answer answer = hook->client->AskSync(query);
  hook->latency.Add(std::chrono::steady_clock::now() - start);
  return answer;
}

std::vector<std::string> StringList(ConstElementPtr list) {
  std::vector<std::string> out;
  if (!list || list->getType() != Element::list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    if (list->get(i)->getType() == Element::string) out.push_back(list->get(i)->stringValue());
  }
  return out;
}

std::string String(LibraryHandle& handle, const std::string& name) {
  ConstElementPtr e = handle.getParameter(name);
  return e && e->getType() == Element::string ? e->stringValue() : "";
}

}  // namespace
}  // namespace provisor::kea

using namespace provisor::kea;  // the C entry points below

extern "C" {

int version() { return KEA_HOOKS_VERSION; }

// Every callout only touches thread-safe state (the gRPC client, the
// fallback under its mutex, atomics, Kea's statistics manager).
int multi_threading_compatible() { return 1; }

int load(LibraryHandle& handle) {
  MasterClientOptions options;
  options.masters = StringList(handle.getParameter("masters"));
  options.tls_ca = String(handle, "tls-ca");
  options.tls_cert = String(handle, "tls-cert");
  options.tls_key = String(handle, "tls-key");
  ConstElementPtr timeout = handle.getParameter("timeout-ms");
  if (timeout) {
    if (timeout->getType() != Element::integer || timeout->intValue() < 1 ||
        timeout->intValue() > 10'000) {
      std::fprintf(stderr, "libdhcp_provisor: timeout-ms must be an integer 1..10000\n");
      return 1;
    }
    options.timeout = std::chrono::milliseconds(timeout->intValue());
  }
  std::string error;
  std::unique_ptr<MasterClient> client = MasterClient::Create(options, &error);
  if (client == nullptr) {
    std::fprintf(stderr, "libdhcp_provisor: %s\n", error.c_str());
    return 1;
  }
  std::string front_end = String(handle, "front-end-id");
  if (front_end.empty()) {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    front_end = std::string("kea@") + host;
  }
  hook = new Hook();
  hook->front_end = front_end;
  hook->client = std::move(client);
  hook->fallback = std::make_unique<Fallback>(StringList(handle.getParameter("fallback-servers")));
  return 0;
}

int unload() {
  if (hook == nullptr) return 0;
  {
    // Asks in flight end within their timeout; wait for them.
    std::unique_lock<std::mutex> lock(hook->mu);
    hook->idle.wait_for(lock, std::chrono::seconds(11), [] { return hook->in_flight == 0; });
  }
  const uint64_t n = hook->latency.count();
  if (n > 0) {
    std::fprintf(stderr,
                 "libdhcp_provisor: %llu asks, master latency p50 %lld us, p99 %lld us, "
                 "max bucket p100 %lld us\n",
                 static_cast<unsigned long long>(n),
                 static_cast<long long>(hook->latency.QuantileUs(0.5)),
                 static_cast<long long>(hook->latency.QuantileUs(0.99)),
                 static_cast<long long>(hook->latency.QuantileUs(1.0)));
  }
  delete hook;
  hook = nullptr;
  return 0;
}

int dhcp4_srv_configured(CalloutHandle& handle) {
  IOServicePtr io;
  handle.getArgument("io_context", io);
  hook->io = io;
  return 0;
}

int leases4_committed(CalloutHandle& handle) {
  Pkt4Ptr query;
  isc::dhcp::Lease4CollectionPtr leases;
  handle.getArgument("query4", query);
  handle.getArgument("leases4", leases);
  if (!query || !leases || leases->empty() || query->getType() != isc::dhcp::DHCPREQUEST) return 0;
  const Query q = MakeQuery(*query, (*leases->begin())->addr_.toText(), /*ack=*/true);
  PendingPtr pending = boost::make_shared<Pending>();
  handle.setContext(kContextName, pending);
  IOServicePtr io = hook->io;
  if (!io) {  // not configured yet: cannot unpark later, so ask in line
    pending->answer = AskInLine(q);
    return 0;
  }
  isc::hooks::ParkingLotHandlePtr lot = handle.getParkingLotHandlePtr();
  try {
    lot->reference(query);
  } catch (const isc::Exception&) {  // Kea did not park this one: ask in line
    pending->answer = AskInLine(q);
    return 0;
  }
  handle.setStatus(CalloutHandle::NEXT_STEP_PARK);
  const auto start = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(hook->mu);
    ++hook->in_flight;
  }
  hook->client->Ask(q, [pending, lot, query, io, start](Answer answer) {
    hook->latency.Add(std::chrono::steady_clock::now() - start);
    pending->answer = std::move(answer);
    int asking = Pending::kAsking;
    if (!pending->stage.compare_exchange_strong(asking, Pending::kAnswered)) {
      // Parked. Multi-threaded Kea hands the resumed packet to its thread
      // pool, so unparking from here is safe and immediate. Single-threaded
      // Kea sends from the unparking thread, so it must be its main thread:
      // post to its IO service, which that thread polls between receives
      // (up to 1 s apart when idle: run Kea multi-threaded).
      if (isc::util::MultiThreadingMgr::instance().getMode()) {
        lot->unpark(query);
      } else {
        io->post([lot, query] { lot->unpark(query); });
      }
    }
    std::lock_guard<std::mutex> lock(hook->mu);
    if (--hook->in_flight == 0) hook->idle.notify_all();
  });
  int asking = Pending::kAsking;
  if (!pending->stage.compare_exchange_strong(asking, Pending::kParked)) {
    // Answered already (the ask failed at once): carry on without parking.
    lot->dereference(query);
    handle.setStatus(CalloutHandle::NEXT_STEP_CONTINUE);
  }
  return 0;
}

int pkt4_send(CalloutHandle& handle) {
  Pkt4Ptr query, response;
  handle.getArgument("query4", query);
  handle.getArgument("response4", response);
  if (!query || !response) return 0;
  if (response->getType() == isc::dhcp::DHCPACK) {
    PendingPtr pending;
    try {
      handle.getContext(kContextName, pending);
    } catch (const isc::hooks::NoSuchCalloutContext&) {
      return 0;  // not a lease's ACK (an INFORM's): nothing asked
    }
    Apply(*query, *response, pending->answer);
  } else if (response->getType() == isc::dhcp::DHCPOFFER) {
    Apply(*query, *response,
          AskInLine(MakeQuery(*query, response->getYiaddr().toText(), /*ack=*/false)));
  }
  return 0;
}

}  // extern "C"
