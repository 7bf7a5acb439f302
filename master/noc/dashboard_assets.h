// The NOC dashboard's files (master/noc/dashboard/: index.html, the
// scripts dashboard.js, charts.js, admin.js and common.js, and
// dashboard.css), compiled into provisor_master by a CMake
// step (embed_dashboard.cmake), so the master serves the page without
// reading any file and the page loads nothing from anywhere else.
//
// Thread-safety: immutable data; safe from any thread.
#ifndef PROVISOR_MASTER_NOC_DASHBOARD_ASSETS_H_
#define PROVISOR_MASTER_NOC_DASHBOARD_ASSETS_H_

#include <string_view>

namespace provisor {

struct DashboardAsset {
  std::string_view content_type;  // e.g. "text/html; charset=utf-8"
  std::string_view body;          // the file's bytes
};

// The asset served at `path` (the URL path, without query): "/" and
// "/index.html" -> the page, "/static/<name>" -> each of the other files
// above; nullptr for any other path.
const DashboardAsset* FindDashboardAsset(std::string_view path);

}  // namespace provisor

#endif  // PROVISOR_MASTER_NOC_DASHBOARD_ASSETS_H_
