#include "common/config_reader.h"

#include <catch2/catch.hpp>

namespace provisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("ParseDuration accepts units and rejects the rest") {
  CHECK(*ParseDuration("250ms") == milliseconds(250));
  CHECK(*ParseDuration("2s") == seconds(2));
  CHECK(*ParseDuration("30m") == seconds(1800));
  CHECK(*ParseDuration("1h") == seconds(3600));
  CHECK(*ParseDuration("0") == Duration(0));
  CHECK_FALSE(ParseDuration("").ok());
  CHECK_FALSE(ParseDuration("5").ok());
  CHECK_FALSE(ParseDuration("2 s").ok());
  CHECK_FALSE(ParseDuration("-1s").ok());
  CHECK_FALSE(ParseDuration("1d").ok());
  CHECK_FALSE(ParseDuration("99999999999999h").ok());
}

TEST_CASE("ConfigReader reads typed values and keeps defaults") {
  auto reader = ConfigReader::FromString(R"(
name = "a"
count = 7
flag = true
wait = "500ms"
list = ["x", "y"]
[sub]
inner = 3
)", "test.toml");
  REQUIRE(reader.ok());
  ConfigReader& r = **reader;
  std::string name, missing = "default";
  int64_t count = 0;
  bool flag = false;
  Duration wait{};
  std::vector<std::string> list;
  REQUIRE(r.GetString("name", &name).ok());
  REQUIRE(r.GetString("missing", &missing).ok());
  REQUIRE(r.GetInt("count", 0, 10, &count).ok());
  REQUIRE(r.GetBool("flag", &flag).ok());
  REQUIRE(r.GetDuration("wait", Duration(0), seconds(10), &wait).ok());
  REQUIRE(r.GetStringList("list", &list).ok());
  auto sub = r.Table("sub");
  REQUIRE(sub.ok());
  int64_t inner = 0;
  REQUIRE((*sub)->GetInt("inner", 0, 5, &inner).ok());
  CHECK((*sub)->Finish().ok());
  CHECK(r.Finish().ok());
  CHECK(name == "a");
  CHECK(missing == "default");
  CHECK(count == 7);
  CHECK(flag);
  CHECK(wait == milliseconds(500));
  CHECK(list == std::vector<std::string>{"x", "y"});
  CHECK(inner == 3);
}

TEST_CASE("ConfigReader names the key in every error") {
  auto reader = ConfigReader::FromString("count = 70\nname = 5\ntypo = 1\n[t]\nx = 1\n",
                                         "c.toml");
  REQUIRE(reader.ok());
  ConfigReader& r = **reader;
  int64_t count = 0;
  Status range = r.GetInt("count", 0, 10, &count);
  CHECK(range.message() == "c.toml: count must be between 0 and 10, not 70");
  CHECK(count == 0);
  std::string name;
  CHECK(r.GetString("name", &name).message() == "c.toml: name must be a string");
  auto t = r.Table("t");
  REQUIRE(t.ok());
  CHECK((*t)->Finish().message() == "c.toml: t.x is not a known setting");
  CHECK(r.Finish().message() == "c.toml: typo is not a known setting");
}

TEST_CASE("ConfigReader reports TOML syntax errors with line and column") {
  auto reader = ConfigReader::FromString("a = \n", "bad.toml");
  REQUIRE_FALSE(reader.ok());
  CHECK(reader.status().message().rfind("bad.toml:1:", 0) == 0);
  CHECK_FALSE(ConfigReader::FromFile("/nonexistent/provisor.toml").ok());
}

}  // namespace
}  // namespace provisor
