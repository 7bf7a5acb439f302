// Golden-file tests of the vendor templates shipped in deploy/templates:
// each renders, with a fixed context (fixed time and token), to exactly the
// bytes in tests/golden/<template>.out; every XML render is well-formed by
// `xmllint --noout`; and for each vendor that encrypts, the encrypted
// render decrypts with the stock openssl command from the README back to
// the golden bytes. PROVISOR_UPDATE_GOLDEN=1 rewrites the golden files.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/render/context.h"
#include "common/render/template.h"
#include "common/vendor_crypto.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::TempDir;

const fs::path kTemplates = fs::path(PROVISOR_SOURCE_DIR) / "deploy" / "templates";
const fs::path kGolden = fs::path(PROVISOR_SOURCE_DIR) / "tests" / "golden";

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A two-line subscriber with a four-codec package, fixed in time.
RenderData Context() {
  static v1::Device device;
  static v1::DeviceModel model;
  static v1::Subscriber sub;
  static v1::ServicePackage pkg;
  device.set_mac("00:15:65:aa:bb:cc");
  device.set_model("golden-model");
  device.set_serial("SN0001");
  device.set_state(v1::DEVICE_STATE_ACTIVE);
  model.set_id("golden-model");
  model.set_vendor("Golden");
  model.set_model("G1");
  sub.set_id("sub-0001");
  sub.set_account("acct-0001");
  sub.set_name("Ann O'Neil & Co");
  sub.set_sip_domain("voip.example.net");
  sub.set_registrar("reg.voip.example.net");
  sub.set_proxy("proxy.voip.example.net");
  sub.set_outbound_proxy("sbc.voip.example.net:5060");
  sub.set_ring_tone("Ring3");
  sub.mutable_qos()->set_sip_dscp(26);
  sub.mutable_qos()->set_rtp_dscp(46);
  sub.clear_lines();
  for (int i = 1; i <= 2; ++i) {
    v1::Line* line = sub.add_lines();
    line->set_index(i);
    line->set_directory_number("+1555123000" + std::to_string(i));
    line->set_sip_user("1555123000" + std::to_string(i));
    line->set_auth_user("auth" + std::to_string(i));
    line->set_password("p<w>\"" + std::to_string(i));
    line->set_display_name(i == 1 ? "Ann O'Neil" : "Fax <line>");
  }
  pkg.set_id("pkg-business");
  (*pkg.mutable_parameters())["codecs"] = "G722,PCMU,PCMA,G729";
  (*pkg.mutable_parameters())["ntp_server"] = "ntp.example.net";
  (*pkg.mutable_parameters())["timezone"] = "America/New_York";
  (*pkg.mutable_parameters())["gmt_offset_s"] = "-18000";
  (*pkg.mutable_parameters())["admin_password"] = "Adm1n&Pass";
  RenderInput in;
  in.device = &device;
  in.model = &model;
  in.subscriber = &sub;
  in.package = &pkg;
  in.cluster.server = "10.20.30.40";
  in.cluster.resync_name = "aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmmnnnnooooppppqqqqrrrrsssst.cfg";
  in.cluster.resync_interval_s = 86400;
  in.now = WallTime(std::chrono::seconds(1'800'000'000));
  return BuildRenderContext(in);
}

std::vector<fs::path> Templates() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kTemplates)) {
    if (e.path().extension() == ".mustache") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("vendor templates render to their golden files; XML is well-formed") {
  const bool update = std::getenv("PROVISOR_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> templates = Templates();
  REQUIRE(templates.size() >= 7);
  RenderData ctx = Context();
  TempDir tmp;
  for (const fs::path& path : templates) {
    const std::string name = path.stem().string();  // e.g. "yealink.cfg"
    INFO(name);
    auto compiled = CompiledTemplate::Compile(name, 1, Read(path));
    REQUIRE(compiled.ok());
    RenderStats stats;
    std::string out = (*compiled)->Render(ctx, &stats);
    CHECK(stats.missing_names == 0);
    for (const std::string& m : stats.missing) INFO("missing: " << m);
    const fs::path golden = kGolden / (name + ".out");
    if (update) {
      fs::create_directories(kGolden);
      std::ofstream(golden, std::ios::binary) << out;
    }
    CHECK(out == Read(golden));
    if (name.find(".xml") != std::string::npos || out.rfind("<?xml", 0) == 0) {
      std::string file = tmp.WriteFile(name, out);
      auto lint = RunCommand({"xmllint", "--noout", file});
      INFO(lint.err);
      CHECK(lint.exit_code == 0);
    }
  }
}

TEST_CASE("encrypted vendor renders decrypt with the README's openssl commands") {
  RenderData ctx = Context();
  struct Case {
    std::string template_name, cipher, key;
  };
  const std::vector<Case> cases = {
      {"cisco-spa.xml.mustache", "cisco-aes256-cbc", "SpaProfileKey42"},
      {"yealink.cfg.mustache", "yealink-aes", "0123456789abcdef"},
      {"gigaset.xml.mustache", "gigaset-aes128", "ABCDEFGHIJKLMNOP"},
  };
  TempDir tmp;
  for (const Case& c : cases) {
    INFO(c.template_name);
    auto compiled = CompiledTemplate::Compile(c.template_name, 1, Read(kTemplates / c.template_name));
    REQUIRE(compiled.ok());
    std::string plain = (*compiled)->Render(ctx);
    auto cipher = ParseVendorCipher(c.cipher);
    REQUIRE(cipher.ok());
    auto encrypted = VendorEncrypt(*cipher, c.key, plain);
    REQUIRE(encrypted.ok());
    CHECK(*encrypted != plain);
    tmp.WriteFile("in.enc", *encrypted);
    std::string command = OpenSslDecryptCommand(*cipher, c.key, "in.enc", "out.txt");
    auto r = RunCommand({"sh", "-c", command}, std::chrono::seconds(30), "", tmp.path());
    INFO(command << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(tmp.ReadFile("out.txt") == plain);
  }
}

}  // namespace
}  // namespace provisor
