// RenderDevice: one device's configuration, exactly as both the master's
// dry run (provisorctl render) and a slave's TFTP answer produce it: device
// -> model -> template (a client class's template overrides the model's),
// subscriber, service package (the subscriber's, else the client class's),
// render context with the given cluster layer, Mustache, then the model's
// vendor encryption keyed by the device's secret. Entities come from an
// EntitySource: the master's store or a slave's in-memory snapshot.
//
// Unknown devices: when a deployment names a default client class, a MAC
// that is not a device is rendered as a stand-in device of that class (no
// model, subscriber or secret; the class's template and package), so a new
// device gets a minimal config and can register itself. Without one, an
// unknown MAC is NOT_FOUND.
//
// Templates come from a TemplateLookup: the master's TemplateCache compiles
// on a miss; a slave's lookup only finds what it compiled on arrival.
//
// Thread-safety: thread-safe if the source, template lookup and zones are.
#ifndef PROVISOR_COMMON_RENDER_DEVICE_RENDER_H_
#define PROVISOR_COMMON_RENDER_DEVICE_RENDER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/render/context.h"
#include "common/render/template.h"
#include "common/render/timezone.h"
#include "common/status.h"
#include "provisor/v1/model.pb.h"

namespace provisor {

class EntitySource {
 public:
  virtual ~EntitySource() = default;
  // Copies the entity into *out; NOT_FOUND when absent.
  virtual Status Find(v1::EntityKind kind, const std::string& key, v1::Entity* out) const = 0;
};

struct DeviceRender {
  std::string content;       // what the device receives
  size_t plain_bytes = 0;    // before encryption
  std::string model, template_id, package, client_class, encryption;
  uint64_t template_version = 0;
  bool xml = false;          // the template's content type is XML
  std::string resync_name;   // the filename minted for the resync URL
  std::vector<std::string> missing_names;
  bool stand_in = false;     // an unknown MAC served the default class
};

// Mints the device's fresh resync filename; `xml` says which suffix fits.
using ResyncNameFn = std::function<StatusOr<std::string>(bool xml)>;

// A device's entities resolved, its template compiled and its context
// built: everything but the per-request layer (cluster with the fresh resync
// name, render time). A slave may keep it while the entities it came from
// are unchanged; the ids say which those are.
struct PreparedDevice {
  std::string mac;
  std::shared_ptr<const CompiledTemplate> compiled;
  RenderData context;
  bool xml = false;
  bool shows_time = false;  // the template shows the render time (time.now_*)
  std::string encryption;  // the model's vendor cipher ("" = none)
  std::string secret;      // the device's key for it
  std::string model, template_id, package, client_class, subscriber_id;
  uint64_t template_version = 0;
  bool stand_in = false;   // an unknown MAC served the default class
};

// The device `mac` (canonical) as stored, or, when it is unknown and
// `default_class` is set, its stand-in; `*stand_in` says which.
StatusOr<v1::Device> ResolveDevice(const EntitySource& source, const std::string& mac,
                                   const std::string& default_class, bool* stand_in);
// What `device` renders with: its model (empty for a stand-in), its client
// class (if it names one that exists) and its template (the class's, else
// the model's).
struct DeviceEntities {
  v1::DeviceModel model;
  std::optional<v1::ClientClass> client_class;
  v1::Template tmpl;
};
StatusOr<DeviceEntities> ResolveEntities(const EntitySource& source, const v1::Device& device);

// `mac` is canonical. NOT_FOUND names what is missing ("device X not found").
StatusOr<PreparedDevice> PrepareDevice(const EntitySource& source, const std::string& mac,
                                       WallTime now, TemplateLookup* templates, ZoneCache* zones,
                                       const std::string& default_class = "");
// Renders a prepared device for one request. FAILED_PRECONDITION when the
// output would pass kMaxRenderBytes.
StatusOr<DeviceRender> RenderPrepared(const PreparedDevice& prepared, ClusterInfo cluster,
                                      const ResyncNameFn& resync_name, WallTime now);
// PrepareDevice then RenderPrepared.
StatusOr<DeviceRender> RenderDevice(const EntitySource& source, const std::string& mac,
                                    ClusterInfo cluster, const ResyncNameFn& resync_name,
                                    WallTime now, TemplateLookup* templates, ZoneCache* zones,
                                    const std::string& default_class = "");

}  // namespace provisor

#endif  // PROVISOR_COMMON_RENDER_DEVICE_RENDER_H_
