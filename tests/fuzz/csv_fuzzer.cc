// Fuzzes the CSV reader that provisorctl import uses: any input either
// parses into records with the header's width or fails with an error; the
// reader never crashes or loops; and reading the stream in small chunks (so
// that records, quotes and CRLFs straddle chunk boundaries) gives exactly
// what reading it at once gives. The first byte picks the chunk size (3 to
// 66 bytes); the rest is the CSV text.
//
// Speed: the reader's default 1 MiB chunk buffer, allocated and zeroed per
// input under ASan, held this target to ~400 execs/s; chunks sized to the
// input keep it in the tens of thousands.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.h"
#include "common/mac.h"

namespace {

constexpr size_t kMaxRecordBytes = 1 << 16;
constexpr int kMaxRecords = 100000;

// Every record, then the final status ("" at a clean end).
struct Parsed {
  std::vector<std::vector<std::string>> records;
  std::string end;
  bool operator==(const Parsed&) const = default;
};

Parsed Parse(std::string_view text, size_t chunk_bytes) {
  Parsed out;
  std::istringstream in{std::string(text)};
  auto reader = provisor::CsvReader::Open(in, kMaxRecordBytes, chunk_bytes);
  if (!reader.ok()) {
    out.end = reader.status().ToString();
    return out;
  }
  out.records.push_back(reader->header());
  const size_t width = reader->header().size();
  std::vector<std::string> fields;
  for (int records = 0; records < kMaxRecords; ++records) {
    auto more = reader->Next(&fields);
    if (!more.ok()) {
      out.end = more.status().ToString();
      return out;
    }
    if (!*more) return out;
    if (fields.size() != width) abort();
    out.records.push_back(fields);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 3 + data[0] % 64;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // The MAC parser sees the same bytes.
  (void)provisor::CanonicalMac(text);
  const Parsed whole = Parse(text, text.size() + 1);
  if (!(Parse(text, chunk) == whole)) abort();
  return 0;
}
