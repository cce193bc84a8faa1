#pragma once
/// \file detail/waiter_queue.hpp
/// What the synchronization primitives share: binding to a loop at first use,
/// the FIFO queue of waiting tasks, and one blocking wait on that queue.

#include <coroutine>
#include <cstddef>
#include <cstdint>
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

/// The tasks blocked on a primitive, oldest first (CPython's `collections.deque`
/// of futures). Each waiting task's QueuedWait, its future, lives in its
/// coroutine frame and is linked into this list while it waits, so queueing
/// allocates nothing and leaving the queue, from anywhere in it, takes
/// constant time.
///
/// A waiter stays in the queue until its task runs, as in CPython, where the
/// waiter removes its own future (`self._waiters.remove(fut)`) once it resumes;
/// so the queue also holds waiters that are done (woken or cancelled) but whose
/// tasks have not run yet. CPython walks past them to find the next waiter to
/// wake (`for fut in self._waiters: if not fut.done()`), which makes a burst
/// of wake-ups quadratic: n releases with n waiters each walk past the ones
/// woken before. Here the waiters not done yet also form a second list, the
/// pending line, in the same order; a waiter leaves it when it is woken or
/// cancelled. Finding the first pending waiter, waking it and asking whether
/// some waiter is live all take constant time.
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

  bool empty() const noexcept { return first_ == nullptr; }
  std::size_t size() const noexcept { return size_; }
  /// The oldest waiter, done or not; the queue must not be empty.
  QueuedWait& front() noexcept { return *first_; }

  /// Whether some waiter is still live: not cancelled (woken ones count).
  bool any_live() const noexcept { return size_ > cancelled_; }

  /// The oldest waiter that is not done yet (neither woken nor cancelled).
  QueuedWait* first_pending() noexcept { return first_pending_; }

  /// Wakes `wait`, a waiter of this queue not done yet: it leaves the pending
  /// line and its task is scheduled (`fut.set_result(True)`).
  void wake(QueuedWait& wait);

  /// Wakes the `count` oldest waiters that are not done yet; returns how many.
  /// `wake_pending(1)` is CPython's `_wakeup_next`.
  std::size_t wake_pending(std::size_t count);

 private:
  friend class QueuedWait;
  void push_back(QueuedWait& wait) noexcept;
  void remove(QueuedWait& wait) noexcept;
  /// A pending waiter was cancelled: it leaves the pending line.
  void note_cancelled(QueuedWait& wait) noexcept;
  void leave_pending_line(QueuedWait& wait) noexcept;

  QueuedWait* first_ = nullptr;  // every waiter, oldest first
  QueuedWait* last_ = nullptr;
  QueuedWait* first_pending_ = nullptr;  // the waiters not done yet, oldest first
  QueuedWait* last_pending_ = nullptr;
  std::size_t size_ = 0;
  std::size_t cancelled_ = 0;  // waiters still queued that were cancelled
};

/// What a queue's waiter asks before its task resumes: is the queue still
/// empty (or still full)?
class WaitCondition {
 public:
  virtual bool still_blocked() const = 0;

 protected:
  ~WaitCondition() = default;
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
/// The wait is the future: it is what waits in the queue, what a release or a
/// put wakes with set_result, and what the task awaits. `co_await` it, directly
/// or from a primitive's awaiter: await_suspend queues it and suspends the
/// task on it, await_resume takes it out of the queue and then returns, or
/// throws the CancelledError that woke the task. It lives in the awaiting
/// frame: its last reference going frees nothing.
///
/// Given a WaitCondition, it also runs the `while` around those lines that
/// CPython's queues add: if, when its task is about to resume, the queue is
/// blocked again (another task took the item first), it goes back to the end
/// of the line and the task keeps waiting, without resuming.
///
/// If the queue is destroyed meanwhile, the wait does not touch it again. A
/// task cancelled then gets its CancelledError as usual; one woken before the
/// queue went gets RuntimeError, as whatever it was woken for is gone too.
/// So after a CancelledError, the queue is still there unless the wait was
/// cancelled.
class QueuedWait final : public FutureCore<void> {
 public:
  /// A wait in `waiters`; `waiting_for` names it ("Lock.acquire()") where a
  /// waiter is reported, on timelines for instance.
  QueuedWait(WaiterQueue& waiters, EventLoop& loop, const char* waiting_for,
             const WaitCondition* condition = nullptr)
      : FutureCore<void>(loop),
        waiters_(&waiters),
        waiting_for_(waiting_for),
        condition_(condition) {}
  /// Awaiters are moved before they are awaited; a queued wait stays put.
  QueuedWait(QueuedWait&& other) noexcept
      : FutureCore<void>(other.loop()),
        waiters_(std::exchange(other.waiters_, nullptr)),
        waiting_for_(other.waiting_for_),
        condition_(other.condition_) {}
  QueuedWait& operator=(QueuedWait&&) = delete;
  ~QueuedWait() override { leave(); }

