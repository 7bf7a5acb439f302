#include "master/noc/dashboard_assets.h"

#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace provisor {
namespace {

// PROVISOR_DASHBOARD_DIR: master/noc/dashboard in the source tree (set for
// this file by tests/CMakeLists.txt).
std::string SourceFile(const std::string& name) {
  std::ifstream in(std::string(PROVISOR_DASHBOARD_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The page's scripts, served as /static/<name>.
const char* const kScripts[] = {"dashboard.js", "charts.js", "admin.js", "common.js"};

TEST_CASE("the dashboard's files are compiled in byte for byte, each with its type") {
  struct Case {
    std::string path;
    std::string file;
    const char* type;
  };
  std::vector<Case> cases = {{"/", "index.html", "text/html; charset=utf-8"},
                             {"/index.html", "index.html", "text/html; charset=utf-8"},
                             {"/static/dashboard.css", "dashboard.css", "text/css; charset=utf-8"}};
  for (const char* script : kScripts) {
    cases.push_back({std::string("/static/") + script, script, "text/javascript; charset=utf-8"});
  }
  for (const Case& c : cases) {
    INFO(c.path);
    const DashboardAsset* asset = FindDashboardAsset(c.path);
    REQUIRE(asset != nullptr);
    CHECK(asset->content_type == c.type);
    const std::string source = SourceFile(c.file);
    CHECK_FALSE(source.empty());
    CHECK(asset->body.size() == source.size());
    CHECK(asset->body == source);
  }
}

TEST_CASE("only the dashboard's own paths are assets") {
  for (const char* path : {"", "/static/", "/static/index.html", "/dashboard.js", "/index.htm",
                           "/static/dashboard.js/", "/STATIC/dashboard.css", "/metrics",
                           "/api/v1/cluster", "/static/../index.html"}) {
    INFO(path);
    CHECK(FindDashboardAsset(path) == nullptr);
  }
}

TEST_CASE("the page refers to nothing outside the master that serves it") {
  const DashboardAsset* page = FindDashboardAsset("/");
  REQUIRE(page != nullptr);
  // The page loads its scripts and style from the master's /static/ paths.
  std::vector<std::string> paths = {"/", "/static/dashboard.css"};
  for (const char* script : kScripts) {
    INFO(script);
    CHECK(page->body.find(std::string("src=\"/static/") + script + "\"") !=
          std::string_view::npos);
    paths.push_back(std::string("/static/") + script);
  }
  CHECK(page->body.find("href=\"/static/dashboard.css\"") != std::string_view::npos);
  // No inline script (the master's Content-Security-Policy would block it).
  for (size_t at = page->body.find("<script"); at != std::string_view::npos;
       at = page->body.find("<script", at + 1)) {
    const std::string_view tag = page->body.substr(at, page->body.find('>', at) - at);
    INFO(tag);
    CHECK(tag.find(" src=\"/static/") != std::string_view::npos);
  }
  for (const std::string& path : paths) {
    INFO(path);
    const DashboardAsset* asset = FindDashboardAsset(path);
    REQUIRE(asset != nullptr);
    std::string lower(asset->body);
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(lower.find("http://") == std::string::npos);
    CHECK(lower.find("https://") == std::string::npos);
    // Nor a protocol-relative address (src="//host/...", url(//host/...)).
    CHECK(lower.find("\"//") == std::string::npos);
    CHECK(lower.find("'//") == std::string::npos);
    CHECK(lower.find("(//") == std::string::npos);
    CHECK(lower.find("@import") == std::string::npos);
  }
}

}  // namespace
}  // namespace provisor
