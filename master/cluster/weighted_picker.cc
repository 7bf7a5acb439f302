#include "master/cluster/weighted_picker.h"

#include <unordered_map>

namespace provisor {

void WeightedPicker::Set(std::vector<Candidate> candidates) {
  std::unordered_map<std::string, double> scores;
  for (const Entry& e : entries_) scores[e.id] = e.score;
  entries_.clear();
  for (Candidate& c : candidates) {
    Entry e;
    e.weight = c.weight > 0 ? c.weight : 0;
    auto it = scores.find(c.id);
    e.score = it == scores.end() || e.weight == 0 ? 0 : it->second;
    e.id = std::move(c.id);
    entries_.push_back(std::move(e));
  }
}

std::optional<std::string> WeightedPicker::Next() {
  double total = 0;
  Entry* best = nullptr;
  for (Entry& e : entries_) {
    if (e.weight <= 0) continue;
    e.score += e.weight;
    total += e.weight;
    if (best == nullptr || e.score > best->score) best = &e;
  }
  if (best == nullptr) return std::nullopt;
  best->score -= total;
  return best->id;
}

}  // namespace provisor
