#include "master/admin_service.h"

#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include "common/entity.h"
#include "common/hex.h"
#include "common/mac.h"
#include "master/auth/redact.h"
#include "master/auth/rpc_roles.h"
#include "common/utf8.h"
#include "master/store/entity.h"
#include "master/validate.h"

namespace provisor {
namespace {


constexpr uint32_t kDefaultBatchSize = 1000;
constexpr uint32_t kMaxBatchSize = 10000;

StatusOr<std::string> DecodePageToken(std::string_view token) {
  std::optional<std::string> key = HexDecode(token);
  if (!key) return InvalidArgumentError("page_token is not valid");
  return *key;
}

// Device keys are accepted in any MAC notation.
StatusOr<std::string> CanonicalKey(v1::EntityKind kind, const std::string& key) {
  if (key.empty()) return InvalidArgumentError(std::string(KindName(kind)) + ": key is empty");
  if (kind == v1::ENTITY_KIND_DEVICE) return CanonicalMac(key);
  return key;
}

constexpr std::string_view kKeysRefused =
    "token key epochs are created by the master; use `provisorctl keys rotate`";

Status KeysRefused() { return Status(StatusCode::kPermissionDenied, std::string(kKeysRefused)); }

// Watchers see that a key epoch changed, never its key.
void StripKey(v1::Change* change) {
  if (change->kind() == v1::ENTITY_KIND_KEY_EPOCH || change->entity().has_key_epoch()) {
    change->mutable_entity()->mutable_key_epoch()->clear_key();
    if (change->deleted()) change->clear_entity();
  }
}

}  // namespace

grpc::Status ToGrpc(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), status.message());
}

Status AdminService::CheckWritable() const {
  if (read_only_) {
    return FailedPreconditionError("this master follows an upstream master and is read-only");
  }
  return Status::Ok();
}

Status AdminService::CheckKind(const grpc::ServerContext& context, std::string_view method,
                               const Identity& who, v1::EntityKind kind) {
  if (kind == v1::ENTITY_KIND_KEY_EPOCH) return KeysRefused();
  if (kind == v1::ENTITY_KIND_TEMPLATE && !who.roles.Grants(Role::kAdmin)) {
    return authorizer_->Deny(context, method, who, "template writes need role admin");
  }
  return Status::Ok();
}

grpc::Status AdminService::Put(grpc::ServerContext* context, std::string_view method, WriteOp op,
                               const v1::WriteRequest* request, v1::WriteResponse* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, method);
  if (!who.ok()) return ToGrpc(who.status());
  Status allowed = CheckKind(*context, method, *who, KindOf(request->entity()));
  if (!allowed.ok()) return ToGrpc(allowed);
  Status writable = CheckWritable();
  if (!writable.ok()) return ToGrpc(writable);
  v1::Entity entity = request->entity();
  Status valid = ValidateEntity(&entity);
  if (!valid.ok()) return ToGrpc(valid);
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::Put(op, std::move(entity)));
  StatusOr<WriteResult> result = store_->Write(std::move(mutations));
  if (!result.ok()) return ToGrpc(result.status());
  response->set_revision(result->revision);
  *response->mutable_entity() = std::move(result->stored[0]);
  return grpc::Status::OK;
}

grpc::Status AdminService::Create(grpc::ServerContext* context, const v1::WriteRequest* request,
                                  v1::WriteResponse* response) {
  return Put(context, rpc::kAdminCreate, WriteOp::kCreate, request, response);
}

grpc::Status AdminService::Update(grpc::ServerContext* context, const v1::WriteRequest* request,
                                  v1::WriteResponse* response) {
  return Put(context, rpc::kAdminUpdate, WriteOp::kUpdate, request, response);
}

grpc::Status AdminService::Get(grpc::ServerContext* context, const v1::GetRequest* request,
                               v1::Entity* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kAdminGet);
  if (!who.ok()) return ToGrpc(who.status());
  if (request->kind() == v1::ENTITY_KIND_KEY_EPOCH) return ToGrpc(KeysRefused());
  StatusOr<std::string> key = CanonicalKey(request->kind(), request->key());
  if (!key.ok()) return ToGrpc(key.status());
  StatusOr<v1::Entity> entity = store_->Get(request->kind(), *key);
  if (!entity.ok()) return ToGrpc(entity.status());
  *response = std::move(*entity);
  if (!who->roles.Grants(Role::kOperator)) RedactSecrets(response);
  return grpc::Status::OK;
}

grpc::Status AdminService::Delete(grpc::ServerContext* context, const v1::DeleteRequest* request,
                                  v1::WriteResponse* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kAdminDelete);
  if (!who.ok()) return ToGrpc(who.status());
  Status allowed = CheckKind(*context, rpc::kAdminDelete, *who, request->kind());
  if (!allowed.ok()) return ToGrpc(allowed);
  Status writable = CheckWritable();
  if (!writable.ok()) return ToGrpc(writable);
  StatusOr<std::string> key = CanonicalKey(request->kind(), request->key());
  if (!key.ok()) return ToGrpc(key.status());
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::Delete(request->kind(), *key));
  StatusOr<WriteResult> result = store_->Write(std::move(mutations));
  if (!result.ok()) return ToGrpc(result.status());
  response->set_revision(result->revision);
  return grpc::Status::OK;
}

