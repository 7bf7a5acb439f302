#include "master/ctl/info_command.h"

#include <CLI/CLI.hpp>
#include <map>

#include "master/ctl/entity_format.h"
#include "master/ctl/entity_kind.h"
#include "master/ctl/table.h"

namespace provisor::ctl {
namespace {

class InfoCommand final : public Command {
 public:
  CommandResult Run(const CommandEnv& env) override {
    AdminClient client(env.client);
    StatusOr<v1::InfoResponse> info = client.Info();
    if (!info.ok()) return CommandResult::From(info.status());
    if (env.json) {
      StatusOr<std::string> json = ToJson(*info, /*multiline=*/true);
      if (!json.ok()) return CommandResult::From(json.status());
      *env.out << *json << "\n";
    } else {
      *env.out << FormatInfo(*info);
    }
    return CommandResult::Ok();
  }
};

}  // namespace

std::string FormatInfo(const v1::InfoResponse& info) {
  std::vector<std::pair<std::string, std::string>> pairs = {
      {"revision", std::to_string(info.revision())},
      {"oldest revision", std::to_string(info.oldest_revision())},
      {"read only", info.read_only() ? "yes" : "no"},
  };
  // Managed kinds first, in import order, then whatever else the master counts.
  std::map<std::string, uint64_t> counts(info.counts().begin(), info.counts().end());
  for (v1::EntityKind kind : kManagedKinds) {
    auto it = counts.find(std::string(KindName(kind)));
    if (it == counts.end()) continue;
    pairs.emplace_back(std::string(KindPlural(kind)), std::to_string(it->second));
    counts.erase(it);
  }
  for (const auto& [name, count] : counts) {
    const bool plural = !name.empty() && name.back() == 's';
    pairs.emplace_back(plural ? name : name + "s", std::to_string(count));
  }
  return RenderPairs(pairs);
}

void AddInfoCommand(CLI::App* app, CommandSet* commands) {
  CLI::App* info = app->add_subcommand("info", "the master's revision and entity counts");
  commands->Add(info, std::make_unique<InfoCommand>());
}

}  // namespace provisor::ctl
