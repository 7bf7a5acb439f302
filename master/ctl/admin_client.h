// AdminClient: provisorctl's connection to the master's Admin API. Every
// unary call has the configured deadline; failures come back as Status with
// a message for people (rpc_error.h). The gRPC channel (proto/rpc_channel.h:
// mutual TLS when options.tls is set) connects lazily on the first call. The generated gRPC header stays inside admin_client.cc.
//
// Thread-safety: thread-safe (gRPC stubs are).
#ifndef PROVISOR_MASTER_CTL_ADMIN_CLIENT_H_
#define PROVISOR_MASTER_CTL_ADMIN_CLIENT_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "common/tls_config.h"
#include "master/ctl/import_stream.h"
#include "provisor/v1/admin.pb.h"

namespace provisor::ctl {

struct ClientOptions {
  std::string master = "127.0.0.1:7400";
  Duration timeout = std::chrono::seconds(10);
  std::optional<TlsMaterial> tls;  // --tls-ca/--tls-cert/--tls-key; unset: plaintext
};

class AdminClient {
 public:
  explicit AdminClient(ClientOptions options);
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  const ClientOptions& options() const { return options_; }

  StatusOr<v1::WriteResponse> Create(const v1::Entity& entity);
  StatusOr<v1::WriteResponse> Update(const v1::Entity& entity);
  StatusOr<v1::Entity> Get(v1::EntityKind kind, const std::string& key);
  StatusOr<v1::WriteResponse> Delete(v1::EntityKind kind, const std::string& key);
  StatusOr<v1::ListResponse> List(const v1::ListRequest& request);
  StatusOr<v1::InfoResponse> Info();
  StatusOr<v1::RenderResponse> Render(const v1::RenderRequest& request);
  StatusOr<v1::RotateKeysResponse> RotateKeys(const v1::RotateKeysRequest& request);

  // Checks that the master answers and is writable (Info, with the
  // deadline), then opens an Import call without a deadline.
  StatusOr<std::unique_ptr<ImportStream>> OpenImport();

 private:
  struct Stub;
  ClientOptions options_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_ADMIN_CLIENT_H_
