// Store: the master's system of record. Every committed write gets the next
// global revision and appends its changes to a change log in the same
// transaction; readers ask for "changes after revision R" (what slaves and
// watchers sync from) or learn that R is older than the log (then they need
// a snapshot). Referential integrity is enforced inside the write: an entity
// may only reference entities that exist, and nothing still referenced can
// be deleted. A write is all-or-nothing.
//
// Thread-safety: implementations are thread-safe; writes are serialised.
#ifndef PROVISOR_MASTER_STORE_STORE_H_
#define PROVISOR_MASTER_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "provisor/v1/model.pb.h"

namespace provisor {

// kSetBinding: `entity` is a Device carrying only its MAC and last_binding;
// only the stored device's last_binding changes (NOT_FOUND if it is gone).
// An update or upsert of a device that carries no last_binding keeps the
// stored one: bindings belong to the DHCP front end, not to OSS writes.
enum class WriteOp { kCreate, kUpdate, kUpsert, kDelete, kSetBinding };

struct Mutation {
  WriteOp op = WriteOp::kCreate;
  v1::Entity entity;         // create, update, upsert (already validated)
  v1::EntityKind kind = v1::ENTITY_KIND_UNSPECIFIED;  // delete
  std::string key;           // delete

  static Mutation Put(WriteOp op, v1::Entity entity) {
    Mutation m;
    m.op = op;
    m.entity = std::move(entity);
    return m;
  }
  static Mutation Delete(v1::EntityKind kind, std::string key) {
    Mutation m;
    m.op = WriteOp::kDelete;
    m.kind = kind;
    m.key = std::move(key);
    return m;
  }
};

struct WriteResult {
  uint64_t revision = 0;
  std::vector<v1::Entity> stored;  // per mutation, as stored (empty for deletes)
};

struct ListQuery {
  v1::EntityKind kind = v1::ENTITY_KIND_UNSPECIFIED;
  std::string key_prefix;
  std::string subscriber_id;  // devices bound to this subscriber
  std::string model;          // devices of this model
  uint32_t page_size = 100;   // 1..1000
  std::string start_after;    // key of the last entity of the previous page
};

struct ListPage {
  std::vector<v1::Entity> entities;
  bool more = false;  // another page follows
};

struct StoreInfo {
  uint64_t revision = 0;
  uint64_t log_floor = 0;  // ChangesSince(R) works for R >= log_floor
  uint64_t log_changes = 0;
  std::map<std::string, uint64_t> counts;  // entities per kind name
  uint64_t map_size = 0;
  uint64_t used_bytes = 0;  // pages in use x page size
  std::string store_id;
  bool restoring = false;  // a snapshot restore is under way (relay)
};

// What a consistent scan of the whole store starts with.
struct ScanHeader {
  uint64_t revision = 0;
  std::string store_id;
  uint64_t entities = 0;  // how many `each` will be given in total
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies every mutation or none. On failure `*failed_index` (if given)
  // names the mutation at fault.
  virtual StatusOr<WriteResult> Write(std::vector<Mutation> mutations,
                                      size_t* failed_index = nullptr) = 0;
  virtual StatusOr<v1::Entity> Get(v1::EntityKind kind, std::string_view key) = 0;
  virtual StatusOr<ListPage> List(const ListQuery& query) = 0;
  // Changes with revision > `after`, in order, whole revisions only, at
  // least `limit` changes when that many exist. OUT_OF_RANGE when the log
  // no longer reaches back to `after`.
  virtual StatusOr<std::vector<v1::Change>> ChangesSince(uint64_t after, size_t limit) = 0;
  virtual uint64_t revision() const = 0;
  // Blocks until revision() > after or `timeout` passes; returns revision().
  virtual uint64_t WaitForRevision(uint64_t after, Duration timeout) = 0;
  virtual StatusOr<StoreInfo> Info() = 0;

  // A random id given to the store when it was created (or adopted from an
  // upstream master by a snapshot restore). Revisions are only comparable
  // within one store id.
  virtual std::string store_id() const = 0;

  // Reads every entity at one consistent revision (one read transaction):
  // `begin` once, then `each` with batches of at most `batch_size`
  // entities, every kind, key-ring epochs included. A non-OK status from a
  // callback stops the scan and is returned. Writers are not blocked.
  virtual Status Scan(size_t batch_size, const std::function<Status(const ScanHeader&)>& begin,
                      const std::function<Status(std::vector<v1::Entity>&)>& each) = 0;

  // Replication (a relay master following an upstream). The upstream has
  // already validated and checked integrity, so these do neither.
  //
  // Applies changes exactly as committed upstream: same revision numbers,
  // same change-log entries. Whole revisions, each > revision(); all or
  // nothing. FAILED_PRECONDITION while a restore is under way.
  virtual Status ApplyReplicated(const std::vector<v1::Change>& changes) = 0;
  // Replaces the whole store by a snapshot: Begin wipes every entity and
  // the change log and marks the store restoring (persisted, so a crash
  // mid-restore is seen at the next start); Restore adds entities (each
  // call its own transaction); Finish sets the revision and store id, the
  // log floor to `revision`, and clears the mark.
  virtual Status BeginRestore() = 0;
  virtual Status RestoreEntities(const std::vector<v1::Entity>& entities) = 0;
  virtual Status FinishRestore(const std::string& store_id, uint64_t revision) = 0;
  virtual bool restoring() const = 0;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_STORE_STORE_H_
