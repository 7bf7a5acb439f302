#include "slave/tftp/delivery_content_provider.h"

#include <catch2/catch.hpp>

#include "tests/support/fake_delivery_source.h"

namespace provisor::tftp {
namespace {

TEST_CASE("the TFTP door asks the core for the name from the client, over tftp") {
  testing::FakeDeliverySource source;
  source.Serve("config bytes\n");
  DeliveryContentProvider door(&source);
  const SocketAddress client = *SocketAddress::Parse("10.1.2.3:5000");
  FetchResult r = door.Fetch("abc.cfg", client);
  REQUIRE(r.ok());
  CHECK(ReadAll(*r.content) == "config bytes\n");
  REQUIRE(source.asked().size() == 1);
  CHECK(source.asked()[0].protocol == DeliveryProtocol::kTftp);
  CHECK(source.asked()[0].name == "abc.cfg");
  CHECK(source.asked()[0].client.ToString() == client.ToString());
}

TEST_CASE("every refusal is answered with ERROR 1 only, labelled with its name") {
  for (size_t i = 0; i < static_cast<size_t>(DeliveryRefusal::kCount); ++i) {
    const auto refusal = static_cast<DeliveryRefusal>(i);
    INFO(DeliveryRefusalName(refusal));
    testing::FakeDeliverySource source;
    source.Refuse(refusal);
    DeliveryContentProvider door(&source);
    FetchResult r = door.Fetch("x.cfg", *SocketAddress::Parse("[2001:db8::10]:5000"));
    CHECK_FALSE(r.ok());
    CHECK(r.error == ErrorCode::kFileNotFound);
    CHECK(r.message == "File not found");
    CHECK(r.reason == DeliveryRefusalName(refusal));
  }
}

}  // namespace
}  // namespace provisor::tftp
