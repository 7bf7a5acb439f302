// The entity commands of provisorctl: `subscriber|device|model|template|
// package|class  add|get|update|delete|list`. add/update take the entity as
// flags (entity_flags.h) and/or whole as --json/--json-file (protobuf JSON of
// the bare message); update with flags only reads the entity first and
// changes just the fields given. list follows page tokens with --all,
// printing page by page so that any number of entities fits in memory.
#ifndef PROVISOR_MASTER_CTL_ENTITY_COMMANDS_H_
#define PROVISOR_MASTER_CTL_ENTITY_COMMANDS_H_

#include "master/ctl/command.h"

namespace provisor::ctl {

void AddEntityCommands(CLI::App* app, CommandSet* commands);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_ENTITY_COMMANDS_H_
