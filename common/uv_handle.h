// UvHandle<T>: RAII ownership of one heap-allocated libuv handle (uv_timer_t,
// uv_poll_t, uv_async_t, uv_signal_t ...). Destroying or Close()-ing the
// owner calls uv_close(); the memory is freed in the close callback, as libuv
// requires. A file descriptor handed to AdoptFd() is closed in that callback
// too, after libuv has stopped watching it.
//
// Thread-safety: like the handle itself, use only on the loop's thread.
// REQUIRES: the loop runs (or is run with UV_RUN_DEFAULT/NOWAIT) after Close()
// so the close callback can fire before the loop is closed.
#ifndef PROVISOR_COMMON_UV_HANDLE_H_
#define PROVISOR_COMMON_UV_HANDLE_H_

#include <unistd.h>
#include <uv.h>

#include <utility>

namespace provisor {

template <typename T>
class UvHandle {
 public:
  UvHandle() : block_(new Block) {}
  ~UvHandle() { Close(); }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;
  UvHandle(UvHandle&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}

  // Runs `init(T*)` (e.g. a lambda calling uv_timer_init) and records success.
  template <typename F>
  int Init(F&& init) {
    int rc = init(&block_->handle);
    block_->initialized = (rc == 0);
    return rc;
  }
  // The descriptor is closed once libuv has released the handle.
  void AdoptFd(int fd) { block_->fd = fd; }

  T* get() const { return block_ ? &block_->handle : nullptr; }
  bool initialized() const { return block_ && block_->initialized; }

  void Close() {
    if (block_ == nullptr) return;
    Block* block = std::exchange(block_, nullptr);
    if (!block->initialized) {
      if (block->fd >= 0) ::close(block->fd);
      delete block;
      return;
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&block->handle), [](uv_handle_t* h) {
      Block* b = reinterpret_cast<Block*>(h);
      if (b->fd >= 0) ::close(b->fd);
      delete b;
    });
  }

 private:
  struct Block {
    T handle{};  // first member: the handle pointer is the block pointer
    int fd = -1;
    bool initialized = false;
  };
  Block* block_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_UV_HANDLE_H_
