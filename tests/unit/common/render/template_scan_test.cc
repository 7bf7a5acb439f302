#include "common/render/template_scan.h"

#include <catch2/catch.hpp>

#include "common/render/template.h"

namespace provisor {
namespace {

// The compile's message, or "ok".
std::string Compile(const std::string& text) {
  auto compiled = CompiledTemplate::Compile("t1", 1, text);
  return compiled.ok() ? "ok" : compiled.status().message();
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST_CASE("the attacks: a 40 KB tag and 8,000 nested sections are refused by the scan") {
  // std::regex recursed once per letter of this and crashed the master.
  CHECK(Compile("{{" + std::string(40'000, 'a') + "}}") ==
        "template t1: line 1, column 1: tag name longer than 128 bytes");
  CHECK(Compile("x\n  {{{" + std::string(40'000, 'a') + "}}}") ==
        "template t1: line 2, column 3: tag name longer than 128 bytes");
  // kainjow copies each section's body: 8,000 levels took seconds.
  CHECK(Compile(Repeat("{{#s}}\n", 8'000) + Repeat("{{/s}}", 8'000)) ==
        "template t1: line 65, column 1: sections nested deeper than 64");
  CHECK(Compile(Repeat("{{^s}}", 8'000)) ==
        "template t1: line 1, column 385: sections nested deeper than 64");
}

TEST_CASE("each limit is exactly where the header says") {
  // Nesting: kMaxSectionDepth levels pass, one more does not.
  const std::string deepest =
      Repeat("{{#s}}", kMaxSectionDepth) + "x" + Repeat("{{/s}}", kMaxSectionDepth);
  CHECK(Compile(deepest) == "ok");
  auto scan = ScanTemplate("t1", deepest);
  REQUIRE(scan.ok());
  CHECK(scan->max_depth == kMaxSectionDepth);
  CHECK(scan->tags == 2 * kMaxSectionDepth);
  CHECK(Compile("{{#s}}" + deepest + "{{/s}}") ==
        "template t1: line 1, column " + std::to_string(kMaxSectionDepth * 6 + 1) +
            ": sections nested deeper than 64");

  // Tags: comments count too.
  CHECK(ScanTemplate("t1", Repeat("{{x}}", kMaxTemplateTags)).ok());
  CHECK(Compile(Repeat("{{!c}}", kMaxTemplateTags) + "\n{{x}}") ==
        "template t1: line 2, column 1: more than 20000 tags");

  // Name length, after trimming; comments may be long.
  CHECK(Compile("{{ " + std::string(kMaxTagNameBytes, 'n') + " }}") == "ok");
  CHECK(Compile("{{# " + std::string(kMaxTagNameBytes + 1, 'n') + "}}") ==
        "template t1: line 1, column 1: tag name longer than 128 bytes");
  CHECK(Compile("{{! " + std::string(10'000, 'c') + " }}") == "ok");

  // Size.
  CHECK(Compile(std::string(kMaxTemplateBytes, 'x')) == "ok");
  CHECK(Compile(std::string(kMaxTemplateBytes + 1, 'x')) ==
        "template t1: 1048577 bytes, the limit is 1048576");

  // Section bodies added up: 40 levels around 256 KiB is 10 MiB of copies.
  const std::string big(256 * 1024, 'b');
  CHECK(Compile(Repeat("{{#s}}", 30) + big + Repeat("{{/s}}", 30)) == "ok");
  // Sections close innermost first; the 32nd to close (the 9th level, at
  // byte 48) brings the sum past 32 * 256 KiB.
  CHECK(Compile(Repeat("{{#s}}", 40) + big + Repeat("{{/s}}", 40)) ==
        "template t1: line 1, column 49: section bodies add up to more than 8388608 bytes");

  // Pieces: kainjow's objects, one per space or line end ("\r\n" is one),
  // run of text or tag.
  auto pieces = ScanTemplate("t1", "a b\r\n{{x}}cd\t\n");
  REQUIRE(pieces.ok());
  CHECK(pieces->pieces == 8);  // a, space, b, CRLF, {{x}}, cd, tab, LF
  CHECK(Compile(std::string(kMaxTemplatePieces, ' ')) == "ok");
  CHECK(Compile(std::string(kMaxTemplatePieces, '\n') + "x") ==
        "template t1: line 131073, column 1: more than 131072 pieces (spaces, line ends, runs of "
        "text, tags)");
  CHECK(Compile(std::string(1024 * 1024, ' ')) ==
        "template t1: line 1, column 131073: more than 131072 pieces (spaces, line ends, runs of "
        "text, tags)");

  // Delimiters: short ones work, long ones would be compared at every byte.
  CHECK(Compile("{{=<% %>=}}<%name%> {{literal}}") == "ok");
  CHECK(Compile("{{=" + std::string(kMaxDelimiterBytes + 1, '<') + " >=}}") ==
        "template t1: line 1, column 1: delimiter longer than 8 bytes");
}

TEST_CASE("Check says what Compile says") {
  for (const std::string& text : {std::string("a={{a}}"), std::string("{{#a}}"),
                                 "{{" + std::string(40'000, 'a') + "}}", std::string("{{>p}}")}) {
    INFO(text.substr(0, 20));
    auto compiled = CompiledTemplate::Compile("t1", 1, text);
    Status checked = CompiledTemplate::Check("t1", text);
    CHECK(checked.ok() == compiled.ok());
    if (!compiled.ok()) CHECK(checked.message() == compiled.status().message());
  }
}

TEST_CASE("syntax errors read as kainjow's, with line and column") {
  CHECK(Compile("a\n{{#a}}{{/b}}") == "template t1: line 2, column 1: Unclosed section \"a\"");
  CHECK(Compile("{{/a}}") == "template t1: line 1, column 1: Unopened section \"a\"");
  CHECK(Compile("{{#a}}{{#b}}{{/b}}") == "template t1: line 1, column 1: Unclosed section \"a\"");
  CHECK(Compile("{{= x=}}") == "template t1: line 1, column 1: Invalid set delimiter tag");
  CHECK(Compile("ab{{=a= b=}}") == "template t1: line 1, column 3: Invalid set delimiter tag");
  CHECK(Compile("{{x") == "template t1: line 1, column 1: Unclosed tag");
  CHECK(Compile("{{{x}}") == "template t1: line 1, column 1: Unclosed tag");
  CHECK(Compile("{{>other}}") ==
        "template t1: line 1, column 1: partials ({{>other}}) are not supported");
}

TEST_CASE("names and variables as kainjow reads the tags") {
  auto scan = ScanTemplate(
      "t", "{{ a }} {{{b}}} {{&c}} {{#d}}{{.}}{{/d}} {{^e}}{{/e}} {{!f}} {{a}} {{d}}\n"
           "{{=<% %>=}}<%g%> {{h}} <%={{ }}=%>{{i.j}}{{}}");
  REQUIRE(scan.ok());
  using Names = std::set<std::string, std::less<>>;
  CHECK(scan->names == Names{".", "a", "b", "c", "d", "e", "g", "i.j"});
  CHECK(scan->variables == Names{".", "a", "b", "c", "g", "i.j"});
  CHECK(scan->section_bytes == SectionSizes{{"d", 5}, {"e", 0}});
  CHECK(scan->tags == 16);  // {{}} is a tag too
  CHECK(scan->max_depth == 1);
}

TEST_CASE("a render that would pass kMaxRenderBytes stops and renders nothing") {
  RenderData row{RenderData::type::list};
  for (int i = 0; i < 64; ++i) row.push_back(RenderData("x"));
  RenderData data{RenderData::type::object};
  data.set("l", row);
  data.set("name", "n");
  // 64^6 = 68,719,476,736 copies of the body.
  auto bomb = CompiledTemplate::Compile(
      "bomb", 1, Repeat("{{#l}}", 6) + "{{name}}{{.}}" + Repeat("{{/l}}", 6));
  REQUIRE(bomb.ok());
  RenderStats stats;
  CHECK((*bomb)->Render(data, &stats).empty());
  CHECK(stats.too_large);

  // Two levels (4,096 bodies) are well inside the budget.
  auto fine = CompiledTemplate::Compile("fine", 1, "{{#l}}{{#l}}{{.}}{{/l}}{{/l}}");
  REQUIRE(fine.ok());
  RenderStats fine_stats;
  CHECK((*fine)->Render(data, &fine_stats) == std::string(64 * 64, 'x'));
  CHECK_FALSE(fine_stats.too_large);
}

TEST_CASE("a partial in the render data is never compiled") {
  // The scan refuses {{>x}}; were one to get through, the context offers none.
  RenderData data{RenderData::type::object};
  data.set("p", "{{#p}}{{>p}}{{/p}}");
  auto t = CompiledTemplate::Compile("t", 1, "[{{p}}]");
  REQUIRE(t.ok());
  CHECK((*t)->Render(data) == "[{{#p}}{{&gt;p}}{{/p}}]");
}

}  // namespace
}  // namespace provisor
