// AdminService: the gRPC Admin API (proto/provisor/v1/admin.proto) over a
// Store. Validates and canonicalises every entity (master/validate.h) before
// it reaches the store, maps Status to gRPC status codes with the store's
// one-line message, streams bulk imports in atomic batches, and streams the
// change log to watchers. Every call is authorised first (RpcAuthorizer:
// reader for reads, operator for writes, admin for template writes); a
// caller below operator gets entities with secrets redacted.
//
// Token keys never pass through it: a KeyEpoch is refused by Create,
// Update, Delete and Import, kind KEY_EPOCH by Get and List
// (PERMISSION_DENIED, pointing at `provisorctl keys rotate`), and Watch
// sends key-epoch changes with their key bytes removed (epoch number and
// creation time stay, so revisions stay contiguous and rotations visible).
// The store given here should be the raw store (at worst sealed bytes);
// RotateKeys goes through the Generator.
//
// Thread-safety: thread-safe (gRPC calls handlers from its thread pool).
// Includes the generated .grpc.pb.h: only master wiring includes this header.
#ifndef PROVISOR_MASTER_ADMIN_SERVICE_H_
#define PROVISOR_MASTER_ADMIN_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "common/logging.h"
#include "master/auth/rpc_authorizer.h"
#include "master/cluster/event_log.h"
#include "common/status.h"
#include "master/generation.h"
#include "master/store/store.h"
#include "provisor/v1/admin.grpc.pb.h"

namespace provisor {

grpc::Status ToGrpc(const Status& status);

// Import rows since the master started (metrics).
struct ImportCounters {
  std::atomic<uint64_t> committed_rows{0};
  std::atomic<uint64_t> rejected_rows{0};  // rows of batches that were not committed
};

class AdminService final : public v1::Admin::Service {
 public:
  // `generator` may be null (Render then answers UNIMPLEMENTED).
  AdminService(Store* store, Generator* generator, RpcAuthorizer* authorizer, Logger logger,
               bool read_only = false)
      : store_(store),
        generator_(generator),
        authorizer_(authorizer),
        logger_(std::move(logger)),
        read_only_(read_only) {}

  grpc::Status Create(grpc::ServerContext*, const v1::WriteRequest*, v1::WriteResponse*) override;
  grpc::Status Update(grpc::ServerContext*, const v1::WriteRequest*, v1::WriteResponse*) override;
  grpc::Status Get(grpc::ServerContext*, const v1::GetRequest*, v1::Entity*) override;
  grpc::Status Delete(grpc::ServerContext*, const v1::DeleteRequest*, v1::WriteResponse*) override;
  grpc::Status List(grpc::ServerContext*, const v1::ListRequest*, v1::ListResponse*) override;
  grpc::Status Import(grpc::ServerContext*,
                      grpc::ServerReaderWriter<v1::ImportBatchResult, v1::ImportChunk>*) override;
  grpc::Status Watch(grpc::ServerContext*, const v1::WatchRequest*,
                     grpc::ServerWriter<v1::Change>*) override;
  grpc::Status Info(grpc::ServerContext*, const v1::InfoRequest*, v1::InfoResponse*) override;
  grpc::Status Render(grpc::ServerContext*, const v1::RenderRequest*,
                      v1::RenderResponse*) override;
  // Emergency key rotation (Generator::RotateKeys); one "key-rotation"
  // event. UNIMPLEMENTED without a generator; FAILED_PRECONDITION on a relay.
  grpc::Status RotateKeys(grpc::ServerContext*, const v1::RotateKeysRequest*,
                          v1::RotateKeysResponse*) override;

  // Each finished import and key rotation becomes an event in `events`
  // (may be null: then only a log line).
  void set_events(EventLog* events) { events_ = events; }
  const ImportCounters& import_counters() const { return import_counters_; }

 private:
  grpc::Status Put(grpc::ServerContext* context, std::string_view method, WriteOp op,
                   const v1::WriteRequest* request, v1::WriteResponse* response);
  Status CheckWritable() const;
  // Writes of `kind` by `who`: templates need admin.
  Status CheckKind(const grpc::ServerContext& context, std::string_view method,
                   const Identity& who, v1::EntityKind kind);

  Store* store_;
  Generator* generator_;
  RpcAuthorizer* authorizer_;
  Logger logger_;
  bool read_only_;
  EventLog* events_ = nullptr;
  ImportCounters import_counters_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_ADMIN_SERVICE_H_
