// CountingFileBuf: a read-only std::streambuf over a file descriptor that
// counts the bytes it has handed out, so that another thread can show how far
// an import has read (bytes_read() / size()).
//
// Thread-safety: the stream side from one thread; bytes_read() and size()
// from any thread.
#ifndef PROVISOR_MASTER_CTL_COUNTING_FILE_BUF_H_
#define PROVISOR_MASTER_CTL_COUNTING_FILE_BUF_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace provisor::ctl {

class CountingFileBuf final : public std::streambuf {
 public:
  // "-" is standard input (not closed).
  static StatusOr<std::unique_ptr<CountingFileBuf>> Open(const std::string& path);
  ~CountingFileBuf() override;
  CountingFileBuf(const CountingFileBuf&) = delete;
  CountingFileBuf& operator=(const CountingFileBuf&) = delete;

  uint64_t bytes_read() const { return consumed_.load(std::memory_order_relaxed); }
  // Known for regular files.
  std::optional<uint64_t> size() const { return size_; }
  // The buffered bytes not yet consumed, after filling the buffer once if it
  // is empty (to sniff the format without consuming anything).
  std::string_view Peek();
  // True after a read(2) failed; the stream then looks like it ended.
  bool failed() const { return failed_; }

 protected:
  int_type underflow() override;

 private:
  CountingFileBuf(int fd, bool owned, std::optional<uint64_t> size);

  int fd_;
  bool owned_;
  std::optional<uint64_t> size_;
  std::vector<char> buffer_;
  bool failed_ = false;
  std::atomic<uint64_t> consumed_{0};  // bytes of the buffers handed out so far
};

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_COUNTING_FILE_BUF_H_
