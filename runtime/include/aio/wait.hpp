#pragma once
/// \file wait.hpp
/// `aio::wait(tasks, timeout, return_when)`: wait until some or all of the
/// tasks are done and return them split into (done, pending)
/// (`asyncio.wait`, as CPython 3.11's `_wait` writes it).
///
///     auto [done, pending] = co_await aio::wait(tasks, 1.0, aio::FIRST_COMPLETED);
///
/// - FIRST_COMPLETED returns when any task is done; FIRST_EXCEPTION when a task
///   fails with an exception (a cancelled task is not an exception) or all are
///   done; ALL_COMPLETED when all are done.
/// - A timeout (in seconds; none by default) only ends the wait: it raises
///   nothing and cancels nothing. Whatever is not done is in `pending`.
/// - Nothing is ever cancelled by wait, not even when the awaiting task is.
/// - An empty vector throws ValueError.
/// - A coroutine that was never made a task throws TypeError, as in CPython
///   3.11: "Passing coroutines is forbidden, use tasks explicitly." Nothing is
///   scheduled then. (3.8 to 3.10 scheduled them with a warning.)
/// - Python returns two sets; here each is a vector that keeps the tasks in the
///   order they were passed (a task passed twice appears once).

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/handle.hpp"
#include "aio/task.hpp"
#include "aio/wait_for.hpp"

namespace aio {

/// When wait returns (asyncio.FIRST_COMPLETED and friends).
enum class ReturnWhen { FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED };

/// Return when any task is done (`asyncio.FIRST_COMPLETED`).
inline constexpr ReturnWhen FIRST_COMPLETED = ReturnWhen::FIRST_COMPLETED;
/// Return when a task fails with an exception, or when all are done
/// (`asyncio.FIRST_EXCEPTION`).
inline constexpr ReturnWhen FIRST_EXCEPTION = ReturnWhen::FIRST_EXCEPTION;
/// Return when all tasks are done (`asyncio.ALL_COMPLETED`), the default.
inline constexpr ReturnWhen ALL_COMPLETED = ReturnWhen::ALL_COMPLETED;

/// What wait returns: `auto [done, pending] = co_await aio::wait(...)`. Each
/// vector keeps the order in which the tasks were passed (Python: sets).
template <class T>
struct WaitResult {
  /// The tasks that are done.
  std::vector<Task<T>> done;
  /// The tasks not done yet.
  std::vector<Task<T>> pending;
};

namespace detail {

/// The tasks of `tasks`, each once, in their first position. Throws
/// TypeError for a coroutine, before anything is marked.
template <class T>
std::vector<Task<T>> distinct_tasks(std::vector<Task<T>> tasks) {
  for (const Task<T>& task : tasks) {
    if (!state_of(task).is_task()) {
      throw TypeError("Passing coroutines is forbidden, use tasks explicitly.");
    }
  }
  // Python makes a set of them; a set of seen tasks here keeps the order too.
  std::unordered_set<const TaskBase*> seen;
  std::vector<Task<T>> distinct;
  distinct.reserve(tasks.size());
  for (Task<T>& task : tasks) {
    if (seen.insert(&state_of(task)).second) distinct.push_back(std::move(task));
  }
  return distinct;
}

/// `_wait`: a waiter future released by the tasks' done callbacks (each one
/// counts down) or by the timer, whichever decides first.
template <class T>
Task<WaitResult<T>> wait_distinct(std::vector<Task<T>> tasks, std::optional<double> timeout,
                                  ReturnWhen return_when) {
  struct Shared {
    Future<void> waiter;
    std::optional<TimerHandle> timeout_handle;
    std::size_t counter = 0;
    ReturnWhen return_when = ALL_COMPLETED;
  };
  EventLoop& loop = get_running_loop();
  auto shared =
      std::make_shared<Shared>(Shared{Future<void>(loop), std::nullopt, tasks.size(), return_when});
  if (timeout) {
    shared->timeout_handle.emplace(
        loop.call_later(*timeout, [waiter = shared->waiter]() mutable { release_waiter(waiter); }));
  }

  auto on_completion = [shared](Task<T>& task) {
    --shared->counter;
    // The order of the tests matters as in Python: exception() marks the
    // exception retrieved, and only FIRST_EXCEPTION looks at it.
    if (shared->counter == 0 || shared->return_when == FIRST_COMPLETED ||
        (shared->return_when == FIRST_EXCEPTION && !task.cancelled() &&
         task.exception() != nullptr)) {
      if (shared->timeout_handle) shared->timeout_handle->cancel();
      release_waiter(shared->waiter);
    }
  };
  std::vector<CallbackId> callbacks;
  callbacks.reserve(tasks.size());
  for (auto& task : tasks) callbacks.push_back(task.add_done_callback(on_completion));

  std::exception_ptr error;  // try/finally: the timer and callbacks go whatever happens
  try {
    co_await shared->waiter;
  } catch (...) {
    error = std::current_exception();
  }
  if (shared->timeout_handle) shared->timeout_handle->cancel();
  for (std::size_t i = 0; i < tasks.size(); ++i) tasks[i].remove_done_callback(callbacks[i]);
  if (error) std::rethrow_exception(error);

  WaitResult<T> result;
  for (auto& task : tasks) (task.done() ? result.done : result.pending).push_back(task);
  co_return result;
}

}  // namespace detail

/// Waits until `return_when` is satisfied or `timeout` seconds (if given)
/// have passed; returns {done, pending}. Raises nothing on timeout and
/// cancels nothing. Throws ValueError when `tasks` is empty, TypeError when
/// one of them is a coroutine, not a task.
template <class T>
Task<WaitResult<T>> wait(std::vector<Task<T>> tasks, std::optional<double> timeout = {},
                         ReturnWhen return_when = ALL_COMPLETED) {
  if (tasks.empty()) throw ValueError("Set of Tasks/Futures is empty.");
  co_return co_await detail::wait_distinct(detail::distinct_tasks(std::move(tasks)), timeout,
                                           return_when);
}

/// The same, with the timeout as a std::chrono duration.
template <class T, class Rep, class Period>
Task<WaitResult<T>> wait(std::vector<Task<T>> tasks, std::chrono::duration<Rep, Period> timeout,
                         ReturnWhen return_when = ALL_COMPLETED) {
  return wait(std::move(tasks), std::chrono::duration<double>(timeout).count(), return_when);
}

}  // namespace aio
