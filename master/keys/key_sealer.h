// KeySealer: seals and opens the filename-token keys kept in the master's
// store, so that the LMDB files (a stolen data directory, a backup) never
// hold a token key in plaintext. Each epoch's 32-byte key is encrypted with
// AES-256-GCM under the master key (master_key_file.h), with associated data
// binding it to the epoch number and the store's key binding id, so a sealed
// key moved to another epoch or into another data directory does not open.
//
// Sealed layout (64 bytes, in KeyEpoch.key where the store keeps it):
//
//   "PVK1"(4) | nonce(12, random) | AES-256-GCM(key(32)) | tag(16)
//
// associated data: "provisor token key v1" NUL binding_id NUL epoch(8, BE).
// A 32-byte value is a plaintext key from before sealing (migrated at start).
//
// Thread-safety: immutable after construction; safe from any thread.
// Error messages never contain key bytes. The master key is wiped when the
// sealer is destroyed.
#ifndef PROVISOR_MASTER_KEYS_KEY_SEALER_H_
#define PROVISOR_MASTER_KEYS_KEY_SEALER_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor {

inline constexpr size_t kMasterKeyBytes = 32;
inline constexpr size_t kTokenKeyBytes = 32;
inline constexpr size_t kSealedKeyBytes = 64;

using MasterKey = std::array<uint8_t, kMasterKeyBytes>;

class KeySealer {
 public:
  // `binding_id`: the store's key binding id (LmdbStore::KeyBindingId()).
  KeySealer(const MasterKey& master_key, std::string binding_id);
  ~KeySealer();
  KeySealer(const KeySealer&) = delete;
  KeySealer& operator=(const KeySealer&) = delete;

  // True when `stored` has the sealed layout (it may still fail to open).
  static bool IsSealed(std::string_view stored);
  // True when `stored` is a plaintext key from before sealing.
  static bool IsPlain(std::string_view stored) { return stored.size() == kTokenKeyBytes; }

  // The sealed form of the 32-byte `key` of `epoch`. INVALID_ARGUMENT for a
  // key of another size; INTERNAL when OpenSSL fails.
  StatusOr<std::string> Seal(uint64_t epoch, std::string_view key) const;
  // The 32-byte key. DATA_LOSS when `sealed` is not a sealed key, or does
  // not open: another master key, another epoch or store, or tampered.
  StatusOr<std::string> Open(uint64_t epoch, std::string_view sealed) const;

  const std::string& binding_id() const { return binding_id_; }

 private:
  std::string AssociatedData(uint64_t epoch) const;

  MasterKey master_key_;
  const std::string binding_id_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_KEYS_KEY_SEALER_H_
