// Exercise E13, a reference answer.
#include "semaphore_from_condition.hpp"

#include <fmt/core.h>

#include <stdexcept>

namespace e13 {

ConditionSemaphore::ConditionSemaphore(int permits) : free_(permits) {
  if (permits < 0) {
    throw std::invalid_argument(fmt::format("a semaphore cannot start with {} permits", permits));
  }
}

aio::Task<> ConditionSemaphore::acquire() {
  auto held = co_await condition_.scoped();
  // wait_for tests the count with the lock held, and again after every
  // notification: being woken is a hint, not a promise.
  co_await condition_.wait_for([this] { return free_ > 0; });
  // Only now, with a permit free and the lock held, is the permit taken. A
  // cancellation comes out of wait_for before this line, so a cancelled
  // acquire changes nothing, and `held` gives the lock back.
  --free_;
}

aio::Task<> ConditionSemaphore::release() {
  auto held = co_await condition_.scoped();
  ++free_;
  // One permit, one waiter to wake. If that waiter is cancelled before it
  // runs, the condition passes the notification on to the next one.
  condition_.notify(1);
}

int ConditionSemaphore::value() const {
  return free_;
}

}  // namespace e13
