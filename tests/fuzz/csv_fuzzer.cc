// Fuzzes the CSV reader that provisorctl import uses: any input either
// parses into records with the header's width or fails with an error; the
// reader never crashes, loops, or returns a record of another width.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "common/csv.h"
#include "common/mac.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // The MAC parser sees the same bytes.
  (void)provisor::CanonicalMac(text);
  std::istringstream in(text);
  auto reader = provisor::CsvReader::Open(in, 1 << 16);
  if (!reader.ok()) return 0;
  const size_t width = reader->header().size();
  std::vector<std::string> fields;
  for (int records = 0; records < 100000; ++records) {
    auto more = reader->Next(&fields);
    if (!more.ok() || !*more) return 0;
    if (fields.size() != width) abort();
  }
  return 0;
}
