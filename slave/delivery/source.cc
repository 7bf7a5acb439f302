#include "slave/delivery/source.h"

namespace provisor {

std::string_view DeliveryProtocolName(DeliveryProtocol p) {
  switch (p) {
    case DeliveryProtocol::kTftp: return "tftp";
    case DeliveryProtocol::kHttp: return "http";
    case DeliveryProtocol::kHttps: return "https";
    case DeliveryProtocol::kSip: return "sip";
  }
  return "unknown";
}

}  // namespace provisor
