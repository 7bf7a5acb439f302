// provisorctl, the real binary, against a real provisor-master: exit codes
// (0 success, 1 failed request, 2 bad usage), one-line errors, the sample
// import files, bad input files, and Ctrl-C during a 5-million-row import.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "provisor/v1/admin.grpc.pb.h"
#include "tests/support/master_process.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::CommandResult;
using testing::Daemon;
using testing::RunCommand;
using testing::TempDir;

const std::string kCtl = std::string(PROVISOR_BIN_DIR) + "/provisorctl";
const std::string kExamples = std::string(PROVISOR_SOURCE_DIR) + "/deploy/examples/";

struct Master : testing::MasterProcess {
  uint64_t Count(const std::string& kind) {
    auto stub = v1::Admin::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    v1::InfoResponse info;
    if (!stub->Info(&ctx, v1::InfoRequest(), &info).ok()) return 0;
    auto it = info.counts().find(kind);
    return it == info.counts().end() ? 0 : it->second;
  }
  void ImportExamples() {
    for (auto [file, kind] : std::vector<std::pair<std::string, std::string>>{
             {"templates.jsonl", ""}, {"models.csv", "model"}, {"packages.csv", "package"},
             {"subscribers.csv", "subscriber"}, {"devices.csv", "device"}}) {
      std::vector<std::string> args = {"import", kExamples + file};
      if (!kind.empty()) args.insert(args.end(), {"--kind", kind});
      CommandResult r = Ctl(args);
      INFO(file << ": " << r.out << r.err);
      REQUIRE(r.exit_code == 0);
    }
  }
};

bool OneLine(const std::string& s) {
  return !s.empty() && s.back() == '\n' && s.find('\n') == s.size() - 1;
}

TEST_CASE("provisorctl imports the sample files and drives CRUD") {
  Master m;
  m.ImportExamples();
  CHECK(m.Count("subscriber") == 10);
  CHECK(m.Count("device") == 10);
  CHECK(m.Count("template") == 8);
  CHECK(m.Count("class") == 1);

  CommandResult list = m.Ctl({"device", "list"});
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("80:5e:c0:a1:00:0a") != std::string::npos);

  CommandResult json = m.Ctl({"--json", "subscriber", "get", "sub-0001"});
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find("\"id\": \"sub-0001\"") != std::string::npos);

  CommandResult add = m.Ctl({"subscriber", "add", "--id", "sub-new", "--name", "New Person",
                             "--line", "+15550009999,new,new,secret,New Person"});
  INFO(add.err);
  CHECK(add.exit_code == 0);
  CHECK(m.Count("subscriber") == 11);
  CommandResult del = m.Ctl({"subscriber", "delete", "sub-new"});
  CHECK(del.exit_code == 0);
  CHECK(m.Count("subscriber") == 10);
}

