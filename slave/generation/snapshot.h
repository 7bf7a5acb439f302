// GenerationSnapshot: the generation data a slave holds in memory (devices,
// subscribers, models, templates, packages, client classes and the token
// key ring) at one revision of one master store. Built by applying the
// master's changes in order (or a full snapshot); published as an immutable
// std::shared_ptr<const GenerationSnapshot> that TFTP loops read without
// locks while the next version is being built.
//
// Copying a snapshot is cheap: tables are sharded and copy-on-write (see
// sharded_table.h), so applying a batch of changes to a copy of a
// million-device snapshot clones only the shards the batch touches.
// Devices and subscribers are kept as their serialized bytes (compact;
// parsed per request, which costs far less than rendering); the few
// models, templates, packages and classes are kept parsed.
//
// Templates are compiled when they arrive (Apply/Put, on the sync thread)
// and kept compiled next to their text; requests only look them up through
// SnapshotTemplates, which never compiles. A template that does not compile
// is kept with its error, so renders of devices using it are refused.
//
// Thread-safety: immutable once published; Apply only on a private copy.
#ifndef PROVISOR_SLAVE_GENERATION_SNAPSHOT_H_
#define PROVISOR_SLAVE_GENERATION_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/render/template.h"
#include "common/status.h"
#include "common/token/key_ring.h"
#include "common/token/token.h"
#include "provisor/v1/model.pb.h"
#include "slave/generation/sharded_table.h"

namespace provisor {

template <typename T>
using ParsedTable = ShardedTable<std::shared_ptr<const T>>;

// A template as compiled on arrival.
struct ArrivedTemplate {
  uint64_t version = 0;
  std::shared_ptr<const CompiledTemplate> compiled;  // null when it did not compile
  Status error;                                      // why it did not
};

struct GenerationSnapshot {
  static constexpr size_t kBigTableShards = 1024;
  static constexpr size_t kSmallTableShards = 8;

  explicit GenerationSnapshot(Duration rotate_every) : keys(rotate_every) {}

  std::string store_id;  // the master store these revisions belong to
  uint64_t revision = 0;
  ShardedTable<std::string> devices{kBigTableShards};      // canonical MAC -> v1::Device bytes
  ShardedTable<std::string> subscribers{kBigTableShards};  // id -> v1::Subscriber bytes
  ParsedTable<v1::DeviceModel> models{kSmallTableShards};
  ParsedTable<v1::Template> templates{kSmallTableShards};
  ParsedTable<ArrivedTemplate> compiled{kSmallTableShards};  // same keys as templates
  ParsedTable<v1::ServicePackage> packages{kSmallTableShards};
  ParsedTable<v1::ClientClass> classes{kSmallTableShards};
  KeyRing keys;
  TokenPolicy tokens;  // the master's: ttl, bind_client_ip
  std::string default_class;  // the master's: serves unknown MACs ("" = refused)

  // Applies one committed change (a put or a delete of any kind). A
  // template is compiled here; if it does not compile, *compile_error (when
  // given) says why.
  void Apply(const v1::Change& change, Status* compile_error = nullptr);
  // Adds one entity of a snapshot (its key derived as the master does),
  // compiling templates as Apply does.
  void Put(const v1::Entity& entity, Status* compile_error = nullptr);

  // Parsed lookups; false when absent (or, never expected, unparsable).
  bool FindDevice(std::string_view mac, v1::Device* out) const;
  bool FindSubscriber(std::string_view id, v1::Subscriber* out) const;
  const v1::DeviceModel* FindModel(std::string_view id) const;
};

// A snapshot's templates as compiled on arrival: Get finds them and never
// compiles (FAILED_PRECONDITION if the template is not there at that
// version; its compile error if it did not compile).
class SnapshotTemplates final : public TemplateLookup {
 public:
  explicit SnapshotTemplates(const GenerationSnapshot& snap) : snap_(snap) {}
  StatusOr<std::shared_ptr<const CompiledTemplate>> Get(const std::string& id, uint64_t version,
                                                        std::string_view text) override;

 private:
  const GenerationSnapshot& snap_;
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_GENERATION_SNAPSHOT_H_
