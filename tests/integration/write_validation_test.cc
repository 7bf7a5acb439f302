// The real provisor-master refuses at write time what could crash it or
// never render: hostile templates (the 40 KB tag that crashed std::regex,
// 8,000 nested sections) and devices without the key their model's
// encryption needs, through Create and through the streaming Import.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "provisor/v1/admin.grpc.pb.h"
#include "tests/support/master_process.h"
#include "tests/support/store_entities.h"

namespace provisor {
namespace {

struct Master : testing::MasterProcess {
  Master()
      : stub(v1::Admin::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}

  grpc::Status Create(const v1::Entity& e) {
    grpc::ClientContext ctx;
    v1::WriteRequest req;
    *req.mutable_entity() = e;
    v1::WriteResponse resp;
    return stub->Create(&ctx, req, &resp);
  }
  // Imports `entities` in one batch; its result.
  v1::ImportBatchResult Import(const std::vector<v1::Entity>& entities) {
    grpc::ClientContext ctx;
    auto stream = stub->Import(&ctx);
    v1::ImportChunk chunk;
    chunk.set_batch_size(100);
    for (size_t i = 0; i < entities.size(); ++i) {
      v1::ImportRow* row = chunk.add_rows();
      row->set_row(i + 2);  // the CSV line: header is line 1
      *row->mutable_entity() = entities[i];
    }
    REQUIRE(stream->Write(chunk));
    stream->WritesDone();
    std::vector<v1::ImportBatchResult> results;
    v1::ImportBatchResult r;
    while (stream->Read(&r)) results.push_back(r);
    REQUIRE(stream->Finish().ok());
    REQUIRE(results.size() == 1);
    return results[0];
  }
  bool Answers() {
    grpc::ClientContext ctx;
    v1::InfoResponse info;
    return stub->Info(&ctx, v1::InfoRequest(), &info).ok();
  }
  std::unique_ptr<v1::Admin::Stub> stub;
};

using testing::Template;

// A model on template "tpl" that encrypts with `encryption`.
v1::Entity Model(const std::string& id, const std::string& encryption) {
  v1::Entity e = testing::Model(id, "tpl");
  e.mutable_model()->set_encryption(encryption);
  return e;
}

// A device of `model` whose secret is `key`.
v1::Entity Device(const std::string& mac, const std::string& model, const std::string& key) {
  v1::Entity e = testing::Device(mac, model);
  e.mutable_device()->set_secret(key);
  return e;
}

std::string Nested(int depth) {
  std::string body;
  for (int i = 0; i < depth; ++i) body += "{{#s}}\n";
  for (int i = 0; i < depth; ++i) body += "{{/s}}";
  return body;
}

TEST_CASE("master admin: hostile templates are refused at Create and Import; the master answers") {
  Master m;
  grpc::Status tag = m.Create(Template("t1", "{{" + std::string(40'000, 'a') + "}}"));
  CHECK(tag.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(tag.error_message() == "template t1: line 1, column 1: tag name longer than 128 bytes");
  grpc::Status nested = m.Create(Template("t2", Nested(8'000)));
  CHECK(nested.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(nested.error_message() == "template t2: line 65, column 1: sections nested deeper than 64");
  REQUIRE(m.Answers());

  v1::ImportBatchResult imported = m.Import(
      {Template("ok", "x={{x}}\n"), Template("t3", "{{" + std::string(40'000, 'b') + "}}")});
  CHECK_FALSE(imported.committed());
  REQUIRE(imported.errors_size() == 1);
  CHECK(imported.errors(0).row() == 3);
  CHECK(imported.errors(0).message() ==
        "template t3: line 1, column 1: tag name longer than 128 bytes");

  REQUIRE(m.Answers());
  CHECK(m.Create(Template("tpl", "x={{x}}\n")).ok());
}

TEST_CASE("master admin: a device of an encrypting model needs its key at Create and Import") {
  Master m;
  REQUIRE(m.Create(Template("tpl", "x={{x}}\n")).ok());
  grpc::Status unknown = m.Create(Model("odd", "rot13"));
  CHECK(unknown.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(unknown.error_message() ==
        "device model odd: encryption: unknown vendor cipher 'rot13' (use cisco-aes256-cbc, "
        "yealink-aes, gigaset-aes128 or none)");
  REQUIRE(m.Create(Model("enc", "yealink-aes")).ok());

  grpc::Status keyless = m.Create(Device("00:15:65:aa:bb:01", "enc", ""));
  CHECK(keyless.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(keyless.error_message() ==
        "device 00:15:65:aa:bb:01: secret is required: model enc encrypts with yealink-aes");
  CHECK(m.Create(Device("00:15:65:aa:bb:01", "enc", "0123456789abcdef")).ok());

  v1::ImportBatchResult imported = m.Import({Device("00:15:65:aa:bb:02", "enc", "fedcba9876543210"),
                                             Device("00:15:65:aa:bb:03", "enc", "")});
  CHECK_FALSE(imported.committed());
  REQUIRE(imported.errors_size() == 1);
  CHECK(imported.errors(0).row() == 3);
  CHECK(imported.errors(0).message() ==
        "device 00:15:65:aa:bb:03: secret is required: model enc encrypts with yealink-aes");
}

}  // namespace
}  // namespace provisor
