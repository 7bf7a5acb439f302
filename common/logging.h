// Logging: provisor logs through spdlog loggers that are created here and
// passed to the components that log (no global default logger is used).
// Lines go to stderr.
//
// Every message starts with a stable event id in capitals, then the human
// text (as Kea does), so operators can grep, alert and look events up:
//   logger->warn("SLAVE_DOWN slave {}: no heartbeat for {:.1f}s", id, age);
// The id names the event, not the wording: keep it when the text changes.
// Nothing logs a line per successful transfer or request at info or above.
//
// Under systemd (stderr connected to the journal, as JOURNAL_STREAM says)
// lines carry no timestamp (journald adds its own) and start with the
// syslog priority "<N>" that journald turns into the entry's PRIORITY, so
// `journalctl -p warning` works. Elsewhere lines start with a timestamp.
//
// Thread-safety: the returned loggers are thread-safe; the rest are pure.
#ifndef PROVISOR_COMMON_LOGGING_H_
#define PROVISOR_COMMON_LOGGING_H_

#include <spdlog/formatter.h>
#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor {

using Logger = std::shared_ptr<spdlog::logger>;

// level: trace, debug, info, warn, error, off. The format follows where
// stderr goes (see above).
StatusOr<Logger> MakeStderrLogger(const std::string& name, const std::string& level);

// A logger that drops everything (tests).
Logger MakeNullLogger();

// True when `journal_stream` (the value of $JOURNAL_STREAM, "DEVICE:INODE")
// names the stream with device `dev` and inode `ino` (stderr's).
bool IsJournalStream(std::string_view journal_stream, uint64_t dev, uint64_t ino);

// The syslog priority journald reads from a "<N>" prefix (sd-daemon.h).
int SyslogPriority(spdlog::level::level_enum level);

// The line format: "<N>level name message" for the journal, else
// "timestamp level name message".
std::unique_ptr<spdlog::formatter> MakeLogFormatter(bool journal);

}  // namespace provisor

#endif  // PROVISOR_COMMON_LOGGING_H_
