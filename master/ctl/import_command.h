// `provisorctl import FILE [--batch-size N] [--upsert] [--kind KIND]`: streams
// a CSV or JSON-lines file to the master (importer.h), shows progress on a
// terminal, prints the summary and the rejected batches. Ctrl-C (or SIGTERM)
// stops sending and waits for the answers of what was sent; a second one
// aborts the call.
#ifndef PROVISOR_MASTER_CTL_IMPORT_COMMAND_H_
#define PROVISOR_MASTER_CTL_IMPORT_COMMAND_H_

#include "master/ctl/command.h"

namespace provisor::ctl {

void AddImportCommand(CLI::App* app, CommandSet* commands);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_IMPORT_COMMAND_H_
