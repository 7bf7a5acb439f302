#include "common/token/key_ring.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace provisor {

KeyRing::KeyRing(Duration rotate_every)
    : rotate_every_(rotate_every < std::chrono::seconds(1) ? Duration(std::chrono::seconds(1))
                                                           : rotate_every) {}

KeyRing::~KeyRing() {
  for (auto& [epoch, key] : keys_) OPENSSL_cleanse(key.key.data(), key.key.size());
}

uint32_t KeyRing::EpochAt(WallTime t) const {
  auto since = std::chrono::duration_cast<Duration>(t.time_since_epoch());
  if (since.count() < 0) return 0;
  return static_cast<uint32_t>(since / rotate_every_);
}

WallTime KeyRing::EpochStart(uint32_t epoch) const {
  return WallTime(std::chrono::duration_cast<WallTime::duration>(rotate_every_ * epoch));
}

void KeyRing::Put(const TokenKey& key) { keys_[key.epoch] = key; }

const TokenKey* KeyRing::Find(uint32_t epoch) const {
  auto it = keys_.find(epoch);
  return it == keys_.end() ? nullptr : &it->second;
}

void KeyRing::Prune(uint32_t first_kept) {
  for (auto it = keys_.begin(); it != keys_.end() && it->first < first_kept;) {
    OPENSSL_cleanse(it->second.key.data(), it->second.key.size());
    it = keys_.erase(it);
  }
}

StatusOr<TokenKey> KeyRing::Generate(uint32_t epoch) {
  TokenKey key;
  key.epoch = epoch;
  if (RAND_bytes(key.key.data(), static_cast<int>(key.key.size())) != 1) {
    return InternalError("RAND_bytes failed: no randomness for a token key");
  }
  return key;
}

}  // namespace provisor
