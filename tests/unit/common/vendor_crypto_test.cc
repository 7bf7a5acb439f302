#include "common/vendor_crypto.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;

constexpr auto kDeadline = std::chrono::seconds(30);

struct Decrypted {
  int exit_code = -1;
  bool wrote_output = false;
  std::string bytes;
  std::string command;
  std::string err;
};

// Writes `ciphertext` to a file whose name needs shell quoting, runs exactly
// OpenSslDecryptCommand() through /bin/sh -c and reads what it wrote.
Decrypted DecryptWithStockOpenSsl(VendorCipher cipher, std::string_view key,
                                  const std::string& ciphertext) {
  TempDir dir;
  const std::string in = dir.WriteFile("it's a profile.cfg", ciphertext);
  const std::string out = dir.path() + "/plain $HOME.xml";
  Decrypted result;
  result.command = OpenSslDecryptCommand(cipher, key, in, out);
  const CommandResult run = RunCommand({"/bin/sh", "-c", result.command}, kDeadline);
  result.exit_code = run.exit_code;
  result.err = run.err;
  result.wrote_output = std::filesystem::exists(out);
  if (result.wrote_output) result.bytes = dir.ReadFile("plain $HOME.xml");
  return result;
}

std::string Encrypt(VendorCipher cipher, std::string_view key, std::string_view plain) {
  StatusOr<std::string> encrypted = VendorEncrypt(cipher, key, plain);
  REQUIRE(encrypted.ok());
  return *encrypted;
}

std::string Rejection(VendorCipher cipher, std::string_view key) {
  StatusOr<std::string> encrypted = VendorEncrypt(cipher, key, "<config/>");
  REQUIRE_FALSE(encrypted.ok());
  CHECK(encrypted.status().code() == StatusCode::kInvalidArgument);
  CHECK(ValidateVendorKey(cipher, key) == encrypted.status());
  return encrypted.status().message();
}

std::string XmlConfig() {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n";
  for (int i = 0; xml.size() < 4096 - 40; ++i) {
    xml += "  <GPP_" + std::to_string(i) + " ua=\"na\">value " + std::to_string(i * 7919) +
           "</GPP_" + std::to_string(i) + ">\n";
  }
  xml += "</flat-profile>\n";
  return xml;
}

std::vector<std::string> Plaintexts() {
  std::string binary;
  for (int round = 0; round < 3; ++round) {
    for (int b = 0; b < 256; ++b) binary += static_cast<char>(b);
  }
  binary += std::string(5, '\0');
  return {"",
          "x",
          std::string(15, 'a'),
          std::string(16, 'b'),
          std::string(17, 'c'),
          XmlConfig(),
          binary};
}

size_t Padded(size_t n) { return (n / 16 + 1) * 16; }

struct Case {
  VendorCipher cipher;
  std::string key;
  std::string other_key;
};

std::vector<Case> Cases() {
  return {
      {VendorCipher::kCiscoAes256Cbc, "SecretPhrase1234", "SecretPhrase1235"},
      // Shell metacharacters, a single quote and a backslash in the passphrase.
      {VendorCipher::kCiscoAes256Cbc, "p@ss'w%rd!&;|`\\*(x)<y>#~", "p@ss'w%rd!&;|`\\*(x)<y>#!"},
      {VendorCipher::kYealinkAes128Ecb, "0123456789abcdef", "0123456789abcdeF"},
      {VendorCipher::kYealinkAes128Ecb, "A#b$c%d*e+f,g-h.", "A#b$c%d*e+f,g-h:"},
      {VendorCipher::kGigasetAes128Cbc, "0123456789abcdef", "0123456789abcdeg"},
      {VendorCipher::kGigasetAes128Cbc, std::string("\x00\xff'\" $\\\n\x7f\x80zZ9-_.~", 16),
       std::string(16, '\0')},
  };
}

