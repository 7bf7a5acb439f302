// provisorctl's steering commands over the Cluster and Balancer APIs:
// `slave weight ID N`, `slave drain ID`, `slave undrain ID` (each prints the
// slave's row afterwards) and `next-server`. --json prints objects. The
// watching commands (status, events, top) are in watch_commands.h.
#ifndef PROVISOR_MASTER_CTL_CLUSTER_COMMANDS_H_
#define PROVISOR_MASTER_CTL_CLUSTER_COMMANDS_H_

#include "master/ctl/command.h"

namespace provisor::ctl {

void AddClusterCommands(CLI::App* app, CommandSet* commands);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_CLUSTER_COMMANDS_H_
