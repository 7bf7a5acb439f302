// KeySealingStore: a Store that keeps token keys sealed at rest. It wraps
// the master's LmdbStore for the parts that need key bytes (the Generator
// that mints tokens, the Sync streamer that sends keys to followers, a
// relay's StoreSink that stores what its upstream sends): KeyEpoch keys are
// sealed (key_sealer.h) on the way in (Write, ApplyReplicated,
// RestoreEntities) and opened on the way out (Get, List, ChangesSince,
// Scan, WriteResult). Everything else passes through unchanged. The Admin
// API is given the inner store, never this one: it refuses key epochs, and
// would at worst see sealed bytes.
//
// A stored key that is plaintext or does not open is DATA_LOSS (start-up
// migrates and checks every stored key first: token_key_vault.h).
//
// Thread-safety: as the wrapped store (the sealer is immutable).
// REQUIRES: `inner` and `sealer` outlive this object.
#ifndef PROVISOR_MASTER_KEYS_SEALING_STORE_H_
#define PROVISOR_MASTER_KEYS_SEALING_STORE_H_

#include "master/keys/key_sealer.h"
#include "master/store/store.h"

namespace provisor {

class KeySealingStore final : public Store {
 public:
  KeySealingStore(Store* inner, const KeySealer* sealer) : inner_(inner), sealer_(sealer) {}

  StatusOr<WriteResult> Write(std::vector<Mutation> mutations,
                              size_t* failed_index = nullptr) override;
  StatusOr<v1::Entity> Get(v1::EntityKind kind, std::string_view key) override;
  StatusOr<ListPage> List(const ListQuery& query) override;
  StatusOr<std::vector<v1::Change>> ChangesSince(uint64_t after, size_t limit) override;
  uint64_t revision() const override { return inner_->revision(); }
  uint64_t WaitForRevision(uint64_t after, Duration timeout) override {
    return inner_->WaitForRevision(after, timeout);
  }
  StatusOr<StoreInfo> Info() override { return inner_->Info(); }
  std::string store_id() const override { return inner_->store_id(); }
  Status Scan(size_t batch_size, const std::function<Status(const ScanHeader&)>& begin,
              const std::function<Status(std::vector<v1::Entity>&)>& each) override;
  Status ApplyReplicated(const std::vector<v1::Change>& changes) override;
  Status BeginRestore() override { return inner_->BeginRestore(); }
  Status RestoreEntities(const std::vector<v1::Entity>& entities) override;
  Status FinishRestore(const std::string& store_id, uint64_t revision) override {
    return inner_->FinishRestore(store_id, revision);
  }
  bool restoring() const override { return inner_->restoring(); }

 private:
  // In place, when `entity` is a KeyEpoch.
  Status Seal(v1::Entity* entity) const;
  Status Open(v1::Entity* entity) const;

  Store* inner_;
  const KeySealer* sealer_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_KEYS_SEALING_STORE_H_
