#pragma once
/// \file waiter_queue.hpp
/// What the synchronization primitives share: binding to a loop at first use,
/// the FIFO queue of waiter futures, and one blocking wait on that queue.

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"

namespace aio {

namespace detail {

/// A primitive is created without a loop and binds to the running loop the
/// first time it needs a future (CPython's `mixins._LoopBoundMixin`, 3.10+).
/// Primitives are neither copied nor moved: their waiters refer to them.
class LoopBound {
 public:
  LoopBound() = default;
  LoopBound(const LoopBound&) = delete;
  LoopBound& operator=(const LoopBound&) = delete;

 protected:
  ~LoopBound() = default;

  /// The running loop, after checking it is the one this primitive is bound to.
  /// `kind` names the primitive in the error ("Lock").
  EventLoop& bound_loop(const char* kind) {
    EventLoop& running = get_running_loop();
    if (loop_serial_ == 0) loop_serial_ = running.serial();
    if (loop_serial_ != running.serial()) {
      throw RuntimeError(std::string("<aio::") + kind + "> is bound to a different event loop");
    }
    return running;
  }

 private:
  std::uint64_t loop_serial_ = 0;  // 0: not bound yet
};

/// The futures of the tasks blocked on a primitive, oldest first (CPython's
/// `collections.deque` of futures). The deque is created on first use, as
/// CPython's Lock starts with `_waiters = None`: an uncontended primitive
/// allocates nothing.
class WaiterQueue {
 public:
  bool empty() const noexcept { return !futures_ || futures_->empty(); }
  std::size_t size() const noexcept { return futures_ ? futures_->size() : 0; }
  /// The oldest waiter; the queue must not be empty.
  Future<void>& front() noexcept { return futures_->front(); }

  void push_back(Future<void> future) {
    if (!futures_) futures_.emplace();
    futures_->push_back(std::move(future));
  }
  void pop_back() noexcept { futures_->pop_back(); }

  /// Removes `future` (`deque.remove(fut)`). It is nearly always the first one,
  /// so the search is short.
  void remove(const Future<void>& future) noexcept {
    if (!futures_) return;
    const auto found = std::find_if(futures_->begin(), futures_->end(), [&](const Future<void>& f) {
      return &f.core() == &future.core();
    });
    if (found != futures_->end()) futures_->erase(found);
  }

  /// Whether some waiter is still live: not cancelled (woken ones count).
  bool any_live() const noexcept {
    return futures_ && std::any_of(futures_->begin(), futures_->end(),
                                   [](const Future<void>& f) { return !f.cancelled(); });
  }

  /// The oldest waiter that is not done yet (neither woken nor cancelled).
  Future<void>* first_pending() noexcept {
    if (!futures_) return nullptr;
    const auto found = std::find_if(futures_->begin(), futures_->end(),
                                    [](const Future<void>& f) { return !f.done(); });
    return found != futures_->end() ? &*found : nullptr;
  }

  /// Wakes the `count` oldest waiters that are not done yet; returns how many.
  std::size_t wake_pending(std::size_t count) {
    std::size_t woken = 0;
    if (!futures_) return woken;
    for (Future<void>& future : *futures_) {
      if (woken >= count) break;
      if (future.done()) continue;
      future.set_result();
      ++woken;
    }
    return woken;
  }

 private:
  std::optional<std::deque<Future<void>>> futures_;
};

/// One blocking wait on a primitive, the lines CPython repeats in each of them:
///
///     fut = self._get_loop().create_future()
///     self._waiters.append(fut)
///     try:
///         await fut
///     finally:
///         self._waiters.remove(fut)
///
/// Used from a primitive's awaiter: await_suspend queues the future and
/// suspends the task on it, await_resume takes the future out of the queue and
/// then returns, or throws the CancelledError that woke the task.
class QueuedWait {
 public:
  QueuedWait(WaiterQueue& waiters, EventLoop& loop)
      : waiters_(&waiters), future_(loop), awaiter_(future_) {}

  void await_suspend(std::coroutine_handle<> suspended) {
    waiters_->push_back(future_);
    try {
      awaiter_.await_suspend(suspended);
    } catch (...) {
      waiters_->pop_back();
      throw;
    }
  }

  void await_resume() {
    try {
      awaiter_.await_resume();
    } catch (...) {
      waiters_->remove(future_);
      throw;
    }
    waiters_->remove(future_);
  }

  /// The waiter's future: done and not cancelled once it was woken.
  const Future<void>& future() const noexcept { return future_; }

 private:
  WaiterQueue* waiters_;
  Future<void> future_;
  FutureAwaiter<void, Future<void>> awaiter_;
};

}  // namespace detail

}  // namespace aio
