// Content: the bytes of one delivered file, whatever door serves them.
// Bytes come from memory (rendered configurations, the diagnostic
// generator), never from the file system; a Content may be read in pieces
// (one TFTP block at a time) without holding all of it at once.
//
// Thread-safety: a Content is immutable once handed out; Read is const and
// may be called from any thread.
#ifndef PROVISOR_SLAVE_DELIVERY_CONTENT_H_
#define PROVISOR_SLAVE_DELIVERY_CONTENT_H_

#include <cstdint>
#include <span>
#include <string>

namespace provisor {

class Content {
 public:
  virtual ~Content() = default;
  virtual uint64_t size() const = 0;
  // Copies min(out.size(), size() - offset) bytes starting at `offset`.
  // REQUIRES: offset <= size().
  virtual void Read(uint64_t offset, std::span<uint8_t> out) const = 0;
};

// Content held in one string.
class StringContent final : public Content {
 public:
  explicit StringContent(std::string bytes) : bytes_(std::move(bytes)) {}
  uint64_t size() const override { return bytes_.size(); }
  void Read(uint64_t offset, std::span<uint8_t> out) const override;
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Returns the whole content as one string.
std::string ReadAll(const Content& content);

}  // namespace provisor

#endif  // PROVISOR_SLAVE_DELIVERY_CONTENT_H_
