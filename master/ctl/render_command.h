// `provisorctl render --mac MAC [--ip IP] [--server ADDR] [--explain]`:
// exactly the bytes that device would get now (Admin.Render, a dry run:
// nothing is recorded). The bytes go to stdout unchanged; --explain prints
// instead which model, template, package and encryption produced them and
// the filename minted for the device; --json prints the whole answer.
#ifndef PROVISOR_MASTER_CTL_RENDER_COMMAND_H_
#define PROVISOR_MASTER_CTL_RENDER_COMMAND_H_

#include "master/ctl/command.h"

namespace provisor::ctl {

void AddRenderCommand(CLI::App* app, CommandSet* commands);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_RENDER_COMMAND_H_