TEST_CASE("provisorctl: failures are one line with exit 1, bad usage exits 2") {
  Master m;
  m.ImportExamples();
  CommandResult missing = m.Ctl({"device", "get", "11:22:33:44:55:66"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "provisorctl: device 11:22:33:44:55:66 not found\n");

  CommandResult in_use = m.Ctl({"template", "delete", "tpl-yealink"});
  CHECK(in_use.exit_code == 1);
  CHECK(OneLine(in_use.err));
  CHECK(in_use.err.find("tpl-yealink is still used by model") != std::string::npos);

  CommandResult bad_mac = m.Ctl({"device", "add", "--mac", "zz:zz", "--model", "yealink-t46u"});
  CHECK(bad_mac.exit_code == 1);
  CHECK(OneLine(bad_mac.err));
  CHECK(bad_mac.err.find("is not a MAC address") != std::string::npos);

  CHECK(m.Ctl({"device", "frobnicate"}).exit_code == 2);
  CHECK(m.Ctl({"nonsense"}).exit_code == 2);

  CommandResult down = RunCommand({kCtl, "--master", "127.0.0.1:1", "--timeout", "2s", "info"});
  CHECK(down.exit_code == 1);
  CHECK(OneLine(down.err));
  CHECK(down.err.find("cannot reach the master at 127.0.0.1:1") != std::string::npos);
}

TEST_CASE("provisorctl import: each bad input is refused with its reason") {
  Master m;
  m.ImportExamples();
  TempDir files;
  struct Case {
    std::string name, contents, kind, want;
  };
  const std::string long_name(300, 'n');
  const std::vector<Case> cases = {
      {"bad_mac.csv", "mac,model\nnot-a-mac,yealink-t46u\n", "device", "is not a MAC address"},
      {"dup_mac.csv", "mac,model\n00:15:65:00:00:99,cisco-spa504g\n00-15-65-00-00-99,cisco-spa504g\n",
       "device", "already exists"},
      {"unknown_model.csv", "mac,model\n00:15:65:00:00:98,no-such-model\n", "device",
       "model 'no-such-model' does not exist"},
      {"bad_e164.csv", "id,line1_number\nsub-x,12ab\n", "subscriber", "is not an E.164 number"},
      {"empty_id.csv", "id,name\n,Nobody\n", "subscriber", "id is required"},
      {"long_name.csv", "id,name\nsub-y," + long_name + "\n", "subscriber", "300 bytes"},
      {"bad_utf8.csv", "id,name\nsub-z,caf\xc3\n", "subscriber", "not valid UTF-8"},
      {"unknown_column.csv", "mac,model,colour\n00:15:65:00:00:97,cisco-spa504g,red\n", "device",
       "unknown column 'colour'"},
      {"broken_quote.csv", "id,name\nsub-q,\"Never closed\n", "subscriber",
       "quoted field is never closed"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::string path = files.WriteFile(c.name, c.contents);
    CommandResult r = m.Ctl({"import", path, "--kind", c.kind});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK((r.out + r.err).find(c.want) != std::string::npos);
  }
  // Nothing of the refused files was stored.
  CHECK(m.Count("subscriber") == 10);
  CHECK(m.Count("device") == 10);

  std::string big_template = files.WriteFile(
      "big.jsonl", "{\"template\":{\"id\":\"huge\",\"body\":\"" + std::string((1 << 20) + 1, 'x') +
                       "\"}}\n");
  CommandResult big = m.Ctl({"import", big_template});
  CHECK(big.exit_code == 1);
  CHECK((big.out + big.err).find("the limit is 1 MiB") != std::string::npos);
}

TEST_CASE("provisorctl import: Ctrl-C during a 5,000,000-row import keeps whole batches") {
  Master m;
  m.ImportExamples();
  TempDir files;
  const std::string path = files.path() + "/devices.csv";
  {
    std::ofstream out(path);
    out << "mac,model\n";
    char line[64];
    for (uint32_t i = 0; i < 5'000'000; ++i) {
      std::snprintf(line, sizeof(line), "02:aa:%02x:%02x:%02x:%02x,cisco-spa504g\n", (i >> 24) & 0xff,
                    (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
      out << line;
    }
  }
  Daemon ctl("provisorctl", {"--master", m.address, "import", path, "--kind", "device",
                             "--batch-size", "1000"},
             0);
  // Wait (deadline 60 s) until the import is well under way, then Ctrl-C.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (m.Count("device") < 100'010 && std::chrono::steady_clock::now() < deadline) {
    RunCommand({"true"});  // yields to the import between polls
  }
  REQUIRE(m.Count("device") >= 100'010);
  CHECK(ctl.Stop(SIGINT) == 1);  // interrupted: exit 1 after the summary
  const uint64_t imported = m.Count("device") - 10;
  CHECK(imported < 5'000'000);  // it really was interrupted
  // Batches commit in order and each is all-or-nothing, and what was sent
  // before the interrupt is committed (the last batch may be short): so the
  // stored rows are exactly the first `imported` rows of the file.
  auto mac = [](uint64_t i) {
    char text[32];
    std::snprintf(text, sizeof(text), "02:aa:%02x:%02x:%02x:%02x",
                  static_cast<unsigned>(i >> 24) & 0xff, static_cast<unsigned>(i >> 16) & 0xff,
                  static_cast<unsigned>(i >> 8) & 0xff, static_cast<unsigned>(i) & 0xff);
    return std::string(text);
  };
  CHECK(m.Ctl({"device", "get", mac(0)}).exit_code == 0);
  CHECK(m.Ctl({"device", "get", mac(imported - 1)}).exit_code == 0);
  CommandResult after = m.Ctl({"device", "get", mac(imported)});
  CHECK(after.exit_code == 1);
  CHECK(after.err == "provisorctl: device " + mac(imported) + " not found\n");
}

}  // namespace
}  // namespace provisor
