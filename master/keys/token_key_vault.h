// Token keys at rest, at master start-up: loads (or, for a store without
// sealed keys, creates) the master key file, seals any plaintext token keys
// a store from before sealing still holds (in one write transaction, the
// change log included), and checks that every stored key opens. Then the
// master reads and writes keys only through a KeySealingStore with the
// returned sealer.
//
// Refusals (FAILED_PRECONDITION, one line for the operator):
//   - the key file is refused by LoadMasterKey (inside data_dir, mode, format);
//   - the key file is missing while data_dir holds sealed keys (a new key
//     would not open them: never silently re-keyed);
//   - "master key file X does not open the token keys in data_dir Y".
//
// Thread-safety: call once, before serving.
#ifndef PROVISOR_MASTER_KEYS_TOKEN_KEY_VAULT_H_
#define PROVISOR_MASTER_KEYS_TOKEN_KEY_VAULT_H_

#include <memory>
#include <string>

#include "common/logging.h"
#include "common/status.h"
#include "master/keys/key_sealer.h"
#include "master/store/lmdb_store.h"

namespace provisor {

struct TokenKeyVaultReport {
  bool key_created = false;
  uint64_t migrated = 0;  // plaintext keys sealed (entities and change-log entries)
  uint64_t checked = 0;   // sealed keys that opened
};

StatusOr<std::unique_ptr<KeySealer>> OpenTokenKeyVault(const std::string& master_key_file,
                                                       const std::string& data_dir,
                                                       LmdbStore* store, const Logger& logger,
                                                       TokenKeyVaultReport* report = nullptr);

}  // namespace provisor

#endif  // PROVISOR_MASTER_KEYS_TOKEN_KEY_VAULT_H_
