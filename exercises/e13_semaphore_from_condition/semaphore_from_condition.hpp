#pragma once
/// \file semaphore_from_condition.hpp
/// Exercise E13 (chapter 7): a semaphore built from a condition.
///
/// aio::Semaphore is a counter of permits. Build one yourself, with an
/// aio::Condition and an int:
///
/// - The constructor takes the number of permits there are at first, and
///   throws std::invalid_argument when it is negative.
/// - `acquire()` takes a permit, waiting while there is none.
/// - `release()` gives a permit back and wakes one task waiting for it.
/// - `value()` is the number of permits free now.
///
/// A task cancelled while it waits in `acquire()` takes no permit, and leaves
/// none stranded: whoever waits behind it still gets the permits released.
///
/// Why is `release()` a coroutine, when aio::Semaphore::release is not?
/// Waking a waiter takes notify(), which needs the condition's lock, and
/// taking the lock may mean waiting for it. For the same reason there is no
/// `scoped()` guard: a destructor cannot co_await. Pair every acquire with a
/// release by hand.
///
/// Hints:
/// - `auto held = co_await condition.scoped();` holds the condition's lock
///   until `held` goes out of scope, and notify() may only be called while
///   it is held.
/// - `co_await condition.wait_for(predicate)` releases the lock while it
///   waits, and checks the predicate again, holding the lock, after each
///   notification. A woken task is not promised a permit: another may have
///   taken it first.
/// - If `acquire()` is cancelled, the CancelledError comes out of wait_for
///   with the lock held again; `held` then releases it. Change the count only
///   once a permit is really yours.

#include <aio/aio.hpp>

namespace e13 {

/// A counting semaphore made of a condition and a counter.
class ConditionSemaphore {
 public:
  /// Starts with `permits` free permits; throws std::invalid_argument when
  /// `permits` < 0.
  explicit ConditionSemaphore(int permits);

  /// Takes a permit, waiting until one is free (`co_await semaphore.acquire()`).
  aio::Task<> acquire();

  /// Gives a permit back and wakes a task waiting in acquire(), if any
  /// (`co_await semaphore.release()`).
  aio::Task<> release();

  /// Permits free now.
  int value() const;

 private:
  aio::Condition condition_;
  int free_ = 0;
};

}  // namespace e13
