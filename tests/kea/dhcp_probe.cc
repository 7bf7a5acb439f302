// provisor-dhcp-probe: one real DHCPv4 exchange (DISCOVER, OFFER, REQUEST,
// ACK) on an interface, as a device would do it, printing the ACK decoded
// as one JSON object: yiaddr, siaddr, file, server_id and options 66, 67
// and 150, with how many DISCOVERs and REQUESTs it sent (one a second until
// answered) and how long each answer took. The end-to-end test runs it in the client's network namespace
// to check what the Kea hook put into the answer.
//
//   provisor-dhcp-probe --iface IFACE --mac MAC [--timeout-ms N]
//
// The broadcast flag is set, so the server's answers reach this socket
// before the interface has an address. Exit 0 with the JSON, 1 with a
// one-line reason (no answer, a NAK, a malformed reply).
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr uint8_t kDiscover = 1, kOffer = 2, kRequest = 3, kAck = 5, kNak = 6;
constexpr size_t kHeader = 236;
constexpr uint8_t kCookie[4] = {99, 130, 83, 99};

struct Reply {
  uint8_t type = 0;
  uint32_t xid = 0;
  in_addr yiaddr{}, siaddr{};
  std::string file;
  std::map<uint8_t, std::string> options;
};

std::vector<uint8_t> Build(uint8_t type, uint32_t xid, const uint8_t mac[6], in_addr requested,
                           in_addr server) {
  std::vector<uint8_t> p(kHeader, 0);
  p[0] = 1;  // BOOTREQUEST
  p[1] = 1;  // Ethernet
  p[2] = 6;
  std::memcpy(&p[4], &xid, 4);
  p[10] = 0x80;  // broadcast flag
  std::memcpy(&p[28], mac, 6);
  p.insert(p.end(), kCookie, kCookie + 4);
  p.insert(p.end(), {53, 1, type});
  p.insert(p.end(), {55, 6, 1, 3, 6, 66, 67, 150});  // parameter request list
  if (type == kRequest) {
    p.insert(p.end(), {50, 4});
    p.insert(p.end(), reinterpret_cast<uint8_t*>(&requested),
             reinterpret_cast<uint8_t*>(&requested) + 4);
    p.insert(p.end(), {54, 4});
    p.insert(p.end(), reinterpret_cast<uint8_t*>(&server), reinterpret_cast<uint8_t*>(&server) + 4);
  }
  p.push_back(255);
  p.resize(std::max<size_t>(p.size(), 300), 0);  // BOOTP minimum
  return p;
}

bool Parse(const uint8_t* data, size_t size, Reply* out) {
  if (size < kHeader + 4 || data[0] != 2 || std::memcmp(data + kHeader, kCookie, 4) != 0) {
    return false;
  }
  std::memcpy(&out->xid, data + 4, 4);
  std::memcpy(&out->yiaddr, data + 16, 4);
  std::memcpy(&out->siaddr, data + 20, 4);
  out->file.assign(reinterpret_cast<const char*>(data + 108),
                   strnlen(reinterpret_cast<const char*>(data + 108), 128));
  for (size_t i = kHeader + 4; i < size;) {
    const uint8_t code = data[i++];
    if (code == 0) continue;
    if (code == 255) break;
    if (i >= size || i + 1 + data[i] > size) return false;
    const uint8_t length = data[i++];
    out->options[code].append(reinterpret_cast<const char*>(data + i), length);
    i += length;
  }
  auto type = out->options.find(53);
  if (type == out->options.end() || type->second.size() != 1) return false;
  out->type = static_cast<uint8_t>(type->second[0]);
  return true;
}

std::string Ip(in_addr a) {
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, text, sizeof(text));
  return text;
}

