#include "master/ctl/import_command.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <thread>

#include "master/ctl/entity_kind.h"
#include "master/ctl/fields.h"
#include "master/ctl/import_report.h"
#include "master/ctl/importer.h"
#include "master/ctl/row_source.h"

namespace provisor::ctl {
namespace {

constexpr long kTickNanos = 100'000'000;  // progress at most 10 times a second
constexpr char kClearLine[] = "\r\033[K";

size_t TerminalWidth() {
  struct winsize size {};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

class ImportCommand final : public Command {
 public:
  explicit ImportCommand(CLI::App* app) {
    app->add_option("file", path_, "CSV (header row names the columns) or JSON lines; '-': stdin")
        ->required();
    app->add_option("--batch-size", batch_size_,
                    "rows committed atomically together (default 1000, at most 10000)")
        ->check(CLI::Range(1, 10000));
    app->add_flag("--upsert", upsert_, "replace existing entities instead of rejecting them");
    app->add_option("--kind", kind_,
                    "subscriber|device|model|template|package|class: what every row is "
                    "(CSV without a kind column; JSON lines of bare messages)")
        ->check([](const std::string& value) {
          return ParseKind(value) ? std::string() : "unknown kind '" + value + "'";
        });
  }

  CommandResult Run(const CommandEnv& env) override {
    // Block the signals before any thread exists, so every thread inherits
    // the mask and only the monitor below takes them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    SourceOptions source_options;
    if (!kind_.empty()) source_options.kind = ParseKind(kind_);
    StatusOr<std::unique_ptr<RowSource>> source = OpenRowSource(path_, source_options);
    if (!source.ok()) return CommandResult::From(source.status());

    AdminClient client(env.client);
    StatusOr<std::unique_ptr<ImportStream>> stream = client.OpenImport();
    if (!stream.ok()) return CommandResult::From(stream.status());

    ImportOptions options;
    options.batch_size = batch_size_;
    options.upsert = upsert_;
    Importer importer(source->get(), stream->get(), env.clock, options);

    const bool tty = isatty(STDERR_FILENO) == 1;
    const MonoTime start = env.clock->Now();
    std::atomic<bool> done{false};
    std::thread monitor([&] {
      int interrupts = 0;
      const struct timespec tick = {0, kTickNanos};
      while (!done.load()) {
        const int signal_number = sigtimedwait(&signals, nullptr, &tick);
        if (signal_number == SIGINT || signal_number == SIGTERM) {
          if (++interrupts == 1) {
            importer.Stop();
            *env.err << (tty ? kClearLine : "")
                     << "stopping: waiting for the answers to the batches sent "
                        "(interrupt again to abort)\n";
          } else {
            importer.Abort();
          }
        }
        if (tty && !done.load()) {
          *env.err << kClearLine
                   << FormatProgress(importer.Progress(), env.clock->Now() - start,
                                     TerminalWidth() - 1)
                   << std::flush;
        }
      }
      if (tty) *env.err << kClearLine << std::flush;
    });
    ImportSummary summary = importer.Run();
    done.store(true);
    monitor.join();

    if (env.json) {
      *env.out << SummaryJson(summary) << "\n";
    } else {
      *env.out << FormatSummary(summary);
    }
    env.out->flush();
    std::optional<std::string> failure = ImportFailure(summary);
    if (failure) return CommandResult::Failed(*failure);
    return CommandResult::Ok();
  }

 private:
  std::string path_;
  uint32_t batch_size_ = 1000;
  bool upsert_ = false;
  std::string kind_;
};

}  // namespace

void AddImportCommand(CLI::App* app, CommandSet* commands) {
  CLI::App* import = app->add_subcommand(
      "import", "bulk import from a CSV or JSON-lines file, in atomic batches");
  std::string footer = "CSV columns by kind (empty cells set nothing):\n";
  for (v1::EntityKind kind : kManagedKinds) {
    std::string names;
    for (const std::string& name : FieldNames(kind)) names += (names.empty() ? "" : ", ") + name;
    footer += "  " + std::string(KindName(kind)) + ": " + names + "\n";
  }
  footer +=
      "Rows are numbered by their line in the file. Import order: templates, models,\n"
      "packages, classes, subscribers, devices (see deploy/examples/README.md).";
  import->footer(footer);
  commands->Add(import, std::make_unique<ImportCommand>(import));
}

}  // namespace provisor::ctl
