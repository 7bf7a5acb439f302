// `provisorctl info`: the master's revision, change-log reach, entity counts
// and whether it is read-only (Admin.Info).
#ifndef PROVISOR_MASTER_CTL_INFO_COMMAND_H_
#define PROVISOR_MASTER_CTL_INFO_COMMAND_H_

#include "master/ctl/command.h"
#include "provisor/v1/admin.pb.h"

namespace provisor::ctl {

void AddInfoCommand(CLI::App* app, CommandSet* commands);

// The human-readable form: field/value pairs, counts by kind name.
std::string FormatInfo(const v1::InfoResponse& info);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_INFO_COMMAND_H_
