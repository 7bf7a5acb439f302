// KeyRing: the filename-token keys by epoch. An epoch is a fixed slice of
// wall-clock time, floor(unix seconds / rotate_every), so master and slaves
// agree on the current epoch without talking; the master creates a random
// 256-bit key for each epoch (RAND_bytes), stores it, and streams it to the
// slaves. Tokens of the current and the previous epoch are accepted.
// Keys are never logged; they are wiped when the ring is destroyed.
//
// Thread-safety: a value type, not synchronised. Readers on hot paths share
// an immutable std::shared_ptr<const KeyRing> that writers replace whole.
#ifndef PROVISOR_COMMON_TOKEN_KEY_RING_H_
#define PROVISOR_COMMON_TOKEN_KEY_RING_H_

#include <array>
#include <cstdint>
#include <map>

#include "common/clock.h"
#include "common/status.h"

namespace provisor {

struct TokenKey {
  uint32_t epoch = 0;
  std::array<uint8_t, 32> key{};
};

class KeyRing {
 public:
  // REQUIRES: rotate_every >= 1 s.
  explicit KeyRing(Duration rotate_every);
  ~KeyRing();
  KeyRing(const KeyRing&) = default;
  KeyRing& operator=(const KeyRing&) = default;

  Duration rotate_every() const { return rotate_every_; }
  uint32_t EpochAt(WallTime t) const;
  // When `epoch` begins.
  WallTime EpochStart(uint32_t epoch) const;

  void Put(const TokenKey& key);
  const TokenKey* Find(uint32_t epoch) const;
  // Drops keys of epochs before `first_kept`.
  void Prune(uint32_t first_kept);
  size_t size() const { return keys_.size(); }

  // A fresh random key for `epoch`.
  static StatusOr<TokenKey> Generate(uint32_t epoch);

 private:
  Duration rotate_every_;
  std::map<uint32_t, TokenKey> keys_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_TOKEN_KEY_RING_H_
