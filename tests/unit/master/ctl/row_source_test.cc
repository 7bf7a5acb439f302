#include "master/ctl/row_source.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace provisor::ctl {
namespace {

std::unique_ptr<RowSource> Csv(const std::string& text, std::optional<v1::EntityKind> kind) {
  StatusOr<std::unique_ptr<RowSource>> source = OpenStreamSource(
      std::make_unique<std::istringstream>(text), SourceFormat::kCsv, kind, "");
  INFO(source.status().message());
  REQUIRE(source.ok());
  return std::move(*source);
}

TEST_CASE("CSV rows come with their line numbers and row errors") {
  std::unique_ptr<RowSource> source = Csv(
      "mac,model,state\n"
      "aa:bb:cc:dd:ee:01,m1,\n"
      "aa:bb:cc:dd:ee:02,\"m\n1\",actve\n"
      "aa:bb:cc:dd:ee:03,m1,active\n",
      v1::ENTITY_KIND_DEVICE);
  SourceRow row;
  REQUIRE(*source->Next(&row));
  CHECK(row.row == 2);
  REQUIRE(row.entity.has_value());
  CHECK(row.entity->device().model() == "m1");
  REQUIRE(*source->Next(&row));
  CHECK(row.row == 3);
  CHECK_FALSE(row.entity.has_value());
  CHECK(row.error == "state: 'actve' is not one of preprovisioned, unbound, active, suspended");
  REQUIRE(*source->Next(&row));
  CHECK(row.row == 5);  // the quoted field above spans two lines
  CHECK(row.entity->device().state() == v1::DEVICE_STATE_ACTIVE);
  CHECK_FALSE(*source->Next(&row));
}

TEST_CASE("a broken CSV quote is fatal and names the line") {
  std::unique_ptr<RowSource> source = Csv(
      "mac,model\n"
      "aa:bb:cc:dd:ee:01,m1\n"
      "aa:bb:cc:dd:ee:02,\"m1\n"
      "aa:bb:cc:dd:ee:03,m1\n",
      v1::ENTITY_KIND_DEVICE);
  SourceRow row;
  REQUIRE(*source->Next(&row));
  StatusOr<bool> broken = source->Next(&row);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.status().message().find("line 3: ") == 0);
}

TEST_CASE("an unknown CSV column fails when the file is opened") {
  testing::TempDir dir;
  const std::string path = dir.WriteFile("devices.csv", "mac,model,foo\n1,2,3\n");
  SourceOptions options;
  options.kind = v1::ENTITY_KIND_DEVICE;
  StatusOr<std::unique_ptr<RowSource>> source = OpenRowSource(path, options);
  REQUIRE_FALSE(source.ok());
  CHECK(source.status().message() == path + ": line 1: unknown column 'foo' for devices");
}

TEST_CASE("JSON lines are found by name or content and skip blank lines") {
  testing::TempDir dir;
  const std::string path = dir.WriteFile(
      "entities.txt",
      "  {\"device\": {\"mac\": \"aa:bb:cc:dd:ee:01\", \"model\": \"m1\"}}\n"
      "\n"
      "{\"template\": {\"id\": \"t1\", \"body\": \"x\"}}\n"
      "{\"nope\": 1}\n");
  StatusOr<std::unique_ptr<RowSource>> source = OpenRowSource(path, SourceOptions());
  REQUIRE(source.ok());
  SourceRow row;
  REQUIRE(*(*source)->Next(&row));
  CHECK(row.row == 1);
  CHECK(row.entity->device().model() == "m1");
  REQUIRE(*(*source)->Next(&row));
  CHECK(row.row == 3);
  CHECK(row.entity->template_().id() == "t1");
  REQUIRE(*(*source)->Next(&row));
  CHECK(row.row == 4);
  CHECK_FALSE(row.entity.has_value());
  CHECK_FALSE(*(*source)->Next(&row));
  CHECK((*source)->size() == (*source)->bytes_read());

  const std::string array = dir.WriteFile("array.json", "[{\"device\": {}}]\n");
  StatusOr<std::unique_ptr<RowSource>> rejected = OpenRowSource(array, SourceOptions());
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.status().message().find("a JSON array") != std::string::npos);
}

TEST_CASE("a missing file is a plain error") {
  StatusOr<std::unique_ptr<RowSource>> source =
      OpenRowSource("/nonexistent/devices.csv", SourceOptions());
  REQUIRE_FALSE(source.ok());
  CHECK(source.status().message() ==
        "cannot open /nonexistent/devices.csv: No such file or directory");
}

}  // namespace
}  // namespace provisor::ctl
