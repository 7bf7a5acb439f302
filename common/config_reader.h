// ConfigReader: typed, strict access to one TOML table of a provisor config
// file. Every getter leaves the caller's default in place when the key is
// absent, and fails with a message naming the key ("tftp.timeout: ...") when
// the value has the wrong type or range. Finish() reports keys nobody asked
// for, so a misspelt key is an error instead of a silently ignored setting.
//
// Thread-safety: not thread-safe; used once at start-up.
#ifndef PROVISOR_COMMON_CONFIG_READER_H_
#define PROVISOR_COMMON_CONFIG_READER_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace provisor {

// Parses "250ms", "2s", "30m", "1h" (an integer and a unit; "0" alone is 0).
StatusOr<Duration> ParseDuration(std::string_view text);

class ConfigReader {
 public:
  // Parses `text` (TOML). `origin` names the source in error messages.
  static StatusOr<std::unique_ptr<ConfigReader>> FromString(std::string_view text,
                                                             std::string origin);
  // Reads and parses a file; a missing or unreadable file is an error.
  static StatusOr<std::unique_ptr<ConfigReader>> FromFile(const std::string& path);

  ~ConfigReader();
  ConfigReader(const ConfigReader&) = delete;
  ConfigReader& operator=(const ConfigReader&) = delete;

  Status GetString(std::string_view key, std::string* out);
  // A string, or an array of strings.
  Status GetStringList(std::string_view key, std::vector<std::string>* out);
  Status GetInt(std::string_view key, int64_t min, int64_t max, int64_t* out);
  Status GetBool(std::string_view key, bool* out);
  // A duration string ("2s") or an integer number of seconds.
  Status GetDuration(std::string_view key, Duration min, Duration max, Duration* out);

  // A nested table; an absent table reads as empty. The child reports its own
  // unknown keys from its Finish().
  StatusOr<std::unique_ptr<ConfigReader>> Table(std::string_view key);
  // The keys of this table, in file order (a table of named tables such as
  // [auth.tokens.NAME] is read by calling Table() for each).
  std::vector<std::string> Keys() const;

  // Fails naming the first key that no getter or Table() asked for.
  Status Finish() const;

 private:
  ConfigReader(std::shared_ptr<const toml::table> root, const toml::table* table,
               std::string prefix, std::string origin);
  std::string Where(std::string_view key) const;

  std::shared_ptr<const toml::table> root_;  // keeps the parsed document alive
  const toml::table* table_;                 // null for an absent table
  std::string prefix_;                       // "tftp." for [tftp]
  std::string origin_;                       // file name, for messages
  std::set<std::string, std::less<>> seen_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_CONFIG_READER_H_
