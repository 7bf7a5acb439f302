// WeightedPicker: smooth weighted round-robin. Each pick adds every
// candidate's weight to its running score, takes the highest score and
// subtracts the total from it. Over any run of picks each candidate's share
// follows its weight, and picks are spread out (weights 5:1:1 give
// a a b a c a a, not a a a a a b c). Weights are refreshed without losing
// the scores of candidates that stay, so shares hold across refreshes.
// Candidates of weight 0 are never picked.
//
// Thread-safety: not synchronised (the Balancer locks around it).
#ifndef PROVISOR_MASTER_CLUSTER_WEIGHTED_PICKER_H_
#define PROVISOR_MASTER_CLUSTER_WEIGHTED_PICKER_H_

#include <optional>
#include <string>
#include <vector>

namespace provisor {

class WeightedPicker {
 public:
  struct Candidate {
    std::string id;
    double weight = 0;
  };

  // Replaces the candidates; scores of ids that stay are kept.
  void Set(std::vector<Candidate> candidates);
  // The next id, or nothing when every weight is 0 (or there is none).
  std::optional<std::string> Next();
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string id;
    double weight = 0;
    double score = 0;
  };
  std::vector<Entry> entries_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_WEIGHTED_PICKER_H_
