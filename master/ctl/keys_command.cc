#include "master/ctl/keys_command.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "master/ctl/table.h"

namespace provisor::ctl {
namespace {

class RotateCommand final : public Command {
 public:
  explicit RotateCommand(CLI::App* app) {
    app->add_option("--reason", reason_, "why (recorded in the key-rotation event)");
  }

  CommandResult Run(const CommandEnv& env) override {
    AdminClient client(env.client);
    v1::RotateKeysRequest request;
    request.set_reason(reason_);
    StatusOr<v1::RotateKeysResponse> rotated = client.RotateKeys(request);
    if (!rotated.ok()) return CommandResult::From(rotated.status());
    *env.out << (env.json ? RotationJson(*rotated) + "\n" : FormatRotation(*rotated));
    return CommandResult::Ok();
  }

 private:
  std::string reason_;
};

}  // namespace

std::string FormatRotation(const v1::RotateKeysResponse& rotated) {
  std::vector<std::pair<std::string, std::string>> pairs = {
      {"current epoch", std::to_string(rotated.current_epoch()) + " (new key)"},
      {"next epoch", std::to_string(rotated.next_epoch()) + " (new key)"},
  };
  if (rotated.previous_replaced()) {
    pairs.emplace_back("previous epoch", std::to_string(rotated.previous_epoch()) + " (revoked)");
  }
  pairs.emplace_back("revision", std::to_string(rotated.revision()));
  return RenderPairs(pairs) +
         "Every filename handed out before is refused; devices get new ones from DHCP.\n";
}

std::string RotationJson(const v1::RotateKeysResponse& rotated) {
  nlohmann::json j;
  j["current_epoch"] = rotated.current_epoch();
  j["next_epoch"] = rotated.next_epoch();
  j["previous_epoch"] =
      rotated.previous_replaced() ? nlohmann::json(rotated.previous_epoch()) : nlohmann::json();
  j["revision"] = rotated.revision();
  return j.dump();
}

void AddKeysCommands(CLI::App* app, CommandSet* commands) {
  CLI::App* keys = app->add_subcommand("keys", "filename-token keys (never shown)");
  keys->require_subcommand(1);
  CLI::App* rotate = keys->add_subcommand(
      "rotate", "emergency: new token keys now; every filename handed out before is refused");
  commands->Add(rotate, std::make_unique<RotateCommand>(rotate));
}

}  // namespace provisor::ctl
