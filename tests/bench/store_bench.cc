// provisor-store-bench: the master's LMDB store on its own (no gRPC, no
// CSV): writes N subscribers and N devices in atomic batches, the way an
// import commits them, then measures point lookups of devices by MAC.
//
//   build/bin/provisor-store-bench --dir /var/tmp/x --count 1000000 --batch 1000
//
// Prints rows/s for the writes, p50/p99/max for lookups, the process RSS
// and the store's size on disk.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "common/clock.h"
#include "master/store/lmdb_store.h"
#include "master/validate.h"

namespace {

using provisor::Mutation;
using provisor::WriteOp;
namespace v1 = provisor::v1;

std::string Mac(uint64_t i) {
  char mac[32];
  std::snprintf(mac, sizeof(mac), "00:16:%02x:%02x:%02x:%02x", static_cast<unsigned>(i >> 24) & 0xff,
                static_cast<unsigned>(i >> 16) & 0xff, static_cast<unsigned>(i >> 8) & 0xff,
                static_cast<unsigned>(i) & 0xff);
  return mac;
}

// Resident memory split into heap (anonymous) and mapped file pages: the
// LMDB map's pages are the page cache's, not the process's heap.
void Rss(long* anon_kib, long* file_kib) {
  *anon_kib = *file_kib = 0;
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return;
  char line[256];
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    std::sscanf(line, "RssAnon: %ld", anon_kib);
    std::sscanf(line, "RssFile: %ld", file_kib);
  }
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"provisor-store-bench"};
  std::string dir;
  uint64_t count = 100000;
  uint32_t batch = 1000;
  uint64_t lookups = 200000;
  app.add_option("--dir", dir, "empty directory for the store")->required();
  app.add_option("--count", count, "subscribers and devices to write (each)");
  app.add_option("--batch", batch, "rows per atomic write");
  app.add_option("--lookups", lookups, "random device lookups to time");
  bool lookup_only = false;
  uint64_t lookup_count = 0;
  app.add_flag("--lookup-only", lookup_only,
               "skip the writes: time lookups in an existing store");
  app.add_option("--lookup-count", lookup_count,
                 "with --lookup-only: devices 0..N-1 exist (MACs 00:16:xx:xx:xx:xx)");
  CLI11_PARSE(app, argc, argv);

  provisor::SystemClock clock;
  provisor::StoreOptions options;
  options.data_dir = dir;
  auto store = provisor::LmdbStore::Open(options, &clock);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return 1;
  }
  auto write = [&](std::vector<Mutation> m) {
    auto r = (*store)->Write(std::move(m));
    if (!r.ok()) {
      std::fprintf(stderr, "write failed: %s\n", r.status().message().c_str());
      std::exit(1);
    }
  };
  if (lookup_only) count = 0;
  if (!lookup_only) {
    v1::Entity t;
    t.mutable_template_()->set_id("tpl");
    t.mutable_template_()->set_body("x");
    v1::Entity m;
    m.mutable_model()->set_id("model");
    m.mutable_model()->set_template_id("tpl");
    std::vector<Mutation> setup;
    setup.push_back(Mutation::Put(WriteOp::kCreate, t));
    setup.push_back(Mutation::Put(WriteOp::kCreate, m));
    write(std::move(setup));
  }
  auto start = std::chrono::steady_clock::now();
  for (int pass = 0; pass < 2; ++pass) {
    for (uint64_t first = 0; first < count; first += batch) {
      std::vector<Mutation> mutations;
      for (uint64_t i = first; i < std::min<uint64_t>(first + batch, count); ++i) {
        v1::Entity e;
        if (pass == 0) {
          v1::Subscriber* s = e.mutable_subscriber();
          s->set_id("sub-" + std::to_string(i));
          s->set_account("acct-" + std::to_string(i));
          s->set_name("Subscriber " + std::to_string(i));
          s->set_sip_domain("voip.example.net");
          s->set_registrar("reg.voip.example.net");
          v1::Line* line = s->add_lines();
          line->set_index(1);
          line->set_directory_number("+1555" + std::to_string(1000000 + i % 9000000));
          line->set_sip_user("u" + std::to_string(i));
          line->set_auth_user("u" + std::to_string(i));
          line->set_password("pw" + std::to_string(i * 7919));
          line->set_display_name("Subscriber " + std::to_string(i));
        } else {
          v1::Device* d = e.mutable_device();
          d->set_mac(Mac(i));
          d->set_model("model");
          d->set_subscriber_id("sub-" + std::to_string(i));
          d->set_serial("SN" + std::to_string(i));
        }
        provisor::Status valid = provisor::ValidateEntity(&e);
        if (!valid.ok()) {
          std::fprintf(stderr, "%s\n", valid.message().c_str());
          return 1;
        }
        mutations.push_back(Mutation::Put(WriteOp::kCreate, std::move(e)));
      }
      write(std::move(mutations));
    }
  }
  double write_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::mt19937_64 rng(42);
  std::vector<double> us;
  us.reserve(lookups);
  for (uint64_t n = 0; n < lookups; ++n) {
    std::string mac = Mac(rng() % (lookup_only ? lookup_count : count));
    auto t0 = std::chrono::steady_clock::now();
    auto got = (*store)->Get(v1::ENTITY_KIND_DEVICE, mac);
    auto t1 = std::chrono::steady_clock::now();
    if (!got.ok()) {
      std::fprintf(stderr, "lookup failed: %s\n", got.status().message().c_str());
      return 1;
    }
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(us.begin(), us.end());
  auto info = (*store)->Info();
  long anon = 0, file = 0;
  Rss(&anon, &file);
  uint64_t disk = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) disk += entry.file_size();
  }
  if (lookup_only) {
    std::printf("lookup_p50_us=%.2f lookup_p99_us=%.2f lookup_max_us=%.1f (%llu lookups)\n",
                us[us.size() / 2], us[us.size() * 99 / 100], us.back(),
                static_cast<unsigned long long>(us.size()));
    return 0;
  }
  std::printf(
      "rows=%llu write_s=%.2f rows_per_s=%.0f lookup_p50_us=%.2f lookup_p99_us=%.2f "
      "lookup_max_us=%.1f rss_anon_mib=%.1f rss_file_mib=%.1f disk_mib=%.1f map_mib=%llu "
      "revision=%llu\n",
      static_cast<unsigned long long>(2 * count), write_s, 2 * count / write_s,
      us[us.size() / 2], us[us.size() * 99 / 100], us.back(), anon / 1024.0, file / 1024.0,
      disk / 1048576.0, static_cast<unsigned long long>(info->map_size >> 20),
      static_cast<unsigned long long>(info->revision));
  return 0;
}
