#pragma once
/// \file condition.hpp
/// aio::Condition: tasks wait, holding a lock, until another task tells them
/// something changed (`asyncio.Condition`).

#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "aio/errors.hpp"
#include "aio/future.hpp"
#include "aio/lock.hpp"
#include "aio/scoped_release.hpp"
#include "aio/task.hpp"

namespace aio {

/// A condition variable over a Lock (`asyncio.Condition`): its own, or one
/// given to the constructor and shared with other code.
///
/// acquire(), release(), locked() and scoped() are the lock's. wait() needs the
/// lock held; it releases it, waits for notify() or notify_all(), and takes the
/// lock back before it returns, or throws.
///
/// The condition binds to the running loop the first time a task waits on it.
/// It, and a lock given to it, must outlive every task waiting on it.
class Condition : detail::LoopBound {
 public:
  /// A condition with a lock of its own.
  Condition() : own_lock_(std::in_place), lock_(&*own_lock_) {}
  /// A condition over `lock`, which must outlive it.
  explicit Condition(Lock& lock) noexcept : lock_(&lock) {}

  /// Whether the lock is held (`Condition.locked`).
  bool locked() const noexcept { return lock_->locked(); }
  /// Takes the lock (`await condition.acquire()`), as Lock::acquire does.
  Lock::Acquire acquire() noexcept { return lock_->acquire(); }
  /// Releases the lock (`Condition.release`), as Lock::release does.
  void release() { lock_->release(); }
  /// `async with condition:` — `auto held = co_await condition.scoped();`.
  ScopedAcquire<Condition, Lock::Acquire> scoped() noexcept { return {*this, acquire()}; }

  /// Waits until notified (`await condition.wait()`); returns true. Throws
  /// RuntimeError("cannot wait on un-acquired lock") unless the lock is held.
  ///
  /// However it ends, it re-acquires the lock first: a cancellation that comes
  /// while it waits for the notification, or while it waits for the lock
  /// afterwards, is thrown only once the lock is held again. The caller
  /// releases it, as after a normal return.
  ///
  /// A waiter cancelled after it was notified passes the notification to the
  /// next waiter, so no notification is lost. CPython 3.11 loses it (the waiter
  /// consumes the notification and raises); 3.13 fixed it by notifying one more
  /// waiter whenever wait() raises. Here the notification is passed on only
  /// when one was received: a waiter cancelled before it was notified wakes
  /// nobody, as in 3.11.
  Task<bool> wait() {
    if (!locked()) throw RuntimeError("cannot wait on un-acquired lock");
    detail::QueuedWait notified(waiters_, bound_loop("Condition"), "Condition.wait()");
    release();
    std::exception_ptr error;
    try {
      co_await notified;  // queued until notified; out of the queue afterwards
    } catch (...) {
      error = std::current_exception();
    }

    // Take the lock back whatever happened. Each cancellation that arrives
    // meanwhile is kept (the last one is thrown) and the acquire is retried.
    for (;;) {
      try {
        co_await acquire();
        break;
      } catch (const CancelledError&) {
        error = std::current_exception();
      }
    }
    if (error) {
      if (notified.done() && !notified.cancelled()) waiters_.wake_pending(1);
      std::rethrow_exception(error);
    }
    co_return true;
  }

  /// Waits until `predicate()` is true, calling it first and after each
  /// notification, with the lock held (`await condition.wait_for(predicate)`).
  /// Returns the predicate's last value.
  template <class Predicate>
  Task<std::decay_t<std::invoke_result_t<Predicate&>>> wait_for(Predicate predicate) {
    auto result = predicate();
    while (!result) {
      co_await wait();
      result = predicate();
    }
    co_return result;
  }

  /// Wakes the `n` longest-waiting tasks, if there are that many; none when
  /// `n` <= 0 (`condition.notify(n)`). Each returns from wait() once it has the
  /// lock again, so the caller must release it. Throws RuntimeError("cannot
  /// notify on un-acquired lock") unless the lock is held.
  void notify(int n = 1) {
    require_lock();
    if (n > 0) waiters_.wake_pending(static_cast<std::size_t>(n));
  }

  /// Wakes every waiting task (`condition.notify_all()`); the same rules.
  void notify_all() {
    require_lock();
    waiters_.wake_pending(waiters_.size());
  }

 private:
  void require_lock() const {
    if (!locked()) throw RuntimeError("cannot notify on un-acquired lock");
  }

  std::optional<Lock> own_lock_;
  Lock* lock_;
  detail::WaiterQueue waiters_;
};

}  // namespace aio
