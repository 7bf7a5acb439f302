// ScanTemplate: one linear pass over a Mustache template's tags, made before
// the template library (kainjow) ever sees the text, so that a hostile
// template is refused quickly instead of crashing or stalling whoever
// compiles it. It tokenises exactly as kainjow does (default "{{ }}"
// delimiters, "{{{x}}}" while they are in force, "{{=<% %>=}}" changes),
// keeps a stack of open sections in a vector (no recursion), and refuses
// anything past the limits below with INVALID_ARGUMENT
// "template T: line L, column C: <what>" (line and column 1-based, columns
// in bytes). The costs it bounds are kainjow's: each section keeps a copy of
// its body (hence the nesting and section-bytes limits), each tag is an
// object, and a long delimiter is compared at every position.
//
// Partials ({{>name}}) are refused: provisor has none, and the library would
// take the partial from the render data (subscriber text) and compile it as
// a template on every render.
//
// Thread-safety: pure function; safe from any thread.
#ifndef PROVISOR_COMMON_RENDER_TEMPLATE_SCAN_H_
#define PROVISOR_COMMON_RENDER_TEMPLATE_SCAN_H_

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor {

// The body, as the master already caps it (master/validate.h).
inline constexpr size_t kMaxTemplateBytes = 1024 * 1024;
// Sections ({{#x}}, {{^x}}) open inside each other at once.
inline constexpr size_t kMaxSectionDepth = 64;
// Tags of any kind, comments and delimiter changes included.
inline constexpr size_t kMaxTemplateTags = 20'000;
// A tag's name after trimming ("device.mac_upper"); comments are exempt.
inline constexpr size_t kMaxTagNameBytes = 128;
// Each delimiter of a "{{=<% %>=}}" change.
inline constexpr size_t kMaxDelimiterBytes = 8;
// The bodies of all sections added up: kainjow copies each section's body,
// so nested sections cost their depth times their size.
inline constexpr size_t kMaxSectionBytes = 8 * 1024 * 1024;
// What kainjow makes an object of (about 150 bytes each, in every one of a
// compiled template's per-core instances): each space, tab and line end, each
// run of other text, each tag. 1 MiB of spaces is a million of them (about a
// second to compile per instance); the largest shipped template has 4,404.
inline constexpr size_t kMaxTemplatePieces = 131'072;

// The largest body of each section name, for render budgets.
using SectionSizes = std::map<std::string, size_t, std::less<>>;

struct TemplateScan {
  std::set<std::string, std::less<>> names;      // every tag's name (not comments)
  std::set<std::string, std::less<>> variables;  // names used only as variables
  SectionSizes section_bytes;                    // name -> largest body in bytes
  size_t tags = 0;
  size_t pieces = 0;  // as kainjow counts its components (see kMaxTemplatePieces)
  size_t max_depth = 0;
};

StatusOr<TemplateScan> ScanTemplate(std::string_view id, std::string_view text);

// "line L, column C" of byte `offset` in `text` (offsets past the end count
// as the end).
std::string LineColumn(std::string_view text, size_t offset);

}  // namespace provisor

#endif  // PROVISOR_COMMON_RENDER_TEMPLATE_SCAN_H_
