// GenerationSnapshot: the generation data a slave holds in memory (devices,
// subscribers, models, templates, packages, client classes and the token
// key ring) at one revision. Built by applying the master's changes in
// order; published as an immutable std::shared_ptr<const GenerationSnapshot>
// that TFTP loops read without locks while a newer one is being built.
//
// Thread-safety: immutable once published; Apply only while building.
#ifndef PROVISOR_SLAVE_GENERATION_SNAPSHOT_H_
#define PROVISOR_SLAVE_GENERATION_SNAPSHOT_H_

#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/token/key_ring.h"
#include "provisor/v1/model.pb.h"

namespace provisor {

struct GenerationSnapshot {
  explicit GenerationSnapshot(Duration rotate_every) : keys(rotate_every) {}

  uint64_t revision = 0;
  std::unordered_map<std::string, v1::Device> devices;  // by canonical MAC
  std::unordered_map<std::string, v1::Subscriber> subscribers;
  std::unordered_map<std::string, v1::DeviceModel> models;
  std::unordered_map<std::string, v1::Template> templates;
  std::unordered_map<std::string, v1::ServicePackage> packages;
  std::unordered_map<std::string, v1::ClientClass> classes;
  KeyRing keys;

  // Applies one committed change (a put or a delete of any kind).
  void Apply(const v1::Change& change);
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_GENERATION_SNAPSHOT_H_
