// provisor-template-bench: how long compiling (and rendering) takes for the
// hostile templates of issue 13 and for the largest legitimate ones, so the
// limits of common/render/template_scan.h can be checked against a budget
// on real hardware. Unit tests prove the limits; this prints the times.
//
//   build/bin/provisor-template-bench [--repeat 5]
//
// One line per case: the median compile time in ms, and OK or the refusal.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "common/render/template.h"

namespace {

using provisor::CompiledTemplate;
using provisor::RenderData;
using provisor::RenderStats;
using Clock = std::chrono::steady_clock;

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Case {
  const char* name;
  std::string text;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("compile and render times of hostile and large templates");
  int repeat = 5;
  app.add_option("--repeat", repeat, "runs per case (the median is printed)");
  CLI11_PARSE(app, argc, argv);

  const std::string line = "  <Line_Enable_{{index}}_>Yes</Line_Enable_{{index}}_>\n";
  std::vector<Case> cases = {
      {"40 KB single tag", "{{" + std::string(40'000, 'a') + "}}"},
      {"8,000 nested sections", Repeat("{{#s}}", 8'000) + Repeat("{{/s}}", 8'000)},
      {"64 nested sections", Repeat("{{#s}}", 64) + "x" + Repeat("{{/s}}", 64)},
      {"1 MiB of text", std::string(1024 * 1024, 'x')},
      {"1 MiB of spaces", std::string(1024 * 1024, ' ')},
      {"131,072 spaces", std::string(131'072, ' ')},
      {"20,000 tags in 1 MiB",
       Repeat(std::string(50, 'x') + "{{device.mac}}", 20'000).substr(0, 1024 * 1024)},
      {"21,000 tags", Repeat("{{a}}", 21'000)},
      {"1 MiB, 30 sections deep", Repeat("{{#s}}", 30) + std::string(1000 * 1024, 'x') +
                                      Repeat("{{/s}}", 30)},
      {"vendor-like 40 KB", "{{#lines}}\n" + Repeat(line, 700) + "{{/lines}}\n"},
  };
  for (const Case& c : cases) {
    std::vector<double> times;
    std::string outcome;
    for (int i = 0; i < repeat; ++i) {
      const Clock::time_point start = Clock::now();
      auto compiled = CompiledTemplate::Compile("bench", 1, c.text);
      times.push_back(Ms(Clock::now() - start));
      outcome = compiled.ok() ? "OK" : compiled.status().message();
    }
    std::sort(times.begin(), times.end());
    if (outcome.size() > 90) outcome = outcome.substr(0, 90) + "...";
    std::printf("%-26s %8zu bytes  compile %9.3f ms  %s\n", c.name, c.text.size(),
                times[times.size() / 2], outcome.c_str());
  }

  // A render bomb: six sections deep over a 64-item list stops at the budget.
  RenderData list{RenderData::type::list};
  for (int i = 0; i < 64; ++i) list.push_back(RenderData("x"));
  RenderData data{RenderData::type::object};
  data.set("l", list);
  auto bomb = CompiledTemplate::Compile("bomb", 1, Repeat("{{#l}}", 6) + "{{.}}" +
                                                       Repeat("{{/l}}", 6));
  if (bomb.ok()) {
    RenderStats stats;
    const Clock::time_point start = Clock::now();
    std::string out = (*bomb)->Render(data, &stats);
    std::printf("%-26s render %9.3f ms, %zu bytes, too_large=%d\n", "64^6 render bomb",
                Ms(Clock::now() - start), out.size(), stats.too_large ? 1 : 0);
  }
  return 0;
}
