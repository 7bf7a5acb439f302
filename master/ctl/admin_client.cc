#include "master/ctl/admin_client.h"

#include <grpcpp/grpcpp.h>

#include "master/ctl/grpc_call.h"
#include "proto/rpc_channel.h"
#include "provisor/v1/admin.grpc.pb.h"

namespace provisor::ctl {

struct AdminClient::Stub {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Admin::Stub> admin;
};

namespace {

class GrpcImportStream final : public ImportStream {
 public:
  GrpcImportStream(v1::Admin::Stub* stub, const ClientOptions& options) : options_(options) {
    stream_ = stub->Import(&context_);
  }

  bool Write(const v1::ImportChunk& chunk) override { return stream_->Write(chunk); }
  bool WritesDone() override { return stream_->WritesDone(); }
  bool Read(v1::ImportBatchResult* result) override { return stream_->Read(result); }
  void Cancel() override { context_.TryCancel(); }
  Status Finish() override { return FromGrpc(stream_->Finish(), options_, "import"); }

 private:
  ClientOptions options_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::ImportChunk, v1::ImportBatchResult>> stream_;
};

}  // namespace

AdminClient::AdminClient(ClientOptions options)
    : options_(std::move(options)), stub_(std::make_unique<Stub>()) {
  // MakeChannel allows 64 MiB messages: a page of templates can exceed gRPC's
  // 4 MiB default.
  stub_->channel = MakeChannel(options_.master, options_.tls ? &*options_.tls : nullptr);
  stub_->admin = v1::Admin::NewStub(stub_->channel);
}

AdminClient::~AdminClient() = default;

StatusOr<v1::WriteResponse> AdminClient::Create(const v1::Entity& entity) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::WriteRequest request;
  *request.mutable_entity() = entity;
  v1::WriteResponse response;
  Status status = FromGrpc(stub_->admin->Create(&context, request, &response), options_, "create");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::WriteResponse> AdminClient::Update(const v1::Entity& entity) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::WriteRequest request;
  *request.mutable_entity() = entity;
  v1::WriteResponse response;
  Status status = FromGrpc(stub_->admin->Update(&context, request, &response), options_, "update");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::Entity> AdminClient::Get(v1::EntityKind kind, const std::string& key) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::GetRequest request;
  request.set_kind(kind);
  request.set_key(key);
  v1::Entity response;
  Status status = FromGrpc(stub_->admin->Get(&context, request, &response), options_, "get");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::WriteResponse> AdminClient::Delete(v1::EntityKind kind, const std::string& key) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::DeleteRequest request;
  request.set_kind(kind);
  request.set_key(key);
  v1::WriteResponse response;
  Status status = FromGrpc(stub_->admin->Delete(&context, request, &response), options_, "delete");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::ListResponse> AdminClient::List(const v1::ListRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::ListResponse response;
  Status status = FromGrpc(stub_->admin->List(&context, request, &response), options_, "list");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::InfoResponse> AdminClient::Info() {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::InfoResponse response;
  Status status =
      FromGrpc(stub_->admin->Info(&context, v1::InfoRequest(), &response), options_, "info");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::RenderResponse> AdminClient::Render(const v1::RenderRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::RenderResponse response;
  Status status =
      FromGrpc(stub_->admin->Render(&context, request, &response), options_, "render");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::RotateKeysResponse> AdminClient::RotateKeys(const v1::RotateKeysRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::RotateKeysResponse response;
  Status status = FromGrpc(stub_->admin->RotateKeys(&context, request, &response), options_,
                           "keys rotate");
  if (!status.ok()) return status;
  return response;
}

StatusOr<std::unique_ptr<ImportStream>> AdminClient::OpenImport() {
  StatusOr<v1::InfoResponse> info = Info();
  if (!info.ok()) return info.status();
  if (info->read_only()) {
    return FailedPreconditionError("the master at " + options_.master +
                                   " is read-only (it follows an upstream master)");
  }
  std::unique_ptr<ImportStream> stream =
      std::make_unique<GrpcImportStream>(stub_->admin.get(), options_);
  return stream;
}

}  // namespace provisor::ctl
