#pragma once
/// \file event.hpp
/// aio::Event: a flag tasks can wait for (`asyncio.Event`). set() wakes every
/// task waiting; while the flag stays set, wait() returns at once.

#include <coroutine>
#include <optional>

#include "aio/detail/waiter_queue.hpp"

namespace aio {

/// A flag, false at first, that tasks wait for (`asyncio.Event`).
///
/// The event binds to the running loop the first time a task has to wait for
/// it. It must outlive every task waiting for it.
class Event : detail::LoopBound {
 public:
  /// What `wait()` returns: `co_await` it. It does not suspend when the flag is
  /// set; otherwise it suspends until set() is called, and returns true.
  class [[nodiscard]] Wait {
   public:
    /// A wait for `event`'s flag (wait() makes it).
    explicit Wait(Event& event) noexcept : event_(&event) {}

    /// True when the flag is set: then the task does not suspend.
    bool await_ready() const noexcept { return event_->value_; }
    /// Queues the awaiting task until set() wakes it.
    void await_suspend(std::coroutine_handle<> suspended) {
      wait_.emplace(event_->waiters_, event_->bound_loop("Event"), "Event.wait()");
      wait_->await_suspend(suspended);
    }
    /// Returns true; throws CancelledError if the task was cancelled while it
    /// waited.
    bool await_resume() {
      if (wait_) wait_->await_resume();
      return true;
    }

   private:
    Event* event_;
    std::optional<detail::QueuedWait> wait_;
  };

  Event() = default;

  /// Whether the flag is set (`Event.is_set`).
  bool is_set() const noexcept { return value_; }

  /// Sets the flag and wakes every task waiting (`Event.set`). Each one resumes
  /// in a later iteration, in the order they started waiting, and returns true
  /// even if the flag was cleared again in the meantime.
  void set() {
    if (value_) return;
    value_ = true;
    waiters_.wake_pending(waiters_.size());
  }

  /// Clears the flag: wait() blocks again (`Event.clear`).
  void clear() noexcept { value_ = false; }

  /// Waits until the flag is set (`await event.wait()`); returns true.
  Wait wait() noexcept { return Wait(*this); }

 private:
  detail::WaiterQueue waiters_;
  bool value_ = false;
};

}  // namespace aio
