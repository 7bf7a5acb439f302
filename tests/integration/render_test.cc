// provisorctl render against a real master: the exact bytes of a render,
// --explain, a template that does not compile refused at upload with line
// and column, and an encrypted model whose output the stock openssl command
// decrypts back to the plain render.
#include <catch2/catch.hpp>
#include <string>

#include "tests/support/master_process.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::CommandResult;
using testing::Daemon;
using testing::RunCommand;
using testing::TempDir;

using Master = testing::MasterProcess;

const char kTemplate[] =
    "# {{model.vendor}} {{device.mac_upper}}\n"
    "{{#lines}}line{{port}}={{directory_number}},{{auth_user}},{{display_name}}\n{{/lines}}"
    "codecs={{#package.codecs}}{{name}}{{^last}},{{/last}}{{/package.codecs}}\n"
    "ntp={{time.ntp_server}} tz={{time.timezone}}\n";

void Populate(Master& m, TempDir& files, const std::string& encryption) {
  std::string tpl = files.WriteFile("t.cfg", kTemplate);
  REQUIRE(m.Ctl({"template", "add", "--id", "tpl", "--file", tpl, "--content-type",
                 "text/plain"}).exit_code == 0);
  std::string models = files.WriteFile(
      "models.csv", "id,vendor,model,template_id,encryption\nm1,Acme,A1,tpl," + encryption + "\n");
  REQUIRE(m.Ctl({"import", models, "--kind", "model"}).exit_code == 0);
  std::string packages = files.WriteFile(
      "packages.csv", "id,description,param.codecs,param.ntp_server,param.timezone\n"
                      "pkg,Residential,\"G722,PCMU\",ntp.example.net,Europe/Berlin\n");
  REQUIRE(m.Ctl({"import", packages, "--kind", "package"}).exit_code == 0);
  std::string subs = files.WriteFile(
      "subs.csv", "id,name,sip_domain,service_package,line1_number,line1_user,line1_auth_user,"
                  "line1_password\ns1,Ann Smith,voip.example.net,pkg,+15551230001,ann,ann-auth,pw\n");
  REQUIRE(m.Ctl({"import", subs, "--kind", "subscriber"}).exit_code == 0);
  std::string devices = files.WriteFile(
      "devices.csv", "mac,model,subscriber_id,secret\n00:15:65:aa:bb:cc,m1,s1," +
                         std::string("30313233343536373839616263646566") + "\n");
  REQUIRE(m.Ctl({"import", devices, "--kind", "device"}).exit_code == 0);
}

const std::string kExpected =
    "# Acme 001565AABBCC\n"
    "line1=+15551230001,ann-auth,Ann Smith\n"
    "codecs=G722,PCMU\n"
    "ntp=ntp.example.net tz=Europe/Berlin\n";

TEST_CASE("provisorctl render prints exactly the bytes and explains them") {
  Master m;
  TempDir files;
  Populate(m, files, "");
  CommandResult r = m.Ctl({"render", "--mac", "0015.65aa.bbcc"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == kExpected);
  CommandResult explain = m.Ctl({"render", "--mac", "00:15:65:aa:bb:cc", "--explain"});
  REQUIRE(explain.exit_code == 0);
  CHECK(explain.out.find("tpl (version 1)") != std::string::npos);
  CHECK(explain.out.find("pkg") != std::string::npos);
  CHECK(explain.out.find("missing names   none") != std::string::npos);
  CommandResult unknown = m.Ctl({"render", "--mac", "00:15:65:00:00:01"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err ==
        "provisorctl: device 00:15:65:00:00:01 is not known and the default class 'default' "
        "does not exist\n");
}

TEST_CASE("a template that does not compile is refused at upload with line and column") {
  Master m;
  TempDir files;
  std::string bad = files.WriteFile("bad.cfg", "ok line\nstill ok\n  {{#lines}}never closed\n");
  CommandResult r = m.Ctl({"template", "add", "--id", "broken", "--file", bad});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "provisorctl: template broken: line 3, column 3: Unclosed section \"lines\"\n");
}

TEST_CASE("an encrypted model's output decrypts with the stock openssl command") {
  Master m;
  TempDir files;
  Populate(m, files, "yealink-aes");
  CommandResult r = m.Ctl({"render", "--mac", "00:15:65:aa:bb:cc"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out != kExpected);
  files.WriteFile("profile.enc", r.out);
  // The README's command for Yealink, key "0123456789abcdef".
  CommandResult dec = RunCommand(
      {"sh", "-c",
       "openssl enc -d -aes-128-ecb -K 30313233343536373839616263646566 -in profile.enc -out "
       "profile.txt"},
      std::chrono::seconds(30), "", files.path());
  INFO(dec.err);
  REQUIRE(dec.exit_code == 0);
  CHECK(files.ReadFile("profile.txt") == kExpected);
}

}  // namespace
}  // namespace provisor
