#include "common/render/template.h"

#include <algorithm>
#include <charconv>
#include <thread>

namespace provisor {
namespace {

// The render-time context: kainjow's stack of data layers, with a lookup
// of dotted names that does not allocate (the library's splits every
// "a.b.c" through a stringstream, which dominated render time), a count
// of variables the context lacks, and the render budget: once the output
// may pass kMaxRenderBytes every lookup finds nothing, so no further
// section is entered and the render winds down.
class CountingContext final : public kainjow::mustache::basic_context<std::string> {
 public:
  CountingContext(const RenderData* data, RenderStats* stats,
                  const std::set<std::string, std::less<>>* variables,
                  const SectionSizes* section_bytes)
      : stats_(stats), variables_(variables), section_bytes_(section_bytes) {
    items_.push_back(data);
  }
  void push(const RenderData* data) override { items_.push_back(data); }
  void pop() override { items_.pop_back(); }

  const RenderData* get(const std::string& name) const override {
    if (over_budget_) return nullptr;
    const RenderData* found = Lookup(name);
    if (found == nullptr) {
      if (stats_ != nullptr && variables_->contains(name)) {
        ++stats_->missing_names;
        if (stats_->missing.size() < 8) stats_->missing.push_back(name);
      }
      return nullptr;
    }
    // A section's body is charged with its enclosing section's; a list
    // repeats it once per item.
    size_t cost = 0;
    if (found->is_string()) {
      cost = found->string_value().size();
    } else if (found->is_list()) {
      auto it = section_bytes_->find(name);
      if (it != section_bytes_->end()) cost = found->list_value().size() * (it->second + 1);
    }
    if (cost > kMaxRenderBytes - spent_) {
      over_budget_ = true;
      return nullptr;
    }
    spent_ += cost;
    return found;
  }
  // No partials: the scan refuses them, and a partial would come from the
  // render data.
  const RenderData* get_partial(const std::string&) const override { return nullptr; }

  bool over_budget() const { return over_budget_; }

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
  const SectionSizes* section_bytes_;
  mutable std::string key_;  // reused: no allocation per lookup
  mutable size_t spent_ = 0;
  mutable bool over_budget_ = false;
};

// kainjow reports "... at <offset>"; people want line and column.
std::string WithLineColumn(const std::string& message, std::string_view text) {
  const size_t at = message.rfind(" at ");
  if (at == std::string::npos) return message;
  const char* first = message.data() + at + 4;
  const char* last = message.data() + message.size();
  size_t offset = 0;
  auto [ptr, ec] = std::from_chars(first, last, offset);
  if (ec != std::errc() || ptr != last || first == last) return message;
  return LineColumn(text, offset) + ": " + message.substr(0, at);
}

}  // namespace

CompiledTemplate::CompiledTemplate(std::string id, uint64_t version, const std::string& text,
                                   TemplateScan scan)
    : id_(std::move(id)),
      version_(version),
      names_(std::move(scan.names)),
      variables_(std::move(scan.variables)),
      section_bytes_(std::move(scan.section_bytes)) {
  instances_.push_back(std::make_unique<Instance>(text));
  if (!instances_.front()->mustache.is_valid()) return;
  const unsigned cores = std::clamp(std::thread::hardware_concurrency(), 1u, 64u);
  for (unsigned i = 1; i < cores; ++i) instances_.push_back(std::make_unique<Instance>(text));
}

std::string CompiledTemplate::RenderWith(const RenderData& data, const RenderData* overlay,
                                         RenderStats* stats) const {
  CountingContext context(&data, stats, &variables_, &section_bytes_);
  if (overlay != nullptr) context.push(overlay);
  std::string out;
  {
    // A free instance if there is one, else wait for this thread's own.
    std::unique_lock<std::mutex> lock;
    Instance* instance = nullptr;
    for (const auto& candidate : instances_) {
      lock = std::unique_lock<std::mutex>(candidate->mu, std::try_to_lock);
      if (lock.owns_lock()) {
        instance = candidate.get();
        break;
      }
    }
    if (instance == nullptr) {
      const size_t mine =
          std::hash<std::thread::id>{}(std::this_thread::get_id()) % instances_.size();
      instance = instances_[mine].get();
      lock = std::unique_lock<std::mutex>(instance->mu);
    }
    out = instance->mustache.render(context);
  }
  if (context.over_budget()) {
    if (stats != nullptr) stats->too_large = true;
    return std::string();
  }
  return out;
}

bool CompiledTemplate::MentionsName(std::string_view fragment) const {
  for (const std::string& name : names_) {
    if (name.find(fragment) != std::string::npos) return true;
  }
  return false;
}

StatusOr<std::shared_ptr<const CompiledTemplate>> CompiledTemplate::Compile(
    std::string_view id, uint64_t version, std::string_view text) {
  // Refused here, in linear time, before kainjow sees it.
  StatusOr<TemplateScan> scan = ScanTemplate(id, text);
  if (!scan.ok()) return scan.status();
  std::shared_ptr<CompiledTemplate> compiled(
      new CompiledTemplate(std::string(id), version, std::string(text), std::move(*scan)));
  const kainjow::mustache::mustache& first = compiled->instances_.front()->mustache;
  if (!first.is_valid()) {
    return InvalidArgumentError("template " + std::string(id) + ": " +
                                WithLineColumn(first.error_message(), text));
  }
  return std::shared_ptr<const CompiledTemplate>(std::move(compiled));
}

Status CompiledTemplate::Check(std::string_view id, std::string_view text) {
  StatusOr<TemplateScan> scan = ScanTemplate(id, text);
  if (!scan.ok()) return scan.status();
  const kainjow::mustache::mustache parsed{std::string(text)};
  if (!parsed.is_valid()) {
    return InvalidArgumentError("template " + std::string(id) + ": " +
                                WithLineColumn(parsed.error_message(), text));
  }
  return Status::Ok();
}

std::string CompiledTemplate::Render(const RenderData& data, RenderStats* stats) const {
  return RenderWith(data, nullptr, stats);
}

std::string CompiledTemplate::Render(const RenderData& data, const RenderData& overlay,
                                     RenderStats* stats) const {
  return RenderWith(data, &overlay, stats);
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
