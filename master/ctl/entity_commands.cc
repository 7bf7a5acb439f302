#include "master/ctl/entity_commands.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "master/ctl/entity_flags.h"
#include "master/ctl/entity_format.h"
#include "master/ctl/entity_kind.h"
#include "master/ctl/json_input.h"

namespace provisor::ctl {
namespace {

constexpr uint32_t kMaxPageSize = 1000;  // admin.proto

std::string Kind(v1::EntityKind kind) { return std::string(KindName(kind)); }

StatusOr<std::string> ReadText(const std::string& path) {
  if (path == "-") {
    return std::string((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Prints `message` as JSON, or reports why it cannot.
CommandResult PrintJson(const CommandEnv& env, const google::protobuf::Message& message) {
  StatusOr<std::string> json = ToJson(message, /*multiline=*/true);
  if (!json.ok()) return CommandResult::From(json.status());
  *env.out << *json << "\n";
  return CommandResult::Ok();
}

class WriteCommand final : public Command {
 public:
  WriteCommand(v1::EntityKind kind, bool update, CLI::App* app)
      : kind_(kind), update_(update), flags_(kind, app) {
    CLI::Option* json = app->add_option(
        "--json", json_,
        "the whole " + Kind(kind) + " as protobuf JSON (flags given too are applied over it; "
        "for JSON output put --json before the command)");
    app->add_option("--json-file", json_file_, "read the --json document from a file ('-': stdin)")
        ->excludes(json);
  }

  CommandResult Run(const CommandEnv& env) override {
    AdminClient client(env.client);
    v1::Entity entity;
    bool have_base = false;
    if (!json_.empty() || !json_file_.empty()) {
      std::string text = json_;
      if (!json_file_.empty()) {
        StatusOr<std::string> read = ReadText(json_file_);
        if (!read.ok()) return CommandResult::Usage(read.status().message());
        text = std::move(*read);
      }
      StatusOr<v1::Entity> parsed = ParseMessageJson(text, kind_);
      if (!parsed.ok()) return CommandResult::Usage(parsed.status().message());
      entity = std::move(*parsed);
      have_base = true;
    }
    const std::vector<GivenFlag> given = flags_.Given();
    const std::string verb = update_ ? "update" : "add";
    if (!have_base && given.empty()) {
      return CommandResult::Usage(Kind(kind_) + " " + verb + " needs flags or --json (see --help)");
    }
    if (update_ && !have_base) {
      // Change only what was given: start from the stored entity.
      v1::Entity key_only;
      Status key_status = ApplyFlags(kind_, given, &key_only);
      if (!key_status.ok()) return CommandResult::Usage(key_status.message());
      const std::string key = KeyOf(key_only);
      if (key.empty()) {
        return CommandResult::Usage(Kind(kind_) + " update needs --" +
                                    std::string(KeyFieldName(kind_)) + " (or --json)");
      }
      StatusOr<v1::Entity> stored = client.Get(kind_, key);
      if (!stored.ok()) return CommandResult::From(stored.status());
      entity = std::move(*stored);
    }
    Status applied = ApplyFlags(kind_, given, &entity);
    if (!applied.ok()) return CommandResult::Usage(applied.message());
    if (KeyOf(entity).empty()) {
      return CommandResult::Usage(Kind(kind_) + " " + verb + " needs --" +
                                  std::string(KeyFieldName(kind_)));
    }
    StatusOr<v1::WriteResponse> response = update_ ? client.Update(entity) : client.Create(entity);
    if (!response.ok()) return CommandResult::From(response.status());
    if (env.json) return PrintJson(env, *response);
    const std::string key = response->has_entity() ? KeyOf(response->entity()) : KeyOf(entity);
    *env.out << (update_ ? "updated " : "created ") << Kind(kind_) << " " << key << " (revision "
             << response->revision() << ")\n";
    return CommandResult::Ok();
  }

 private:
  v1::EntityKind kind_;
  bool update_;
  EntityFlags flags_;
  std::string json_;
  std::string json_file_;
};

class GetCommand final : public Command {
 public:
  GetCommand(v1::EntityKind kind, CLI::App* app) : kind_(kind) {
    app->add_option(std::string(KeyFieldName(kind)), key_,
                    "the " + Kind(kind) + "'s " + std::string(KeyFieldName(kind)))
        ->required();
  }

  CommandResult Run(const CommandEnv& env) override {
    AdminClient client(env.client);
    StatusOr<v1::Entity> entity = client.Get(kind_, key_);
    if (!entity.ok()) return CommandResult::From(entity.status());
    const google::protobuf::Message* payload = Payload(*entity);
    if (payload == nullptr) return CommandResult::Failed("the master sent an empty entity");
    if (env.json) return PrintJson(env, *payload);
    *env.out << RenderPairs(FieldPairs(*payload));
    return CommandResult::Ok();
  }

 private:
  v1::EntityKind kind_;
  std::string key_;
};

class DeleteCommand final : public Command {
 public:
  DeleteCommand(v1::EntityKind kind, CLI::App* app) : kind_(kind) {
    app->add_option(std::string(KeyFieldName(kind)), key_,
                    "the " + Kind(kind) + "'s " + std::string(KeyFieldName(kind)))
        ->required();
  }

  CommandResult Run(const CommandEnv& env) override {
    AdminClient client(env.client);
    StatusOr<v1::WriteResponse> response = client.Delete(kind_, key_);
    if (!response.ok()) return CommandResult::From(response.status());
    if (env.json) return PrintJson(env, *response);
    *env.out << "deleted " << Kind(kind_) << " " << key_ << " (revision " << response->revision()
             << ")\n";
    return CommandResult::Ok();
  }

 private:
  v1::EntityKind kind_;
  std::string key_;
};

class ListCommand final : public Command {
 public:
  ListCommand(v1::EntityKind kind, CLI::App* app) : kind_(kind) {
    app->add_option("--prefix", prefix_, "only keys starting with this");
    app->add_option("--page-size", page_size_, "entities per page (default 100, at most 1000)")
        ->check(CLI::Range(1u, kMaxPageSize));
    app->add_option("--page-token", page_token_, "continue from a previous page");
    app->add_flag("--all", all_, "follow the pages to the end");
    if (kind == v1::ENTITY_KIND_DEVICE) {
      app->add_option("--subscriber", subscriber_, "only devices of this subscriber");
      app->add_option("--model", model_, "only devices of this model");
    }
  }

  CommandResult Run(const CommandEnv& env) override {
    AdminClient client(env.client);
    v1::ListRequest request;
    request.set_kind(kind_);
    request.set_key_prefix(prefix_);
    // --all without --page-size takes the largest pages.
    request.set_page_size(page_size_ == 0 && all_ ? kMaxPageSize : page_size_);
    request.set_page_token(page_token_);
    request.set_subscriber_id(subscriber_);
    request.set_model(model_);
    uint64_t shown = 0;
    std::vector<size_t> widths;
    std::string next;
    if (env.json) *env.out << "{\"entities\":[";
    while (true) {
      StatusOr<v1::ListResponse> page = client.List(request);
      if (!page.ok()) {
        // JSON already begun stays unfinished: the exit code says it failed.
        if (env.json && shown > 0) *env.out << "\n";
        return CommandResult::From(page.status());
      }
      if (env.json) {
        for (const v1::Entity& entity : page->entities()) {
          StatusOr<std::string> json = ToJson(entity, /*multiline=*/false);
          if (!json.ok()) return CommandResult::From(json.status());
          *env.out << (shown++ == 0 ? "\n" : ",\n") << *json;
        }
      } else if (page->entities_size() > 0) {
        Table table = MakeListTable(kind_);
        for (const v1::Entity& entity : page->entities()) table.AddRow(ListRow(entity));
        table.SetMinWidths(widths);
        *env.out << table.Render(/*with_header=*/shown == 0);
        widths = table.Widths(/*with_header=*/true);
        shown += page->entities_size();
      }
      env.out->flush();
      next = page->next_page_token();
      if (!all_ || next.empty()) break;
      request.set_page_token(next);
    }
    if (env.json) {
      *env.out << (shown > 0 ? "\n" : "") << "],\"next_page_token\":" << nlohmann::json(next).dump()
               << "}\n";
      return CommandResult::Ok();
    }
    if (shown == 0) *env.out << "no " << KindPlural(kind_) << "\n";
    if (!next.empty()) *env.out << "more: --page-token " << next << " (or --all)\n";
    return CommandResult::Ok();
  }

 private:
  v1::EntityKind kind_;
  std::string prefix_;
  uint32_t page_size_ = 0;
  std::string page_token_;
  bool all_ = false;
  std::string subscriber_;
  std::string model_;
};

struct Group {
  const char* name;
  v1::EntityKind kind;
  const char* description;
};

}  // namespace

void AddEntityCommands(CLI::App* app, CommandSet* commands) {
  constexpr Group kGroups[] = {
      {"subscriber", v1::ENTITY_KIND_SUBSCRIBER, "subscribers: SIP lines, service settings"},
      {"device", v1::ENTITY_KIND_DEVICE, "devices (phones, ATAs) by MAC address"},
      {"template", v1::ENTITY_KIND_TEMPLATE, "configuration templates"},
      {"package", v1::ENTITY_KIND_PACKAGE, "service packages"},
      {"model", v1::ENTITY_KIND_MODEL, "device models"},
      {"class", v1::ENTITY_KIND_CLIENT_CLASS, "client classes"},
  };
  for (const Group& group : kGroups) {
    CLI::App* parent = app->add_subcommand(group.name, group.description);
    parent->require_subcommand(1);
    const std::string kind = group.name;
    const std::string plural(KindPlural(group.kind));
    CLI::App* add = parent->add_subcommand("add", "create a " + kind);
    commands->Add(add, std::make_unique<WriteCommand>(group.kind, false, add));
    CLI::App* get = parent->add_subcommand("get", "show one " + kind);
    commands->Add(get, std::make_unique<GetCommand>(group.kind, get));
    CLI::App* update = parent->add_subcommand("update", "change a " + kind);
    commands->Add(update, std::make_unique<WriteCommand>(group.kind, true, update));
    CLI::App* remove = parent->add_subcommand("delete", "delete a " + kind);
    commands->Add(remove, std::make_unique<DeleteCommand>(group.kind, remove));
    CLI::App* list = parent->add_subcommand("list", "list " + plural);
    commands->Add(list, std::make_unique<ListCommand>(group.kind, list));
  }
}

}  // namespace provisor::ctl