grpc::Status AdminService::List(grpc::ServerContext* context, const v1::ListRequest* request,
                                v1::ListResponse* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kAdminList);
  if (!who.ok()) return ToGrpc(who.status());
  if (request->kind() == v1::ENTITY_KIND_KEY_EPOCH) return ToGrpc(KeysRefused());
  if (request->page_size() > 1000) {
    return ToGrpc(InvalidArgumentError("page_size is at most 1000"));
  }
  ListQuery query;
  query.kind = request->kind();
  query.key_prefix = request->key_prefix();
  query.subscriber_id = request->subscriber_id();
  query.model = request->model();
  query.page_size = request->page_size();
  StatusOr<std::string> start = DecodePageToken(request->page_token());
  if (!start.ok()) return ToGrpc(start.status());
  query.start_after = *start;
  StatusOr<ListPage> page = store_->List(query);
  if (!page.ok()) return ToGrpc(page.status());
  const bool redact = !who->roles.Grants(Role::kOperator);
  for (v1::Entity& e : page->entities) {
    if (redact) RedactSecrets(&e);
    *response->add_entities() = std::move(e);
  }
  if (page->more && response->entities_size() > 0) {
    response->set_next_page_token(HexEncode(KeyOf(*response->entities().rbegin())));
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::Import(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportBatchResult, v1::ImportChunk>* stream) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kAdminImport);
  if (!who.ok()) return ToGrpc(who.status());
  Status writable = CheckWritable();
  if (!writable.ok()) return ToGrpc(writable);
  uint32_t batch_size = kDefaultBatchSize;
  bool first = true;
  std::vector<Mutation> batch;
  std::vector<uint64_t> rows;
  v1::ImportBatchResult result;
  uint64_t committed_rows = 0;
  uint64_t rejected_rows = 0;
  uint64_t rejected_batches = 0;
  std::map<std::string, uint64_t> committed_kinds;  // of committed rows
  std::map<std::string, uint64_t> batch_kinds;      // of the batch being built

  auto flush = [&]() -> bool {
    if (rows.empty()) return true;
    result.set_first_row(rows.front());
    result.set_last_row(rows.back());
    result.set_rows(static_cast<uint32_t>(rows.size()));
    if (result.errors_size() == 0) {
      size_t failed = 0;
      StatusOr<WriteResult> written = store_->Write(std::move(batch), &failed);
      if (written.ok()) {
        result.set_committed(true);
        result.set_revision(written->revision);
        committed_rows += rows.size();
        for (const auto& [kind, n] : batch_kinds) committed_kinds[kind] += n;
        import_counters_.committed_rows.fetch_add(rows.size(), std::memory_order_relaxed);
      } else {
        v1::RowError* error = result.add_errors();
        error->set_row(failed < rows.size() ? rows[failed] : rows.back());
        error->set_message(written.status().message());
      }
    }
    if (!result.committed()) {
      ++rejected_batches;
      rejected_rows += rows.size();
      import_counters_.rejected_rows.fetch_add(rows.size(), std::memory_order_relaxed);
    }
    bool ok = stream->Write(result);
    batch_kinds.clear();
    batch.clear();
    rows.clear();
    result.Clear();
    return ok;
  };

  v1::ImportChunk chunk;
  while (stream->Read(&chunk)) {
    if (first) {
      first = false;
      if (chunk.batch_size() > kMaxBatchSize) {
        return ToGrpc(InvalidArgumentError("batch_size is at most 10000"));
      }
      if (chunk.batch_size() > 0) batch_size = chunk.batch_size();
    }
    for (v1::ImportRow& row : *chunk.mutable_rows()) {
      rows.push_back(row.row());
      v1::Entity* entity = row.mutable_entity();
      Status valid = CheckKind(*context, rpc::kAdminImport, *who, KindOf(*entity));
      if (valid.ok()) valid = ValidateEntity(entity);
      if (!valid.ok()) {
        v1::RowError* error = result.add_errors();
        error->set_row(row.row());
        error->set_message(valid.message());
      } else if (result.errors_size() == 0) {
        ++batch_kinds[std::string(KindName(KindOf(*entity)))];
        batch.push_back(Mutation::Put(row.upsert() ? WriteOp::kUpsert : WriteOp::kCreate,
                                      std::move(*entity)));
      }
      if (rows.size() == batch_size && !flush()) return grpc::Status::CANCELLED;
    }
  }
  // A client that stopped early (Ctrl-C) half-closes: what it sent is
  // committed. A connection that broke leaves the partial batch out.
  if (!context->IsCancelled()) flush();
  // "1200 rows committed (device 1000, subscriber 200), 50 rows rejected
  // (1 batch)".
  std::string summary = std::to_string(committed_rows) + " rows committed";
  if (!committed_kinds.empty()) {
    std::string kinds;
    for (const auto& [kind, n] : committed_kinds) {
      kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    }
    summary += " (" + kinds + ")";
  }
  if (rejected_batches > 0) {
    summary += ", " + std::to_string(rejected_rows) + " rows rejected (" +
               std::to_string(rejected_batches) + (rejected_batches == 1 ? " batch)" : " batches)");
  }
  if (context->IsCancelled()) summary += "; the client went away";
  if (events_ != nullptr) {
    events_->Add("import", "", summary);
  } else {
    logger_->info("IMPORT {}", summary);
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                                 grpc::ServerWriter<v1::Change>* writer) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kAdminWatch);
  if (!who.ok()) return ToGrpc(who.status());
  const bool redact = !who->roles.Grants(Role::kOperator);
  uint64_t after = request->from_revision();
  while (!context->IsCancelled()) {
    StatusOr<std::vector<v1::Change>> changes = store_->ChangesSince(after, 1000);
    if (!changes.ok()) return ToGrpc(changes.status());
    for (v1::Change& change : *changes) {
      if (redact && change.has_entity()) RedactSecrets(change.mutable_entity());
      StripKey(&change);
      if (!writer->Write(change)) return grpc::Status::CANCELLED;
      after = change.revision();
    }
    if (changes->empty()) store_->WaitForRevision(after, std::chrono::seconds(1));
  }
  return grpc::Status::CANCELLED;
}

