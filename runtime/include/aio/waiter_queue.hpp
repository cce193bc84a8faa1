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

class QueuedWait;

/// The futures of the tasks blocked on a primitive, oldest first (CPython's
/// `collections.deque` of futures). The deque is created on first use, as
/// CPython's Lock starts with `_waiters = None`: an uncontended primitive
/// allocates nothing.
///
/// Unlike Python's, a primitive can be destroyed while tasks still wait on it
/// (a local of main, when main returns). Its destructor tells each QueuedWait
/// still queued, which from then on leaves the primitive alone.
class WaiterQueue {
 public:
  WaiterQueue() = default;
  WaiterQueue(const WaiterQueue&) = delete;
  WaiterQueue& operator=(const WaiterQueue&) = delete;
  ~WaiterQueue();

  bool empty() const noexcept { return !waiters_ || waiters_->empty(); }
  std::size_t size() const noexcept { return waiters_ ? waiters_->size() : 0; }
  /// The oldest waiter; the queue must not be empty.
  Future<void>& front() noexcept { return waiters_->front().future; }

  void push_back(Future<void> future) { push_back(std::move(future), nullptr); }
  void pop_back() noexcept { waiters_->pop_back(); }

  /// Removes `future` (`deque.remove(fut)`). It is nearly always the first one,
  /// so the search is short.
  void remove(const Future<void>& future) noexcept {
    erase_first([&](const Waiter& w) { return &w.future.core() == &future.core(); });
  }

  /// Whether some waiter is still live: not cancelled (woken ones count).
  bool any_live() const noexcept {
    return waiters_ && std::any_of(waiters_->begin(), waiters_->end(),
                                   [](const Waiter& w) { return !w.future.cancelled(); });
  }

  /// The oldest waiter that is not done yet (neither woken nor cancelled).
  Future<void>* first_pending() noexcept {
    if (!waiters_) return nullptr;
    const auto found = std::find_if(waiters_->begin(), waiters_->end(),
                                    [](const Waiter& w) { return !w.future.done(); });
    return found != waiters_->end() ? &found->future : nullptr;
  }

  /// Wakes the `count` oldest waiters that are not done yet; returns how many.
  /// `wake_pending(1)` is CPython's `_wakeup_next`.
  std::size_t wake_pending(std::size_t count) {
    std::size_t woken = 0;
    if (!waiters_) return woken;
    for (Waiter& waiter : *waiters_) {
      if (woken >= count) break;
      if (waiter.future.done()) continue;
      waiter.future.set_result();
      ++woken;
    }
    return woken;
  }

 private:
  friend class QueuedWait;
  struct Waiter {
    Future<void> future;
    QueuedWait* wait;  // null for a bare future (Condition queues those)
  };

  void push_back(Future<void> future, QueuedWait* wait) {
    if (!waiters_) waiters_.emplace();
    waiters_->push_back(Waiter{std::move(future), wait});
  }

  template <class Match>
  void erase_first(Match match) noexcept {
    if (!waiters_) return;
    const auto found = std::find_if(waiters_->begin(), waiters_->end(), match);
    if (found != waiters_->end()) waiters_->erase(found);
  }

  std::optional<std::deque<Waiter>> waiters_;
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
/// `co_await` it, directly or from a primitive's awaiter: await_suspend queues
/// the future and suspends the task on it, await_resume takes the future out
/// of the queue and then returns, or throws the CancelledError that woke the
/// task.
///
/// If the queue is destroyed meanwhile, the wait does not touch it again. A
/// task cancelled then gets its CancelledError as usual; one woken before the
/// queue went gets RuntimeError, as whatever it was woken for is gone too.
/// So after a CancelledError, the queue is still there unless future() was
/// cancelled.
class QueuedWait {
 public:
  QueuedWait(WaiterQueue& waiters, EventLoop& loop)
      : waiters_(&waiters), future_(loop), awaiter_(future_) {}
  /// Awaiters are moved before they are awaited; a queued wait stays put.
  QueuedWait(QueuedWait&& other) noexcept
      : waiters_(std::exchange(other.waiters_, nullptr)),
        future_(other.future_),
        awaiter_(future_) {}
  ~QueuedWait() { leave(); }

  bool await_ready() const noexcept { return false; }

  void await_suspend(std::coroutine_handle<> suspended) {
    waiters_->push_back(future_, this);
    try {
      awaiter_.await_suspend(suspended);
    } catch (...) {
      waiters_->pop_back();
      throw;
    }
  }

  void await_resume() {
    if (orphaned_ && !future_.cancelled()) {
      throw RuntimeError("aio primitive destroyed while a task was waiting on it");
    }
    leave();
    awaiter_.await_resume();
  }

  /// The waiter's future: done and not cancelled once it was woken.
  const Future<void>& future() const noexcept { return future_; }
  /// Whether the primitive was destroyed while this wait was queued in it.
  bool orphaned() const noexcept { return orphaned_; }

 private:
  friend class WaiterQueue;

  /// Takes the future out of the queue, if both are still there.
  void leave() noexcept {
    if (waiters_ != nullptr) {
      waiters_->erase_first([this](const WaiterQueue::Waiter& w) { return w.wait == this; });
    }
    waiters_ = nullptr;
  }

  WaiterQueue* waiters_;  // null once the wait has left it, or it was destroyed
  bool orphaned_ = false;
  Future<void> future_;
  FutureAwaiter<void, Future<void>> awaiter_;
};

inline WaiterQueue::~WaiterQueue() {
  if (!waiters_) return;
  for (Waiter& waiter : *waiters_) {
    if (waiter.wait == nullptr) continue;
    waiter.wait->waiters_ = nullptr;
    waiter.wait->orphaned_ = true;
  }
}

}  // namespace detail

}  // namespace aio
