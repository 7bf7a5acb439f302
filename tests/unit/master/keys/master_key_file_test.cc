#include "master/keys/master_key_file.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::TempDir;

std::string Hex(const MasterKey& key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : key) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("master key file: the default is a directory next to data_dir") {
  CHECK(DefaultMasterKeyPath("/var/lib/provisor") == "/var/lib/provisor-keys/token-master.key");
  CHECK(DefaultMasterKeyPath("/var/lib/provisor/") == "/var/lib/provisor-keys/token-master.key");
}

TEST_CASE("master key file: created once with mode 0600, then read back") {
  TempDir root;
  const std::string data = root.path() + "/data";
  REQUIRE(::mkdir(data.c_str(), 0755) == 0);
  const std::string path = DefaultMasterKeyPath(data);
  StatusOr<LoadedMasterKey> made = LoadMasterKey(path, data, /*create=*/true);
  REQUIRE(made.ok());
  CHECK(made->created);
  CHECK(ModeOf(path) == 0600);
  CHECK(ModeOf(root.path() + "/data-keys") == 0700);
  CHECK(root.ReadFile("data-keys/token-master.key") == Hex(made->key) + "\n");
  StatusOr<LoadedMasterKey> again = LoadMasterKey(path, data, /*create=*/true);
  REQUIRE(again.ok());
  CHECK_FALSE(again->created);
  CHECK(again->key == made->key);
}

TEST_CASE("master key file: refusals name the file") {
  TempDir root;
  const std::string data = root.path() + "/data";
  REQUIRE(::mkdir(data.c_str(), 0755) == 0);
  const std::string good(64, 'a');

  SECTION("missing and not to be created") {
    StatusOr<LoadedMasterKey> r = LoadMasterKey(root.path() + "/k", data, false);
    CHECK(r.status().code() == StatusCode::kNotFound);
  }
  SECTION("inside data_dir, also through a symlink or ..") {
    for (const std::string& path :
         {data + "/k", data + "/../data/k", root.path() + "/link/k"}) {
      std::filesystem::create_directory_symlink(data, root.path() + "/link");
      INFO(path);
      StatusOr<LoadedMasterKey> r = LoadMasterKey(path, data, true);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().message().find("master key file " + path + " is inside data_dir " + data) ==
            0);
      std::filesystem::remove(root.path() + "/link");
    }
    CHECK_FALSE(std::filesystem::exists(data + "/k"));
    // Its directory is not made either.
    StatusOr<LoadedMasterKey> r = LoadMasterKey(data + "/sub/k", data, true);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("is inside data_dir") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(data + "/sub"));
  }
  SECTION("readable by group or others") {
    const std::string path = root.WriteFile("k", good);
    ::chmod(path.c_str(), 0640);
    StatusOr<LoadedMasterKey> r = LoadMasterKey(path, data, true);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "master key file " + path +
                                      " is accessible by group or others (mode 0640): chmod 600 it");
  }
  SECTION("wrong size or not hexadecimal") {
    for (const std::string& text :
         {std::string(63, 'a'), std::string(65, 'a'), std::string(62, 'a') + "zz",
          std::string(64, 'a') + "\n\n", std::string(32, '\x01')}) {
      const std::string path = root.WriteFile("k", text);
      ::chmod(path.c_str(), 0600);
      StatusOr<LoadedMasterKey> r = LoadMasterKey(path, data, true);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().message() ==
            "master key file " + path + " is not a master key (64 hexadecimal digits)");
    }
  }
  SECTION("a directory") {
    std::filesystem::create_directory(root.path() + "/dir");
    ::chmod((root.path() + "/dir").c_str(), 0700);
    StatusOr<LoadedMasterKey> r = LoadMasterKey(root.path() + "/dir", data, true);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "master key file " + root.path() + "/dir is not a regular file");
  }
  SECTION("upper-case hexadecimal and a final newline are fine") {
    const std::string path = root.WriteFile("k", std::string(64, 'F') + "\n");
    ::chmod(path.c_str(), 0600);
    StatusOr<LoadedMasterKey> r = LoadMasterKey(path, data, false);
    REQUIRE(r.ok());
    CHECK(r->key[0] == 0xff);
    CHECK(r->key[31] == 0xff);
  }
}

}  // namespace
}  // namespace provisor
