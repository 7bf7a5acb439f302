#include "common/render/template.h"

#include <algorithm>
#include <regex>
#include <thread>

namespace provisor {
namespace {

// The render-time context: kainjow's stack of data layers, with a lookup
// of dotted names that does not allocate (the library's splits every
// "a.b.c" through a stringstream, which dominated render time), and a count
// of variables the context lacks.
class CountingContext final : public kainjow::mustache::basic_context<std::string> {
 public:
  CountingContext(const RenderData* data, RenderStats* stats,
                  const std::set<std::string, std::less<>>* variables)
      : stats_(stats), variables_(variables) {
    items_.push_back(data);
  }
  void push(const RenderData* data) override { items_.push_back(data); }
  void pop() override { items_.pop_back(); }

  const RenderData* get(const std::string& name) const override {
    const RenderData* found = Lookup(name);
    if (found == nullptr && stats_ != nullptr && variables_->contains(name)) {
      ++stats_->missing_names;
      if (stats_->missing.size() < 8) stats_->missing.push_back(name);
    }
    return found;
  }
  const RenderData* get_partial(const std::string& name) const override {
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
      if (const RenderData* var = (*it)->get(name)) return var;
    }
    return nullptr;
  }

 private:
  // Mustache rules: "." is the top of the stack; the first name of a dotted
  // path is looked up from the top down, the rest inside what it found.
  const RenderData* Lookup(const std::string& name) const {
    if (name == ".") return items_.back();
    const size_t dot = name.find('.');
    if (dot == std::string::npos) {
      for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
        if (const RenderData* var = (*it)->get(name)) return var;
      }
      return nullptr;
    }
    key_.assign(name, 0, dot);
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
      const RenderData* var = (*it)->get(key_);
      if (var == nullptr) continue;
      size_t start = dot + 1;
      while (var != nullptr && start <= name.size()) {
        size_t end = name.find('.', start);
        if (end == std::string::npos) end = name.size();
        key_.assign(name, start, end - start);
        var = var->get(key_);
        start = end + 1;
      }
      if (var != nullptr) return var;
      key_.assign(name, 0, dot);
    }
    return nullptr;
  }

  std::vector<const RenderData*> items_;  // back() is the top
  RenderStats* stats_;
  const std::set<std::string, std::less<>>* variables_;
  mutable std::string key_;  // reused: no allocation per lookup
};

// Names used as variables and never as sections (default delimiters); every
// tag's name into *all.
std::set<std::string, std::less<>> VariableNames(std::string_view text,
                                                 std::set<std::string, std::less<>>* all) {
  static const std::regex tag(R"(\{\{(\{?)\s*([#^/!>&=]?)\s*([^}\s]+)\s*\}?\}\})");
  std::set<std::string, std::less<>> variables, sections;
  std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), tag); it != std::sregex_iterator(); ++it) {
    const std::string kind = (*it)[2].str();
    const std::string name = (*it)[3].str();
    all->insert(name);
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
    : id_(std::move(id)), version_(version), variables_(VariableNames(text, &names_)) {
  instances_.push_back(std::make_unique<Instance>(text));
  if (!instances_.front()->mustache.is_valid()) return;
  const unsigned cores = std::clamp(std::thread::hardware_concurrency(), 1u, 64u);
  for (unsigned i = 1; i < cores; ++i) instances_.push_back(std::make_unique<Instance>(text));
}

std::string CompiledTemplate::RenderWith(
    kainjow::mustache::basic_context<std::string>& context) const {
  // A free instance if there is one, else wait for this thread's own.
  for (const auto& instance : instances_) {
    std::unique_lock<std::mutex> lock(instance->mu, std::try_to_lock);
    if (lock.owns_lock()) return instance->mustache.render(context);
  }
  const size_t mine = std::hash<std::thread::id>{}(std::this_thread::get_id()) % instances_.size();
  std::lock_guard<std::mutex> lock(instances_[mine]->mu);
  return instances_[mine]->mustache.render(context);
}

bool CompiledTemplate::MentionsName(std::string_view fragment) const {
  for (const std::string& name : names_) {
    if (name.find(fragment) != std::string::npos) return true;
  }
  return false;
}

StatusOr<std::shared_ptr<const CompiledTemplate>> CompiledTemplate::Compile(
    std::string_view id, uint64_t version, std::string_view text) {
  std::shared_ptr<CompiledTemplate> compiled(
      new CompiledTemplate(std::string(id), version, std::string(text)));
  const kainjow::mustache::mustache& first = compiled->instances_.front()->mustache;
  if (!first.is_valid()) {
    return InvalidArgumentError("template " + std::string(id) + ": " +
                                WithLineColumn(first.error_message(), text));
  }
  return std::shared_ptr<const CompiledTemplate>(std::move(compiled));
}

std::string CompiledTemplate::Render(const RenderData& data, RenderStats* stats) const {
  CountingContext context(&data, stats, &variables_);
  return RenderWith(context);
}

std::string CompiledTemplate::Render(const RenderData& data, const RenderData& overlay,
                                     RenderStats* stats) const {
  CountingContext context(&data, stats, &variables_);
  context.push(&overlay);
  return RenderWith(context);
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
