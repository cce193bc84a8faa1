#pragma once
/// \file clock.hpp
/// The process clock every event loop reads: the real monotonic clock, or a
/// virtual clock that jumps straight to the next timer when nothing is ready.

namespace aio {

/// Which clock the process reads: see clock_kind() and use_clock().
enum class ClockKind {
  real,     ///< std::chrono::steady_clock: programs pause as they would for real.
  virtual_  ///< Starts at 0 and moves only when a loop has nothing to do but wait.
};

/// The clock in use. Chosen once, on first use, from the environment:
/// `AIO_CLOCK=virtual` selects the virtual clock, anything else the real one.
ClockKind clock_kind();

/// Selects the clock for the rest of the process (chapter programs call it for
/// `--virtual-time`). The virtual clock only moves forward, across loops.
void use_clock(ClockKind kind);

/// Seconds on the process clock; `loop.time()` reads the same value, as
/// Python's `time.perf_counter()` and `loop.time()` share one monotonic clock.
double perf_counter();

/// A *blocking* sleep, Python's `time.sleep`: the thread stops, and with it any
/// loop it runs. On the virtual clock it moves time forward by `seconds`.
void blocking_sleep(double seconds);

namespace detail {
/// Moves the virtual clock forward by `seconds` (the loop's "sleep" while
/// waiting for its next timer). Never moves it backward.
void advance_virtual_clock(double seconds);
}  // namespace detail

}  // namespace aio
