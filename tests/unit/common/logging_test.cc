#include "common/logging.h"

#include <spdlog/sinks/ostream_sink.h>

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>

namespace provisor {
namespace {

// What `logger` writes through the formatter MakeLogFormatter(journal) makes.
std::string Format(bool journal, spdlog::level::level_enum level, const std::string& message) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  spdlog::logger logger("slave", sink);
  logger.set_level(spdlog::level::trace);
  logger.set_formatter(MakeLogFormatter(journal));
  logger.log(level, message);
  return out.str();
}

}  // namespace

TEST_CASE("journal lines carry the syslog priority and no timestamp", "[logging]") {
  CHECK(Format(true, spdlog::level::warn, "SLAVE_DOWN slave s1: no heartbeat for 6.1s") ==
        "<4>warning slave SLAVE_DOWN slave s1: no heartbeat for 6.1s\n");
  CHECK(Format(true, spdlog::level::info, "SLAVE_STARTED x") == "<6>info slave SLAVE_STARTED x\n");
  CHECK(Format(true, spdlog::level::err, "E") == "<3>error slave E\n");
  CHECK(Format(true, spdlog::level::debug, "D") == "<7>debug slave D\n");
}

TEST_CASE("lines outside the journal start with a timestamp", "[logging]") {
  const std::string line = Format(false, spdlog::level::info, "MASTER_STARTED root master");
  INFO(line);
  CHECK(std::regex_match(
      line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} info slave MASTER_STARTED root master\n)")));
}

TEST_CASE("syslog priorities follow the levels", "[logging]") {
  CHECK(SyslogPriority(spdlog::level::trace) == 7);
  CHECK(SyslogPriority(spdlog::level::debug) == 7);
  CHECK(SyslogPriority(spdlog::level::info) == 6);
  CHECK(SyslogPriority(spdlog::level::warn) == 4);
  CHECK(SyslogPriority(spdlog::level::err) == 3);
  CHECK(SyslogPriority(spdlog::level::critical) == 2);
}

TEST_CASE("JOURNAL_STREAM must name stderr's device and inode", "[logging]") {
  CHECK(IsJournalStream("8:123456", 8, 123456));
  CHECK_FALSE(IsJournalStream("8:123456", 8, 123457));
  CHECK_FALSE(IsJournalStream("9:123456", 8, 123456));
  CHECK_FALSE(IsJournalStream("", 8, 123456));
  CHECK_FALSE(IsJournalStream("8", 8, 123456));
  CHECK_FALSE(IsJournalStream("8:", 8, 0));
  CHECK_FALSE(IsJournalStream("8:12x", 8, 12));
  CHECK_FALSE(IsJournalStream("-8:12", 8, 12));
}

TEST_CASE("unknown log levels are refused", "[logging]") {
  CHECK(MakeStderrLogger("t", "info").ok());
  StatusOr<Logger> bad = MakeStderrLogger("t", "loud");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("unknown log level 'loud'") != std::string::npos);
}

}  // namespace provisor
