// Logging: provisor logs through spdlog loggers that are created here and
// passed to the components that log (no global default logger is used).
// Lines go to stderr (journald picks them up under systemd).
//
// Thread-safety: the returned loggers are thread-safe.
#ifndef PROVISOR_COMMON_LOGGING_H_
#define PROVISOR_COMMON_LOGGING_H_

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace provisor {

using Logger = std::shared_ptr<spdlog::logger>;

// level: trace, debug, info, warn, error, off.
StatusOr<Logger> MakeStderrLogger(const std::string& name, const std::string& level);

// A logger that drops everything (tests).
Logger MakeNullLogger();

}  // namespace provisor

#endif  // PROVISOR_COMMON_LOGGING_H_
