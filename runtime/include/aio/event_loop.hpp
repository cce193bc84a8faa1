#pragma once
/// \file event_loop.hpp
/// The event loop: one thread, a ready queue, a timer heap and a selector.
/// Each iteration (`run_once`) moves due timers to the ready queue and runs
/// exactly the callbacks that were ready when the iteration began.

#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <type_traits>
#include <utility>

#include "aio/clock.hpp"
#include "aio/detail/loop_core.hpp"
#include "aio/errors.hpp"
#include "aio/handle.hpp"

namespace aio {

template <class T>
class Task;

namespace detail {
class FutureBase;
}  // namespace detail

namespace detail {
LoopCore& core(EventLoop& loop) noexcept;
const LoopCore& core(const EventLoop& loop) noexcept;
/// Makes `main` a task of `loop` when it is a coroutine; throws ValueError
/// when it is a task of another loop (run.cpp).
void adopt_main(EventLoop& loop, TaskBase& main);
/// Runs `loop` until `future` is done; the loop stops in the iteration after.
void run_until_done(EventLoop& loop, FutureBase& future);
}  // namespace detail

/// An event loop (the loop `asyncio.get_running_loop()` returns): one thread
/// runs callbacks and task steps, one at a time, and timers when they are due.
///
/// aio::run makes one, runs main on it and closes it. A program that wants
/// a loop of its own (`asyncio.new_event_loop()`) declares one, runs it with
/// run_until_complete and closes it; the destructor closes it too.
///
/// The machinery that futures, tasks and timers use (the ready queue, the
/// timer heap, the running task...) is a private base, detail::LoopCore,
/// which the runtime's own parts reach through detail::core(loop).
class EventLoop : private detail::LoopCore {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Runs `function(args...)` in the next iteration, after everything already
  /// scheduled (`loop.call_soon`).
  template <class F, class... Args>
  Handle call_soon(F&& function, Args&&... args) {
    return Handle(&schedule_function(bind(std::forward<F>(function), std::forward<Args>(args)...),
                                     no_deadline));
  }

  /// Runs `function(args...)` once `delay` seconds have passed (`loop.call_later`).
  /// A NaN delay throws ValueError, as call_at does.
  template <class F, class... Args>
  TimerHandle call_later(double delay, F&& function, Args&&... args) {
    if (std::isnan(delay)) throw ValueError("Invalid delay: NaN (not a number)");
    return call_at(time() + delay, std::forward<F>(function), std::forward<Args>(args)...);
  }

  /// Runs `function(args...)` when `time()` reaches `when` (`loop.call_at`).
  ///
  /// A NaN `when` throws ValueError. CPython
  /// takes it: NaN compares neither before nor after any deadline, so the
  /// timer fires whenever the heap's shape brings it to the top (at once in an
  /// empty heap, after some unrelated later timer in another), and the heap's
  /// order around it is no longer kept. No deadline order can be matched, so
  /// the timer is refused, as `asyncio.sleep` refuses a NaN delay since 3.13.
  template <class F, class... Args>
  TimerHandle call_at(double when, F&& function, Args&&... args) {
    if (std::isnan(when)) throw ValueError("Invalid time: NaN (not a number)");
    return TimerHandle(
        &schedule_function(bind(std::forward<F>(function), std::forward<Args>(args)...), when));
  }

  /// The loop's clock, in seconds (`loop.time()`).
  double time() const { return perf_counter(); }

  /// Wraps `main` in a task, runs the loop until it is done and returns its
  /// result or rethrows its exception (`loop.run_until_complete`).
  template <class T>
  T run_until_complete(Task<T> main) {
    // Only Task's own members, so this header needs no more than Task's
    // declaration: whoever calls this has a Task, and so has task.hpp.
    detail::adopt_main(*this, main.state());
    detail::run_until_done(*this, main.state());
    return std::move(main).take_result();
  }

  /// Runs iterations until stop() is called (`loop.run_forever`).
  void run_forever();
  /// Asks the loop to finish the current iteration and return from run_forever.
  void stop() noexcept { stopping_ = true; }
  /// Releases everything still scheduled. A closed loop cannot run again.
  void close();
  /// Whether the loop is running now (`loop.is_running`).
  bool is_running() const noexcept { return running_; }
  /// Whether close() was called (`loop.is_closed`).
  bool is_closed() const noexcept { return LoopCore::is_closed(); }
  /// Distinct for every loop the process creates, even when a new loop takes
  /// the address of an old one (as successive aio::run calls do).
  std::uint64_t serial() const noexcept { return serial_; }

  /// Debug mode reports callbacks that hold the loop longer than
  /// slow_callback_duration seconds of loop time.
  void set_debug(bool enabled) noexcept { debug_ = enabled; }
  /// Whether debug mode is on (`loop.get_debug`).
  bool get_debug() const noexcept { return debug_; }
  /// In debug mode, the loop time in seconds above which a callback or task
  /// step is reported as slow (`loop.slow_callback_duration`).
  double slow_callback_duration = 0.1;

 private:
  // Marks a call_soon callback. NaN, because every number is a deadline call_at may
  // be given (a negative one is simply overdue).
  static constexpr double no_deadline = std::numeric_limits<double>::quiet_NaN();

  template <class F, class... Args>
  static std::function<void()> bind(F&& function, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) {
      return std::function<void()>(std::forward<F>(function));
    } else {
      return std::bind_front(std::forward<F>(function), std::forward<Args>(args)...);
    }
  }
  detail::FunctionHandle& schedule_function(std::function<void()> function, double when);

  void run_once();
  void run_entry(const detail::ReadyQueue::Entry& entry);
  /// run_entry, reporting an entry that holds the loop too long (debug mode).
  void run_timed(const detail::ReadyQueue::Entry& entry);

  friend detail::LoopCore& detail::core(EventLoop& loop) noexcept;
  friend const detail::LoopCore& detail::core(const EventLoop& loop) noexcept;

  bool running_ = false;
  bool stopping_ = false;
  bool debug_;
  std::uint64_t serial_;
};

namespace detail {
/// The door to a loop's machinery, for the runtime's own parts.
inline LoopCore& core(EventLoop& loop) noexcept {
  return loop;
}
inline const LoopCore& core(const EventLoop& loop) noexcept {
  return loop;
}

/// The loop running in this thread; only run_forever sets it.
extern constinit thread_local EventLoop* running_loop_in_thread;
[[noreturn]] void throw_no_running_loop();
}  // namespace detail

/// The loop running in this thread; throws RuntimeError when there is none
/// (`asyncio.get_running_loop`).
inline EventLoop& get_running_loop() {
  if (detail::running_loop_in_thread == nullptr) detail::throw_no_running_loop();
  return *detail::running_loop_in_thread;
}

/// The loop running in this thread, or nullptr.
inline EventLoop* running_loop() noexcept {
  return detail::running_loop_in_thread;
}

/// Debug mode for loops created from now on, in any thread: one setting for
/// the process, as CPython's default (`PYTHONASYNCIODEBUG`, `-X dev`) is; each
/// loop then has its own (set_debug). Chapter programs turn it on.
void set_default_debug(bool enabled) noexcept;

namespace detail {
/// Reports an exception that escaped a callback, as the loop's exception
/// handler does in asyncio: on standard error, and the loop goes on.
void report_callback_exception(std::exception_ptr error) noexcept;
}  // namespace detail

}  // namespace aio
