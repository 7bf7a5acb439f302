// `provisorctl keys rotate [--reason TEXT]`: the emergency rotation of the
// filename-token keys (Admin.RotateKeys). Prints the new epoch numbers and
// the revoked one, never a key; --json prints them as one object:
//   {"current_epoch": N, "next_epoch": N, "previous_epoch": N|null, "revision": N}
//
// Thread-safety: single-threaded use from main().
#ifndef PROVISOR_MASTER_CTL_KEYS_COMMAND_H_
#define PROVISOR_MASTER_CTL_KEYS_COMMAND_H_

#include <string>

#include "master/ctl/command.h"
#include "provisor/v1/admin.pb.h"

namespace provisor::ctl {

void AddKeysCommands(CLI::App* app, CommandSet* commands);

// The two forms of a rotation's answer.
std::string FormatRotation(const v1::RotateKeysResponse& rotated);
std::string RotationJson(const v1::RotateKeysResponse& rotated);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_KEYS_COMMAND_H_
