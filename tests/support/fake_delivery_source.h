// FakeDeliverySource: an in-process DeliverySource for tests of the doors.
// It answers every request with the bytes or the refusal it was given and
// remembers what it was asked.
//
// Thread-safety: none; one test thread.
#ifndef PROVISOR_TESTS_SUPPORT_FAKE_DELIVERY_SOURCE_H_
#define PROVISOR_TESTS_SUPPORT_FAKE_DELIVERY_SOURCE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "slave/delivery/source.h"

namespace provisor::testing {

class FakeDeliverySource final : public DeliverySource {
 public:
  // A request as the fake saw it (the name copied out of the request).
  struct Asked {
    DeliveryProtocol protocol;
    std::string name;
    SocketAddress client;
  };

  void Serve(std::string bytes) {
    answer_ = DeliveryResult::Ok(std::make_shared<StringContent>(std::move(bytes)));
  }
  void Refuse(DeliveryRefusal reason) { answer_ = DeliveryResult::Refused(reason); }

  DeliveryResult Deliver(const DeliveryRequest& request) override {
    asked_.push_back(Asked{request.protocol, std::string(request.name), request.client});
    return answer_;
  }

  const std::vector<Asked>& asked() const { return asked_; }

 private:
  DeliveryResult answer_ = DeliveryResult::Refused(DeliveryRefusal::kNoData);
  std::vector<Asked> asked_;
};

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_FAKE_DELIVERY_SOURCE_H_
