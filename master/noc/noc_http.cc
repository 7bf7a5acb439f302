#include "master/noc/noc_http.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "common/socket_address.h"
#include "common/utf8.h"
#include "master/cluster/cluster_service.h"
#include "master/cluster/registry.h"
#include "master/noc/dashboard_assets.h"
#include "master/noc/noc_view.h"

namespace provisor {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kSlavesPrefix = "/api/v1/slaves/";
constexpr size_t kDefaultEventLimit = 200;
constexpr size_t kMaxEventLimit = 1000;

HttpResponse Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(kJson);
  r.body = std::move(body);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse Error(int status, const std::string& message) {
  return Json(status, nlohmann::json{{"error", message}}.dump(
                          -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// A query parameter as an unsigned number; `fallback` when absent.
std::optional<uint64_t> QueryNumber(const HttpRequest& request, const std::string& name,
                                    uint64_t fallback) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return fallback;
  uint64_t value = 0;
  const char* end = it->second.data() + it->second.size();
  auto [ptr, ec] = std::from_chars(it->second.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Whether the peer address (an IP, or IP:port) is loopback.
bool FromLoopback(const std::string& remote) {
  for (const std::string& text : {remote, remote + ":0", "[" + remote + "]:0"}) {
    StatusOr<SocketAddress> address = SocketAddress::Parse(text);
    if (address.ok()) return address->is_loopback();
  }
  return false;
}

HttpResponse Unauthorized(const std::string& message) {
  HttpResponse r = Error(401, message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"provisor\"");
  return r;
}

}  // namespace

NocHttp::NocHttp(const NocContext* noc, const MasterMetrics* metrics, NocHttpOptions options)
    : noc_(noc), metrics_(metrics), options_(std::move(options)) {}

HttpResponse NocHttp::Handle(const HttpRequest& request) {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  if (request.method == "GET" || request.method == "HEAD") return Get(request);
  if (request.method == "POST") return Action(request);
  HttpResponse r = Error(405, "method " + request.method + " is not allowed");
  r.headers.emplace_back("Allow", "GET, HEAD, POST");
  return r;
}

HttpResponse NocHttp::Get(const HttpRequest& request) {
  const std::string& path = request.path;
  if (path == "/metrics" || path.rfind("/api/", 0) == 0) {
    if (std::optional<HttpResponse> refused = Require(request, Role::kReader)) return *refused;
  }
  if (path == "/metrics") {
    HttpResponse r;
    r.content_type = kExpositionContentType;
    r.body = metrics_->Exposition();
    return r;
  }
  if (path == "/api/v1/cluster") return Json(200, ClusterJson(*noc_, !options_.tokens.empty()));
  if (path == "/api/v1/history") return Json(200, HistoryJson(*noc_));
  if (path == "/api/v1/events") {
    std::optional<uint64_t> after = QueryNumber(request, "after", 0);
    std::optional<uint64_t> limit = QueryNumber(request, "limit", kDefaultEventLimit);
    if (!after) return Error(400, "after must be a sequence number");
    if (!limit || *limit == 0) return Error(400, "limit must be a number from 1");
    return Json(200, EventsJson(*noc_, *after, std::min<uint64_t>(*limit, kMaxEventLimit)));
  }
  if (const DashboardAsset* asset = FindDashboardAsset(path)) {
    HttpResponse r;
    r.content_type = std::string(asset->content_type);
    r.body = std::string(asset->body);
    // The page is self-contained: nothing may load from elsewhere.
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                           "base-uri 'none'; frame-ancestors 'none'");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return r;
  }
  return Error(404, "no such page: " + path);
}

std::optional<HttpResponse> NocHttp::Require(const HttpRequest& request, Role role) {
  std::optional<Identity> who;
  const std::string header = request.Header("authorization");
  const std::string prefix = "Bearer ";
  if (!header.empty() && !options_.tokens.empty()) {
    if (header.rfind(prefix, 0) == 0) who = options_.tokens.Find(header.substr(prefix.size()));
    if (!who) {
      Refused(request, role, "no or a wrong API token");
      return Unauthorized("a valid API token is needed (Authorization: Bearer ...)");
    }
  } else if (!request.peer_certificate_pem.empty()) {
    StatusOr<Identity> certified = IdentityFromCertificate(request.peer_certificate_pem);
    if (certified.ok()) who = *certified;
  }
  if (!who) {
    if (role == Role::kReader && FromLoopback(request.remote)) return std::nullopt;
    if (role != Role::kReader && options_.tokens.empty()) {
      Refused(request, role, "the dashboard is read-only");
      return Error(403, "the dashboard is read-only: this master has no API tokens ([auth.tokens] "
                        "or [http] admin_token)");
    }
    Refused(request, role, "no credentials");
    return Unauthorized("a valid API token is needed (Authorization: Bearer ...)");
  }
  if (!who->roles.Grants(role)) {
    Refused(request, role, who->Describe() + " lacks role " + std::string(RoleName(role)));
    return Error(403, who->Describe() + " may not do this: it needs role " +
                          std::string(RoleName(role)));
  }
  return std::nullopt;
}

void NocHttp::Refused(const HttpRequest& request, Role role, const std::string& why) {
  const bool read = role == Role::kReader;
  (read ? counters_.read_refused : counters_.admin_refused).fetch_add(1, std::memory_order_relaxed);
  if (options_.logger != nullptr) {
    options_.logger->warn("{} {} {} from {}: {}", read ? "HTTP_READ_REFUSED" : "HTTP_ADMIN_REFUSED",
                          QuoteForMessage(request.method, 16),
                          QuoteForMessage(request.path, 200), QuoteForMessage(request.remote, 64),
                          why);
  }
}

HttpResponse NocHttp::Action(const HttpRequest& request) {
  const std::string& path = request.path;
  if (path.rfind(kSlavesPrefix, 0) != 0) return Error(404, "no such action: " + path);
  const std::string rest = path.substr(kSlavesPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return Error(404, "no such action: " + path);
  const std::string id = rest.substr(0, slash);
  const std::string verb = rest.substr(slash + 1);
  if (verb != "drain" && verb != "undrain" && verb != "weight") {
    return Error(404, "no such action: " + verb + " (drain, undrain, weight)");
  }
  if (std::optional<HttpResponse> refused = Require(request, Role::kOperator)) return *refused;
  if (!ValidateSlaveId(id).ok()) return Error(400, "bad slave id");

  Status done;
  if (verb == "weight") {
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object() || !body.contains("weight") ||
        !body["weight"].is_number_unsigned()) {
      return Error(400, "body must be {\"weight\": N} with N from 0 to " +
                            std::to_string(kMaxOperatorWeight));
    }
    const uint64_t weight = body["weight"].get<uint64_t>();
    if (weight > kMaxOperatorWeight) {
      return Error(400, "weight " + std::to_string(weight) + " is out of range (0.." +
                            std::to_string(kMaxOperatorWeight) + ")");
    }
    done = noc_->registry->SetWeight(id, static_cast<uint32_t>(weight));
  } else {
    done = noc_->registry->SetDrained(id, verb == "drain");
  }
  if (!done.ok()) {
    return Error(done.code() == StatusCode::kNotFound ? 404 : 400, done.message());
  }
  counters_.admin_actions.fetch_add(1, std::memory_order_relaxed);
  if (options_.logger != nullptr) {
    options_.logger->info("HTTP_ADMIN_ACTION {} {} from {}", verb, id, request.remote);
  }
  std::string row = SlaveJsonById(*noc_, id);
  if (row.empty()) return Error(404, "slave " + id + " not found");
  return Json(200, std::move(row));
}

}  // namespace provisor
