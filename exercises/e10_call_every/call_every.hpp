#pragma once
/// \file call_every.hpp
/// Exercise E10 (chapter 3): a callback on a fixed beat.
///
/// The loop offers one-shot timers: `call_later(delay, f)` and
/// `call_at(when, f)`. Build a repeating one on top of them. Write
/// `call_every(loop, interval, callback)`: it calls `callback` every
/// `interval` seconds of loop time, the first time one interval after
/// call_every was called, until the repeats are cancelled. It returns a
/// Repeating, the handle that cancels them and counts the calls.
///
/// The calls keep to a fixed grid: with `start` the loop time when call_every
/// was called, call k (k = 1, 2, 3, ...) is due at `start + k * interval`.
/// Neither a callback that takes part of the interval to run nor a loop that
/// reaches a call late may push the later calls back. ("Call again
/// `interval` seconds after this call" drifts: every delay adds up.) This
/// exercise leaves aside callbacks that run longer than a whole interval.
///
/// The repeats belong to their handle: they go on while some copy of it is
/// alive and not cancelled. A repeat that nobody can stop any more would tick
/// until the loop closes.
///
/// An interval that is not a positive number throws std::invalid_argument,
/// saying "interval must be positive" and giving the interval.
///
/// Write Repeating's members too, and its State: whatever the handle and the
/// scheduled calls share, defined in call_every.cpp.
///
/// Hints:
/// - `loop.call_at(when, f)` returns an aio::TimerHandle; its `cancel()`
///   stops `f` from running if it has not run yet.
/// - Work out each call's time from `start`, not from the time the previous
///   call ran at.
/// - What the handle and the scheduled function share can live in a
///   std::shared_ptr<State>. If the scheduled function held one too, the
///   state would also hold (through its TimerHandle) the function: a cycle
///   that never frees. A std::weak_ptr in the function avoids it.

#include <aio/aio.hpp>
#include <functional>
#include <memory>
#include <utility>

namespace e10 {

/// The handle of a repeating callback. Copies share the same repeats.
class Repeating {
 public:
  /// Whatever the handle and the scheduled calls share (yours to define).
  struct State;

  explicit Repeating(std::shared_ptr<State> state) : state_(std::move(state)) {}

  /// Stops the repeats: the callback is not called again. Calling it twice
  /// is harmless, and so is calling it from inside the callback. Call it
  /// while the loop is still open.
  void cancel();
  /// True once cancel() has been called.
  bool cancelled() const;
  /// How many times the callback has been called so far, counting the call
  /// that is running, if any.
  int calls() const;

 private:
  std::shared_ptr<State> state_;
};

/// Calls `callback` at loop times start + interval, start + 2 * interval, ...
/// (start = loop.time() now) until the returned handle is cancelled or gone.
/// Throws std::invalid_argument unless interval > 0.
Repeating call_every(aio::EventLoop& loop, double interval, std::function<void()> callback);

}  // namespace e10
