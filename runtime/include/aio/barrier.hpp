#pragma once
/// \file barrier.hpp
/// aio::Barrier: a meeting point for a fixed number of tasks (`asyncio.Barrier`,
/// new in Python 3.11). Each task waits until `parties` tasks have arrived;
/// then all of them go on together.

#include <cstdint>
#include <exception>
#include <stdexcept>

#include "aio/condition.hpp"
#include "aio/errors.hpp"
#include "aio/task.hpp"

namespace aio {

/// Raised by Barrier::wait() when the barrier is aborted, or reset while the
/// task waits (`asyncio.BrokenBarrierError`, a RuntimeError in Python too).
class BrokenBarrierError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

/// A barrier for `parties` tasks (`asyncio.Barrier`).
///
/// Like CPython's, it is built on a Condition. A round goes through states:
/// filling (tasks arrive and wait), draining (the last one arrived; the tasks
/// leave, and newcomers wait for the next round until all have left),
/// resetting (reset() was called while tasks waited: they leave with
/// BrokenBarrierError) and broken (abort() was called: every wait(), now and
/// later, throws BrokenBarrierError until reset()).
///
/// The barrier must outlive every task waiting on it.
class Barrier {
 public:
  /// Throws std::invalid_argument (Python's ValueError) when `parties` < 1.
  explicit Barrier(int parties) : parties_(parties) {
    if (parties < 1) throw std::invalid_argument("parties must be > 0");
  }
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  /// Waits until `parties` tasks are waiting, then returns this task's arrival
  /// index, 0 to parties - 1 (`await barrier.wait()`). The last task to arrive
  /// does not wait: it releases the others and is the first to go on.
  Task<int> wait() {
    auto held = co_await cond_.scoped();
    // Wait while the previous round drains or resets; a broken barrier refuses.
    co_await cond_.wait_for(
        [this] { return state_ != State::draining && state_ != State::resetting; });
    if (state_ == State::broken) throw BrokenBarrierError("Barrier aborted");

    const int index = count_++;
    std::exception_ptr error;
    try {
      if (index + 1 == parties_) {
        // The last arrival releases the round.
        state_ = State::draining;
        cond_.notify_all();
      } else {
        co_await cond_.wait_for([this] { return state_ != State::filling; });
        if (state_ == State::broken || state_ == State::resetting) {
          throw BrokenBarrierError("Abort or reset of barrier");
        }
      }
    } catch (...) {
      error = std::current_exception();
    }
    // Leaving the barrier, normally or not. The last task out ends the
    // drain (or the reset) and lets the next round in.
    --count_;
    if (count_ == 0) {
      if (state_ == State::resetting || state_ == State::draining) state_ = State::filling;
      cond_.notify_all();
    }
    if (error) std::rethrow_exception(error);
    co_return index;
  }

  /// Returns the barrier to its empty state (`await barrier.reset()`). Tasks
  /// waiting in it get BrokenBarrierError; a broken barrier works again.
  Task<void> reset() {
    auto held = co_await cond_.scoped();
    state_ = count_ > 0 ? State::resetting : State::filling;
    cond_.notify_all();
  }

  /// Breaks the barrier (`await barrier.abort()`): every task waiting, and
  /// every later wait(), gets BrokenBarrierError until reset().
  Task<void> abort() {
    auto held = co_await cond_.scoped();
    state_ = State::broken;
    cond_.notify_all();
  }

  /// How many tasks must arrive to release a round (`Barrier.parties`).
  int parties() const noexcept { return parties_; }
  /// How many tasks wait for the current round to fill (`Barrier.n_waiting`).
  int n_waiting() const noexcept { return state_ == State::filling ? count_ : 0; }
  /// Whether abort() broke the barrier (`Barrier.broken`).
  bool broken() const noexcept { return state_ == State::broken; }

 private:
  enum class State : std::uint8_t { filling, draining, resetting, broken };

  Condition cond_;
  int parties_;
  int count_ = 0;
  State state_ = State::filling;
};

}  // namespace aio
