#pragma once
/// \file ready_queue.hpp
/// The loop's ready queue: callbacks due to run in the next iteration, first in,
/// first out. A ring buffer of pointers, so a task switch allocates nothing.

#include <cstddef>
#include <vector>

#include "aio/callback.hpp"

namespace aio::detail {

class ReadyQueue {
 public:
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

  /// Appends `callback`; the queue holds a reference until it is popped.
  void push(Callback& callback) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = &callback;
    ++size_;
  }

  /// Removes the oldest callback; the caller takes over the queue's reference.
  Callback& pop() noexcept {
    Callback* front = slots_[head_];
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
    return *front;
  }

 private:
  void grow() {
    std::vector<Callback*> bigger(slots_.empty() ? 64 : slots_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = slots_[(head_ + i) & (slots_.size() - 1)];
    slots_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<Callback*> slots_;  // capacity is always a power of two
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace aio::detail
