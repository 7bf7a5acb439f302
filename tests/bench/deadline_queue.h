// DeadlineQueue: O(1) timer queue over a fixed set of ids 0..capacity-1.
//
// Contract: every id has at most one pending deadline. Arm() (re)schedules an
// id and moves it to the tail; the head is always the earliest deadline. This
// is exact only when deadlines are armed in non-decreasing order, which holds
// when every timer uses the same timeout ("now + timeout" on a monotonic
// clock); a deadline earlier than the current tail is clamped up to it, so the
// queue never fires out of order. Single-threaded; no allocation after
// construction.
#ifndef PROVISOR_TESTS_BENCH_DEADLINE_QUEUE_H_
#define PROVISOR_TESTS_BENCH_DEADLINE_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace provisor::bench {

class DeadlineQueue {
 public:
  explicit DeadlineQueue(size_t capacity) : nodes_(capacity) {}

  DeadlineQueue(const DeadlineQueue&) = delete;
  DeadlineQueue& operator=(const DeadlineQueue&) = delete;

  // Schedules `id` at `deadline_ns`, replacing any pending deadline.
  void Arm(uint32_t id, int64_t deadline_ns) {
    Disarm(id);
    Node& node = nodes_[id];
    if (tail_ != kNone && deadline_ns < nodes_[tail_].deadline_ns) {
      deadline_ns = nodes_[tail_].deadline_ns;
    }
    node.deadline_ns = deadline_ns;
    node.armed = true;
    node.prev = tail_;
    node.next = kNone;
    if (tail_ == kNone) {
      head_ = id;
    } else {
      nodes_[tail_].next = id;
    }
    tail_ = id;
  }

  // Cancels the pending deadline of `id`, if any.
  void Disarm(uint32_t id) {
    Node& node = nodes_[id];
    if (!node.armed) return;
    if (node.prev == kNone) {
      head_ = node.next;
    } else {
      nodes_[node.prev].next = node.next;
    }
    if (node.next == kNone) {
      tail_ = node.prev;
    } else {
      nodes_[node.next].prev = node.prev;
    }
    node.armed = false;
  }

  bool empty() const { return head_ == kNone; }
  // Both require !empty().
  uint32_t front() const { return head_; }
  int64_t front_deadline_ns() const { return nodes_[head_].deadline_ns; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  struct Node {
    uint32_t prev = kNone;
    uint32_t next = kNone;
    int64_t deadline_ns = 0;
    bool armed = false;
  };

  std::vector<Node> nodes_;
  uint32_t head_ = kNone;
  uint32_t tail_ = kNone;
};

}  // namespace provisor::bench

#endif  // PROVISOR_TESTS_BENCH_DEADLINE_QUEUE_H_