grpc::Status AdminService::Info(grpc::ServerContext* context, const v1::InfoRequest*,
                                v1::InfoResponse* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kAdminInfo);
  if (!who.ok()) return ToGrpc(who.status());
  StatusOr<StoreInfo> info = store_->Info();
  if (!info.ok()) return ToGrpc(info.status());
  response->set_revision(info->revision);
  response->set_oldest_revision(info->log_floor);
  for (const auto& [kind, count] : info->counts) (*response->mutable_counts())[kind] = count;
  response->set_read_only(read_only_);
  return grpc::Status::OK;
}

grpc::Status AdminService::Render(grpc::ServerContext* context, const v1::RenderRequest* request,
                                  v1::RenderResponse* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kAdminRender);
  if (!who.ok()) return ToGrpc(who.status());
  if (generator_ == nullptr) return ToGrpc(UnimplementedError("rendering is not enabled"));
  ClientIp client_ip;  // none given: 0.0.0.0, a filename no client can use
  if (!request->client_ip().empty()) {
    StatusOr<ClientIp> parsed = ParseBindableClientIp(request->client_ip());
    if (!parsed.ok()) return ToGrpc(parsed.status());
    client_ip = *parsed;
  }
  StatusOr<v1::RenderResponse> rendered = generator_->Render(
      request->mac(), client_ip, request->server().empty() ? "127.0.0.1" : request->server());
  if (!rendered.ok()) return ToGrpc(rendered.status());
  *response = std::move(*rendered);
  return grpc::Status::OK;
}

grpc::Status AdminService::RotateKeys(grpc::ServerContext* context,
                                      const v1::RotateKeysRequest* request,
                                      v1::RotateKeysResponse* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kAdminRotateKeys);
  if (!who.ok()) return ToGrpc(who.status());
  if (generator_ == nullptr) return ToGrpc(UnimplementedError("key rotation is not enabled"));
  Status writable = CheckWritable();
  if (!writable.ok()) return ToGrpc(writable);
  const std::string& reason = request->reason();
  if (reason.size() > 200 || !IsValidUtf8(reason) ||
      std::any_of(reason.begin(), reason.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return ToGrpc(InvalidArgumentError(
        "reason must be printable UTF-8 on one line, at most 200 bytes"));
  }
  StatusOr<RotatedKeys> rotated = generator_->RotateKeys();
  if (!rotated.ok()) return ToGrpc(rotated.status());
  response->set_current_epoch(rotated->current_epoch);
  response->set_next_epoch(rotated->next_epoch);
  response->set_previous_replaced(rotated->previous_replaced);
  if (rotated->previous_replaced) response->set_previous_epoch(rotated->previous_epoch);
  response->set_revision(rotated->revision);
  std::string summary = "emergency rotation: new keys for epochs " +
                        std::to_string(rotated->current_epoch) + " (current) and " +
                        std::to_string(rotated->next_epoch) + " (next)";
  if (rotated->previous_replaced) {
    summary += ", epoch " + std::to_string(rotated->previous_epoch) + " revoked";
  }
  summary += "; every filename handed out before is refused";
  if (!reason.empty()) summary += "; reason: " + QuoteForMessage(reason, 200);
  if (events_ != nullptr) {
    events_->Add("key-rotation", "", summary);
  } else {
    logger_->warn("KEY_ROTATION {}", summary);
  }
  return grpc::Status::OK;
}

}  // namespace provisor
