// Fuzzes what `provisorctl import` does with a CSV before anything reaches
// the master (master/ctl: column names resolved per kind, cell values parsed
// into entity fields) and what the master then does with the entity
// (master/validate.cc): any input is mapped or refused with a message, never
// a crash; a mapped entity serializes and parses back; validation never
// fails without a message. The first byte picks the kind (--kind, or a
// "kind" column when it is 0 mod 7); the rest is the CSV. body_file columns
// are skipped (they read files).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.h"
#include "master/ctl/row_mapper.h"
#include "master/validate.h"

using namespace provisor;

namespace {

constexpr v1::EntityKind kKinds[] = {
    v1::ENTITY_KIND_SUBSCRIBER, v1::ENTITY_KIND_DEVICE,  v1::ENTITY_KIND_MODEL,
    v1::ENTITY_KIND_TEMPLATE,   v1::ENTITY_KIND_PACKAGE, v1::ENTITY_KIND_CLIENT_CLASS};

bool ReadsFiles(const std::vector<std::string>& header) {
  for (const std::string& name : header) {
    std::string lower;
    for (char c : name) {
      if (!std::isspace(static_cast<unsigned char>(c))) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    if (lower.find("body_file") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::optional<v1::EntityKind> kind;
  if (data[0] % 7 != 0) kind = kKinds[data[0] % 7 - 1];
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  auto reader = CsvReader::Open(in, 1 << 16, size + 1);
  if (!reader.ok() || ReadsFiles(reader->header())) return 0;
  auto mapper = ctl::RowMapper::Create(reader->header(), kind, "/nonexistent-provisor-fuzz");
  if (!mapper.ok()) {
    if (mapper.status().message().empty()) abort();
    return 0;
  }
  std::vector<std::string> fields;
  for (int rows = 0; rows < 1000; ++rows) {
    auto more = reader->Next(&fields);
    if (!more.ok() || !*more) return 0;
    StatusOr<v1::Entity> entity = mapper->Map(fields);
    if (!entity.ok()) {
      if (entity.status().message().empty()) abort();
      continue;
    }
    v1::Entity again;
    if (!again.ParseFromString(entity->SerializeAsString())) abort();
    Status valid = ValidateEntity(&*entity);
    if (!valid.ok() && valid.message().empty()) abort();
  }
  return 0;
}
