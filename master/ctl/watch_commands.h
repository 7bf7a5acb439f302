// provisorctl's watching commands over the Cluster API: `status` (one row
// per slave, the state coloured on a terminal; --json for scripts),
// `events [--slave ID] [--follow]` (recent events; --follow keeps printing
// new ones as they happen, one line or one JSON object each, and rides out
// a master restart), and `top` (the status table, totals and the newest
// events, redrawn every --interval like top(1)).
#ifndef PROVISOR_MASTER_CTL_WATCH_COMMANDS_H_
#define PROVISOR_MASTER_CTL_WATCH_COMMANDS_H_

#include "master/ctl/command.h"

namespace provisor::ctl {

void AddWatchCommands(CLI::App* app, CommandSet* commands);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_WATCH_COMMANDS_H_
