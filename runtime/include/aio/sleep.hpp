#pragma once
/// \file sleep.hpp
/// `co_await aio::sleep(seconds)`: suspend the running task without blocking
/// the loop. `sleep(0)` gives the other ready callbacks one turn.

#include <chrono>
#include <coroutine>

#include "aio/task.hpp"

namespace aio {

class SleepAwaiter {
 public:
  explicit SleepAwaiter(double seconds) noexcept : seconds_(seconds) {}

  // Even sleep(0) suspends: that is how a task lets others run.
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> suspended) const {
    detail::TaskBase& task = detail::running_task();
    if (seconds_ <= 0) {
      task.yield_once(suspended);
    } else {
      task.sleep_until(task.loop().time() + seconds_, suspended);
    }
  }
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

/// Suspends the running task for `seconds` of loop time (`asyncio.sleep`).
inline SleepAwaiter sleep(double seconds) noexcept {
  return SleepAwaiter(seconds);
}

template <class Rep, class Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> duration) noexcept {
  return SleepAwaiter(std::chrono::duration<double>(duration).count());
}

}  // namespace aio
