#include "master/ctl/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <optional>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <unistd.h>

#include "common/config_reader.h"
#include "common/tls_config.h"
#include "master/ctl/cluster_commands.h"
#include "master/ctl/command.h"
#include "master/ctl/entity_commands.h"
#include "master/ctl/import_command.h"
#include "master/ctl/info_command.h"
#include "master/ctl/keys_command.h"
#include "master/ctl/render_command.h"
#include "master/ctl/text.h"
#include "master/ctl/watch_commands.h"

namespace provisor::ctl {

namespace {

// The deepest (sub)command given: "provisorctl device" -> the device app.
const CLI::App* Deepest(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) {
    if (sub->parsed()) return Deepest(*sub);
  }
  return &app;
}

// "device list" (the root's name left out: main prints "provisorctl: ").
std::string CommandPath(const CLI::App* app) {
  std::string path;
  for (; app != nullptr && app->get_parent() != nullptr; app = app->get_parent()) {
    path = app->get_name() + (path.empty() ? "" : " ") + path;
  }
  return path;
}

// CLI11's message, made specific for the usual mistakes.
std::string UsageMessage(const CLI::App& app, const CLI::ParseError& error) {
  const CLI::App* at = Deepest(app);
  const std::string path = CommandPath(at);
  const std::string where = path.empty() ? "" : path + ": ";
  std::vector<std::string> names;
  for (const CLI::App* sub : at->get_subcommands({})) names.push_back(sub->get_name());
  std::vector<std::string> extra = app.remaining(/*recurse=*/true);
  if (!names.empty() && (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr ||
                         dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr)) {
    std::string choices;
    for (const std::string& name : names) choices += (choices.empty() ? "" : ", ") + name;
    if (!extra.empty() && extra.front().rfind("-", 0) != 0) {
      return where + "unknown command '" + extra.front() + "' (commands: " + choices + ")";
    }
    return where + "a command is required (commands: " + choices + ")";
  }
  return where + OneLine(error.what()) + " (see provisorctl " + (path.empty() ? "" : path + " ") +
         "--help)";
}

}  // namespace

Command* CommandSet::Selected() const {
  for (const auto& [app, command] : commands_) {
    if (app->parsed()) return command.get();
  }
  return nullptr;
}

StatusOr<Duration> ParseTimeout(std::string_view text) {
  std::string value(Trim(text));
  if (!value.empty() && std::all_of(value.begin(), value.end(),
                                    [](unsigned char c) { return std::isdigit(c); })) {
    value += "s";
  }
  StatusOr<Duration> duration = ParseDuration(value);
  if (!duration.ok()) return InvalidArgumentError("--timeout: " + duration.status().message());
  if (duration->count() <= 0) return InvalidArgumentError("--timeout must be more than 0");
  return duration;
}

int RunProvisorctl(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                   const Clock& clock) {
  CLI::App app{"provisorctl: admin client of the provisor master"};
  app.name("provisorctl");
  app.fallthrough();  // global flags are accepted after the command too
  app.require_subcommand(1);
  std::string master = "127.0.0.1:7400";
  std::string timeout = "10s";
  bool json = false;
  app.add_option("--master", master, "the master's gRPC address HOST:PORT")
      ->envname("PROVISOR_MASTER")
      ->capture_default_str();
  app.add_flag("--json", json, "print protobuf JSON instead of tables");
  std::string color = "auto";
  app.add_option("--color", color,
                 "colour in tables: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_option("--timeout", timeout, "deadline of each request (10s, 500ms, 2m)")
      ->capture_default_str();
  TlsFiles tls_files;
  app.add_option("--tls-ca", tls_files.ca, "mutual TLS: CA the master's certificate is signed by")
      ->envname("PROVISOR_TLS_CA");
  app.add_option("--tls-cert", tls_files.cert, "mutual TLS: this client's certificate (PEM)")
      ->envname("PROVISOR_TLS_CERT");
  app.add_option("--tls-key", tls_files.key, "mutual TLS: this client's private key (PEM)")
      ->envname("PROVISOR_TLS_KEY");

  CommandSet commands;
  AddEntityCommands(&app, &commands);
  AddImportCommand(&app, &commands);
  AddInfoCommand(&app, &commands);
  AddRenderCommand(&app, &commands);
  AddWatchCommands(&app, &commands);
  AddClusterCommands(&app, &commands);
  AddKeysCommands(&app, &commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    err << "provisorctl: " << UsageMessage(app, e) << "\n";
    return kExitUsage;
  }

  StatusOr<Duration> deadline = ParseTimeout(timeout);
  if (!deadline.ok()) {
    err << "provisorctl: " << deadline.status().message() << "\n";
    return kExitUsage;
  }
  Command* command = commands.Selected();
  if (command == nullptr) {
    err << "provisorctl: no command given (see provisorctl --help)\n";
    return kExitUsage;
  }
  std::optional<TlsMaterial> tls;
  if (!tls_files.ca.empty() || !tls_files.cert.empty() || !tls_files.key.empty()) {
    const char* missing = tls_files.ca.empty()     ? "--tls-ca"
                          : tls_files.cert.empty() ? "--tls-cert"
                          : tls_files.key.empty()  ? "--tls-key"
                                                   : nullptr;
    if (missing != nullptr) {
      err << "provisorctl: " << missing
          << " is not set: --tls-ca, --tls-cert and --tls-key go together (or "
             "PROVISOR_TLS_CA/CERT/KEY)\n";
      return kExitUsage;
    }
    StatusOr<TlsMaterial> material = ReadTlsMaterial(tls_files);
    if (!material.ok()) {
      err << "provisorctl: " << OneLine(material.status().message()) << "\n";
      return kExitFailed;
    }
    tls = std::move(*material);
  }
  CommandEnv env;
  env.client.master = master;
  env.client.timeout = *deadline;
  env.client.tls = std::move(tls);
  env.json = json;
  env.colour = color == "always" ||
               (color == "auto" && &out == &std::cout && isatty(STDOUT_FILENO) == 1 &&
                std::getenv("NO_COLOR") == nullptr &&
                std::string_view(std::getenv("TERM") ? std::getenv("TERM") : "") != "dumb");
  env.out = &out;
  env.err = &err;
  env.clock = &clock;
  CommandResult result = command->Run(env);
  out.flush();
  if (result.exit_code != kExitOk) err << "provisorctl: " << OneLine(result.message) << "\n";
  return result.exit_code;
}

}  // namespace provisor::ctl
