// The master key file: the 256-bit key that seals the token keys in the
// master's store (key_sealer.h). It lives outside data_dir, so a copy of the
// data directory or an LMDB backup alone does not yield the token keys.
//
// Format: 64 hexadecimal digits, optionally followed by one newline.
// Refused: a file inside data_dir, one that is not a regular file, readable
// or writable by group or others (mode & 077), unreadable, or not that
// format. The messages name the file and never contain key bytes.
//
// Thread-safety: functions only; Load may create files.
#ifndef PROVISOR_MASTER_KEYS_MASTER_KEY_FILE_H_
#define PROVISOR_MASTER_KEYS_MASTER_KEY_FILE_H_

#include <string>

#include "common/status.h"
#include "master/keys/key_sealer.h"

namespace provisor {

// Where the key lives when [keys] master_key_file is not set: a directory
// next to data_dir, "<data_dir>-keys/token-master.key" (for /var/lib/provisor:
// /var/lib/provisor-keys/token-master.key; the systemd unit makes it a second
// StateDirectory).
std::string DefaultMasterKeyPath(const std::string& data_dir);

struct LoadedMasterKey {
  MasterKey key{};
  bool created = false;  // made by this call
};

// Reads the key at `path`. When it does not exist and `create` is true, a
// fresh random key is written there (mode 0600, its directory made with
// mode 0700 if missing, one level only); otherwise NOT_FOUND.
// FAILED_PRECONDITION for every refusal listed above.
StatusOr<LoadedMasterKey> LoadMasterKey(const std::string& path, const std::string& data_dir,
                                        bool create);

}  // namespace provisor

#endif  // PROVISOR_MASTER_KEYS_MASTER_KEY_FILE_H_
