// DeliveryContentProvider: the TFTP door to the delivery core. It asks a
// DeliverySource for DeliveryRequest{tftp, name, client} and answers the
// bytes, or, for any refusal, ERROR 1 "File not found" (nothing about the
// reason reaches the client) with the refusal's name as the counter label.
//
// Thread-safety: Fetch is thread-safe if the source's Deliver is.
// REQUIRES: the source outlives this object.
#ifndef PROVISOR_SLAVE_TFTP_DELIVERY_CONTENT_PROVIDER_H_
#define PROVISOR_SLAVE_TFTP_DELIVERY_CONTENT_PROVIDER_H_

#include <string_view>

#include "common/socket_address.h"
#include "slave/delivery/source.h"
#include "slave/tftp/content.h"

namespace provisor::tftp {

class DeliveryContentProvider final : public ContentProvider {
 public:
  explicit DeliveryContentProvider(DeliverySource* source) : source_(source) {}

  FetchResult Fetch(std::string_view name, const SocketAddress& client) override;

 private:
  DeliverySource* source_;
};

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_DELIVERY_CONTENT_PROVIDER_H_
