#include "slave/delivery/content.h"

#include <algorithm>
#include <cstring>

namespace provisor {

void StringContent::Read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset >= bytes_.size()) return;
  size_t n = std::min<uint64_t>(out.size(), bytes_.size() - offset);
  std::memcpy(out.data(), bytes_.data() + offset, n);
}

std::string ReadAll(const Content& content) {
  std::string out(content.size(), '\0');
  content.Read(0, std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()));
  return out;
}

}  // namespace provisor
