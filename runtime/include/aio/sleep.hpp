#pragma once
/// \file sleep.hpp
/// `co_await aio::sleep(seconds)`: suspend the running task without blocking
/// the loop. `sleep(0)` gives the other ready callbacks one turn.

#include <chrono>
#include <cmath>
#include <coroutine>
#include <type_traits>
#include <utility>

#include "aio/task.hpp"

namespace aio {

/// What sleep() returns: `co_await` it to suspend the running task.
class SleepAwaiter {
 public:
  /// A sleep of `seconds` of loop time; 0 or less: one loop iteration.
  explicit SleepAwaiter(double seconds) noexcept : seconds_(seconds) {}

  /// Always false: even sleep(0) suspends, which is how a task lets others run.
  /// A NaN delay throws ValueError, as in CPython
  /// 3.13:
  ///
  ///     if math.isnan(delay):
  ///         raise ValueError("Invalid delay: NaN (not a number)")
  ///
  /// CPython 3.11 arms a timer for NaN, which compares neither before nor after
  /// any other: it fires whenever the heap's shape happens to bring it to the top.
  bool await_ready() const {
    if (std::isnan(seconds_)) throw ValueError("Invalid delay: NaN (not a number)");
    return false;
  }
  /// Arms the task's wake-up: at loop time now + seconds, or in the next
  /// iteration for sleep(0).
  void await_suspend(std::coroutine_handle<> suspended) const {
    detail::TaskBase& task = detail::running_task();
    if (seconds_ <= 0) {
      task.yield_once(suspended);
    } else {
      task.sleep_until(task.loop().time() + seconds_, suspended);
    }
  }
  /// Throws CancelledError if the task was cancelled while it slept.
  void await_resume() const {
    detail::TaskBase& task = detail::running_task();
    if (seconds_ <= 0) {
      task.deliver_pending_cancel();
    } else {
      task.finish_sleep();
    }
  }

 private:
  double seconds_;
};

/// What sleep(seconds, result) returns: a sleep whose `co_await` gives `result`.
template <class T>
class SleepWithResult : public SleepAwaiter {
 public:
  /// A sleep of `seconds` that returns `result`.
  SleepWithResult(double seconds, T result) : SleepAwaiter(seconds), result_(std::move(result)) {}
  /// Throws CancelledError if the task was cancelled while it slept;
  /// otherwise hands `result` back.
  T await_resume() {
    SleepAwaiter::await_resume();
    return std::move(result_);
  }

 private:
  T result_;
};

/// Suspends the running task for `seconds` of loop time (`asyncio.sleep`).
inline SleepAwaiter sleep(double seconds) noexcept {
  return SleepAwaiter(seconds);
}

/// The same with a std::chrono duration: `co_await aio::sleep(500ms)`.
template <class Rep, class Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> duration) noexcept {
  return SleepAwaiter(std::chrono::duration<double>(duration).count());
}

/// Suspends for `seconds`, then returns `result`: `await asyncio.sleep(1,
/// result)`.
template <class T>
SleepWithResult<std::decay_t<T>> sleep(double seconds, T&& result) {
  return SleepWithResult<std::decay_t<T>>(seconds, std::forward<T>(result));
}

/// The same with a std::chrono duration.
template <class Rep, class Period, class T>
SleepWithResult<std::decay_t<T>> sleep(std::chrono::duration<Rep, Period> duration, T&& result) {
  return sleep(std::chrono::duration<double>(duration).count(), std::forward<T>(result));
}

}  // namespace aio
