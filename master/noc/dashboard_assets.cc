#include "master/noc/dashboard_assets.h"

namespace provisor {
namespace noc_internal {
// Defined in the source generated from master/noc/dashboard/ at build time.
std::string_view EmbeddedDashboardFile(std::string_view name);
}  // namespace noc_internal

namespace {

struct Route {
  std::string_view path;
  DashboardAsset asset;
};

const Route* Routes() {
  using noc_internal::EmbeddedDashboardFile;
  static const Route kRoutes[] = {
      {"/", {"text/html; charset=utf-8", EmbeddedDashboardFile("index.html")}},
      {"/index.html", {"text/html; charset=utf-8", EmbeddedDashboardFile("index.html")}},
      {"/static/dashboard.js",
       {"text/javascript; charset=utf-8", EmbeddedDashboardFile("dashboard.js")}},
      {"/static/charts.js", {"text/javascript; charset=utf-8", EmbeddedDashboardFile("charts.js")}},
      {"/static/admin.js", {"text/javascript; charset=utf-8", EmbeddedDashboardFile("admin.js")}},
      {"/static/common.js", {"text/javascript; charset=utf-8", EmbeddedDashboardFile("common.js")}},
      {"/static/dashboard.css", {"text/css; charset=utf-8", EmbeddedDashboardFile("dashboard.css")}},
      {{}, {}},
  };
  return kRoutes;
}

}  // namespace

const DashboardAsset* FindDashboardAsset(std::string_view path) {
  for (const Route* r = Routes(); !r->path.empty(); ++r) {
    if (r->path == path) return &r->asset;
  }
  return nullptr;
}

}  // namespace provisor
