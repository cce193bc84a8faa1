#pragma once
/// \file clock.hpp
/// The clock every event loop reads: the real monotonic clock, or a virtual
/// clock that jumps straight to the next timer when nothing is ready.
///
/// Which of the two is a choice for the whole process. Virtual time itself
/// belongs to a thread: each thread has its own, starting at 0. A loop moves
/// its clock forward when it has nothing to do but wait for its next timer;
/// with one loop per thread (as CPython allows), a shared virtual time would
/// let one loop's jump carry another loop's clock past that loop's own
/// timers, at moments that depend on how the threads happen to interleave. On
/// its own thread's clock, a loop sees exactly the times it would see if it
/// ran alone, so its output stays exact and the same on every run. Real time,
/// like Python's, is one clock for all threads. (The Python twins' virtual
/// clock, in tools/twin, is one for the process instead: there the other
/// threads serve one loop, as executor jobs do, and their waits must overlap
/// the loop's. The runtime has no such helper threads.)
///
/// Virtual time moves only when a loop would otherwise block. A task that
/// loops on `sleep(0)` keeps the ready queue busy, so no iteration ever waits
/// and the clock stands still: a timeout around such a loop
/// (`wait_for(spin(), 1.0)`, where spin awaits sleep(0) until told to stop)
/// never expires on the virtual clock, where on the real one it expires after
/// a second of spinning. Give a polling loop a real pause (`sleep(0.01)`), as
/// a program that shares its CPU should anyway. The clock does not creep
/// forward by itself: a tick per busy iteration would change the times every
/// chapter prints, and those must match the real clock's to the digit.

namespace aio {

/// Which clock the process reads: see clock_kind() and use_clock().
enum class ClockKind {
  real,     ///< std::chrono::steady_clock: programs pause as they would for real.
  virtual_  ///< Starts at 0 and moves only when a loop has nothing to do but wait.
};

/// The clock in use. Chosen once, on first use, from the environment:
/// `AIO_CLOCK=virtual` selects the virtual clock, anything else the real one.
ClockKind clock_kind();

/// Selects the clock for the rest of the process, in every thread (chapter
/// programs call it for `--virtual-time`). A thread's virtual clock only moves
/// forward, across the loops it runs one after another.
void use_clock(ClockKind kind);

/// Seconds on the clock (on the virtual clock, this thread's); `loop.time()`
/// reads the same value, as Python's `time.perf_counter()` and `loop.time()`
/// share one monotonic clock.
double perf_counter();

/// A *blocking* sleep, Python's `time.sleep`: the thread stops, and with it any
/// loop it runs. On the virtual clock it moves this thread's time forward by
/// `seconds`.
void blocking_sleep(double seconds);

namespace detail {
/// Moves this thread's virtual clock forward by `seconds` (the loop's "sleep"
/// while waiting for its next timer). Never moves it backward.
void advance_virtual_clock(double seconds);
}  // namespace detail

}  // namespace aio
