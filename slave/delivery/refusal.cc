#include "slave/delivery/refusal.h"

namespace provisor {

std::string_view DeliveryRefusalName(DeliveryRefusal r) {
  switch (r) {
    case DeliveryRefusal::kTokenMalformed: return "token_malformed";
    case DeliveryRefusal::kTokenBadTag: return "token_bad_tag";
    case DeliveryRefusal::kTokenUnknownEpoch: return "token_unknown_epoch";
    case DeliveryRefusal::kTokenExpiredEpoch: return "token_expired_epoch";
    case DeliveryRefusal::kTokenTooOld: return "token_too_old";
    case DeliveryRefusal::kTokenFromFuture: return "token_from_future";
    case DeliveryRefusal::kTokenWrongClientIp: return "token_wrong_client_ip";
    case DeliveryRefusal::kTokenWrongSuffix: return "token_wrong_suffix";
    case DeliveryRefusal::kDeviceUnknown: return "device_unknown";
    case DeliveryRefusal::kDeviceSuspended: return "device_suspended";
    case DeliveryRefusal::kNativeNameRefused: return "native_name_refused";
    case DeliveryRefusal::kNoData: return "no_data";
    case DeliveryRefusal::kRenderFailed: return "render_failed";
    case DeliveryRefusal::kCount: break;
  }
  return "unknown";
}

}  // namespace provisor
