#include "common/render/template.h"

#include <regex>

namespace provisor {
namespace {

// Counts the names a render looks up and does not find.
class CountingContext final : public kainjow::mustache::context<std::string> {
 public:
  CountingContext(const RenderData* data, RenderStats* stats,
                  const std::set<std::string, std::less<>>* variables)
      : kainjow::mustache::context<std::string>(data), stats_(stats), variables_(variables) {}
  const RenderData* get(const std::string& name) const override {
    const RenderData* found = kainjow::mustache::context<std::string>::get(name);
    if (found == nullptr && stats_ != nullptr && variables_->contains(name)) {
      ++stats_->missing_names;
      if (stats_->missing.size() < 8) stats_->missing.push_back(name);
    }
    return found;
  }

 private:
  RenderStats* stats_;
  const std::set<std::string, std::less<>>* variables_;
};

// Names used as variables and never as sections (default delimiters).
std::set<std::string, std::less<>> VariableNames(std::string_view text) {
  static const std::regex tag(R"(\{\{(\{?)\s*([#^/!>&=]?)\s*([^}\s]+)\s*\}?\}\})");
  std::set<std::string, std::less<>> variables, sections;
  std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), tag); it != std::sregex_iterator(); ++it) {
    const std::string kind = (*it)[2].str();
    const std::string name = (*it)[3].str();
    if (kind.empty() || kind == "&") variables.insert(name);
    if (kind == "#" || kind == "^") sections.insert(name);
  }
  for (const auto& name : sections) variables.erase(name);
  return variables;
}

// kainjow reports "... at <offset>"; people want line and column.
std::string WithLineColumn(const std::string& message, std::string_view text) {
  static const std::regex at(" at ([0-9]+)$");
  std::smatch m;
  if (!std::regex_search(message, m, at)) return message;
  size_t offset = std::stoul(m[1].str());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
         message.substr(0, static_cast<size_t>(m.position(0)));
}

}  // namespace

CompiledTemplate::CompiledTemplate(std::string id, uint64_t version, std::string text)
    : id_(std::move(id)), version_(version), variables_(VariableNames(text)), mustache_(text) {}

StatusOr<std::shared_ptr<const CompiledTemplate>> CompiledTemplate::Compile(
    std::string_view id, uint64_t version, std::string_view text) {
  std::shared_ptr<CompiledTemplate> compiled(
      new CompiledTemplate(std::string(id), version, std::string(text)));
  if (!compiled->mustache_.is_valid()) {
    return InvalidArgumentError("template " + std::string(id) + ": " +
                                WithLineColumn(compiled->mustache_.error_message(), text));
  }
  return std::shared_ptr<const CompiledTemplate>(std::move(compiled));
}

std::string CompiledTemplate::Render(const RenderData& data, RenderStats* stats) const {
  CountingContext context(&data, stats, &variables_);
  std::lock_guard<std::mutex> lock(mu_);
  return mustache_.render(context);
}

StatusOr<std::shared_ptr<const CompiledTemplate>> TemplateCache::Get(const std::string& id,
                                                                     uint64_t version,
                                                                     std::string_view text) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_id_.find(id);
    if (it != by_id_.end() && it->second->version() == version) return it->second;
  }
  StatusOr<std::shared_ptr<const CompiledTemplate>> compiled =
      CompiledTemplate::Compile(id, version, text);
  if (!compiled.ok()) return compiled.status();
  std::lock_guard<std::mutex> lock(mu_);
  by_id_[id] = *compiled;
  return *compiled;
}

size_t TemplateCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return by_id_.size();
}

}  // namespace provisor
