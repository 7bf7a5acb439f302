// Generator: the master's side of generation. Keeps the filename-token key
// ring in the store (a random key per epoch, created when first needed for
// the current and the next epoch; the store given here seals them at rest,
// master/keys/sealing_store.h), replaces them at once for an emergency
// rotation, and renders a device's configuration
// exactly as a slave will: device -> model -> template (a client class's
// template overrides the model's), subscriber, service package (the
// subscriber's, else the client class's), context, Mustache, then the
// model's vendor encryption with the device's secret.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_GENERATION_H_
#define PROVISOR_MASTER_GENERATION_H_

#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/render/template.h"
#include "common/render/timezone.h"
#include "common/token/client_ip.h"
#include "common/token/key_ring.h"
#include "common/token/token.h"
#include "master/store/store.h"
#include "provisor/v1/admin.pb.h"

namespace provisor {

// What an emergency rotation replaced (never the keys themselves).
struct RotatedKeys {
  uint32_t previous_epoch = 0;  // its key replaced by one nothing mints with
  uint32_t current_epoch = 0;
  uint32_t next_epoch = 0;
  bool previous_replaced = false;  // false only in epoch 0
  uint64_t revision = 0;           // the store revision of the write
};

struct GenerationOptions {
  Duration rotate_every = std::chrono::minutes(30);
  TokenPolicy policy;
  uint32_t resync_interval_s = 86400;
  // False on a relay master: keys come from the upstream, never made here.
  bool create_keys = true;
  // The client class an unknown MAC is served as ("" = refuse unknown MACs).
  std::string default_class;
};

class Generator {
 public:
  Generator(Store* store, const Clock* clock, GenerationOptions options);

  // The key ring with keys for the current and the next epoch (created and
  // stored if missing); older epochs than the previous one are left out.
  StatusOr<KeyRing> Keys();
  // Emergency rotation: fresh random keys for the previous, the current and
  // the next epoch in one write. Every filename minted before stops
  // validating (slaves accept the previous epoch too, so its key is
  // replaced as well, by one that nothing mints with); filenames minted
  // after use the new current key. Epoch boundaries do not move.
  // FAILED_PRECONDITION on a master that does not create keys (a relay).
  StatusOr<RotatedKeys> RotateKeys();
  // A fresh encoded filename for device `mac` (canonical) bound to
  // `client_ip` (IPv4 or IPv6; callers check it with CheckBindable), ending
  // ".xml" or ".cfg" after its template's content type.
  // NOT_FOUND for an unknown device unless a default class serves those
  // (`*stand_in` is then set). Uses a key ring at most a second old.
  StatusOr<std::string> Filename(const std::string& mac, const ClientIp& client_ip,
                                 bool* stand_in = nullptr);
  // A dry-run render of the device `mac` (or its default-class stand-in)
  // for a request from `client_ip`.
  StatusOr<v1::RenderResponse> Render(std::string_view mac, const ClientIp& client_ip,
                                      const std::string& server);

 private:
  Store* store_;
  const Clock* clock_;
  GenerationOptions options_;
  TemplateCache templates_;
  ZoneCache zones_;
  // Lock order: ring_mu_ before keys_mu_.
  std::mutex keys_mu_;  // serialises key creation and rotation
  std::mutex ring_mu_;
  std::optional<KeyRing> ring_;  // Keys() as of ring_at_; protected by ring_mu_
  MonoTime ring_at_{};           // protected by ring_mu_
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_GENERATION_H_
