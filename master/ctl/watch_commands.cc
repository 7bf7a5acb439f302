#include "master/ctl/watch_commands.h"

#include <CLI/CLI.hpp>
#include <thread>

#include "common/config_reader.h"
#include "master/ctl/cluster_client.h"
#include "master/ctl/cluster_format.h"

namespace provisor::ctl {
namespace {

// How many events `events --follow` shows before following (like tail).
constexpr size_t kFollowBacklog = 10;
// How many events `top` shows.
constexpr size_t kTopEvents = 8;

// A --interval value: "2s", "500ms", or plain seconds.
StatusOr<Duration> ParseInterval(const std::string& text) {
  std::string value = text;
  if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos) value += "s";
  StatusOr<Duration> d = ParseDuration(value);
  if (!d.ok()) return InvalidArgumentError("--interval: " + d.status().message());
  if (*d < std::chrono::milliseconds(100)) {
    return InvalidArgumentError("--interval must be at least 100ms");
  }
  return d;
}

class StatusCommand final : public Command {
 public:
  CommandResult Run(const CommandEnv& env) override {
    ClusterClient client(env.client);
    StatusOr<v1::StatusResponse> status = client.ClusterStatus();
    if (!status.ok()) return CommandResult::From(status.status());
    *env.out << (env.json ? StatusJson(*status) + "\n" : FormatStatus(*status, env.colour));
    return CommandResult::Ok();
  }
};

class EventsCommand final : public Command {
 public:
  explicit EventsCommand(CLI::App* app) {
    app->add_option("--slave", slave_, "only the events of this slave");
    app->add_flag("--follow,-f", follow_, "keep printing new events as they happen");
    app->add_option("--interval", interval_, "--follow: how often to ask the master")
        ->capture_default_str();
    app->add_option("--exit-after", exit_after_,
                    "--follow: stop after this many new events (0: never)")
        ->capture_default_str();
  }

  CommandResult Run(const CommandEnv& env) override {
    StatusOr<Duration> interval = ParseInterval(interval_);
    if (!interval.ok()) return CommandResult::Usage(interval.status().message());
    ClusterClient client(env.client);
    StatusOr<v1::EventsResponse> first = client.Events(0);
    if (!first.ok()) return CommandResult::From(first.status());
    std::vector<v1::ClusterEventProto> events = Mine(*first);
    if (!follow_) {
      *env.out << (env.json ? EventsJson(events) + "\n" : FormatEvents(events));
      return CommandResult::Ok();
    }
    if (events.size() > kFollowBacklog) {
      events.erase(events.begin(), events.end() - static_cast<std::ptrdiff_t>(kFollowBacklog));
    }
    Print(env, events);
    uint64_t after = first->last_seq();
    uint64_t seen = 0;
    bool failing = false;
    while (exit_after_ == 0 || seen < exit_after_) {
      std::this_thread::sleep_for(*interval);
      StatusOr<v1::EventsResponse> more = client.Events(after);
      if (!more.ok()) {
        // A master restart or a network blip: say so once, keep trying.
        if (!failing) *env.err << "provisorctl: " << more.status().message() << " (retrying)\n";
        failing = true;
        continue;
      }
      if (failing) *env.err << "provisorctl: the master answers again\n";
      failing = false;
      // A restarted master numbers its events from 1 again.
      if (more->last_seq() < after) {
        after = 0;
        continue;
      }
      std::vector<v1::ClusterEventProto> fresh = Mine(*more);
      if (exit_after_ != 0 && fresh.size() > exit_after_ - seen) fresh.resize(exit_after_ - seen);
      Print(env, fresh);
      seen += fresh.size();
      if (more->events_size() > 0) after = more->events(more->events_size() - 1).seq();
    }
    return CommandResult::Ok();
  }

 private:
  std::vector<v1::ClusterEventProto> Mine(const v1::EventsResponse& response) const {
    std::vector<v1::ClusterEventProto> out;
    for (const v1::ClusterEventProto& e : response.events()) {
      if (slave_.empty() || e.slave_id() == slave_) out.push_back(e);
    }
    return out;
  }

  void Print(const CommandEnv& env, const std::vector<v1::ClusterEventProto>& events) const {
    if (env.json) {
      // One object per line, so a script can read them as they come.
      for (const v1::ClusterEventProto& e : events) *env.out << EventLineJson(e) << "\n";
    } else {
      *env.out << FormatEventLines(events);
    }
    env.out->flush();
  }

  std::string slave_;
  bool follow_ = false;
  std::string interval_ = "1s";
  uint64_t exit_after_ = 0;
};

class TopCommand final : public Command {
 public:
  explicit TopCommand(CLI::App* app) {
    app->add_option("--interval", interval_, "how often the view is redrawn")
        ->capture_default_str();
    app->add_option("--iterations,-n", iterations_, "stop after this many views (0: never)")
        ->capture_default_str();
  }

  CommandResult Run(const CommandEnv& env) override {
    StatusOr<Duration> interval = ParseInterval(interval_);
    if (!interval.ok()) return CommandResult::Usage(interval.status().message());
    if (env.json) return CommandResult::Usage("top has no --json: use status --json");
    ClusterClient client(env.client);
    for (uint64_t shown = 0; iterations_ == 0 || shown < iterations_; ++shown) {
      if (shown > 0) std::this_thread::sleep_for(*interval);
      StatusOr<v1::StatusResponse> status = client.ClusterStatus();
      // On a terminal the screen is redrawn in place; else views follow
      // each other, separated by a blank line.
      if (env.colour) {
        *env.out << "\x1b[H\x1b[2J";
      } else if (shown > 0) {
        *env.out << "\n";
      }
      const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 env.clock->WallNow().time_since_epoch())
                                 .count();
      if (!status.ok()) {
        if (iterations_ == 1) return CommandResult::From(status.status());
        *env.out << "provisor " << FormatEventTime(now_ms) << "  the master does not answer: "
                 << status.status().message() << "\n";
      } else {
        *env.out << FormatTop(*status, now_ms, kTopEvents, env.colour);
      }
      env.out->flush();
    }
    return CommandResult::Ok();
  }

 private:
  std::string interval_ = "2s";
  uint64_t iterations_ = 0;
};

}  // namespace

void AddWatchCommands(CLI::App* app, CommandSet* commands) {
  CLI::App* status = app->add_subcommand(
      "status", "every slave's state, weights, heartbeat age, load and revision lag");
  commands->Add(status, std::make_unique<StatusCommand>());
  CLI::App* events =
      app->add_subcommand("events", "recent cluster events (oldest first); --follow for new ones");
  commands->Add(events, std::make_unique<EventsCommand>(events));
  CLI::App* top = app->add_subcommand("top", "a live view of the cluster, redrawn like top");
  commands->Add(top, std::make_unique<TopCommand>(top));
}

}  // namespace provisor::ctl
