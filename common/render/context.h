// The render context: what a template sees, built from the stored entities
// of one device (see deploy/templates/CONTEXT.md for every field). Every
// documented field is always present (empty when unknown), so a missing
// name at render time means a typo in the template.
//
// Thread-safety: stateless.
#ifndef PROVISOR_COMMON_RENDER_CONTEXT_H_
#define PROVISOR_COMMON_RENDER_CONTEXT_H_

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "common/render/template.h"
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
};

RenderData BuildRenderContext(const RenderInput& input);

}  // namespace provisor

#endif  // PROVISOR_COMMON_RENDER_CONTEXT_H_
