#include "slave/load_report.h"

#include <sys/resource.h>

#include <thread>

namespace provisor {
namespace {

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

LoadReport::LoadReport(LoadReportIdentity identity, const tftp::TftpServer* server,
                       const GenerationProvider* provider, const SnapshotHolder* snapshots,
                       const Clock* clock)
    : identity_(std::move(identity)),
      server_(server),
      provider_(provider),
      snapshots_(snapshots),
      clock_(clock),
      last_time_(clock->Now()),
      last_cpu_s_(ProcessCpuSeconds()),
      cores_(std::max(1u, std::thread::hardware_concurrency())) {}

void LoadReport::Fill(v1::HeartbeatRequest* report) {
  report->set_slave_id(identity_.slave_id);
  report->set_instance(identity_.instance);
  report->set_address(identity_.address);
  report->set_weight(identity_.weight);
  const tftp::TftpStats stats = server_->Stats();
  report->set_active_sessions(stats.active_sessions);
  const uint64_t completed = tftp::Get(stats, tftp::Outcome::kCompleted);
  report->set_transfers_total(completed);
  const MonoTime now = clock_->Now();
  const double elapsed = std::chrono::duration<double>(now - last_time_).count();
  const double cpu = ProcessCpuSeconds();
  if (elapsed > 0) {
    report->set_transfers_per_s(static_cast<double>(completed - last_completed_) / elapsed);
    report->set_cpu_load(std::min(1.0, (cpu - last_cpu_s_) / (elapsed * cores_)));
  }
  last_time_ = now;
  last_completed_ = completed;
  last_cpu_s_ = cpu;

  auto& failures = *report->mutable_failures();
  for (int o = static_cast<int>(tftp::Outcome::kTimeout);
       o < static_cast<int>(tftp::Outcome::kCount); ++o) {
    const uint64_t n = stats.outcomes[static_cast<size_t>(o)];
    if (n > 0) failures[std::string(tftp::OutcomeName(static_cast<tftp::Outcome>(o)))] = n;
  }
  if (provider_ != nullptr) {
    for (int r = 0; r < static_cast<int>(DeliveryRefusal::kCount); ++r) {
      const uint64_t n = provider_->refusals(static_cast<DeliveryRefusal>(r));
      if (n > 0) failures[std::string(DeliveryRefusalName(static_cast<DeliveryRefusal>(r)))] = n;
    }
  }
  for (tftp::Counter c : {tftp::Counter::kRefusedBusy, tftp::Counter::kRefusedPerClient,
                          tftp::Counter::kRefusedBadRequest, tftp::Counter::kRefusedNoSocket,
                          tftp::Counter::kSendErrors}) {
    const uint64_t n = tftp::Get(stats, c);
    if (n > 0) failures[std::string(tftp::CounterName(c))] = n;
  }
  std::shared_ptr<const GenerationSnapshot> snap = snapshots_->Get();
  report->set_applied_revision(snap == nullptr ? 0 : snap->revision);
}

}  // namespace provisor
