#include "slave/delivery/refusal.h"

#include <catch2/catch.hpp>
#include <iterator>
#include <set>
#include <string>
#include <utility>

namespace provisor {
namespace {

// Metrics (provisor_slave_token_refusals_total{reason}) and heartbeat failure
// counts carry these names: they never change.
TEST_CASE("every delivery refusal keeps its name") {
  const std::pair<DeliveryRefusal, std::string_view> expected[] = {
      {DeliveryRefusal::kTokenMalformed, "token_malformed"},
      {DeliveryRefusal::kTokenBadTag, "token_bad_tag"},
      {DeliveryRefusal::kTokenUnknownEpoch, "token_unknown_epoch"},
      {DeliveryRefusal::kTokenExpiredEpoch, "token_expired_epoch"},
      {DeliveryRefusal::kTokenTooOld, "token_too_old"},
      {DeliveryRefusal::kTokenFromFuture, "token_from_future"},
      {DeliveryRefusal::kTokenWrongClientIp, "token_wrong_client_ip"},
      {DeliveryRefusal::kTokenWrongSuffix, "token_wrong_suffix"},
      {DeliveryRefusal::kDeviceUnknown, "device_unknown"},
      {DeliveryRefusal::kDeviceSuspended, "device_suspended"},
      {DeliveryRefusal::kNativeNameRefused, "native_name_refused"},
      {DeliveryRefusal::kNoData, "no_data"},
      {DeliveryRefusal::kRenderFailed, "render_failed"},
  };
  REQUIRE(std::size(expected) == static_cast<size_t>(DeliveryRefusal::kCount));
  std::set<std::string_view> names;
  for (const auto& [refusal, name] : expected) {
    CHECK(DeliveryRefusalName(refusal) == name);
    names.insert(name);
  }
  CHECK(names.size() == std::size(expected));
  CHECK(DeliveryRefusalName(DeliveryRefusal::kCount) == "unknown");
}

}  // namespace
}  // namespace provisor
