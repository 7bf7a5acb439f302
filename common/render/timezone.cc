#include "common/render/timezone.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace provisor {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool Eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // A zone abbreviation: 3+ letters, or <...>.
  bool Name() {
    if (Eat('<')) {
      size_t close = s_.find('>', pos_);
      if (close == std::string_view::npos) return false;
      pos_ = close + 1;
      return true;
    }
    size_t start = pos_;
    while (std::isalpha(static_cast<unsigned char>(peek()))) ++pos_;
    return pos_ - start >= 3;
  }
  bool Number(int* out) {
    size_t start = pos_;
    int v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) v = v * 10 + (s_[pos_++] - '0');
    *out = v;
    return pos_ > start;
  }
  // [+-]hh[:mm[:ss]] in seconds.
  bool Offset(int* seconds) {
    int sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!Number(&h)) return false;
    if (Eat(':')) {
      if (!Number(&m)) return false;
      if (Eat(':') && !Number(&sec)) return false;
    }
    *seconds = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Mm.w.d[/time]; false for the Jn and n forms (or garbage).
bool ParseChange(Cursor& c, DstChange* change) {
  if (!c.Eat('M')) return false;
  if (!c.Number(&change->month) || !c.Eat('.') || !c.Number(&change->week) || !c.Eat('.') ||
      !c.Number(&change->weekday)) {
    return false;
  }
  if (change->month < 1 || change->month > 12 || change->week < 1 || change->week > 5 ||
      change->weekday < 0 || change->weekday > 6) {
    return false;
  }
  change->hour = 2;
  if (c.Eat('/')) {
    int seconds = 0;
    if (!c.Offset(&seconds)) return false;
    int hour = seconds >= 0 ? seconds / 3600 : -((-seconds + 3599) / 3600);
    change->hour = hour < 0 ? 0 : (hour > 23 ? 23 : hour);
  }
  return true;
}

}  // namespace

StatusOr<ZoneRule> ParsePosixTz(std::string_view posix) {
  ZoneRule rule;
  rule.posix = std::string(posix);
  Cursor c(posix);
  int west = 0;
  if (!c.Name() || !c.Offset(&west)) {
    return InvalidArgumentError("'" + std::string(posix) + "' is not a POSIX TZ rule");
  }
  rule.std_offset_s = -west;
  if (c.done()) return rule;
  if (!c.Name()) return InvalidArgumentError("'" + std::string(posix) + "': bad DST name");
  int dst_west = west - 3600;
  if (c.peek() != ',' && !c.done() && !c.Offset(&dst_west)) {
    return InvalidArgumentError("'" + std::string(posix) + "': bad DST offset");
  }
  rule.dst_save_s = west - dst_west;
  if (!c.Eat(',')) return rule;  // DST named but no rule: leave it out
  DstChange start, end;
  if (ParseChange(c, &start) && c.Eat(',') && ParseChange(c, &end)) {
    rule.has_dst = true;
    rule.start = start;
    rule.end = end;
  }
  return rule;
}

StatusOr<ZoneRule> LoadZoneRule(std::string_view zone, const std::string& zoneinfo_dir) {
  // Zone names are paths under zoneinfo: refuse anything that could leave it.
  if (zone.empty() || zone.find("..") != std::string_view::npos || zone.front() == '/') {
    return InvalidArgumentError("'" + std::string(zone) + "' is not a time zone name");
  }
  std::ifstream in(zoneinfo_dir + "/" + std::string(zone), std::ios::binary);
  if (!in) return NotFoundError("unknown time zone '" + std::string(zone) + "'");
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string data = bytes.str();
  if (data.rfind("TZif", 0) != 0) return NotFoundError("'" + std::string(zone) + "' is not a TZif file");
  // The footer: "\n<rule>\n" at the very end (TZif version 2 and later).
  while (!data.empty() && data.back() == '\n') data.pop_back();
  size_t nl = data.rfind('\n');
  if (nl == std::string::npos) return NotFoundError("no POSIX rule in zone '" + std::string(zone) + "'");
  return ParsePosixTz(std::string_view(data).substr(nl + 1));
}

std::shared_ptr<const ZoneRule> ZoneCache::Get(const std::string& zone) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = zones_.find(zone);
  if (it != zones_.end()) return it->second;
  std::shared_ptr<const ZoneRule> rule;
  StatusOr<ZoneRule> loaded = LoadZoneRule(zone, dir_);
  if (loaded.ok()) rule = std::make_shared<const ZoneRule>(std::move(*loaded));
  if (zones_.size() < 1000) zones_[zone] = rule;
  return rule;
}

}  // namespace provisor
