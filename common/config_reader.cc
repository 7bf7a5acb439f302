#include "common/config_reader.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace provisor {

StatusOr<Duration> ParseDuration(std::string_view text) {
  uint64_t number = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || ptr == begin) {
    return InvalidArgumentError("'" + std::string(text) +
                                "' is not a duration (examples: 500ms, 2s, 30m, 1h)");
  }
  std::string_view unit(ptr, end - ptr);
  constexpr uint64_t kMaxSeconds = 10ull * 365 * 24 * 3600;
  auto checked = [&](uint64_t per_unit_ms) -> StatusOr<Duration> {
    if (number > kMaxSeconds * 1000 / per_unit_ms) {
      return InvalidArgumentError("duration '" + std::string(text) + "' is too long");
    }
    return Duration(std::chrono::milliseconds(number * per_unit_ms));
  };
  if (unit == "ms") return checked(1);
  if (unit == "s") return checked(1000);
  if (unit == "m") return checked(60'000);
  if (unit == "h") return checked(3'600'000);
  if (unit.empty() && number == 0) return Duration(0);
  return InvalidArgumentError("'" + std::string(text) +
                              "' is not a duration (examples: 500ms, 2s, 30m, 1h)");
}

ConfigReader::ConfigReader(std::shared_ptr<const toml::table> root,
                           const toml::table* table, std::string prefix,
                           std::string origin)
    : root_(std::move(root)),
      table_(table),
      prefix_(std::move(prefix)),
      origin_(std::move(origin)) {}

ConfigReader::~ConfigReader() = default;

StatusOr<std::unique_ptr<ConfigReader>> ConfigReader::FromString(std::string_view text,
                                                                 std::string origin) {
  try {
    auto root = std::make_shared<toml::table>(toml::parse(text, origin));
    const toml::table* table = root.get();
    return std::unique_ptr<ConfigReader>(
        new ConfigReader(std::move(root), table, "", std::move(origin)));
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    std::ostringstream msg;
    msg << origin << ":" << where.line << ":" << where.column << ": " << e.description();
    return InvalidArgumentError(msg.str());
  }
}

StatusOr<std::unique_ptr<ConfigReader>> ConfigReader::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return NotFoundError("cannot read config file " + path);
  return FromString(text.str(), path);
}

std::string ConfigReader::Where(std::string_view key) const {
  return origin_ + ": " + prefix_ + std::string(key);
}

Status ConfigReader::GetString(std::string_view key, std::string* out) {
  seen_.emplace(key);
  if (table_ == nullptr) return Status::Ok();
  const toml::node* node = table_->get(key);
  if (node == nullptr) return Status::Ok();
  if (!node->is_string()) return InvalidArgumentError(Where(key) + " must be a string");
  *out = node->as_string()->get();
  return Status::Ok();
}

Status ConfigReader::GetStringList(std::string_view key, std::vector<std::string>* out) {
  seen_.emplace(key);
  if (table_ == nullptr) return Status::Ok();
  const toml::node* node = table_->get(key);
  if (node == nullptr) return Status::Ok();
  if (node->is_string()) {
    *out = {node->as_string()->get()};
    return Status::Ok();
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    return InvalidArgumentError(Where(key) + " must be a string or an array of strings");
  }
  std::vector<std::string> values;
  for (const toml::node& item : *array) {
    if (!item.is_string()) {
      return InvalidArgumentError(Where(key) + " must be an array of strings");
    }
    values.push_back(item.as_string()->get());
  }
  *out = std::move(values);
  return Status::Ok();
}

Status ConfigReader::GetInt(std::string_view key, int64_t min, int64_t max,
                            int64_t* out) {
  seen_.emplace(key);
  if (table_ == nullptr) return Status::Ok();
  const toml::node* node = table_->get(key);
  if (node == nullptr) return Status::Ok();
  if (!node->is_integer()) return InvalidArgumentError(Where(key) + " must be an integer");
  int64_t value = node->as_integer()->get();
  if (value < min || value > max) {
    return InvalidArgumentError(Where(key) + " must be between " + std::to_string(min) +
                                " and " + std::to_string(max) + ", not " +
                                std::to_string(value));
  }
  *out = value;
  return Status::Ok();
}

Status ConfigReader::GetBool(std::string_view key, bool* out) {
  seen_.emplace(key);
  if (table_ == nullptr) return Status::Ok();
  const toml::node* node = table_->get(key);
  if (node == nullptr) return Status::Ok();
  if (!node->is_boolean()) return InvalidArgumentError(Where(key) + " must be true or false");
  *out = node->as_boolean()->get();
  return Status::Ok();
}

Status ConfigReader::GetDuration(std::string_view key, Duration min, Duration max,
                                 Duration* out) {
  seen_.emplace(key);
  if (table_ == nullptr) return Status::Ok();
  const toml::node* node = table_->get(key);
  if (node == nullptr) return Status::Ok();
  Duration value;
  if (node->is_integer()) {
    int64_t seconds = node->as_integer()->get();
    if (seconds < 0 || seconds > 10ll * 365 * 24 * 3600) {
      return InvalidArgumentError(Where(key) + " is out of range");
    }
    value = std::chrono::seconds(seconds);
  } else if (node->is_string()) {
    StatusOr<Duration> parsed = ParseDuration(node->as_string()->get());
    if (!parsed.ok()) {
      return InvalidArgumentError(Where(key) + ": " + parsed.status().message());
    }
    value = *parsed;
  } else {
    return InvalidArgumentError(Where(key) + " must be a duration such as \"2s\"");
  }
  if (value < min || value > max) {
    return InvalidArgumentError(Where(key) + " is out of range");
  }
  *out = value;
  return Status::Ok();
}

StatusOr<std::unique_ptr<ConfigReader>> ConfigReader::Table(std::string_view key) {
  seen_.emplace(key);
  const toml::table* child = nullptr;
  if (table_ != nullptr) {
    if (const toml::node* node = table_->get(key)) {
      child = node->as_table();
      if (child == nullptr) return InvalidArgumentError(Where(key) + " must be a table");
    }
  }
  return std::unique_ptr<ConfigReader>(
      new ConfigReader(root_, child, prefix_ + std::string(key) + ".", origin_));
}

std::vector<std::string> ConfigReader::Keys() const {
  std::vector<std::string> keys;
  if (table_ == nullptr) return keys;
  for (const auto& [key, node] : *table_) keys.push_back(std::string(key.str()));
  return keys;
}

Status ConfigReader::Finish() const {
  if (table_ == nullptr) return Status::Ok();
  for (const auto& [key, node] : *table_) {
    if (!seen_.contains(key.str())) {
      return InvalidArgumentError(Where(key.str()) + " is not a known setting");
    }
  }
  return Status::Ok();
}

}  // namespace provisor
