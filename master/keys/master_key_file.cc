#include "master/keys/master_key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "common/hex.h"

namespace provisor {
namespace {

std::string Errno() { return std::strerror(errno); }

// `path` without trailing slashes (but "/" stays "/").
std::string Trimmed(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

StatusOr<std::string> RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) {
    return FailedPreconditionError("cannot resolve " + path + ": " + Errno());
  }
  return std::string(resolved);
}

// A file descriptor closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status BadFormat(const std::string& path) {
  return FailedPreconditionError("master key file " + path +
                                 " is not a master key (64 hexadecimal digits)");
}

Status Parse(const std::string& path, std::string_view text, MasterKey* key) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.size() != 2 * kMasterKeyBytes) return BadFormat(path);
  for (size_t i = 0; i < kMasterKeyBytes; ++i) {
    const int hi = Nibble(text[2 * i]), lo = Nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return BadFormat(path);
    (*key)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return Status::Ok();
}

StatusOr<LoadedMasterKey> Create(const std::string& path) {
  LoadedMasterKey loaded;
  loaded.created = true;
  if (RAND_bytes(loaded.key.data(), static_cast<int>(loaded.key.size())) != 1) {
    return InternalError("no random bytes for a master key");
  }
  std::string text = HexEncode(
      std::string_view(reinterpret_cast<const char*>(loaded.key.data()), loaded.key.size()));
  text.push_back('\n');
  // Written whole under a temporary name, then renamed: a crash leaves no
  // half key behind.
  const std::string temp = path + ".new";
  Status written = [&]() -> Status {
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
      return FailedPreconditionError("cannot create master key file " + path + ": " + Errno());
    }
    if (::fchmod(fd.get(), 0600) != 0 ||
        ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
        ::fsync(fd.get()) != 0) {
      return FailedPreconditionError("cannot write master key file " + path + ": " + Errno());
    }
    return Status::Ok();
  }();
  OPENSSL_cleanse(text.data(), text.size());
  if (written.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = FailedPreconditionError("cannot create master key file " + path + ": " + Errno());
  }
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  Fd dir(::open(ParentOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  return loaded;
}

}  // namespace

std::string DefaultMasterKeyPath(const std::string& data_dir) {
  return Trimmed(data_dir) + "-keys/token-master.key";
}

StatusOr<LoadedMasterKey> LoadMasterKey(const std::string& path, const std::string& data_dir,
                                        bool create) {
  if (path.empty()) return InvalidArgumentError("keys.master_key_file is empty");
  // Inside data_dir? Compared on resolved paths (symlinks, "..").
  StatusOr<std::string> data = RealPath(data_dir);
  if (!data.ok()) return data.status();
  const std::string prefix = *data == "/" ? "/" : *data + "/";
  const auto inside = [&](const std::string& real) {
    return real == *data || real.rfind(prefix, 0) == 0;
  };
  const Status refused = FailedPreconditionError(
      "master key file " + path + " is inside data_dir " + data_dir +
      ": keep it outside, or a copy of data_dir holds both the sealed token keys and the key "
      "that opens them");
  const std::string parent = ParentOf(Trimmed(path));
  struct stat st;
  if (::stat(parent.c_str(), &st) != 0) {
    if (errno != ENOENT || !create) {
      return FailedPreconditionError("master key file " + path + ": directory " + parent + ": " +
                                     Errno());
    }
    StatusOr<std::string> above = RealPath(ParentOf(parent));
    if (!above.ok()) return above.status();
    if (inside(*above)) return refused;
    if (::mkdir(parent.c_str(), 0700) != 0) {
      return FailedPreconditionError("cannot create " + parent + " for the master key file: " +
                                     Errno());
    }
  }
  StatusOr<std::string> real_parent = RealPath(parent);
  if (!real_parent.ok()) return real_parent.status();
  if (inside(*real_parent)) return refused;

  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      if (create) return Create(path);
      return NotFoundError("master key file " + path + " does not exist");
    }
    return FailedPreconditionError("cannot read master key file " + path + ": " + Errno());
  }
  if (::fstat(fd.get(), &st) != 0) {
    return FailedPreconditionError("cannot stat master key file " + path + ": " + Errno());
  }
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError("master key file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return FailedPreconditionError("master key file " + path + " is accessible by group or " +
                                   "others (mode " + mode + "): chmod 600 it");
  }
  char buffer[2 * kMasterKeyBytes + 2];
  ssize_t got = 0;
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer + got, sizeof(buffer) - static_cast<size_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return FailedPreconditionError("cannot read master key file " + path + ": " + Errno());
    }
    if (n == 0) break;
    got += n;
    if (got == static_cast<ssize_t>(sizeof(buffer))) break;  // too long
  }
  LoadedMasterKey loaded;
  Status parsed = Parse(path, std::string_view(buffer, static_cast<size_t>(got)), &loaded.key);
  OPENSSL_cleanse(buffer, sizeof(buffer));
  if (!parsed.ok()) return parsed;
  return loaded;
}

}  // namespace provisor
