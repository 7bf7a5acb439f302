#include "master/ctl/counting_file_buf.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace provisor::ctl {
namespace {

constexpr size_t kBufferBytes = 256 * 1024;

}  // namespace

StatusOr<std::unique_ptr<CountingFileBuf>> CountingFileBuf::Open(const std::string& path) {
  int fd = 0;
  bool owned = false;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NotFoundError("cannot open " + path + ": " + std::strerror(errno));
    owned = true;
  }
  std::optional<uint64_t> size;
  struct stat info {};
  if (::fstat(fd, &info) == 0) {
    if (S_ISDIR(info.st_mode)) {
      if (owned) ::close(fd);
      return InvalidArgumentError(path + " is a directory");
    }
    if (S_ISREG(info.st_mode)) size = static_cast<uint64_t>(info.st_size);
  }
  return std::unique_ptr<CountingFileBuf>(new CountingFileBuf(fd, owned, size));
}

CountingFileBuf::CountingFileBuf(int fd, bool owned, std::optional<uint64_t> size)
    : fd_(fd), owned_(owned), size_(size), buffer_(kBufferBytes) {
  setg(buffer_.data(), buffer_.data(), buffer_.data());
}

CountingFileBuf::~CountingFileBuf() {
  if (owned_) ::close(fd_);
}

std::string_view CountingFileBuf::Peek() {
  if (gptr() == egptr()) underflow();
  return std::string_view(gptr(), egptr() - gptr());
}

CountingFileBuf::int_type CountingFileBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (failed_) return traits_type::eof();
  ssize_t got = 0;
  do {
    got = ::read(fd_, buffer_.data(), buffer_.size());
  } while (got < 0 && errno == EINTR);
  if (got <= 0) {
    if (got < 0) failed_ = true;
    setg(buffer_.data(), buffer_.data(), buffer_.data());
    return traits_type::eof();
  }
  // Counted when handed out: the reader consumes whole buffers quickly.
  consumed_.fetch_add(static_cast<uint64_t>(got), std::memory_order_relaxed);
  setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
  return traits_type::to_int_type(*gptr());
}

}  // namespace provisor::ctl
