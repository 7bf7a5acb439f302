// Identities from client certificates (make-certs.sh's per-role leaves and
// hand-made ones) and from API tokens.
#include <catch2/catch.hpp>

#include <string>

#include "master/auth/identity.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::RunCommand;
using testing::TempDir;

// A self-signed certificate with `subject`, made by the openssl command line.
std::string SelfSigned(const TempDir& dir, const std::string& subject) {
  const std::string key = dir.path() + "/k.pem", cert = dir.path() + "/c.pem";
  REQUIRE(RunCommand({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                      "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-subj",
                      subject, "-days", "1"})
              .exit_code == 0);
  return dir.ReadFile("c.pem");
}

TEST_CASE("a certificate's CN is the name and its O entries that are roles are the roles") {
  TempDir dir;
  StatusOr<Identity> slave = IdentityFromCertificate(SelfSigned(dir, "/O=slave/CN=edge-7"));
  REQUIRE(slave.ok());
  CHECK(slave->name == "edge-7");
  CHECK(slave->roles == RoleSet::Of(Role::kSlave));
  CHECK(slave->source == Identity::Source::kCertificate);
  CHECK(slave->Describe() == "certificate edge-7 (slave)");

  StatusOr<Identity> two = IdentityFromCertificate(
      SelfSigned(dir, "/O=Example Cable/O=operator/O=dhcp/CN=oss-billing"));
  REQUIRE(two.ok());
  CHECK(two->name == "oss-billing");
  CHECK(two->roles == RoleSet::Of(Role::kOperator).With(Role::kDhcp));

  // A certificate of the same CA with no role holds none.
  StatusOr<Identity> none = IdentityFromCertificate(SelfSigned(dir, "/O=Example/CN=someone"));
  REQUIRE(none.ok());
  CHECK(none->roles.empty());

  StatusOr<Identity> nameless = IdentityFromCertificate(SelfSigned(dir, "/O=admin"));
  CHECK(nameless.status().code() == StatusCode::kInvalidArgument);
  CHECK(nameless.status().message() == "the client certificate has no subject CommonName");
  CHECK(IdentityFromCertificate("not a certificate").status().message() ==
        "the client certificate is not PEM");
}

TEST_CASE("API tokens are matched by their SHA-256, and only exactly") {
  StatusOr<Sha256Digest> digest = ParseSha256Hex(
      "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08");  // "test"
  REQUIRE(digest.ok());
  CHECK(*digest == Sha256("test"));
  ApiTokens tokens({ApiToken{"alice", Role::kOperator, *digest},
                    ApiToken{"scraper", Role::kReader, Sha256("scrape-token-0123")}});
  std::optional<Identity> alice = tokens.Find("test");
  REQUIRE(alice.has_value());
  CHECK(alice->name == "alice");
  CHECK(alice->roles == RoleSet::Of(Role::kOperator));
  CHECK(alice->source == Identity::Source::kToken);
  CHECK(tokens.Find("scrape-token-0123")->name == "scraper");
  CHECK_FALSE(tokens.Find("test ").has_value());
  CHECK_FALSE(tokens.Find("").has_value());
  CHECK(ParseSha256Hex("abc").status().message() == "a SHA-256 is 64 hex digits, not 3 characters");
  CHECK(ParseSha256Hex(std::string(64, 'g')).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace provisor
