// provisorctl's NOC commands over the Cluster API: `status` (one row per
// slave, then the master's revision and role), `events` (recent cluster
// events), and `slave weight ID N`, `slave drain ID`, `slave undrain ID`
// (each prints the slave's row afterwards). --json prints objects.
#ifndef PROVISOR_MASTER_CTL_CLUSTER_COMMANDS_H_
#define PROVISOR_MASTER_CTL_CLUSTER_COMMANDS_H_

#include "master/ctl/command.h"

namespace provisor::ctl {

void AddClusterCommands(CLI::App* app, CommandSet* commands);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_CLUSTER_COMMANDS_H_