TEST_CASE("Vendor crypto: stock openssl decrypts every cipher and plaintext size") {
  REQUIRE(testing::HaveProgram("openssl"));
  for (const Case& c : Cases()) {
    for (const std::string& plain : Plaintexts()) {
      INFO("cipher " << VendorCipherName(c.cipher) << ", " << plain.size() << " bytes");
      const std::string encrypted = Encrypt(c.cipher, c.key, plain);
      switch (c.cipher) {
        case VendorCipher::kCiscoAes256Cbc:
          CHECK(encrypted.size() == 16 + Padded(plain.size()));
          CHECK(encrypted.substr(0, 8) == "Salted__");
          break;
        case VendorCipher::kYealinkAes128Ecb:
          CHECK(encrypted.size() == Padded(plain.size()));
          break;
        case VendorCipher::kGigasetAes128Cbc:
          CHECK(encrypted.size() == 16 + Padded(plain.size()));
          break;
        case VendorCipher::kNone:
          break;
      }
      const Decrypted decrypted = DecryptWithStockOpenSsl(c.cipher, c.key, encrypted);
      INFO("command: " << decrypted.command << "\nstderr: " << decrypted.err);
      CHECK(decrypted.exit_code == 0);
      REQUIRE(decrypted.wrote_output);
      CHECK(decrypted.bytes == plain);
    }
  }
}

TEST_CASE("Vendor crypto: a wrong key does not give back the plaintext") {
  for (const Case& c : Cases()) {
    for (const std::string& plain : {std::string("x"), XmlConfig()}) {
      INFO("cipher " << VendorCipherName(c.cipher) << ", " << plain.size() << " bytes");
      const std::string encrypted = Encrypt(c.cipher, c.key, plain);
      const Decrypted decrypted = DecryptWithStockOpenSsl(c.cipher, c.other_key, encrypted);
      INFO("command: " << decrypted.command);
      // Usually "bad decrypt" (the padding check fails, exit code 1); if
      // the padding happens to look valid, the bytes still differ.
      CHECK(decrypted.bytes != plain);
    }
  }
}

TEST_CASE("Vendor crypto: salted and IV formats differ per encryption, ECB does not") {
  const std::string plain = XmlConfig();
  const std::string cisco_a = Encrypt(VendorCipher::kCiscoAes256Cbc, "SecretPhrase1234", plain);
  const std::string cisco_b = Encrypt(VendorCipher::kCiscoAes256Cbc, "SecretPhrase1234", plain);
  CHECK(cisco_a.substr(8, 8) != cisco_b.substr(8, 8));  // salt
  CHECK(cisco_a.substr(16) != cisco_b.substr(16));
  const std::string gigaset_a = Encrypt(VendorCipher::kGigasetAes128Cbc, "0123456789abcdef", plain);
  const std::string gigaset_b = Encrypt(VendorCipher::kGigasetAes128Cbc, "0123456789abcdef", plain);
  CHECK(gigaset_a.substr(0, 16) != gigaset_b.substr(0, 16));  // IV
  CHECK(gigaset_a.substr(16) != gigaset_b.substr(16));
  // Yealink's compatibility mode is AES-128-ECB: deterministic by design.
  CHECK(Encrypt(VendorCipher::kYealinkAes128Ecb, "0123456789abcdef", plain) ==
        Encrypt(VendorCipher::kYealinkAes128Ecb, "0123456789abcdef", plain));
}

