#include "master/ctl/rpc_error.h"

#include <cstdio>

#include "master/ctl/text.h"

namespace provisor::ctl {
namespace {

struct Cause {
  std::string_view needle;  // lower case, searched in gRPC's message
  std::string_view text;
};

// Ordered: the first match wins.
constexpr Cause kCauses[] = {
    {"connection refused", "connection refused"},
    {"no route to host", "no route to host"},
    {"network is unreachable", "network is unreachable"},
    {"dns resolution failed", "cannot resolve the host name"},
    {"name or service not known", "cannot resolve the host name"},
    {"could not resolve", "cannot resolve the host name"},
    {"resolution", "cannot resolve the host name"},
    {"handshake", "TLS handshake failed"},
    {"ssl", "TLS handshake failed"},
    {"connection reset", "connection reset"},
    {"broken pipe", "connection closed"},
    {"socket closed", "connection closed"},
    {"goaway", "the master is shutting down"},
    {"timed out", "timed out"},
    {"timeout", "timed out"},
    {"deadline", "timed out"},
};

std::string TransportCause(std::string_view message) {
  const std::string lower = Lower(message);
  for (const Cause& cause : kCauses) {
    if (lower.find(cause.needle) != std::string::npos) return std::string(cause.text);
  }
  std::string one_line = OneLine(message);
  if (one_line.empty() || one_line.size() > 120) return "unavailable";
  return one_line;
}

std::string ServerMessage(const Status& status, std::string_view fallback) {
  std::string message = OneLine(status.message());
  return message.empty() ? std::string(fallback) : message;
}

// NOT_FOUND -> "not found".
std::string HumanCode(StatusCode code) {
  std::string text = Lower(StatusCodeName(code));
  for (char& c : text) {
    if (c == '_') c = ' ';
  }
  return text;
}

}  // namespace

std::string FormatDuration(Duration duration) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  if (ms % 60000 == 0 && ms >= 60000) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1fs", static_cast<double>(ms) / 1000.0);
  return buffer;
}

Status DescribeRpcError(const Status& status, const RpcContext& context) {
  std::string text;
  switch (status.code()) {
    case StatusCode::kUnavailable:
      text = "cannot reach the master at " + context.master + " (" +
             TransportCause(status.message()) + ")";
      break;
    case StatusCode::kDeadlineExceeded:
      text = "cannot reach the master at " + context.master + " (no answer within " +
             FormatDuration(context.timeout) + ")";
      break;
    case StatusCode::kUnimplemented:
      text = "the master at " + context.master + " does not support " +
             (context.what.empty() ? std::string("this request") : std::string(context.what));
      break;
    case StatusCode::kCancelled:
      text = ServerMessage(status, "cancelled");
      break;
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
      text = "the master at " + context.master + " refused the request: " +
             ServerMessage(status, "permission denied");
      break;
    case StatusCode::kResourceExhausted:
      text = "the master at " + context.master + " is out of resources: " +
             ServerMessage(status, "resource exhausted");
      break;
    case StatusCode::kInternal:
    case StatusCode::kUnknown:
    case StatusCode::kDataLoss:
      text = "the master at " + context.master + " failed: " +
             ServerMessage(status, HumanCode(status.code()));
      break;
    default:
      text = ServerMessage(status, HumanCode(status.code()));
      break;
  }
  return Status(status.code(), std::move(text));
}

}  // namespace provisor::ctl
