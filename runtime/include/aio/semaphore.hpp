#pragma once
/// \file semaphore.hpp
/// aio::Semaphore and aio::BoundedSemaphore: a counter of permits
/// (`asyncio.Semaphore`, `asyncio.BoundedSemaphore`). acquire() takes a permit,
/// waiting while there is none; release() gives one back.
///
/// Waiters are served in arrival order. release() wakes the first waiter and
/// sets a permit aside for it, so a task that arrives in between cannot take
/// it. A waiter cancelled after it was woken gives its permit back and wakes
/// the next one: no permit is lost or counted twice.

#include <coroutine>
#include <optional>
#include <stdexcept>

#include "aio/detail/waiter_queue.hpp"
#include "aio/errors.hpp"
#include "aio/future.hpp"
#include "aio/scoped_release.hpp"

namespace aio {

/// A semaphore with `value` permits at first (`asyncio.Semaphore`).
///
/// The semaphore binds to the running loop the first time a task has to wait
/// for it. It must outlive every task waiting for it.
class Semaphore : detail::LoopBound {
 public:
  /// What `acquire()` returns: `co_await` it. It does not suspend when a permit
  /// is free and no live waiter is queued.
  class [[nodiscard]] Acquire {
   public:
    /// An acquisition of one of `semaphore`'s permits (acquire() makes it).
    explicit Acquire(Semaphore& semaphore) noexcept : semaphore_(&semaphore) {}

    /// Takes a permit at once when one is free and no live waiter is queued:
    /// then the task does not suspend.
    bool await_ready() noexcept {
      if (semaphore_->locked()) return false;
      --semaphore_->value_;
      return true;
    }
    /// Queues the awaiting task behind the semaphore's other waiters.
    void await_suspend(std::coroutine_handle<> suspended) {
      wait_.emplace(semaphore_->waiters_, semaphore_->bound_loop("Semaphore"),
                    "Semaphore.acquire()");
      wait_->await_suspend(suspended);
    }
    /// Returns true once woken with a permit set aside for this task. A task
    /// cancelled while it waits takes no permit (one set aside for it goes to
    /// the next waiter) and gets CancelledError.
    bool await_resume() {
      if (!wait_) return true;  // taken without waiting
      try {
        wait_->await_resume();
      } catch (const CancelledError&) {
        // Woken (a permit was set aside for this waiter) and then cancelled
        // before it ran: the permit goes back, to the next waiter if any.
        if (!wait_->cancelled()) {
          ++semaphore_->value_;
          semaphore_->wake_up_next();
        }
        throw;
      }
      // Permits released while this waiter was queued may be left over: pass
      // one on, so waiters that arrived behind it are not stranded.
      if (semaphore_->value_ > 0) semaphore_->wake_up_next();
      return true;
    }

   private:
    Semaphore* semaphore_;
    std::optional<detail::QueuedWait> wait_;
  };

  /// Throws std::invalid_argument (Python's ValueError) when `value` < 0.
  explicit Semaphore(int value = 1) : Semaphore(value, unbounded) {}

  /// True when acquire() would wait: no permit is free, or a live waiter is
  /// queued and goes first (`Semaphore.locked`).
  bool locked() const noexcept { return value_ == 0 || waiters_.any_live(); }

  /// Takes a permit, waiting for one if needed (`await semaphore.acquire()`);
  /// returns true. A task cancelled while it waits takes no permit.
  Acquire acquire() noexcept { return Acquire(*this); }

  /// Gives a permit back and wakes the first waiter (`Semaphore.release`).
  /// A BoundedSemaphore throws std::invalid_argument("BoundedSemaphore released
  /// too many times") rather than go above its initial value.
  void release() {
    if (bound_ != unbounded && value_ >= bound_) {
      throw std::invalid_argument("BoundedSemaphore released too many times");
    }
    ++value_;
    wake_up_next();
  }

  /// `async with semaphore:` — `auto held = co_await semaphore.scoped();`.
  ScopedAcquire<Semaphore, Acquire> scoped() noexcept { return {*this, acquire()}; }

 protected:
  /// The bound of a plain Semaphore: none.
  static constexpr int unbounded = -1;

  /// A semaphore with `value` permits that release() may not raise above
  /// `bound` (BoundedSemaphore's constructor).
  Semaphore(int value, int bound) : value_(value), bound_(bound) {
    if (value < 0) throw std::invalid_argument("Semaphore initial value must be >= 0");
  }

 private:
  /// Wakes the first waiter not woken or cancelled yet, setting a permit aside
  /// for it; false when there is none.
  bool wake_up_next() {
    detail::QueuedWait* next = waiters_.first_pending();
    if (next == nullptr) return false;
    --value_;
    waiters_.wake(*next);
    return true;
  }

  detail::WaiterQueue waiters_;
  int value_;
  int bound_;
};

/// A semaphore whose release() refuses to go above the initial value
/// (`asyncio.BoundedSemaphore`): releasing more often than acquiring is a bug,
/// and it throws std::invalid_argument (Python raises ValueError).
class BoundedSemaphore : public Semaphore {
 public:
  /// A semaphore with `value` permits, never more. Throws std::invalid_argument
  /// when `value` < 0.
  explicit BoundedSemaphore(int value = 1) : Semaphore(value, value) {}
};

}  // namespace aio