TEST_CASE("Vendor crypto: output equals the vendors' documented openssl enc -e commands") {
  REQUIRE(testing::HaveProgram("openssl"));
  TempDir dir;
  const std::string plain = XmlConfig();
  const std::string in = dir.WriteFile("profile.xml", plain);

  SECTION("Cisco: openssl enc -e -aes-256-cbc -k KEY with OpenSSL 0.9.7's MD5 digest") {
    const std::string ours = Encrypt(VendorCipher::kCiscoAes256Cbc, "SecretPhrase1234", plain);
    std::string salt_hex;
    for (unsigned char c : ours.substr(8, 8)) {
      static constexpr char kDigits[] = "0123456789abcdef";
      salt_hex += kDigits[c >> 4];
      salt_hex += kDigits[c & 0xf];
    }
    const CommandResult r =
        RunCommand({"openssl", "enc", "-e", "-aes-256-cbc", "-md", "md5", "-k", "SecretPhrase1234",
                    "-S", salt_hex, "-in", in, "-out", dir.path() + "/profile.cfg"},
                   kDeadline);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    // Given -S, OpenSSL 3 writes no "Salted__" + salt header, only the body.
    CHECK(dir.ReadFile("profile.cfg") == ours.substr(16));
  }
  SECTION("Yealink: AES-128-ECB with the 16 key characters as the key bytes") {
    const CommandResult r = RunCommand({"openssl", "enc", "-e", "-aes-128-ecb", "-K",
                                        "30313233343536373839616263646566", "-in", in, "-out",
                                        dir.path() + "/y000000000044.cfg"},
                                       kDeadline);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(dir.ReadFile("y000000000044.cfg") ==
          Encrypt(VendorCipher::kYealinkAes128Ecb, "0123456789abcdef", plain));
  }
}

TEST_CASE("Vendor crypto: decrypt commands as the README shows them") {
  CHECK(OpenSslDecryptCommand(VendorCipher::kCiscoAes256Cbc, "SecretPhrase1234", "profile.cfg",
                              "profile.xml") ==
        "openssl enc -d -aes-256-cbc -md md5 -k SecretPhrase1234 -in profile.cfg -out "
        "profile.xml");
  CHECK(OpenSslDecryptCommand(VendorCipher::kYealinkAes128Ecb, "0123456789abcdef",
                              "001565aabbcc.cfg", "001565aabbcc.txt") ==
        "openssl enc -d -aes-128-ecb -K 30313233343536373839616263646566 -in 001565aabbcc.cfg "
        "-out 001565aabbcc.txt");
  CHECK(OpenSslDecryptCommand(VendorCipher::kGigasetAes128Cbc, "0123456789abcdef",
                              "7c2f80aabbcc.xml.enc", "7c2f80aabbcc.xml") ==
        "tail -c +17 7c2f80aabbcc.xml.enc | openssl enc -d -aes-128-cbc -K "
        "30313233343536373839616263646566 -iv \"$(head -c 16 7c2f80aabbcc.xml.enc | od -An -tx1 "
        "-v | tr -d ' \\n')\" -out 7c2f80aabbcc.xml");
  CHECK(OpenSslDecryptCommand(VendorCipher::kCiscoAes256Cbc, "it's", "a b", "c$d") ==
        "openssl enc -d -aes-256-cbc -md md5 -k 'it'\\''s' -in 'a b' -out 'c$d'");
  CHECK(OpenSslDecryptCommand(VendorCipher::kNone, "", "in", "out").empty());
}

