#pragma once
/// \file ready_queue.hpp
/// The loop's ready queue: callbacks due to run in the next iteration, first in,
/// first out. A ring buffer of pointers, so a task switch allocates nothing.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "aio/callback.hpp"

namespace aio::detail {

class ReadyQueue {
 public:
  /// A popped entry: run the callback, or, for a timer that came due, expire it.
  struct Entry {
    Callback& callback;
    bool expired;  // the entry is the callback's timer coming due
  };

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

  /// Appends `callback`; the queue holds a reference until it is popped.
  void push(Callback& callback) { push_slot(reinterpret_cast<std::uintptr_t>(&callback)); }

  /// Appends a timer whose deadline passed, taking over the heap's reference.
  /// The low bit of the slot (always 0 in an object's address) marks it.
  void push_expired(Callback& timer) {
    push_slot(reinterpret_cast<std::uintptr_t>(&timer) | expired_bit);
  }

  /// Removes the oldest entry; the caller takes over the queue's reference.
  Entry pop() noexcept {
    const std::uintptr_t front = slots_[head_];
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
    return Entry{*reinterpret_cast<Callback*>(front & ~expired_bit), (front & expired_bit) != 0};
  }

 private:
  static constexpr std::uintptr_t expired_bit = 1;

  void push_slot(std::uintptr_t slot) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = slot;
    ++size_;
  }

  void grow() {
    std::vector<std::uintptr_t> bigger(slots_.empty() ? 64 : slots_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = slots_[(head_ + i) & (slots_.size() - 1)];
    slots_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<std::uintptr_t> slots_;  // capacity is always a power of two
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace aio::detail
