#include "slave/tftp/delivery_content_provider.h"

#include <string>
#include <utility>

namespace provisor::tftp {

FetchResult DeliveryContentProvider::Fetch(std::string_view name, const SocketAddress& client) {
  DeliveryRequest request;
  request.protocol = DeliveryProtocol::kTftp;
  request.name = name;
  request.client = client;
  DeliveryResult delivered = source_->Deliver(request);
  if (!delivered.ok()) {
    return FetchResult::Error(ErrorCode::kFileNotFound, "File not found",
                              std::string(DeliveryRefusalName(delivered.refusal)));
  }
  return FetchResult::Ok(std::move(delivered.content));
}

}  // namespace provisor::tftp
