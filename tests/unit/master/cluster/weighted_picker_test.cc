#include "master/cluster/weighted_picker.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace provisor {
namespace {

std::map<std::string, int> Count(WeightedPicker& p, int picks) {
  std::map<std::string, int> counts;
  for (int i = 0; i < picks; ++i) {
    std::optional<std::string> id = p.Next();
    REQUIRE(id.has_value());
    ++counts[*id];
  }
  return counts;
}

TEST_CASE("weighted picks follow the weights within 2 percent over 10000 picks",
          "[weighted_picker]") {
  WeightedPicker p;
  p.Set({{"a", 100}, {"b", 200}, {"c", 300}, {"d", 37.5}, {"off", 0}});
  std::map<std::string, int> counts = Count(p, 10000);
  const double total = 637.5;
  for (const auto& [id, weight] : std::map<std::string, double>{
           {"a", 100}, {"b", 200}, {"c", 300}, {"d", 37.5}}) {
    INFO(id);
    const double share = counts[id] / 10000.0;
    CHECK(std::abs(share - weight / total) < 0.02 * (weight / total) + 0.0005);
  }
  CHECK(counts.count("off") == 0);
}

TEST_CASE("weighted picks are spread out rather than bunched", "[weighted_picker]") {
  WeightedPicker p;
  p.Set({{"a", 5}, {"b", 1}, {"c", 1}});
  std::string order;
  for (int i = 0; i < 7; ++i) order += *p.Next();
  CHECK(order == "aabacaa");
  WeightedPicker even;
  even.Set({{"x", 1}, {"y", 1}, {"z", 1}});
  std::string rotation;
  for (int i = 0; i < 6; ++i) rotation += *even.Next();
  CHECK(rotation == "xyzxyz");
}

TEST_CASE("no candidate or only zero weights picks nothing", "[weighted_picker]") {
  WeightedPicker p;
  CHECK_FALSE(p.Next().has_value());
  p.Set({{"a", 0}, {"b", -3}});
  CHECK_FALSE(p.Next().has_value());
}

TEST_CASE("a refresh keeps the scores of candidates that stay", "[weighted_picker]") {
  WeightedPicker p;
  p.Set({{"a", 1}, {"b", 1}});
  CHECK(*p.Next() == "a");
  // Refreshing with the same weights continues the rotation instead of
  // starting over (which would pick "a" again).
  p.Set({{"a", 1}, {"b", 1}});
  CHECK(*p.Next() == "b");
  // A candidate dropped to 0 gets nothing; the others share everything.
  p.Set({{"a", 0}, {"b", 1}, {"c", 1}});
  std::map<std::string, int> counts = Count(p, 100);
  CHECK(counts["a"] == 0);
  CHECK(counts["b"] == 50);
  CHECK(counts["c"] == 50);
}

}  // namespace
}  // namespace provisor
