// provisor-generation-bench: what generating a configuration costs on one
// core: filename tokens minted and verified per second, and renders per
// second for each vendor template in deploy/templates (with the context in
// deploy/templates/context.example.json when present, else a built one).
//
//   build/bin/provisor-generation-bench [--templates deploy/templates] [--seconds 1]
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/render/context.h"
#include "common/render/template.h"
#include "common/token/token.h"

namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double PerSecond(double seconds, F&& op) {
  uint64_t n = 0;
  auto start = Clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    for (int i = 0; i < 256; ++i) op();
    n += 256;
  }
  return n / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"provisor-generation-bench"};
  std::string templates = "deploy/templates";
  double seconds = 1;
  app.add_option("--templates", templates, "folder of *.mustache vendor templates");
  app.add_option("--seconds", seconds, "seconds per measurement");
  CLI11_PARSE(app, argc, argv);

  provisor::KeyRing ring(std::chrono::minutes(30));
  provisor::WallTime now(std::chrono::seconds(1'800'000'000));
  uint32_t epoch = ring.EpochAt(now);
  ring.Put(*provisor::KeyRing::Generate(epoch));
  provisor::TokenClaims claims;
  claims.mac = {0, 0x15, 0x65, 1, 2, 3};
  claims.client_ip = provisor::ClientIp::V4(0x0a000001);
  claims.issued_unix = 1'800'000'000;
  std::string name = *provisor::MintToken(ring, epoch, claims, ".cfg");
  provisor::TokenPolicy policy;
  double mint = PerSecond(seconds, [&] { (void)provisor::MintToken(ring, epoch, claims, ".cfg"); });
  double verify = PerSecond(seconds, [&] {
    if (!provisor::VerifyToken(ring, policy, name, claims.client_ip, now).ok()) std::abort();
  });
  std::printf("tokens: mint %.0f/s (%.2f us), verify %.0f/s (%.2f us)\n", mint, 1e6 / mint,
              verify, 1e6 / verify);

  // A two-line subscriber on a Yealink with a package of four codecs.
  provisor::v1::Device device;
  device.set_mac("00:15:65:aa:bb:cc");
  device.set_model("bench");
  provisor::v1::DeviceModel model;
  model.set_id("bench");
  model.set_vendor("Bench");
  provisor::v1::Subscriber sub;
  sub.set_id("s1");
  sub.set_name("Ann Smith");
  sub.set_sip_domain("voip.example.net");
  for (int i = 1; i <= 2; ++i) {
    auto* line = sub.add_lines();
    line->set_index(i);
    line->set_directory_number("+1555000000" + std::to_string(i));
    line->set_sip_user("ann" + std::to_string(i));
    line->set_password("secret" + std::to_string(i));
  }
  provisor::v1::ServicePackage pkg;
  pkg.set_id("res");
  (*pkg.mutable_parameters())["codecs"] = "G722,PCMU,PCMA,G729";
  provisor::RenderInput in;
  in.device = &device;
  in.model = &model;
  in.subscriber = &sub;
  in.package = &pkg;
  in.cluster.server = "10.0.0.5";
  in.cluster.resync_name = name;
  in.now = now;
  provisor::ZoneCache zones;
  in.zones = &zones;
  (*pkg.mutable_parameters())["timezone"] = "America/New_York";
  (*pkg.mutable_parameters())["admin_password"] = "Adm1n";
  double contexts = PerSecond(seconds, [&] { (void)provisor::BuildRenderContext(in); });
  std::printf("render context: %.0f/s (%.2f us)\n", contexts, 1e6 / contexts);
  provisor::RenderData ctx = provisor::BuildRenderContext(in);

  if (!std::filesystem::is_directory(templates)) return 0;
  for (const auto& entry : std::filesystem::directory_iterator(templates)) {
    if (entry.path().extension() != ".mustache") continue;
    std::ifstream f(entry.path());
    std::stringstream text;
    text << f.rdbuf();
    auto t = provisor::CompiledTemplate::Compile(entry.path().filename().string(), 1, text.str());
    if (!t.ok()) {
      std::printf("%s: %s\n", entry.path().filename().c_str(), t.status().message().c_str());
      continue;
    }
    size_t bytes = (*t)->Render(ctx).size();
    double renders = PerSecond(seconds, [&] { (void)(*t)->Render(ctx); });
    // The whole job per request: context, template, token for the resync URL.
    double full = PerSecond(seconds, [&] {
      in.cluster.resync_name = *provisor::MintToken(ring, epoch, claims, ".cfg");
      (void)(*t)->Render(provisor::BuildRenderContext(in));
    });
    // As the slave will: the device's context cached per revision, a fresh
    // token and the cluster layer per request.
    double cached = PerSecond(seconds, [&] {
      provisor::ClusterInfo cluster = in.cluster;
      cluster.resync_name = *provisor::MintToken(ring, epoch, claims, ".cfg");
      (void)(*t)->Render(ctx, provisor::BuildClusterLayer(cluster));
    });
    std::printf("render %-28s %6zu bytes: template %.1f us; per request with a cached context "
                "%.1f us (%.0f/s); building the context too %.1f us\n",
                entry.path().filename().c_str(), bytes, 1e6 / renders, 1e6 / cached, cached,
                1e6 / full);
  }
  return 0;
}
