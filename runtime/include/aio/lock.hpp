#pragma once
/// \file lock.hpp
/// aio::Lock: mutual exclusion between tasks (`asyncio.Lock`).
///
/// The lock is fair. Waiters are served in the order they arrived, and
/// release() does not hand the lock over: it wakes the first waiter, which
/// takes the lock when it runs. Until then nobody else may take it, so a task
/// that releases and acquires again at once queues behind the waiters instead
/// of barging past them.

#include <coroutine>
#include <optional>
#include <utility>

#include "aio/detail/waiter_queue.hpp"
#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/scoped_release.hpp"
#include "aio/task.hpp"

namespace aio {

/// A lock for tasks (`asyncio.Lock`). Not owned by a task: any task may
/// release it. `co_await lock.acquire()` takes it (returning true, as Python's
/// does); `release()` gives it back. `auto held = co_await lock.scoped();` is
/// `async with lock:`.
///
/// The lock binds to the running loop the first time a task has to wait for
/// it. It must outlive every task waiting for it.
class Lock : detail::LoopBound {
 public:
  /// What `acquire()` returns: `co_await` it. It does not suspend when the lock
  /// is free and nobody is queued for it.
  class [[nodiscard]] Acquire {
   public:
    /// An acquisition of `lock` (acquire() makes it).
    explicit Acquire(Lock& lock) noexcept : lock_(&lock) {}

    /// Takes the lock at once when it is free and nobody is queued: then the
    /// task does not suspend.
    bool await_ready() noexcept {
      if (!lock_->can_take_now()) return false;
      lock_->locked_ = true;
      return true;
    }
    /// Queues the awaiting task behind the lock's other waiters.
    void await_suspend(std::coroutine_handle<> suspended) {
      wait_.emplace(lock_->waiters_, lock_->bound_loop("Lock"), "Lock.acquire()");
      wait_->await_suspend(suspended);
    }
    /// Takes the lock once woken and returns true. A task cancelled while it
    /// waits takes nothing, passes on a wake-up it had received, and gets
    /// CancelledError.
    bool await_resume() {
      if (!wait_) return true;  // taken without waiting
      try {
        wait_->await_resume();
      } catch (const CancelledError&) {
        // The waiter is out of the queue. It may have been woken before the
        // cancellation reached it; if the lock is still free, that wake-up
        // goes to the next waiter, so nobody is left waiting on a free lock.
        if (!wait_->orphaned() && !lock_->locked_) lock_->wake_up_first();
        throw;
      }
      lock_->locked_ = true;
      return true;
    }

   private:
    Lock* lock_;
    std::optional<detail::QueuedWait> wait_;
  };

  Lock() = default;

  /// Whether some task holds the lock (`Lock.locked`).
  bool locked() const noexcept { return locked_; }

  /// Waits until the lock is free and this task's turn has come, then takes
  /// it (`await lock.acquire()`). A task cancelled while it waits does not
  /// take the lock.
  Acquire acquire() noexcept { return Acquire(*this); }

  /// Frees the lock and wakes the first waiter, which takes it when it runs.
  /// Releasing a free lock throws RuntimeError("Lock is not acquired.").
  void release() {
    if (!locked_) throw RuntimeError("Lock is not acquired.");
    locked_ = false;
    wake_up_first();
  }

  /// `async with lock:` — `auto held = co_await lock.scoped();`.
  ScopedAcquire<Lock, Acquire> scoped() noexcept { return {*this, acquire()}; }

 private:
  /// Free, and nobody is queued except waiters already cancelled.
  bool can_take_now() const noexcept { return !locked_ && !waiters_.any_live(); }

  /// Wakes the first waiter unless it is done already. A done first waiter was
  /// woken before (it will take the lock when it runs) or cancelled (when it
  /// runs, it finds the lock free and calls this again).
  void wake_up_first() {
    if (waiters_.empty()) return;
    detail::QueuedWait& first = waiters_.front();
    if (!first.done()) waiters_.wake(first);
  }

  detail::WaiterQueue waiters_;
  bool locked_ = false;
};

}  // namespace aio
