// CompiledTemplate: a configuration template (Mustache, through Debian's
// libkainjow-mustache-dev) compiled once per template revision. Compiling
// reports syntax errors with line and column; rendering never fails: a name
// the context lacks renders as empty and is counted as a warning.
// TemplateCache keeps compiled templates by (id, version).
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

#include "common/status.h"

namespace provisor {

using RenderData = kainjow::mustache::data;

struct RenderStats {
  // Variables ({{x}}, {{{x}}}) the context lacked. Sections over absent
  // names are not counted: the context leaves out what does not apply.
  uint64_t missing_names = 0;
  std::vector<std::string> missing;     // the first few of them, for --explain
};

class CompiledTemplate {
 public:
  // INVALID_ARGUMENT "template T: line L, column C: <what>" on a syntax error.
  static StatusOr<std::shared_ptr<const CompiledTemplate>> Compile(std::string_view id,
                                                                   uint64_t version,
                                                                   std::string_view text);
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
  CompiledTemplate(std::string id, uint64_t version, std::string text);
  std::string id_;
  uint64_t version_;
  // names_ is filled while variables_ is initialised: keep this order.
  std::set<std::string, std::less<>> names_;      // every tag's name
  std::set<std::string, std::less<>> variables_;  // names used only as variables
  // The library's render is not const, so each instance renders for one
  // thread at a time; there are as many as cores, so TFTP loops do not
  // queue behind each other.
  struct Instance {
    explicit Instance(const std::string& text) : mustache(text) {}
    std::mutex mu;
    kainjow::mustache::mustache mustache;
  };
  std::string RenderWith(kainjow::mustache::basic_context<std::string>& context) const;
  std::vector<std::unique_ptr<Instance>> instances_;
};

class TemplateCache {
 public:
  // The compiled template for (id, version), compiling `text` on a miss.
  // Older versions of the same id are dropped.
  StatusOr<std::shared_ptr<const CompiledTemplate>> Get(const std::string& id, uint64_t version,
                                                        std::string_view text);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const CompiledTemplate>> by_id_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_RENDER_TEMPLATE_H_
