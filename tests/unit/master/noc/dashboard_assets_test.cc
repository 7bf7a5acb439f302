#include "master/noc/dashboard_assets.h"

#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>

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

TEST_CASE("the dashboard's files are compiled in byte for byte, each with its type") {
  struct Case {
    const char* path;
    const char* file;
    const char* type;
  };
  for (const Case& c : {Case{"/", "index.html", "text/html; charset=utf-8"},
                        Case{"/index.html", "index.html", "text/html; charset=utf-8"},
                        Case{"/static/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"},
                        Case{"/static/dashboard.css", "dashboard.css", "text/css; charset=utf-8"}}) {
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
  // The page loads its script and style from the master's /static/ paths.
  CHECK(page->body.find("src=\"/static/dashboard.js\"") != std::string_view::npos);
  CHECK(page->body.find("href=\"/static/dashboard.css\"") != std::string_view::npos);
  for (const char* path : {"/", "/static/dashboard.js", "/static/dashboard.css"}) {
    const DashboardAsset* asset = FindDashboardAsset(path);
    REQUIRE(asset != nullptr);
    std::string lower(asset->body);
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    INFO(path);
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
