// Time-zone rules for the render context: the POSIX TZ rule of an IANA zone
// (the footer line of its TZif file under /usr/share/zoneinfo) taken apart
// into what vendor templates need: the standard offset and, when the zone
// has daylight saving time, the month/week/weekday/hour of each change.
// Files are only read, never written, and each zone is parsed once.
//
// Thread-safety: ZoneCache is thread-safe; the rest is stateless.
#ifndef PROVISOR_COMMON_RENDER_TIMEZONE_H_
#define PROVISOR_COMMON_RENDER_TIMEZONE_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor {

struct DstChange {
  int month = 3;    // 1..12
  int week = 2;     // 1..5, 5 = last
  int weekday = 0;  // 0 = Sunday .. 6 = Saturday (POSIX)
  int hour = 2;     // local hour of the change, 0..23
};

struct ZoneRule {
  std::string posix;          // e.g. "EST5EDT,M3.2.0,M11.1.0"
  int std_offset_s = 0;       // east-positive: New York is -18000
  bool has_dst = false;
  int dst_save_s = 3600;
  DstChange start, end;
};

// Parses a POSIX TZ rule. Rules whose DST changes use the Jn or n forms
// parse with has_dst = false.
StatusOr<ZoneRule> ParsePosixTz(std::string_view posix);

// Reads the zone's TZif file from `zoneinfo_dir` and parses its footer.
StatusOr<ZoneRule> LoadZoneRule(std::string_view zone,
                                const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

class ZoneCache {
 public:
  explicit ZoneCache(std::string zoneinfo_dir = "/usr/share/zoneinfo")
      : dir_(std::move(zoneinfo_dir)) {}
  // Null when the zone is unknown or its rule does not parse.
  std::shared_ptr<const ZoneRule> Get(const std::string& zone);

 private:
  std::string dir_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const ZoneRule>> zones_;  // protected by mu_
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_RENDER_TIMEZONE_H_
