#include "aio/detail/timer_heap.hpp"

#include <utility>

namespace aio::detail {
namespace {
// CPython rebuilds its heap when more than 100 entries exist and more than half
// of them are cancelled; below that, dropping stale tops is cheaper.
constexpr std::size_t min_entries_to_compact = 100;
}  // namespace

void TimerHeap::push(Callback& node, double when) {
  node.retain();
  node.armed_sequence = next_sequence_++;
  entries_.push_back(Entry{when, node.armed_sequence, &node});
  sift_up(entries_.size() - 1);
}

void TimerHeap::drop_stale_entries() {
  if (entries_.size() > min_entries_to_compact && stale_ * 2 > entries_.size()) {
    std::vector<Entry> live;
    live.reserve(entries_.size() - stale_);
    for (const Entry& entry : entries_) {
      if (entry.live()) {
        live.push_back(entry);
      } else {
        entry.node->release();
      }
    }
    entries_ = std::move(live);
    for (std::size_t i = entries_.size() / 2; i-- > 0;) sift_down(i);
    stale_ = 0;
    return;
  }
  while (!entries_.empty() && !entries_.front().live()) {
    entries_.front().node->release();
    remove_top();
    --stale_;
  }
}

Callback* TimerHeap::pop() {
  Entry top = entries_.front();
  remove_top();
  if (!top.live()) {
    top.node->release();
    --stale_;
    return nullptr;
  }
  top.node->armed_sequence = 0;  // fired: no longer in the heap
  return top.node;
}

void TimerHeap::clear() noexcept {
  for (const Entry& entry : entries_) {
    if (entry.live()) entry.node->armed_sequence = 0;
    entry.node->release();
  }
  entries_.clear();
  stale_ = 0;
}

void TimerHeap::remove_top() noexcept {
  entries_.front() = entries_.back();
  entries_.pop_back();
  if (!entries_.empty()) sift_down(0);
}

void TimerHeap::sift_up(std::size_t index) noexcept {
  Entry moving = entries_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / 2;
    if (!moving.before(entries_[parent])) break;
    entries_[index] = entries_[parent];
    index = parent;
  }
  entries_[index] = moving;
}

void TimerHeap::sift_down(std::size_t index) noexcept {
  const std::size_t count = entries_.size();
  Entry moving = entries_[index];
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= count) break;
    if (child + 1 < count && entries_[child + 1].before(entries_[child])) ++child;
    if (!entries_[child].before(moving)) break;
    entries_[index] = entries_[child];
    index = child;
  }
  entries_[index] = moving;
}

}  // namespace aio::detail
