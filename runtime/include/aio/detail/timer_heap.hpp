#pragma once
/// \file detail/timer_heap.hpp
/// The loop's timers: a binary min-heap ordered by (deadline, scheduling order),
/// so timers with equal deadlines fire in the order they were scheduled.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "aio/detail/callback.hpp"

namespace aio::detail {

class TimerHeap {
 public:
  /// Schedules `node` at `when`; the heap holds a reference to it. `when`
  /// must not be NaN, which is ordered neither before nor after any deadline
  /// and would break the heap's order (call_at and sleep refuse it).
  void push(Callback& node, double when);

  /// Records that a scheduled node was cancelled: its entry is now stale.
  void note_cancelled() noexcept { ++stale_; }

  /// Drops stale entries: all of them when they are most of a large heap (one
  /// O(n) rebuild), otherwise only those at the top (CPython's policy).
  void drop_stale() {
    if (stale_ != 0) drop_stale_entries();  // every iteration asks: keep it cheap
  }

  /// True when no entry is waiting. Call drop_stale() first to ignore stale ones.
  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }

  /// Deadline of the earliest entry; the heap must not be empty.
  double next_deadline() const noexcept { return entries_.front().when; }

  /// Removes the earliest entry and returns its node if it is still live (the
  /// caller takes over the reference), or nullptr if it was stale.
  Callback* pop();

  /// Releases every node (used when the loop closes).
  void clear() noexcept;

 private:
  struct Entry {
    double when;
    std::uint64_t sequence;
    Callback* node;

    bool live() const noexcept { return node->armed_sequence == sequence; }
    bool before(const Entry& other) const noexcept {
      return when < other.when || (when == other.when && sequence < other.sequence);
    }
  };

  void drop_stale_entries();
  void sift_up(std::size_t index) noexcept;
  void sift_down(std::size_t index) noexcept;
  void remove_top() noexcept;

  std::vector<Entry> entries_;
  std::uint64_t next_sequence_ = 1;
  std::size_t stale_ = 0;
};

}  // namespace aio::detail
