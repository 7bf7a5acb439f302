#include "master/ctl/keys_command.h"

#include <catch2/catch.hpp>

namespace provisor::ctl {
namespace {

TEST_CASE("keys rotate prints the epochs, never a key") {
  v1::RotateKeysResponse r;
  r.set_current_epoch(998162);
  r.set_next_epoch(998163);
  r.set_previous_epoch(998161);
  r.set_previous_replaced(true);
  r.set_revision(42);
  CHECK(RotationJson(r) ==
        R"({"current_epoch":998162,"next_epoch":998163,"previous_epoch":998161,"revision":42})");
  const std::string text = FormatRotation(r);
  CHECK(text.find("current epoch   998162 (new key)\n") != std::string::npos);
  CHECK(text.find("next epoch      998163 (new key)\n") != std::string::npos);
  CHECK(text.find("previous epoch  998161 (revoked)\n") != std::string::npos);
  CHECK(text.find("Every filename handed out before is refused") != std::string::npos);

  v1::RotateKeysResponse first;  // in epoch 0 there is no previous epoch
  first.set_next_epoch(1);
  first.set_revision(2);
  CHECK(RotationJson(first) ==
        R"({"current_epoch":0,"next_epoch":1,"previous_epoch":null,"revision":2})");
  CHECK(FormatRotation(first).find("previous") == std::string::npos);
}

}  // namespace
}  // namespace provisor::ctl
