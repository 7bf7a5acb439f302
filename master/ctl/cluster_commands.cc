#include "master/ctl/cluster_commands.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "master/ctl/cluster_client.h"
#include "master/ctl/cluster_format.h"
#include "master/ctl/text.h"

namespace provisor::ctl {
namespace {

CommandResult PrintSlave(const CommandEnv& env, const StatusOr<v1::SlaveStatusProto>& slave) {
  if (!slave.ok()) return CommandResult::From(slave.status());
  if (env.json) {
    *env.out << SlaveJson(*slave) << "\n";
  } else {
    Table table = MakeSlaveTable();
    table.AddRow(SlaveRow(*slave));
    *env.out << table.Render();
  }
  return CommandResult::Ok();
}

class WeightCommand final : public Command {
 public:
  explicit WeightCommand(CLI::App* app) {
    app->add_option("ID", id_, "the slave's id")->required();
    app->add_option("N", weight_, "operator weight 0..10000 (0: no new devices)")->required();
  }

  CommandResult Run(const CommandEnv& env) override {
    if (Trim(weight_).empty()) return CommandResult::Usage("slave weight: N is empty");
    StatusOr<uint32_t> weight = ParseUint32(weight_, 10000);
    if (!weight.ok()) {
      return CommandResult::Usage("slave weight: weight " + weight.status().message());
    }
    ClusterClient client(env.client);
    return PrintSlave(env, client.SetSlaveWeight(id_, *weight));
  }

 private:
  std::string id_;
  std::string weight_;
};

class DrainCommand final : public Command {
 public:
  DrainCommand(CLI::App* app, bool drained) : drained_(drained) {
    app->add_option("ID", id_, "the slave's id")->required();
  }

  CommandResult Run(const CommandEnv& env) override {
    ClusterClient client(env.client);
    return PrintSlave(env, client.SetSlaveDrained(id_, drained_));
  }

 private:
  const bool drained_;
  std::string id_;
};

class ForgetCommand final : public Command {
 public:
  explicit ForgetCommand(CLI::App* app) {
    app->add_option("ID", id_, "the slave's id (it must be down)")->required();
  }

  CommandResult Run(const CommandEnv& env) override {
    ClusterClient client(env.client);
    Status forgotten = client.ForgetSlave(id_);
    if (!forgotten.ok()) return CommandResult::From(forgotten);
    if (env.json) {
      *env.out << nlohmann::json{{"forgotten", id_}}.dump() << "\n";
    } else {
      *env.out << "forgot slave " << id_ << "\n";
    }
    return CommandResult::Ok();
  }

 private:
  std::string id_;
};

// Prints what the DHCP front end would get, as INTERFACES.md shows it:
// {"server": "A.B.C.D", "port": 69, "filename": "...", "slave": "ID"}; with
// --json also the DHCP values (siaddr, options 66, 67, 150).
class NextServerCommand final : public Command {
 public:
  explicit NextServerCommand(CLI::App* app) {
    app->add_option("--mac", mac_, "the device's MAC address (any notation)")->required();
    app->add_option("--ip", client_ip_, "the client IP the filename is bound to")->required();
    app->add_option("--vendor-class", vendor_class_, "DHCP option 60");
    app->add_option("--giaddr", giaddr_, "relay agent address");
    app->add_option("--hostname", hostname_, "DHCP option 12");
  }

  CommandResult Run(const CommandEnv& env) override {
    request_.set_mac(mac_);
    request_.set_client_ip(client_ip_);
    request_.set_vendor_class(vendor_class_);
    request_.set_giaddr(giaddr_);
    request_.set_hostname(hostname_);
    ClusterClient client(env.client);
    StatusOr<v1::NextServerResponse> answer = client.NextServer(request_);
    if (!answer.ok()) return CommandResult::From(answer.status());
    *env.out << NextServerJson(*answer, env.json) << "\n";
    return CommandResult::Ok();
  }

 private:
  v1::NextServerRequest request_;
  std::string mac_, client_ip_, vendor_class_, giaddr_, hostname_;
};

}  // namespace

void AddClusterCommands(CLI::App* app, CommandSet* commands) {
  CLI::App* next = app->add_subcommand(
      "next-server", "what the DHCP front end would get for a device: slave and filename");
  commands->Add(next, std::make_unique<NextServerCommand>(next));

  CLI::App* slave = app->add_subcommand("slave", "steer a slave: weight, drain, undrain, forget");
  slave->require_subcommand(1);
  CLI::App* weight = slave->add_subcommand("weight", "set a slave's operator weight");
  commands->Add(weight, std::make_unique<WeightCommand>(weight));
  CLI::App* drain =
      slave->add_subcommand("drain", "send no new devices to a slave (it keeps serving)");
  commands->Add(drain, std::make_unique<DrainCommand>(drain, true));
  CLI::App* undrain = slave->add_subcommand("undrain", "send devices to a drained slave again");
  commands->Add(undrain, std::make_unique<DrainCommand>(undrain, false));
  CLI::App* forget = slave->add_subcommand(
      "forget", "remove a slave that is down from status, metrics and max_slaves");
  commands->Add(forget, std::make_unique<ForgetCommand>(forget));
}

}  // namespace provisor::ctl
