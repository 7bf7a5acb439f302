// DeliveryRefusal: why the delivery core refused a request, the same for
// every door. Each reason has a stable low-cardinality name that metrics
// (`provisor_slave_token_refusals_total{reason}`), heartbeat failure counts
// and logs use; the names never change. A door tells its client only that
// the file does not exist (no detail leaked).
//
// Thread-safety: plain values and pure functions.
#ifndef PROVISOR_SLAVE_DELIVERY_REFUSAL_H_
#define PROVISOR_SLAVE_DELIVERY_REFUSAL_H_

#include <string_view>

namespace provisor {

enum class DeliveryRefusal {
  kTokenMalformed = 0,
  kTokenBadTag,
  kTokenUnknownEpoch,
  kTokenExpiredEpoch,
  kTokenTooOld,
  kTokenFromFuture,
  kTokenWrongClientIp,
  kTokenWrongSuffix,   // a genuine token asked for with another suffix than minted
  kDeviceUnknown,
  kDeviceSuspended,
  kNativeNameRefused,  // native names off, not the model's, or not from the bound IP
  kNoData,             // nothing synced yet
  kRenderFailed,
  kCount,
};

// "token_malformed", "device_unknown", ...; "unknown" for kCount.
std::string_view DeliveryRefusalName(DeliveryRefusal r);

}  // namespace provisor

#endif  // PROVISOR_SLAVE_DELIVERY_REFUSAL_H_