TEST_CASE("Vendor crypto: bad keys are rejected with a clear message") {
  constexpr VendorCipher kCisco = VendorCipher::kCiscoAes256Cbc;
  constexpr VendorCipher kYealink = VendorCipher::kYealinkAes128Ecb;
  constexpr VendorCipher kGigaset = VendorCipher::kGigasetAes128Cbc;
  const std::string cisco_chars =
      "cisco-aes256-cbc key may contain only printable ASCII other than space, '\"' and '$'";
  CHECK(Rejection(kCisco, "") == "cisco-aes256-cbc key must not be empty");
  CHECK(Rejection(kCisco, std::string(257, 'k')) ==
        "cisco-aes256-cbc key must be at most 256 characters (got 257)");
  CHECK(Rejection(kCisco, "two words") == cisco_chars);
  CHECK(Rejection(kCisco, "say\"cheese") == cisco_chars);
  CHECK(Rejection(kCisco, "$GPP_B") == cisco_chars);
  CHECK(Rejection(kCisco, std::string("nul\0byte", 8)) == cisco_chars);
  CHECK(Rejection(kCisco, "tab\there") == cisco_chars);
  CHECK(Rejection(kCisco, "caf\xC3\xA9") == cisco_chars);
  CHECK(ValidateVendorKey(kCisco, std::string(256, 'k')).ok());

  const std::string yealink_chars =
      "yealink-aes key may contain only 0-9, A-Z, a-z and # $ % * + , - . : = ? @ [ ] ^ _ { } ~";
  CHECK(Rejection(kYealink, "") == "yealink-aes key must be exactly 16 characters (got 0)");
  CHECK(Rejection(kYealink, "0123456789abcde") ==
        "yealink-aes key must be exactly 16 characters (got 15)");
  CHECK(Rejection(kYealink, "0123456789abcdef0") ==
        "yealink-aes key must be exactly 16 characters (got 17)");
  CHECK(Rejection(kYealink, std::string(32, 'k')) ==
        "yealink-aes key must be exactly 16 characters (got 32)");
  CHECK(Rejection(kYealink, "0123456789abcde ") == yealink_chars);
  CHECK(Rejection(kYealink, "0123456789abcde!") == yealink_chars);
  CHECK(Rejection(kYealink, "0123456789abcde/") == yealink_chars);
  CHECK(Rejection(kYealink, "0123456789abcd\xC3\xA9") == yealink_chars);
  CHECK(ValidateVendorKey(kYealink, "09AZaz#$%*+,-.:=").ok());
  CHECK(ValidateVendorKey(kYealink, "?@[]^_{}~0123456").ok());

  CHECK(Rejection(kGigaset, "") == "gigaset-aes128 key must be exactly 16 bytes (got 0)");
  CHECK(Rejection(kGigaset, std::string(15, 'k')) ==
        "gigaset-aes128 key must be exactly 16 bytes (got 15)");
  CHECK(Rejection(kGigaset, std::string(17, 'k')) ==
        "gigaset-aes128 key must be exactly 16 bytes (got 17)");
  CHECK(Rejection(kGigaset, "0123456789abcdef0123456789abcdef") ==
        "gigaset-aes128 key must be exactly 16 bytes (got 32)");

  // Messages never carry the secret.
  CHECK(Rejection(kYealink, "SecretKey123456").find("SecretKey") == std::string::npos);
}

TEST_CASE("Vendor crypto: no cipher passes the bytes through") {
  CHECK(Encrypt(VendorCipher::kNone, "", "<config/>") == "<config/>");
  CHECK(Encrypt(VendorCipher::kNone, "ignored", "") == "");
}

TEST_CASE("Vendor crypto: ParseVendorCipher names") {
  auto parse = [](std::string_view name) {
    StatusOr<VendorCipher> cipher = ParseVendorCipher(name);
    REQUIRE(cipher.ok());
    return *cipher;
  };
  CHECK(parse("") == VendorCipher::kNone);
  CHECK(parse("none") == VendorCipher::kNone);
  CHECK(parse("cisco-aes256-cbc") == VendorCipher::kCiscoAes256Cbc);
  CHECK(parse("yealink-aes") == VendorCipher::kYealinkAes128Ecb);
  CHECK(parse("gigaset-aes128") == VendorCipher::kGigasetAes128Cbc);
  for (VendorCipher c : {VendorCipher::kNone, VendorCipher::kCiscoAes256Cbc,
                         VendorCipher::kYealinkAes128Ecb, VendorCipher::kGigasetAes128Cbc}) {
    CHECK(parse(VendorCipherName(c)) == c);
  }
  for (std::string_view bad : {"Yealink-AES", "aes", " yealink-aes", "cisco"}) {
    StatusOr<VendorCipher> cipher = ParseVendorCipher(bad);
    REQUIRE_FALSE(cipher.ok());
    CHECK(cipher.status().code() == StatusCode::kInvalidArgument);
  }
  CHECK(ParseVendorCipher("cisco").status().message() ==
        "unknown vendor cipher 'cisco' (use cisco-aes256-cbc, yealink-aes, gigaset-aes128 or "
        "none)");
}

}  // namespace
}  // namespace provisor
