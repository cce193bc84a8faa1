#pragma once
/// \file detail/ready_queue.hpp
/// The loop's ready queue: callbacks due to run in the next iteration, first in,
/// first out. A ring buffer of pointers, so a task switch allocates nothing.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "aio/detail/callback.hpp"

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
    head_ = (head_ + 1) & (capacity_ - 1);
    --size_;
    return Entry{*reinterpret_cast<Callback*>(front & ~expired_bit), (front & expired_bit) != 0};
  }

 private:
  static constexpr std::uintptr_t expired_bit = 1;

  void push_slot(std::uintptr_t slot) {
    if (size_ == capacity_) grow();
    slots_[(head_ + size_) & (capacity_ - 1)] = slot;
    ++size_;
  }

  // Doubles the ring, unwrapping it to start at 0. The new slots are not
  // zeroed first: every one below size_ is copied over, and the rest are
  // written before they are read.
  void grow() {
    const std::size_t capacity = capacity_ == 0 ? 64 : capacity_ * 2;
    auto bigger = std::make_unique_for_overwrite<std::uintptr_t[]>(capacity);
    const std::size_t first_part = std::min(size_, capacity_ - head_);
    std::copy_n(slots_.get() + head_, first_part, bigger.get());
    std::copy_n(slots_.get(), size_ - first_part, bigger.get() + first_part);
    slots_ = std::move(bigger);
    capacity_ = capacity;
    head_ = 0;
  }

  std::unique_ptr<std::uintptr_t[]> slots_;
  std::size_t capacity_ = 0;  // always a power of two, once there are slots
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace aio::detail
