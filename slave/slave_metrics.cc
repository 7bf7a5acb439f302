#include "slave/slave_metrics.h"

#include <prometheus/family.h>

#include <array>
#include <utility>

#include "common/http_metrics.h"
#include "slave/tftp/counters.h"

namespace provisor {
namespace {

using tftp::Counter;

// Refusals on the listening port, by the reason label operators see.
constexpr std::array<std::pair<Counter, const char*>, 7> kRefusals = {{
    {Counter::kRefusedBusy, "busy"},
    {Counter::kRefusedPerClient, "per_client"},
    {Counter::kRefusedByProvider, "provider"},
    {Counter::kRefusedBadRequest, "bad_request"},
    {Counter::kRefusedWrite, "write"},
    {Counter::kRefusedNoSocket, "no_socket"},
    {Counter::kRefusedNetasciiTooLarge, "netascii_too_large"},
}};

// Datagrams dropped or answered with an error outside a normal exchange.
constexpr std::array<std::pair<Counter, const char*>, 7> kAnomalies = {{
    {Counter::kDuplicateAcks, "duplicate_ack"},
    {Counter::kStaleAcks, "stale_ack"},
    {Counter::kForeignTid, "foreign_tid"},
    {Counter::kMalformedInSession, "malformed_in_session"},
    {Counter::kIgnoredOnListener, "ignored_on_listener"},
    {Counter::kTruncatedDatagrams, "truncated"},
    {Counter::kSendErrors, "send_error"},
}};

constexpr std::array<const char*, static_cast<size_t>(tftp::OptionKind::kCount)> kOptionNames = {
    "blksize", "tsize", "timeout", "windowsize"};

double D(uint64_t v) { return static_cast<double>(v); }

}  // namespace

SlaveMetrics::SlaveMetrics(SlaveMetricsSources sources)
    : sources_(sources),
      render_seconds_(&prometheus::BuildHistogram()
                           .Name("provisor_slave_render_duration_seconds")
                           .Help("Time to render a device's configuration for a request")
                           .Register(registry_)
                           .Add({}, prometheus::Histogram::BucketBoundaries(LatencyBuckets()))),
      collector_([this](MetricsBuilder& out) { Collect(out); }) {}

std::string SlaveMetrics::Exposition() const { return ExpositionText({&registry_, &collector_}); }

void SlaveMetrics::Collect(MetricsBuilder& out) const {
  const tftp::TftpStats stats = sources_.server->Stats();
  out.Counter("provisor_slave_tftp_requests_total", "Read and write requests that parsed")
      .Add(D(tftp::Get(stats, Counter::kRequests)));
  out.Counter("provisor_slave_tftp_transfers_total", "Finished transfers by result");
  for (size_t i = 0; i < static_cast<size_t>(tftp::Outcome::kCount); ++i) {
    const auto outcome = static_cast<tftp::Outcome>(i);
    if (outcome == tftp::Outcome::kInProgress) continue;
    out.Add(D(stats.outcomes[i]), {{"result", std::string(tftp::OutcomeName(outcome))}});
  }
  out.Counter("provisor_slave_tftp_refusals_total", "Requests refused, by reason");
  for (const auto& [counter, reason] : kRefusals) {
    out.Add(D(tftp::Get(stats, counter)), {{"reason", reason}});
  }
  out.Counter("provisor_slave_tftp_anomalies_total",
              "Datagrams dropped or answered with an error outside a normal exchange");
  for (const auto& [counter, kind] : kAnomalies) {
    out.Add(D(tftp::Get(stats, counter)), {{"kind", kind}});
  }
  out.Counter("provisor_slave_tftp_parse_errors_total", "Malformed requests by reason");
  for (size_t i = 1; i < static_cast<size_t>(tftp::ParseError::kCount); ++i) {  // 0: kNone
    out.Add(D(stats.parse_errors[i]),
            {{"reason", std::string(tftp::ParseErrorName(static_cast<tftp::ParseError>(i)))}});
  }
  out.Counter("provisor_slave_tftp_sent_bytes_total", "Payload bytes sent (first transmissions)")
      .Add(D(tftp::Get(stats, Counter::kBytesSent)));
  out.Counter("provisor_slave_tftp_data_packets_total", "DATA datagrams sent, retransmissions included")
      .Add(D(tftp::Get(stats, Counter::kDataPackets)));
  out.Counter("provisor_slave_tftp_retransmits_total", "DATA datagrams sent again after a timeout")
      .Add(D(tftp::Get(stats, Counter::kRetransmits)));
  out.Gauge("provisor_slave_tftp_active_sessions", "Transfers in progress")
      .Add(D(stats.active_sessions));
  out.Counter("provisor_slave_tftp_options_requested_total", "RFC 2347 options clients asked for");
  for (size_t i = 0; i < kOptionNames.size(); ++i) {
    out.Add(D(stats.options_requested[i]), {{"option", kOptionNames[i]}});
  }
  out.Counter("provisor_slave_tftp_options_accepted_total", "RFC 2347 options acknowledged");
  for (size_t i = 0; i < kOptionNames.size(); ++i) {
    out.Add(D(stats.options_accepted[i]), {{"option", kOptionNames[i]}});
  }

  if (sources_.provider != nullptr) {
    out.Counter("provisor_slave_token_refusals_total",
                "Requests refused by the generation provider, by reason (token checks, "
                "unknown or suspended devices, render failures)");
    for (size_t i = 0; i < static_cast<size_t>(DeliveryRefusal::kCount); ++i) {
      const auto reason = static_cast<DeliveryRefusal>(i);
      out.Add(D(sources_.provider->refusals(reason)),
              {{"reason", std::string(DeliveryRefusalName(reason))}});
    }
    out.Counter("provisor_slave_renders_total", "Configurations rendered and served")
        .Add(D(sources_.provider->served()));
  }
  if (sources_.snapshots != nullptr) {
    std::shared_ptr<const GenerationSnapshot> snapshot = sources_.snapshots->Get();
    const uint64_t revision = snapshot != nullptr ? snapshot->revision : 0;
    out.Gauge("provisor_slave_sync_revision", "The master store revision this slave serves")
        .Add(D(revision));
    if (sources_.follower != nullptr) {
      const FollowerStats follow = sources_.follower->stats();
      out.Gauge("provisor_slave_sync_lag_revisions",
                "Revisions the master has that this slave does not serve yet")
          .Add(D(follow.master_revision > revision ? follow.master_revision - revision : 0));
      out.Gauge("provisor_slave_sync_connected", "1 while the sync stream to the master is open")
          .Add(follow.connected ? 1 : 0);
    }
  }
  if (sources_.sink != nullptr) {
    out.Counter("provisor_slave_template_compile_failures_total",
                "Templates that arrived from the master and did not compile (their devices "
                "are refused)")
        .Add(D(sources_.sink->template_failures()));
  }
  if (http_ != nullptr) AddHttpServerMetrics(*http_, "provisor_slave_metrics_http", out);
  if (sources_.heartbeats != nullptr) {
    std::optional<MonoTime> accepted = sources_.heartbeats->last_accepted();
    out.Gauge("provisor_slave_heartbeat_age_seconds",
              "Time since the master last accepted a heartbeat (absent until it has)");
    if (accepted.has_value()) {
      out.Add(std::chrono::duration<double>(sources_.clock->Now() - *accepted).count());
    }
  }
}

}  // namespace provisor
