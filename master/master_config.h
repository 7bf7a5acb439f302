// MasterConfig: the typed contents of master.toml (see README
// "Configuration"). Every key has a default except data_dir; unknown keys
// and out-of-range values are errors that name the key.
//
// Thread-safety: value type.
#ifndef PROVISOR_MASTER_MASTER_CONFIG_H_
#define PROVISOR_MASTER_MASTER_CONFIG_H_

#include <string>

#include "common/config_reader.h"
#include "common/status.h"
#include "master/generation.h"
#include "master/store/lmdb_store.h"

namespace provisor {

struct MasterConfig {
  std::string grpc_listen = "127.0.0.1:7400";
  std::string log_level = "info";
  StoreOptions store;  // data_dir is required
  GenerationOptions generation;  // [tokens]
};

StatusOr<MasterConfig> LoadMasterConfig(ConfigReader& reader);
StatusOr<MasterConfig> LoadMasterConfigFile(const std::string& path);

}  // namespace provisor

#endif  // PROVISOR_MASTER_MASTER_CONFIG_H_
