#include "master/keys/token_key_vault.h"

#include <openssl/crypto.h>

#include "common/entity.h"
#include "master/keys/master_key_file.h"

namespace provisor {
namespace {

// Whether any stored KeyEpoch is sealed (then only its own key opens it).
StatusOr<bool> HoldsSealedKeys(Store* store) {
  ListQuery query;
  query.kind = v1::ENTITY_KIND_KEY_EPOCH;
  query.page_size = 1000;
  for (;;) {
    StatusOr<ListPage> page = store->List(query);
    if (!page.ok()) return page.status();
    for (const v1::Entity& e : page->entities) {
      if (KeySealer::IsSealed(e.key_epoch().key())) return true;
    }
    if (!page->more || page->entities.empty()) return false;
    query.start_after = KeyOf(page->entities.back());
  }
}

}  // namespace

StatusOr<std::unique_ptr<KeySealer>> OpenTokenKeyVault(const std::string& master_key_file,
                                                       const std::string& data_dir,
                                                       LmdbStore* store, const Logger& logger,
                                                       TokenKeyVaultReport* report) {
  TokenKeyVaultReport local;
  if (report == nullptr) report = &local;
  StatusOr<bool> sealed = HoldsSealedKeys(store);
  if (!sealed.ok()) return sealed.status();
  StatusOr<LoadedMasterKey> loaded = LoadMasterKey(master_key_file, data_dir, !*sealed);
  if (!loaded.ok()) {
    if (loaded.status().code() == StatusCode::kNotFound) {
      return FailedPreconditionError(
          "master key file " + master_key_file + " does not exist, but data_dir " + data_dir +
          " holds token keys sealed under a master key: restore that file (a new key would "
          "not open them)");
    }
    return loaded.status();
  }
  report->key_created = loaded->created;
  if (loaded->created) {
    logger->warn("MASTER_KEY_CREATED created the master key file {}: the token keys in {} are "
                 "sealed under it. Back it up apart from data_dir: without it they cannot be "
                 "opened",
                 master_key_file, data_dir);
  }
  auto sealer = std::make_unique<KeySealer>(loaded->key, store->key_binding_id());
  OPENSSL_cleanse(loaded->key.data(), loaded->key.size());

  Status rewritten = store->RewriteKeyEpochs([&](uint64_t epoch, std::string* key) -> Status {
    if (KeySealer::IsPlain(*key)) {
      StatusOr<std::string> s = sealer->Seal(epoch, *key);
      if (!s.ok()) return s.status();
      OPENSSL_cleanse(key->data(), key->size());
      *key = std::move(*s);
      ++report->migrated;
      return Status::Ok();
    }
    if (!KeySealer::IsSealed(*key)) {
      return DataLossError("the stored token key of epoch " + std::to_string(epoch) +
                           " in data_dir " + data_dir + " is neither sealed nor a key");
    }
    StatusOr<std::string> opened = sealer->Open(epoch, *key);
    if (!opened.ok()) {
      return FailedPreconditionError("master key file " + master_key_file +
                                     " does not open the token keys in data_dir " + data_dir);
    }
    OPENSSL_cleanse(opened->data(), opened->size());
    ++report->checked;
    return Status::Ok();
  });
  if (!rewritten.ok()) return rewritten;
  if (report->migrated > 0) {
    logger->warn("TOKEN_KEYS_SEALED sealed {} plaintext token keys in {} under the master key "
                 "file {}",
                 report->migrated, data_dir, master_key_file);
  }
  return sealer;
}

}  // namespace provisor