// Sends `packet` (resending every second) until a reply with `xid` of one
// of `types` comes, or `timeout` passes.
bool Exchange(int fd, const std::vector<uint8_t>& packet, uint32_t xid,
              std::vector<uint8_t> types, std::chrono::milliseconds timeout, Reply* reply,
              int* sends) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(67);
  to.sin_addr.s_addr = INADDR_BROADCAST;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto next_send = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::chrono::steady_clock::now() >= next_send) {
      if (sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to),
                 sizeof(to)) < 0) {
        std::perror("sendto");
        return false;
      }
      next_send += std::chrono::seconds(1);
      ++*sends;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    uint8_t buf[1500];
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    Reply r;
    if (n <= 0 || !Parse(buf, static_cast<size_t>(n), &r) || r.xid != xid) continue;
    for (uint8_t t : types) {
      if (r.type == t) {
        *reply = std::move(r);
        return true;
      }
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"One DHCPv4 exchange; prints the decoded ACK as JSON"};
  std::string iface, mac_text;
  int timeout_ms = 5000;
  app.add_option("--iface", iface, "interface to send on")->required();
  app.add_option("--mac", mac_text, "client hardware address aa:bb:cc:dd:ee:ff")->required();
  app.add_option("--timeout-ms", timeout_ms, "per step");
  CLI11_PARSE(app, argc, argv);
  uint8_t mac[6];
  if (std::sscanf(mac_text.c_str(), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
                  &mac[3], &mac[4], &mac[5]) != 6) {
    std::fprintf(stderr, "dhcp-probe: bad --mac %s\n", mac_text.c_str());
    return 2;
  }
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface.c_str(),
                 static_cast<socklen_t>(iface.size())) != 0) {
    std::perror("dhcp-probe: SO_BINDTODEVICE");
    return 1;
  }
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_port = htons(68);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    std::perror("dhcp-probe: bind port 68");
    return 1;
  }
  std::random_device random;
  const uint32_t xid = random();
  const auto timeout = std::chrono::milliseconds(timeout_ms);
  Reply offer, ack;
  int discovers = 0, requests = 0;
  const auto start = std::chrono::steady_clock::now();
  if (!Exchange(fd, Build(kDiscover, xid, mac, {}, {}), xid, {kOffer}, timeout, &offer,
                &discovers)) {
    std::fprintf(stderr, "dhcp-probe: no DHCPOFFER\n");
    return 1;
  }
  in_addr server{};
  const std::string& id = offer.options[54];
  if (id.size() == 4) std::memcpy(&server, id.data(), 4);
  const auto offered = std::chrono::steady_clock::now();
  if (!Exchange(fd, Build(kRequest, xid, mac, offer.yiaddr, server), xid, {kAck, kNak}, timeout,
                &ack, &requests)) {
    std::fprintf(stderr, "dhcp-probe: no DHCPACK\n");
    return 1;
  }
  if (ack.type == kNak) {
    std::fprintf(stderr, "dhcp-probe: DHCPNAK\n");
    return 1;
  }
  const auto acked = std::chrono::steady_clock::now();
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  nlohmann::json out;
  out["discovers"] = discovers;
  out["requests"] = requests;
  out["offer_ms"] = ms(offered - start);
  out["ack_ms"] = ms(acked - offered);
  out["yiaddr"] = Ip(ack.yiaddr);
  out["siaddr"] = Ip(ack.siaddr);
  out["file"] = ack.file;
  out["server_id"] = Ip(server);
  out["offer_siaddr"] = Ip(offer.siaddr);
  out["offer_file"] = offer.file;
  out["option66"] = ack.options[66];
  out["option67"] = ack.options[67];
  nlohmann::json list = nlohmann::json::array();
  const std::string& servers = ack.options[150];
  for (size_t i = 0; i + 4 <= servers.size(); i += 4) {
    in_addr a;
    std::memcpy(&a, servers.data() + i, 4);
    list.push_back(Ip(a));
  }
  out["option150"] = list;
  std::printf("%s\n", out.dump().c_str());
  close(fd);
  return 0;
}
