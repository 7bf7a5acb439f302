// BindingRecorder against a real LMDB store with a fake clock: ACKed
// bindings land in one batch per flush, renewals within `refresh` write
// nothing, unknown and since-deleted devices are skipped without losing the
// others, a full queue drops and counts; and the store's kSetBinding changes
// only last_binding, which OSS updates keep.
#include "master/cluster/binding_recorder.h"

#include <catch2/catch.hpp>

#include "master/store/lmdb_store.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

struct Fixture {
  Fixture() {
    StoreOptions options;
    options.data_dir = dir.path();
    auto opened = LmdbStore::Open(options, &clock);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    v1::Entity t, m;
    t.mutable_template_()->set_id("t");
    t.mutable_template_()->set_body("x");
    m.mutable_model()->set_id("m");
    m.mutable_model()->set_template_id("t");
    Write({Mutation::Put(WriteOp::kCreate, t), Mutation::Put(WriteOp::kCreate, m)});
    for (const char* mac : {"00:00:00:00:00:01", "00:00:00:00:00:02", "00:00:00:00:00:03"}) {
      Write({Mutation::Put(WriteOp::kCreate, Device(mac, "SN"))});
    }
  }
  static v1::Entity Device(const std::string& mac, const std::string& serial) {
    v1::Entity d;
    d.mutable_device()->set_mac(mac);
    d.mutable_device()->set_model("m");
    d.mutable_device()->set_serial(serial);
    return d;
  }
  void Write(std::vector<Mutation> m) { REQUIRE(store->Write(std::move(m)).ok()); }
  v1::Device Get(const std::string& mac) {
    auto e = store->Get(v1::ENTITY_KIND_DEVICE, mac);
    REQUIRE(e.ok());
    return e->device();
  }
  int64_t NowUnix() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.WallNow().time_since_epoch())
        .count();
  }

  testing::TempDir dir;
  FakeClock clock;
  std::unique_ptr<LmdbStore> store;
};

TEST_CASE("bindings are written in one batch per flush, the latest per MAC") {
  Fixture f;
  BindingRecorder recorder(f.store.get(), &f.clock);
  const uint64_t before = f.store->revision();
  recorder.Record("00:00:00:00:00:01", "10.0.0.1");
  recorder.Record("00:00:00:00:00:02", "10.0.0.2");
  recorder.Record("00:00:00:00:00:01", "10.0.0.11");  // a second ACK before the flush
  recorder.Record("00:00:00:00:00:99", "10.0.0.99");  // not a device
  CHECK(f.store->revision() == before);               // Record never writes
  CHECK(recorder.Flush() == 2);
  CHECK(f.store->revision() == before + 1);
  CHECK(f.Get("00:00:00:00:00:01").last_binding().ip() == "10.0.0.11");
  CHECK(f.Get("00:00:00:00:00:01").last_binding().time_unix() == f.NowUnix());
  CHECK(f.Get("00:00:00:00:00:01").serial() == "SN");  // nothing else changed
  CHECK(f.Get("00:00:00:00:00:02").last_binding().ip() == "10.0.0.2");
  CHECK(recorder.counters().recorded == 2);
  CHECK(recorder.counters().unknown == 1);
  CHECK(recorder.Flush() == 0);  // nothing queued: no write
  CHECK(f.store->revision() == before + 1);
}

TEST_CASE("a renewal keeps the stored binding until it is older than refresh") {
  Fixture f;
  BindingRecorderOptions options;
  options.refresh = std::chrono::minutes(10);
  BindingRecorder recorder(f.store.get(), &f.clock, options);
  recorder.Record("00:00:00:00:00:01", "10.0.0.1");
  REQUIRE(recorder.Flush() == 1);
  const int64_t first = f.NowUnix();
  f.clock.Advance(std::chrono::minutes(9));
  recorder.Record("00:00:00:00:00:01", "10.0.0.1");
  CHECK(recorder.Flush() == 0);
  CHECK(recorder.counters().unchanged == 1);
  CHECK(f.Get("00:00:00:00:00:01").last_binding().time_unix() == first);
  f.clock.Advance(std::chrono::minutes(2));
  recorder.Record("00:00:00:00:00:01", "10.0.0.1");
  CHECK(recorder.Flush() == 1);
  CHECK(f.Get("00:00:00:00:00:01").last_binding().time_unix() == first + 11 * 60);
  recorder.Record("00:00:00:00:00:01", "10.0.0.7");  // a new address: at once
  CHECK(recorder.Flush() == 1);
  CHECK(f.Get("00:00:00:00:00:01").last_binding().ip() == "10.0.0.7");
}

TEST_CASE("a full queue drops new MACs and counts them") {
  Fixture f;
  BindingRecorderOptions options;
  options.max_pending = 2;
  BindingRecorder recorder(f.store.get(), &f.clock, options);
  recorder.Record("00:00:00:00:00:01", "10.0.0.1");
  recorder.Record("00:00:00:00:00:02", "10.0.0.2");
  recorder.Record("00:00:00:00:00:03", "10.0.0.3");
  recorder.Record("00:00:00:00:00:02", "10.0.0.22");  // already queued: updated
  CHECK(recorder.counters().dropped == 1);
  CHECK(recorder.Flush() == 2);
  CHECK(f.Get("00:00:00:00:00:02").last_binding().ip() == "10.0.0.22");
  CHECK_FALSE(f.Get("00:00:00:00:00:03").has_last_binding());
}

TEST_CASE("kSetBinding changes only the binding and refuses a missing device") {
  Fixture f;
  v1::Entity b;
  b.mutable_device()->set_mac("00:00:00:00:00:02");
  b.mutable_device()->mutable_last_binding()->set_ip("10.0.0.2");
  b.mutable_device()->mutable_last_binding()->set_time_unix(42);
  v1::Entity gone = b;
  gone.mutable_device()->set_mac("00:00:00:00:00:77");
  size_t failed = 0;
  auto r = f.store->Write({Mutation::Put(WriteOp::kSetBinding, b),
                           Mutation::Put(WriteOp::kSetBinding, gone)},
                          &failed);
  CHECK(r.status().code() == StatusCode::kNotFound);
  CHECK(failed == 1);
  CHECK_FALSE(f.Get("00:00:00:00:00:02").has_last_binding());  // all or nothing
  f.Write({Mutation::Put(WriteOp::kSetBinding, b)});
  CHECK(f.Get("00:00:00:00:00:02").model() == "m");
  CHECK(f.Get("00:00:00:00:00:02").last_binding().time_unix() == 42);
  // An OSS update (which knows nothing of bindings) keeps it; one that
  // carries a binding replaces it.
  f.Write({Mutation::Put(WriteOp::kUpdate, Fixture::Device("00:00:00:00:00:02", "SN-2"))});
  CHECK(f.Get("00:00:00:00:00:02").serial() == "SN-2");
  CHECK(f.Get("00:00:00:00:00:02").last_binding().ip() == "10.0.0.2");
  v1::Entity with = Fixture::Device("00:00:00:00:00:02", "SN-3");
  with.mutable_device()->mutable_last_binding()->set_ip("10.0.0.3");
  f.Write({Mutation::Put(WriteOp::kUpsert, with)});
  CHECK(f.Get("00:00:00:00:00:02").last_binding().ip() == "10.0.0.3");
}

}  // namespace
}  // namespace provisor
