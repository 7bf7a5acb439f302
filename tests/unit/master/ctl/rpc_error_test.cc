#include "master/ctl/rpc_error.h"

#include <catch2/catch.hpp>

namespace provisor::ctl {
namespace {

std::string Describe(StatusCode code, const std::string& message) {
  RpcContext context{"127.0.0.1:7400", std::chrono::seconds(10), "import"};
  Status described = DescribeRpcError(Status(code, message), context);
  CHECK(described.code() == code);
  return described.message();
}

TEST_CASE("the master's own errors pass through on one line") {
  CHECK(Describe(StatusCode::kNotFound, "device aa:bb:cc:dd:ee:ff not found") ==
        "device aa:bb:cc:dd:ee:ff not found");
  CHECK(Describe(StatusCode::kAlreadyExists, "subscriber S1 already exists") ==
        "subscriber S1 already exists");
  CHECK(Describe(StatusCode::kFailedPrecondition, "template T1 is still used\nby model m") ==
        "template T1 is still used by model m");
  CHECK(Describe(StatusCode::kInvalidArgument, "") == "invalid argument");
}

TEST_CASE("transport failures name the master and the cause") {
  CHECK(Describe(StatusCode::kUnavailable,
                 "failed to connect to all addresses; last error: UNKNOWN: "
                 "ipv4:127.0.0.1:7400: Failed to connect to remote host: Connection refused") ==
        "cannot reach the master at 127.0.0.1:7400 (connection refused)");
  CHECK(Describe(StatusCode::kUnavailable, "DNS resolution failed for nosuch:7400: ...") ==
        "cannot reach the master at 127.0.0.1:7400 (cannot resolve the host name)");
  CHECK(Describe(StatusCode::kUnavailable, "Socket closed") ==
        "cannot reach the master at 127.0.0.1:7400 (connection closed)");
  CHECK(Describe(StatusCode::kDeadlineExceeded, "Deadline Exceeded") ==
        "cannot reach the master at 127.0.0.1:7400 (no answer within 10s)");
  CHECK(Describe(StatusCode::kUnimplemented, "") ==
        "the master at 127.0.0.1:7400 does not support import");
  CHECK(Describe(StatusCode::kInternal, "store failed") ==
        "the master at 127.0.0.1:7400 failed: store failed");
}

TEST_CASE("durations print the way people write them") {
  CHECK(FormatDuration(std::chrono::seconds(10)) == "10s");
  CHECK(FormatDuration(std::chrono::milliseconds(250)) == "250ms");
  CHECK(FormatDuration(std::chrono::milliseconds(1500)) == "1.5s");
  CHECK(FormatDuration(std::chrono::minutes(2)) == "2m");
}

}  // namespace
}  // namespace provisor::ctl
