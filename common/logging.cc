#include "common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <sys/stat.h>

#include <charconv>
#include <cstdlib>

namespace provisor {
namespace {

// "%*": the "<N>" syslog priority of the line's level.
class PriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string prefix = "<" + std::to_string(SyslogPriority(msg.level)) + ">";
    dest.append(prefix.data(), prefix.data() + prefix.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PriorityFlag>();
  }
};

bool ParseNumber(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Whether fd 2 is the journal stream systemd connected us to.
bool StderrIsJournal() {
  const char* journal_stream = std::getenv("JOURNAL_STREAM");
  if (journal_stream == nullptr) return false;
  struct stat st;
  if (fstat(2, &st) != 0) return false;
  return IsJournalStream(journal_stream, static_cast<uint64_t>(st.st_dev),
                         static_cast<uint64_t>(st.st_ino));
}

}  // namespace

bool IsJournalStream(std::string_view journal_stream, uint64_t dev, uint64_t ino) {
  const size_t colon = journal_stream.find(':');
  if (colon == std::string_view::npos) return false;
  uint64_t want_dev = 0;
  uint64_t want_ino = 0;
  return ParseNumber(journal_stream.substr(0, colon), &want_dev) &&
         ParseNumber(journal_stream.substr(colon + 1), &want_ino) && want_dev == dev &&
         want_ino == ino;
}

int SyslogPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;  // LOG_DEBUG
    case spdlog::level::info:
      return 6;  // LOG_INFO
    case spdlog::level::warn:
      return 4;  // LOG_WARNING
    case spdlog::level::err:
      return 3;  // LOG_ERR
    case spdlog::level::critical:
      return 2;  // LOG_CRIT
    default:
      return 6;
  }
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(bool journal) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (journal) {
    formatter->add_flag<PriorityFlag>('*').set_pattern("%*%l %n %v");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n %v");
  }
  return formatter;
}

StatusOr<Logger> MakeStderrLogger(const std::string& name, const std::string& level) {
  spdlog::level::level_enum lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return InvalidArgumentError("unknown log level '" + level +
                                "' (trace, debug, info, warn, error, off)");
  }
  auto logger = std::make_shared<spdlog::logger>(
      name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_level(lvl);
  logger->set_formatter(MakeLogFormatter(StderrIsJournal()));
  logger->flush_on(spdlog::level::info);
  return logger;
}

Logger MakeNullLogger() {
  return std::make_shared<spdlog::logger>("null",
                                          std::make_shared<spdlog::sinks::null_sink_mt>());
}

}  // namespace provisor
