#include "master/ctl/cluster_format.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace provisor::ctl {
namespace {

v1::SlaveStatusProto Slave(const std::string& id, const std::string& state, double age) {
  v1::SlaveStatusProto s;
  s.set_id(id);
  s.set_address("10.0.0.1:69");
  s.set_state(state);
  s.set_weight(100);
  s.set_effective_weight(state == "up" ? 100 : 0);
  s.set_heartbeat_age_s(age);
  s.set_active_sessions(3);
  s.set_transfers_per_s(12.25);
  s.set_applied_revision(40);
  s.set_revision_lag(2);
  return s;
}

TEST_CASE("cluster status prints one row per slave and a summary line") {
  v1::StatusResponse status;
  status.set_revision(42);
  status.set_role("root");
  status.set_max_slaves(16);
  *status.add_slaves() = Slave("s1", "up", 1.25);
  v1::SlaveStatusProto s2 = Slave("s2", "down", -1);
  s2.set_weight(250);
  s2.set_weight_overridden(true);
  *status.add_slaves() = s2;
  CHECK(FormatStatus(status) ==
        "ID  ADDRESS      STATE  WEIGHT  EFFECTIVE  LAST HEARTBEAT  SESSIONS  TRANSFERS/S  "
        "REVISION LAG\n"
        "s1  10.0.0.1:69  up     100     100        1.2s ago        3         12.2         2\n"
        "s2  10.0.0.1:69  down   250*    0          never           3         12.2         2\n"
        "master revision 42, role root, 2 slaves (max 16)\n"
        "* weight set by an operator\n");
  status.set_role("relay");
  status.set_upstream("10.1.1.1:7400");
  status.set_upstream_connected(true);
  status.clear_slaves();
  CHECK(FormatStatus(status).find(
            "master revision 42, role relay of 10.1.1.1:7400 (connected), 0 slaves (max 16)\n") !=
        std::string::npos);
}

TEST_CASE("cluster status JSON has plain numbers and every slave field") {
  v1::StatusResponse status;
  status.set_revision(42);
  status.set_role("root");
  v1::SlaveStatusProto s1 = Slave("s1", "up", 0.5);
  (*s1.mutable_failures())["bad_token"] = 4;
  *status.add_slaves() = s1;
  v1::ClusterEventProto* e = status.add_events();
  e->set_time_unix_ms(1800000000123);
  e->set_slave_id("s1");
  e->set_kind("up");
  e->set_reason("heartbeat from 10.0.0.1:69");
  nlohmann::json json = nlohmann::json::parse(StatusJson(status));
  CHECK(json["revision"] == 42);
  CHECK(json["role"] == "root");
  REQUIRE(json["slaves"].size() == 1);
  CHECK(json["slaves"][0]["id"] == "s1");
  CHECK(json["slaves"][0]["revision_lag"] == 2);
  CHECK(json["slaves"][0]["heartbeat_age_s"] == 0.5);
  CHECK(json["slaves"][0]["failures"]["bad_token"] == 4);
  CHECK(json["slaves"][0]["syncing"] == false);
  REQUIRE(json["events"].size() == 1);
  CHECK(json["events"][0]["time"] == "2027-01-15T08:00:00Z");
  CHECK(json["events"][0]["kind"] == "up");
  nlohmann::json slave = nlohmann::json::parse(SlaveJson(s1));
  CHECK(slave["weight"] == 100);
  CHECK(slave["state"] == "up");
}

TEST_CASE("cluster events print oldest first or say there are none") {
  CHECK(FormatEvents({}) == "no cluster events\n");
  v1::ClusterEventProto e;
  e.set_time_unix_ms(1800000000000);
  e.set_slave_id("s1");
  e.set_kind("down");
  e.set_reason("no heartbeat for 6.00 s (dead_after 6.00 s)");
  CHECK(FormatEvents({e}) ==
        "TIME                  SLAVE  EVENT  REASON\n"
        "2027-01-15T08:00:00Z  s1     down   no heartbeat for 6.00 s (dead_after 6.00 s)\n");
  CHECK(nlohmann::json::parse(EventsJson({e}))["events"][0]["slave_id"] == "s1");
}

TEST_CASE("heartbeat ages read as people say them") {
  CHECK(FormatAge(-1) == "never");
  CHECK(FormatAge(0.42) == "0.4s ago");
  CHECK(FormatAge(12.9) == "12s ago");
  CHECK(FormatAge(185) == "3m05s ago");
  CHECK(FormatAge(7800) == "2h10m ago");
  CHECK(FormatAge(3 * 86400) == "3d ago");
}

}  // namespace
}  // namespace provisor::ctl
