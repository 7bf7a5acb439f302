// The render context: what a template sees, built from the stored entities
// of one device, exactly as deploy/templates/CONTEXT.md documents it. Empty
// strings and fields that do not apply are left out (Mustache treats "" as
// true in a section), control characters in values become spaces (so a
// value can neither break XML nor start a new key in a text profile), and
// the derived fields vendors need (host/port splits, ToS bytes, codecs by
// name and slot, time-zone and DST rules, PIN) are computed here.
//
// Thread-safety: stateless.
#ifndef PROVISOR_COMMON_RENDER_CONTEXT_H_
#define PROVISOR_COMMON_RENDER_CONTEXT_H_

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "common/render/template.h"
#include "common/render/timezone.h"
#include "provisor/v1/model.pb.h"

namespace provisor {

struct ClusterInfo {
  std::string server;          // TFTP address devices use for this farm
  uint16_t port = 69;
  std::string resync_name;     // a fresh token filename for the next resync
  uint32_t resync_interval_s = 86400;
};

struct RenderInput {
  const v1::Device* device = nullptr;          // required
  const v1::DeviceModel* model = nullptr;      // required
  const v1::Subscriber* subscriber = nullptr;  // optional
  const v1::ServicePackage* package = nullptr; // optional
  ClusterInfo cluster;
  WallTime now;
  ZoneCache* zones = nullptr;  // parsed time-zone rules; null: read each time
};

RenderData BuildRenderContext(const RenderInput& input);

// Just the per-request layer: {"cluster": {...}} for `cluster`, to render on
// top of a context built once per device revision.
RenderData BuildClusterLayer(const ClusterInfo& cluster);

// The whole per-request layer over a context `base` built by
// BuildRenderContext: {"cluster": {...}, "time": base's time with the render
// time `now`}. Rendering base under this layer gives exactly what a context
// built with this cluster and now would give. Without `with_time` the layer
// has only the cluster (for templates that never show the render time).
RenderData BuildRequestLayer(const RenderData& base, const ClusterInfo& cluster, WallTime now,
                             bool with_time = true);

}  // namespace provisor

#endif  // PROVISOR_COMMON_RENDER_CONTEXT_H_
