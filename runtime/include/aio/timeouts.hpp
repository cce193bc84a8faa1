#pragma once
/// \file timeouts.hpp
/// Timeout scopes: the C++ form of `async with asyncio.timeout(delay):`
/// (CPython 3.11's asyncio/timeouts.py).
///
/// A scope is bound to the task that enters it. When its deadline passes it
/// cancels that task (`task.cancel()`), so the body gets CancelledError at its
/// current await. When the body leaves the scope, a cancellation the scope
/// caused becomes TimeoutError; any other cancellation propagates unchanged.
///
/// Python runs `__aexit__` with the exception in flight; C++ has no such hook
/// (a destructor cannot replace the exception that is unwinding), so leaving
/// the scope is written out. Two forms:
///
/// 1. The body is a coroutine: `with_timeout` enters, awaits it and leaves.
///
///        try:                                 try {
///            async with asyncio.timeout(1.5):   int n =
///                n = await work()                   co_await aio::with_timeout(1.5, work());
///            use(n)                               use(n);
///        except TimeoutError:                 } catch (const aio::TimeoutError&) {
///            print("too slow")                  fmt::print("too slow\n");
///                                             }
///
/// 2. The body is inline, and may use the scope (`expired()`, `reschedule()`):
///
///        async with asyncio.timeout(1.5) as scope:   aio::Timeout scope = aio::timeout(1.5);
///            await step_one()                        try {
///            scope.reschedule(scope.when() + 1)        co_await step_one();
///            await step_two()                          scope.reschedule(*scope.when() + 1);
///                                                      co_await step_two();
///                                                    } catch (...) {
///                                                      scope.exit(std::current_exception());
///                                                    }
///                                                    scope.exit();
///
///    `exit(error)` always throws: TimeoutError when the error is the
///    cancellation this scope caused (with that CancelledError as its cause,
///    `aio::cause_of`, as Python's `raise TimeoutError from exc_val`), the
///    error itself otherwise. `exit()`
///    leaves after a body that ended normally. Both cancel the timer. A scope
///    destroyed without exit() leaves as exit() would (no conversion).
///
/// A scope does not keep its task alive, and may outlive it (a task that
/// enters a scope and returns it): a deadline that passes after the task is
/// gone marks the scope expired and cancels nothing, as Python's cancel of a
/// done task does nothing.
///
/// Nested scopes with the same deadline both cancel the task; the inner one's
/// exit still sees the outer request outstanding, so it lets CancelledError
/// through and only the outer scope raises TimeoutError.

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/handle.hpp"
#include "aio/task.hpp"

namespace aio {

namespace detail {

/// The shared state of a scope, so the timer callback can find it even after
/// the Timeout object is moved.
struct TimeoutState {
  enum class Phase { entered, expiring, expired, exited };

  // Weak: the scope usually lives in the task's own frame, and a reference
  // from there would keep the frame alive for ever; but it may outlive the
  // task, which then reads as null.
  std::shared_ptr<TaskBase*> task;
  std::optional<double> when;
  std::optional<Handle> handler;  // the pending call_at (or call_soon)
  int cancelling = 0;             // task.cancelling() when the scope was entered
  Phase phase = Phase::entered;
};

}  // namespace detail

/// An open timeout scope (`asyncio.Timeout`), returned by timeout() and
/// timeout_at() already entered.
class Timeout {
 public:
  /// Enters a scope with deadline `when` (loop time; nullopt: none) in the
  /// running task (`Timeout.__aenter__`). Throws RuntimeError outside a task.
  explicit Timeout(std::optional<double> when) : state_(std::make_shared<detail::TimeoutState>()) {
    detail::TaskBase* task = detail::running_task_or_null();
    if (task == nullptr) throw RuntimeError("Timeout should be used inside a task");
    state_->task = task->weak_reference();
    state_->cancelling = task->cancelling();
    reschedule(when);
  }
  Timeout(const Timeout&) = delete;
  Timeout& operator=(const Timeout&) = delete;
  /// Moves the open scope (timeout() returns it by value); `other` is left
  /// empty and its destruction does nothing.
  Timeout(Timeout&& other) noexcept = default;
  Timeout& operator=(Timeout&&) = delete;
  ~Timeout() {
    if (state_ && is_open()) leave();
  }

  /// The current deadline, in loop time; nullopt when there is none.
  std::optional<double> when() const noexcept { return state_->when; }

