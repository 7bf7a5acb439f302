// provisor-tftp-load: command-line front end of the TFTP load generator.
//
// Contract: parses flags into LoadOptions, runs RunLoad() once and prints one
// summary line (or one JSON object with --json) on stdout; failure reasons go
// to stderr in the human format. Exit status: 0 when at least one transfer
// completed, none failed and no setup error occurred, 1 otherwise, 2 for bad
// usage.
#include <fstream>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "tests/bench/tftp_load.h"

namespace provisor::bench {
namespace {

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof(escape), "\\u%04x", c);
          out += escape;
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

void PrintJson(const LoadReport& r) {
  std::string reasons;
  for (const auto& [reason, count] : r.failures_by_reason) {
    if (!reasons.empty()) reasons += ",";
    reasons += JsonString(reason) + ":" + std::to_string(count);
  }
  std::printf(
      "{\"completed\":%llu,\"failed\":%llu,\"aborted\":%llu,"
      "\"elapsed_s\":%.6f,\"transfers_per_s\":%.3f,\"p50_ms\":%.4f,"
      "\"p99_ms\":%.4f,\"max_ms\":%.4f,\"bytes\":%llu,\"retransmits\":%llu,"
      "\"stray_packets\":%llu,\"out_of_order\":%llu,\"client_cpu_s\":%.4f,"
      "\"failures_by_reason\":{%s},\"setup_error\":%s}\n",
      static_cast<unsigned long long>(r.completed),
      static_cast<unsigned long long>(r.failed),
      static_cast<unsigned long long>(r.aborted), r.elapsed_s,
      r.transfers_per_s, r.p50_ms, r.p99_ms, r.max_ms,
      static_cast<unsigned long long>(r.bytes),
      static_cast<unsigned long long>(r.retransmits),
      static_cast<unsigned long long>(r.stray_packets),
      static_cast<unsigned long long>(r.out_of_order), r.client_cpu_s,
      reasons.c_str(), JsonString(r.setup_error).c_str());
}

void PrintHuman(const LoadReport& r) {
  std::printf(
      "transfers=%llu failed=%llu rate=%.1f/s p50=%.3f ms p99=%.3f ms "
      "max=%.3f ms\n",
      static_cast<unsigned long long>(r.completed),
      static_cast<unsigned long long>(r.failed), r.transfers_per_s, r.p50_ms,
      r.p99_ms, r.max_ms);
  for (const auto& [reason, count] : r.failures_by_reason) {
    std::fprintf(stderr, "failure %s: %llu\n", reason.c_str(),
                 static_cast<unsigned long long>(count));
  }
  if (!r.setup_error.empty()) {
    std::fprintf(stderr, "error: %s\n", r.setup_error.c_str());
  }
}

// One socket per in-flight transfer: make sure the descriptor limit allows
// the requested concurrency (raises the soft limit up to the hard one).
void EnsureDescriptorLimit(int concurrency) {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t wanted = static_cast<rlim_t>(concurrency) + 64;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  setrlimit(RLIMIT_NOFILE, &limit);
}

int Main(int argc, char** argv) {
  CLI::App app{"TFTP read-request load generator (provisor benchmark)"};
  LoadOptions options;
  bool verify_diag = false;
  bool json = false;
  app.add_option("--host", options.host, "Server address (numeric IPv4/IPv6)")
      ->capture_default_str();
  app.add_option("--port", options.port, "Server port")->required();
  std::string names_file;
  app.add_option("--name", options.names,
                 "File to fetch (repeatable; used round-robin)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--concurrency", options.concurrency,
                 "Transfers kept in flight")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  CLI::Option* duration =
      app.add_option("--duration", options.duration_s,
                     "Seconds to run (0 = until --total; default 5 unless "
                     "--total is given)")
          ->check(CLI::NonNegativeNumber);
  app.add_option("--total", options.total, "Stop after this many transfers");
  app.add_option("--blksize", options.blksize,
                 "Request this blksize (0 = option not sent)")
      ->check(CLI::Range(0, 65464));
  app.add_option("--windowsize", options.windowsize,
                 "Request this windowsize (0 = option not sent)")
      ->check(CLI::Range(0, 65535));
  app.add_flag("--tsize", options.tsize,
               "Request tsize and check it against the bytes received");
  app.add_option("--timeout", options.timeout_s,
                 "Retransmission timeout in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--retries", options.retries,
                 "Retransmissions before a transfer fails")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--names-file", names_file,
                 "File with one name to fetch per line (added to --name)");
  app.add_flag("--verify-diag", verify_diag,
               "Check content against diag/<size>/ reference bytes");
  app.add_flag("--json", json, "Print the report as one JSON object");
  try {
    app.parse(argc, argv);
    if (!names_file.empty()) {
      std::ifstream in(names_file);
      if (!in) throw CLI::ValidationError("--names-file", "cannot read " + names_file);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) options.names.push_back(line);
      }
    }
    if (options.names.empty()) throw CLI::RequiredError("--name or --names-file");
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (options.total > 0 && duration->count() == 0) options.duration_s = 0;
  if (options.duration_s == 0 && options.total == 0) {
    std::fprintf(stderr, "error: --duration 0 needs --total\n");
    return 2;
  }

  std::map<std::string, std::string> expected;
  if (verify_diag) {
    for (const std::string& name : options.names) {
      std::optional<uint64_t> size = DiagnosticSizeFromName(name);
      if (!size) {
        std::fprintf(stderr,
                     "error: --verify-diag needs names like diag/<size>/x, "
                     "got %s\n",
                     name.c_str());
        return 2;
      }
      expected.emplace(name, DiagnosticBytes(*size));
    }
    options.verify = [&expected](const std::string& name,
                                 std::string_view bytes) {
      auto it = expected.find(name);
      return it != expected.end() && it->second == bytes;
    };
  }

  EnsureDescriptorLimit(options.concurrency);
  LoadReport report = RunLoad(options);
  if (json) {
    PrintJson(report);
  } else {
    PrintHuman(report);
  }
  std::fflush(stdout);
  bool ok =
      report.failed == 0 && report.completed > 0 && report.setup_error.empty();
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace provisor::bench

int main(int argc, char** argv) { return provisor::bench::Main(argc, argv); }