  bool await_ready() const noexcept { return false; }

  void await_suspend(std::coroutine_handle<> suspended) {
    waiters_->push_back(*this);
    try {
      running_task().wait_on(*this, suspended);
    } catch (...) {
      leave();
      throw;
    }
  }

  void await_resume() {
    if (orphaned_ && !cancelled()) {
      throw RuntimeError("aio primitive destroyed while a task was waiting on it");
    }
    leave();
    // A cancellation of this wait raises its own CancelledError, with the
    // message of the request that cancelled it, whatever came after.
    running_task().deliver_pending_cancel(*this);
    // A wait ends woken (a result) or cancelled, never with another error.
    if (cancelled()) std::rethrow_exception(make_cancelled_error());
  }

  /// Whether the primitive was destroyed while this wait was queued in it.
  bool orphaned() const noexcept { return orphaned_; }

  /// What the task waits for: "Lock.acquire()", "Queue.get()"...
  std::string describe_future() const override { return waiting_for_; }

  /// Woken, but the queue is blocked again: back to the end of the line.
  bool requeue_if_still_blocked() override {
    if (condition_ == nullptr || waiters_ == nullptr || cancelled()) return false;
    if (!condition_->still_blocked()) return false;
    waiters_->remove(*this);
    reopen();
    waiters_->push_back(*this);
    return true;
  }

  /// Cancels the wait (`fut.cancel()`, what cancelling the waiting task does):
  /// it stays in the queue until its task runs, but leaves the pending line.
  bool cancel(const std::optional<std::string>& message) override {
    if (!FutureCore<void>::cancel(message)) return false;
    if (waiters_ != nullptr && queued_) waiters_->note_cancelled(*this);
    return true;
  }

 private:
  friend class WaiterQueue;

  void destroy() noexcept override {}  // it lives in the waiting frame

  /// Takes the wait out of the queue, if it is queued and the queue is still there.
  void leave() noexcept {
    if (waiters_ != nullptr && queued_) waiters_->remove(*this);
    waiters_ = nullptr;
  }

  WaiterQueue* waiters_;  // null once the wait has left it, or it was destroyed
  const char* waiting_for_;
  const WaitCondition* condition_;
  QueuedWait* previous_ = nullptr;  // in the queue
  QueuedWait* next_ = nullptr;
  QueuedWait* previous_pending_ = nullptr;  // in its pending line, while not done
  QueuedWait* next_pending_ = nullptr;
  bool queued_ = false;
  bool orphaned_ = false;
};

inline WaiterQueue::~WaiterQueue() {
  for (QueuedWait* wait = first_; wait != nullptr; wait = wait->next_) {
    wait->waiters_ = nullptr;
    wait->orphaned_ = true;
  }
}

inline void WaiterQueue::wake(QueuedWait& wait) {
  leave_pending_line(wait);
  wait.set_result();  // schedules the wake-up; nothing runs here
}

inline std::size_t WaiterQueue::wake_pending(std::size_t count) {
  std::size_t woken = 0;
  for (; woken < count && first_pending_ != nullptr; ++woken) wake(*first_pending_);
  return woken;
}

inline void WaiterQueue::push_back(QueuedWait& wait) noexcept {
  wait.previous_ = last_;
  wait.next_ = nullptr;
  (last_ != nullptr ? last_->next_ : first_) = &wait;
  last_ = &wait;
  wait.previous_pending_ = last_pending_;  // only a pending wait joins a queue
  wait.next_pending_ = nullptr;
  (last_pending_ != nullptr ? last_pending_->next_pending_ : first_pending_) = &wait;
  last_pending_ = &wait;
  wait.queued_ = true;
  ++size_;
}

inline void WaiterQueue::remove(QueuedWait& wait) noexcept {
  if (!wait.done()) {
    leave_pending_line(wait);
  } else if (wait.cancelled()) {
    --cancelled_;
  }
  (wait.previous_ != nullptr ? wait.previous_->next_ : first_) = wait.next_;
  (wait.next_ != nullptr ? wait.next_->previous_ : last_) = wait.previous_;
  wait.previous_ = wait.next_ = nullptr;
  wait.queued_ = false;
  --size_;
}

inline void WaiterQueue::note_cancelled(QueuedWait& wait) noexcept {
  leave_pending_line(wait);
  ++cancelled_;
}

inline void WaiterQueue::leave_pending_line(QueuedWait& wait) noexcept {
  (wait.previous_pending_ != nullptr ? wait.previous_pending_->next_pending_ : first_pending_) =
      wait.next_pending_;
  (wait.next_pending_ != nullptr ? wait.next_pending_->previous_pending_ : last_pending_) =
      wait.previous_pending_;
  wait.previous_pending_ = wait.next_pending_ = nullptr;
}

}  // namespace detail

}  // namespace aio
