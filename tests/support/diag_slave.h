// Starts provisor-slave in diagnostic mode on loopback with port 0, for the
// integration and conformance tests.
#ifndef PROVISOR_TESTS_SUPPORT_DIAG_SLAVE_H_
#define PROVISOR_TESTS_SUPPORT_DIAG_SLAVE_H_

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor::testing {

struct DiagSlave {
  TempDir dir;
  std::unique_ptr<Daemon> daemon;
  SocketAddress tftp;  // first listener
};

// `tftp_settings` are extra lines for the [tftp] table.
std::unique_ptr<DiagSlave> StartDiagSlave(
    const std::string& tftp_settings = "",
    const std::vector<std::string>& listen = {"127.0.0.1:0"},
    const std::vector<std::string>& wrapper = {});

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_DIAG_SLAVE_H_
