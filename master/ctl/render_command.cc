#include "master/ctl/render_command.h"

#include <CLI/CLI.hpp>

#include "master/ctl/admin_client.h"
#include "master/ctl/entity_format.h"
#include "master/ctl/table.h"

namespace provisor::ctl {
namespace {

class RenderCommand final : public Command {
 public:
  explicit RenderCommand(CLI::App* app) {
    app->add_option("--mac", mac_, "the device's MAC address (any notation)")->required();
    app->add_option("--ip", ip_, "client IP the minted filename is bound to");
    app->add_option("--server", server_, "TFTP server address in the resync URL");
    app->add_flag("--explain", explain_, "say what produced the bytes instead of printing them");
  }

  CommandResult Run(const CommandEnv& env) override {
    AdminClient client(env.client);
    v1::RenderRequest request;
    request.set_mac(mac_);
    request.set_client_ip(ip_);
    request.set_server(server_);
    StatusOr<v1::RenderResponse> rendered = client.Render(request);
    if (!rendered.ok()) return CommandResult::From(rendered.status());
    if (env.json) {
      StatusOr<std::string> json = ToJson(*rendered, /*multiline=*/true);
      if (!json.ok()) return CommandResult::From(json.status());
      *env.out << *json << "\n";
    } else if (explain_) {
      std::string missing;
      for (const std::string& name : rendered->missing_names()) {
        missing += (missing.empty() ? "" : ", ") + name;
      }
      *env.out << RenderPairs({
          {"model", rendered->model()},
          {"template", rendered->template_id() + " (version " +
                           std::to_string(rendered->template_version()) + ")"},
          {"package", rendered->package().empty() ? "-" : rendered->package()},
          {"client class", rendered->client_class().empty() ? "-" : rendered->client_class()},
          {"encryption", rendered->encryption().empty() ? "none" : rendered->encryption()},
          {"bytes", std::to_string(rendered->content().size()) + " (" +
                        std::to_string(rendered->plain_bytes()) + " before encryption)"},
          {"filename", rendered->filename()},
          {"key epoch", std::to_string(rendered->key_epoch())},
          {"store revision", std::to_string(rendered->revision())},
          {"missing names", missing.empty() ? "none" : missing},
      });
    } else {
      env.out->write(rendered->content().data(),
                     static_cast<std::streamsize>(rendered->content().size()));
    }
    return CommandResult::Ok();
  }

 private:
  std::string mac_, ip_, server_;
  bool explain_ = false;
};

}  // namespace

void AddRenderCommand(CLI::App* app, CommandSet* commands) {
  CLI::App* render = app->add_subcommand(
      "render", "exactly the bytes a device would get now (a dry run, nothing recorded)");
  commands->Add(render, std::make_unique<RenderCommand>(render));
}

}  // namespace provisor::ctl
