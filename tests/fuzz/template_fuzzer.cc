// Fuzzes template compilation and rendering as the master (at upload) and
// the slaves (on arrival, then per request) run them on operator-supplied
// text: any text compiles or is refused with a message, never a crash or a
// stall; the linear scan (template_scan.h) and kainjow agree on what
// compiles; a compiled template renders against a small fixed context
// (objects, strings that need escaping, a list, a boolean) within the
// render budget, twice with the same result.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/render/template.h"
#include "common/render/template_scan.h"

using provisor::CompiledTemplate;
using provisor::RenderData;
using provisor::RenderStats;

namespace {

const RenderData& Context() {
  static const RenderData* data = [] {
    auto* root = new RenderData(RenderData::type::object);
    RenderData device{RenderData::type::object};
    device.set("mac", "00:15:65:aa:bb:cc");
    device.set("serial", "SN<&>\"'");
    root->set("device", device);
    RenderData lines{RenderData::type::list};
    for (int i = 1; i <= 3; ++i) {
      RenderData line{RenderData::type::object};
      line.set("index", std::to_string(i));
      line.set("number", "+1555000000" + std::to_string(i));
      if (i == 3) line.set("last", RenderData::type::bool_true);
      lines.push_back(line);
    }
    root->set("lines", lines);
    root->set("name", "Ann {{name}} Smith");
    root->set("flag", RenderData::type::bool_false);
    root->set("empty", RenderData::type::list);
    return root;
  }();
  return *data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto scan = provisor::ScanTemplate("fuzz", text);
  auto compiled = CompiledTemplate::Compile("fuzz", 1, text);
  // The scan passes exactly what kainjow then accepts.
  if (scan.ok() != compiled.ok()) abort();
  if (!compiled.ok()) {
    if (compiled.status().message().rfind("template fuzz: ", 0) != 0) abort();
    return 0;
  }
  if (scan->max_depth > provisor::kMaxSectionDepth || scan->tags > provisor::kMaxTemplateTags) {
    abort();
  }
  RenderStats stats;
  const std::string first = (*compiled)->Render(Context(), &stats);
  if (stats.too_large && !first.empty()) abort();
  // HTML escaping turns one byte into at most six.
  if (first.size() > 6 * provisor::kMaxRenderBytes) abort();
  if ((*compiled)->Render(Context()) != first) abort();
  return 0;
}
