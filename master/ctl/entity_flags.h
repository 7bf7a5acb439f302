// The flags of `<kind> add` and `<kind> update` for the common fields
// (--id, --sip-domain, --line "+15551230001,ann,ann,secret,Ann Smith",
// --attr floor=3, --port 1=1 ...). They are thin names for the import
// columns of fields.h, so both accept the same values. Only the flags given
// are applied, over whatever the entity already holds; a repeated flag
// (--line, --port, --file-name) replaces that whole list.
//
// Thread-safety: not thread-safe; one per command.
#ifndef PROVISOR_MASTER_CTL_ENTITY_FLAGS_H_
#define PROVISOR_MASTER_CTL_ENTITY_FLAGS_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "provisor/v1/model.pb.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace provisor::ctl {

// How a flag's values become columns.
enum class FlagShape {
  kSingle,    // --name VALUE -> column
  kList,      // --file-name A --file-name B -> column "A;B"
  kKeyValue,  // --attr NAME=VALUE -> column "attr.NAME"
  kPort,      // --port N=LINE -> column "portN_line"
  kLine,      // --line "number,user,auth_user,password,display_name"
};

struct FlagSpec {
  const char* names;   // CLI11 names: "--sip-domain"
  const char* column;  // fields.h name, or the prefix for kKeyValue ("attr.")
  const char* help;
  FlagShape shape = FlagShape::kSingle;
};

// The flags of `kind`.
std::vector<FlagSpec> EntityFlagSpecs(v1::EntityKind kind);

// One given flag: the spec and its values in order.
struct GivenFlag {
  FlagSpec spec;
  std::vector<std::string> values;
};

// Applies given flags to `entity` (of `kind`). Errors name the flag:
// "--sip-dscp: '99' is out of range (0..63)".
Status ApplyFlags(v1::EntityKind kind, const std::vector<GivenFlag>& flags, v1::Entity* entity);

// Registers the flags of `kind` on `app` and collects the given ones.
class EntityFlags {
 public:
  EntityFlags(v1::EntityKind kind, CLI::App* app);
  // The flags given on the command line (after parsing).
  std::vector<GivenFlag> Given() const;
  bool key_given() const;

 private:
  struct Bound {
    FlagSpec spec;
    CLI::Option* option = nullptr;
    std::vector<std::string> values;
  };
  v1::EntityKind kind_;
  std::vector<Bound> bound_;  // reserved up front: options point into it
};

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_ENTITY_FLAGS_H_
