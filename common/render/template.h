// CompiledTemplate: a configuration template (Mustache, through Debian's
// libkainjow-mustache-dev) compiled once per template revision. Compiling
// first scans the text in one linear pass (template_scan.h: size, nesting,
// tag count and name length limits, no partials), so kainjow never sees a
// hostile template; errors say where ("template T: line L, column C: ...").
// Rendering never fails on data: a name the context lacks renders as empty
// and is counted as a warning. Rendering is bounded: past kMaxRenderBytes of
// (estimated) output it stops and renders nothing (RenderStats::too_large).
// TemplateLookup is where renders find compiled templates: TemplateCache
// compiles on a miss (the master's dry runs); a slave looks up what it
// compiled when the template arrived and never compiles on a request.
//
// Thread-safety: CompiledTemplate::Render and TemplateCache are
// thread-safe.
#ifndef PROVISOR_COMMON_RENDER_TEMPLATE_H_
#define PROVISOR_COMMON_RENDER_TEMPLATE_H_

#include <kainjow/mustache.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/render/template_scan.h"
#include "common/status.h"

namespace provisor {

using RenderData = kainjow::mustache::data;

// A render stops (and renders nothing) once its output may pass this: each
// list section is charged its items times its body, each string variable its
// length. Bounds what nested sections over lists can make of a small
// template ({{#lines}}{{#lines}}... is 64^depth).
inline constexpr size_t kMaxRenderBytes = 16 * 1024 * 1024;

struct RenderStats {
  // Variables ({{x}}, {{{x}}}) the context lacked. Sections over absent
  // names are not counted: the context leaves out what does not apply.
  uint64_t missing_names = 0;
  std::vector<std::string> missing;     // the first few of them, for --explain
  // The render passed kMaxRenderBytes and stopped; it returned "".
  bool too_large = false;
};

class CompiledTemplate {
 public:
  // INVALID_ARGUMENT "template T: line L, column C: <what>" on a syntax error
  // or a limit of template_scan.h passed. Linear in the text's size.
  static StatusOr<std::shared_ptr<const CompiledTemplate>> Compile(std::string_view id,
                                                                   uint64_t version,
                                                                   std::string_view text);
  // What Compile says about `text`, with one parse instead of one per core
  // and nothing kept: for validation at upload.
  static Status Check(std::string_view id, std::string_view text);
  std::string Render(const RenderData& data, RenderStats* stats = nullptr) const;
  // Renders `data` with `overlay` on top: names in the overlay win. Lets a
  // device's context be built once and only the per-request part (the
  // cluster layer with a fresh token) be built per request.
  std::string Render(const RenderData& data, const RenderData& overlay,
                     RenderStats* stats = nullptr) const;
  const std::string& id() const { return id_; }
  uint64_t version() const { return version_; }
  // True when some tag's name contains `fragment` (e.g. "now_": the
  // template shows the render time, so each request needs its own).
  bool MentionsName(std::string_view fragment) const;

 private:
  CompiledTemplate(std::string id, uint64_t version, const std::string& text, TemplateScan scan);
  std::string id_;
  uint64_t version_;
  std::set<std::string, std::less<>> names_;      // every tag's name
  std::set<std::string, std::less<>> variables_;  // names used only as variables
  SectionSizes section_bytes_;                    // for the render budget
  // The library's render is not const, so each instance renders for one
  // thread at a time; there are as many as cores, so TFTP loops do not
  // queue behind each other.
  struct Instance {
    explicit Instance(const std::string& text) : mustache(text) {}
    std::mutex mu;
    kainjow::mustache::mustache mustache;  // protected by mu (its render is not const)
  };
  std::string RenderWith(const RenderData& data, const RenderData* overlay,
                         RenderStats* stats) const;
  std::vector<std::unique_ptr<Instance>> instances_;
};

// Where a render finds the compiled form of a template.
class TemplateLookup {
 public:
  virtual ~TemplateLookup() = default;
  // The compiled template `id` at `version`, whose text is `text`; the
  // template's compile error if it has one.
  virtual StatusOr<std::shared_ptr<const CompiledTemplate>> Get(const std::string& id,
                                                                uint64_t version,
                                                                std::string_view text) = 0;
};

class TemplateCache final : public TemplateLookup {
 public:
  // The compiled template for (id, version), compiling `text` on a miss.
  // Older versions of the same id are dropped.
  StatusOr<std::shared_ptr<const CompiledTemplate>> Get(const std::string& id, uint64_t version,
                                                        std::string_view text) override;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const CompiledTemplate>> by_id_;  // protected by mu_
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_RENDER_TEMPLATE_H_