  /// Moves the deadline (nullopt: none). A deadline already past fires in the
  /// next iteration. Only an open, unexpired scope can be rescheduled.
  void reschedule(std::optional<double> when) {
    using Phase = detail::TimeoutState::Phase;
    if (state_->phase != Phase::entered) {
      const char* name = state_->phase == Phase::expiring  ? "expiring"
                         : state_->phase == Phase::expired ? "expired"
                                                           : "finished";
      throw RuntimeError(std::string("Cannot change state of ") + name + " Timeout");
    }
    state_->when = when;
    if (state_->handler) state_->handler->cancel();
    state_->handler.reset();
    if (!when) return;
    EventLoop& loop = get_running_loop();
    std::weak_ptr<detail::TimeoutState> weak = state_;
    auto fire = [weak] {
      if (auto state = weak.lock()) on_timeout(*state);
    };
    if (*when <= loop.time()) {
      state_->handler.emplace(loop.call_soon(std::move(fire)));
    } else {
      state_->handler.emplace(loop.call_at(*when, std::move(fire)));
    }
  }

  /// Whether the deadline passed while the scope was open (`Timeout.expired`).
  bool expired() const noexcept {
    using Phase = detail::TimeoutState::Phase;
    return state_->phase == Phase::expiring || state_->phase == Phase::expired;
  }

  /// Leaves the scope after the body ended normally (`__aexit__` with no
  /// exception). If the deadline passed but the body swallowed the
  /// cancellation, the scope's request is withdrawn; nothing is raised.
  void exit() { leave(); }

  /// Leaves the scope with `error` in flight (`__aexit__` with an exception),
  /// and throws: TimeoutError when `error` is the CancelledError this scope
  /// caused and no other cancellation is outstanding, `error` otherwise.
  [[noreturn]] void exit(std::exception_ptr error) {
    if (leave() && is_cancelled_error(error)) {
      try {
        std::rethrow_exception(error);
      } catch (const CancelledError&) {
        throw TimeoutError();  // made in the handler: the CancelledError is its cause
      }
    }
    std::rethrow_exception(std::move(error));
  }

 private:
  bool is_open() const noexcept {
    using Phase = detail::TimeoutState::Phase;
    return state_->phase == Phase::entered || state_->phase == Phase::expiring;
  }

  /// The common part of `__aexit__`: cancels the timer, and if the scope
  /// expired, withdraws its cancellation request. Returns true when that left
  /// no request newer than the scope (so this scope handles the cancellation).
  bool leave() noexcept {
    using Phase = detail::TimeoutState::Phase;
    detail::TimeoutState& state = *state_;
    if (state.handler) state.handler->cancel();
    state.handler.reset();
    bool handles_it = false;
    if (state.phase == Phase::expiring) {
      state.phase = Phase::expired;
      // A task that is gone has no request left to withdraw.
      detail::TaskBase* task = *state.task;
      handles_it = (task != nullptr ? task->uncancel() : 0) <= state.cancelling;
    } else if (state.phase == Phase::entered) {
      state.phase = Phase::exited;
    }
    return handles_it;
  }

  static void on_timeout(detail::TimeoutState& state) {
    if (state.phase != detail::TimeoutState::Phase::entered) return;
    if (detail::TaskBase* task = *state.task) task->cancel({});
    state.phase = detail::TimeoutState::Phase::expiring;
    state.handler.reset();  // drop the reference early
  }

  std::shared_ptr<detail::TimeoutState> state_;
};

/// Enters a scope that expires `delay` seconds from now (`asyncio.timeout`);
/// nullopt for no deadline. Call it inside the task the scope is for.
inline Timeout timeout(std::optional<double> delay) {
  if (!delay) return Timeout(std::nullopt);
  return Timeout(get_running_loop().time() + *delay);
}

/// Enters a scope that expires at loop time `when` (`asyncio.timeout_at`).
inline Timeout timeout_at(std::optional<double> when) {
  return Timeout(when);
}

namespace detail {

/// Awaits `body` inside `scope`, then leaves the scope.
template <class T>
Task<T> await_in_scope(Timeout scope, Task<T> body) {
  std::exception_ptr error;
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(body);
    } else {
      T result = co_await std::move(body);
      scope.exit();
      co_return result;
    }
  } catch (...) {
    error = std::current_exception();
  }
  if (error) scope.exit(std::move(error));
  scope.exit();
}

}  // namespace detail

/// Awaits `body` inside a scope that expires `delay` seconds after the await
/// begins, and returns its result:
/// `async with asyncio.timeout(delay): return await body`.
template <class T>
Task<T> with_timeout(std::optional<double> delay, Task<T> body) {
  co_return co_await detail::await_in_scope(timeout(delay), std::move(body));
}

/// The same with a deadline in loop time (`asyncio.timeout_at`).
template <class T>
Task<T> with_timeout_at(std::optional<double> when, Task<T> body) {
  co_return co_await detail::await_in_scope(timeout_at(when), std::move(body));
}

}  // namespace aio
