#include "common/status.h"

#include <catch2/catch.hpp>

namespace provisor {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

Status Chain(int x) {
  PROVISOR_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST_CASE("Status carries code and message") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "OK");
  Status bad = NotFoundError("no such device");
  CHECK_FALSE(bad.ok());
  CHECK(bad.code() == StatusCode::kNotFound);
  CHECK(bad.ToString() == "NOT_FOUND: no such device");
  CHECK(static_cast<int>(StatusCode::kUnauthenticated) == 16);
}

TEST_CASE("StatusOr holds a value or an error") {
  StatusOr<int> four = Half(8);
  REQUIRE(four.ok());
  CHECK(*four == 4);
  StatusOr<int> odd = Half(3);
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.status().message() == "odd");
  CHECK(Chain(3).code() == StatusCode::kInvalidArgument);
  CHECK(Chain(4).ok());
}

}  // namespace
}  // namespace provisor
