#include "common/logging.h"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace provisor {

StatusOr<Logger> MakeStderrLogger(const std::string& name, const std::string& level) {
  spdlog::level::level_enum lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return InvalidArgumentError("unknown log level '" + level +
                                "' (trace, debug, info, warn, error, off)");
  }
  auto logger = std::make_shared<spdlog::logger>(
      name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_level(lvl);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n %v");
  logger->flush_on(spdlog::level::info);
  return logger;
}

Logger MakeNullLogger() {
  return std::make_shared<spdlog::logger>("null",
                                          std::make_shared<spdlog::sinks::null_sink_mt>());
}

}  // namespace provisor
