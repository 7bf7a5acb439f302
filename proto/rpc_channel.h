// gRPC channels and server credentials for every provisor connection
// (provisorctl -> master, slave -> master, relay master -> upstream master),
// so that TLS and keepalive are set up the same way everywhere. With a
// TlsMaterial the connection is mutual TLS: the server demands and verifies
// a client certificate signed by the CA, the client verifies the server's
// certificate against the same CA (the target host must be in its
// subjectAltName). Without one (nullptr) it is plaintext.
//
// Keepalive: clients ping every 10 s (also with no call in flight) and drop
// a connection whose ping goes unanswered for 5 s, so a dead master or a
// half-open TCP path is noticed in seconds; servers configured with
// ConfigureServerBuilder accept those pings. Messages up to 64 MiB are
// accepted both ways; reconnect back-off is capped at 2 s.
//
// Thread-safety: free functions; the returned objects are thread-safe.
#ifndef PROVISOR_PROTO_RPC_CHANNEL_H_
#define PROVISOR_PROTO_RPC_CHANNEL_H_

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <string>

#include "common/tls_config.h"

namespace provisor {

inline constexpr int kRpcMaxMessageBytes = 64 << 20;
inline constexpr int kRpcKeepaliveTimeMs = 10'000;
inline constexpr int kRpcKeepaliveTimeoutMs = 5'000;
inline constexpr int kRpcMinPingIntervalMs = 5'000;
inline constexpr int kRpcMaxReconnectBackoffMs = 2'000;

// nullptr: insecure. Otherwise TLS with tls->cert_pem/key_pem as the
// server's identity, requiring and verifying a client certificate signed by
// tls->ca_pem.
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(const TlsMaterial* tls);

// A channel to `target` ("host:port"); connects lazily. nullptr: insecure.
// Otherwise TLS trusting tls->ca_pem and presenting tls->cert_pem/key_pem
// (left empty, no client certificate is sent and a provisor server refuses
// the connection).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, const TlsMaterial* tls);

// Server-side settings matching MakeChannel's: tolerate client keepalive
// pings every 5 s, even with no call in flight, and 64 MiB messages.
// Call before BuildAndStart().
void ConfigureServerBuilder(grpc::ServerBuilder& builder);

}  // namespace provisor

#endif  // PROVISOR_PROTO_RPC_CHANNEL_H_
