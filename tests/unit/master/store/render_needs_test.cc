// The store refuses, inside its write transaction, what could never render:
// a device without the key its model's encryption needs.
#include <catch2/catch.hpp>

#include "common/clock.h"
#include "master/store/lmdb_store.h"
#include "tests/support/store_entities.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::Device;
using testing::Model;
using testing::Template;

v1::Entity EncryptingModel(const std::string& id, const std::string& cipher) {
  v1::Entity e = Model(id, "t1");
  e.mutable_model()->set_encryption(cipher);
  return e;
}

v1::Entity KeyedDevice(const std::string& mac, const std::string& model, const std::string& key) {
  v1::Entity e = Device(mac, model);
  e.mutable_device()->set_secret(key);
  return e;
}

struct Fixture {
  Fixture() {
    StoreOptions options;
    options.data_dir = dir.path();
    auto opened = LmdbStore::Open(options, &clock);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    REQUIRE(Write({Template("t1"), Model("plain", "t1"), EncryptingModel("enc", "yealink-aes")})
                .ok());
  }
  Status Write(std::vector<v1::Entity> entities, WriteOp op = WriteOp::kCreate,
               size_t* failed = nullptr) {
    std::vector<Mutation> m;
    for (v1::Entity& e : entities) m.push_back(Mutation::Put(op, std::move(e)));
    return store->Write(std::move(m), failed).status();
  }
  testing::TempDir dir;
  FakeClock clock;
  std::unique_ptr<LmdbStore> store;
};

TEST_CASE("store: a device of an encrypting model needs a key that fits") {
  Fixture f;
  Status s = f.Write({Device("aa:bb:cc:dd:ee:01", "enc")});
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message() == "device aa:bb:cc:dd:ee:01: secret is required: model enc encrypts with "
                       "yealink-aes");
  s = f.Write({KeyedDevice("aa:bb:cc:dd:ee:01", "enc", "short")});
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message() == "device aa:bb:cc:dd:ee:01: secret does not fit model enc's encryption: "
                       "yealink-aes key must be exactly 16 characters (got 5)");
  CHECK(f.Write({KeyedDevice("aa:bb:cc:dd:ee:01", "enc", "0123456789abcdef")}).ok());
  CHECK(f.Write({Device("aa:bb:cc:dd:ee:02", "plain")}).ok());
  // An update that drops the key is refused too.
  CHECK(f.Write({Device("aa:bb:cc:dd:ee:01", "enc")}, WriteOp::kUpdate).code() ==
        StatusCode::kFailedPrecondition);
  // Moving a keyless device to the encrypting model is refused.
  CHECK(f.Write({Device("aa:bb:cc:dd:ee:02", "enc")}, WriteOp::kUpsert).message() ==
        "device aa:bb:cc:dd:ee:02: secret is required: model enc encrypts with yealink-aes");
}

TEST_CASE("store: an import batch stops at the first keyless device") {
  Fixture f;
  std::vector<v1::Entity> batch;
  batch.push_back(KeyedDevice("aa:bb:cc:dd:ee:01", "enc", "0123456789abcdef"));
  batch.push_back(Device("aa:bb:cc:dd:ee:02", "enc"));
  batch.push_back(Device("aa:bb:cc:dd:ee:03", "plain"));
  size_t failed = 99;
  Status s = f.Write(std::move(batch), WriteOp::kCreate, &failed);
  CHECK(failed == 1);
  CHECK(s.message() == "device aa:bb:cc:dd:ee:02: secret is required: model enc encrypts with "
                       "yealink-aes");
  CHECK(f.store->Get(v1::ENTITY_KIND_DEVICE, "aa:bb:cc:dd:ee:01").status().code() ==
        StatusCode::kNotFound);
  // A model and its keyed devices in one batch resolve in order.
  CHECK(f.Write({EncryptingModel("cisco", "cisco-aes256-cbc"),
                 KeyedDevice("aa:bb:cc:dd:ee:04", "cisco", "SpaProfileKey42")})
            .ok());
}

TEST_CASE("store: a model's encryption changes only if its devices' keys fit") {
  Fixture f;
  REQUIRE(f.Write({Device("aa:bb:cc:dd:ee:01", "plain"),
                   KeyedDevice("aa:bb:cc:dd:ee:02", "plain", "0123456789abcdef")})
              .ok());
  Status s = f.Write({EncryptingModel("plain", "yealink-aes")}, WriteOp::kUpdate);
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message() == "model plain: encryption cannot change to yealink-aes: device "
                       "aa:bb:cc:dd:ee:01: secret is required: model plain encrypts with "
                       "yealink-aes");
  REQUIRE(f.Write({KeyedDevice("aa:bb:cc:dd:ee:01", "plain", "fedcba9876543210")},
                  WriteOp::kUpdate)
              .ok());
  CHECK(f.Write({EncryptingModel("plain", "yealink-aes")}, WriteOp::kUpdate).ok());
  // Back to none is always fine.
  CHECK(f.Write({Model("plain", "t1")}, WriteOp::kUpdate).ok());
}

}  // namespace
}  // namespace provisor
