#pragma once
/// \file task.hpp
/// Task<T>: the coroutine type, and a task once it is scheduled.
///
/// Calling a coroutine function returns a Task<T> that has not run yet, like a
/// Python coroutine object. `co_await` on it runs it inside the awaiting task,
/// like `await coro`. `aio::create_task` schedules it as a task of its own, like
/// `asyncio.create_task`: its first step runs in a later loop iteration, and
/// from then on it is a future that other tasks can await, inspect and cancel.

#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "aio/detail/task_core.hpp"
#include "aio/detail/task_promise.hpp"
#include "aio/event_loop.hpp"
#include "aio/future.hpp"

namespace aio {

/// What `inspect.getcoroutinestate` reports.
enum class CoroutineState { created, running, suspended, closed };

/// "CORO_CREATED", "CORO_RUNNING", "CORO_SUSPENDED" or "CORO_CLOSED".
const char* to_string(CoroutineState state) noexcept;

template <class T = void>
class Task;

/// A coroutine returning T; once passed to create_task, a task (`asyncio.Task`).
/// Copies share one coroutine.
template <class T>
class [[nodiscard]] Task {
 public:
  /// The coroutine's promise type: what makes a function returning Task<T> a
  /// coroutine (detail/task_promise.hpp).
  using promise_type = detail::TaskPromise<T>;

  /// Another handle to the same coroutine.
  Task(const Task& other) noexcept : Task(*other.promise_) {}
  /// Takes over `other`'s coroutine; `other` is left empty.
  Task(Task&& other) noexcept : promise_(std::exchange(other.promise_, nullptr)) {}
  /// Makes this handle refer to `other`'s coroutine.
  Task& operator=(Task other) noexcept {
    std::swap(promise_, other.promise_);
    return *this;
  }
  ~Task() {
    if (promise_ != nullptr) promise_->release();
  }

  // What only a task has: each throws TypeError on a coroutine that was never
  // passed to create_task (Python's coroutine objects have no such methods).

  /// The task's name (`Task.get_name`): the one given to create_task or
  /// set_name, otherwise "Task-N" with N counting the tasks created so far.
  std::string get_name() const { return task().name(); }
  /// Renames the task (`Task.set_name`).
  void set_name(std::string name) { task().set_name(std::move(name)); }

  /// Requests cancellation; see `Task.cancel` in the asyncio docs.
  bool cancel(const std::optional<std::string>& message = std::nullopt) {
    return task().cancel(message);
  }
  /// How many cancellation requests are outstanding (`Task.cancelling`).
  int cancelling() const { return task().cancelling(); }
  /// Withdraws one cancellation request (`Task.uncancel`).
  int uncancel() { return task().uncancel(); }

  /// Whether the task has finished: returned, failed or cancelled (`Task.done`).
  bool done() const { return task().done(); }
  /// Whether the task ended cancelled (`Task.cancelled`).
  bool cancelled() const { return task().cancelled(); }
  /// The task's value; throws as `Task.result()` raises.
  decltype(auto) result() const {
    task().check_result();
    if constexpr (!std::is_void_v<T>) return static_cast<const T&>(*promise_->value);
  }
  /// The exception the task failed with, or nullptr after a value
  /// (`Task.exception`). Throws InvalidStateError while the task is pending and
  /// CancelledError when it was cancelled.
  std::exception_ptr exception() const { return task().exception(); }

  /// Calls `function(task)` (or `function()`) in a later iteration once the
  /// task is done (`Task.add_done_callback`); returns an id for removal.
  template <class F>
  CallbackId add_done_callback(F function) {
    promise_->require_task();
    return detail::HandleAccess::make<CallbackId>(
        *detail::add_user_callback<Task>(*promise_, std::move(function)));
  }
  /// Removes a callback added with add_done_callback; returns how many were
  /// removed, 0 or 1 (`Task.remove_done_callback`).
  int remove_done_callback(CallbackId id) {
    return task().remove_done_callback(detail::state_of(id)) ? 1 : 0;
  }
  /// Removes every registration of the plain function `function`, as
  /// `Task.remove_done_callback(fn)` does; returns how many it removed.
  template <class F>
  requires std::is_function_v<F>
  int remove_done_callback(F* function) {
    promise_->require_task();
    return detail::remove_user_callbacks<Task>(*promise_, function);
  }

  /// Closes a coroutine that never ran (`coro.close()`), so it never will and
  /// no "never awaited" warning is printed for it. Nothing for a closed one;
  /// TypeError for a task (cancel it instead), RuntimeError for a coroutine
  /// that has started.
  void close() { promise_->close(); }

  /// What `inspect.getcoroutinestate(coro)` would say.
  CoroutineState coroutine_state() const noexcept { return promise_->coroutine_state(); }

  /// `co_await task`: waits for a scheduled task as for a future (`await task`),
  /// or runs a coroutine not scheduled yet inside the awaiting task (`await
  /// coro`). Returns its value or rethrows its exception.
  auto operator co_await() const& noexcept { return Awaiter(*this); }
  /// The same, taking over this handle.
  auto operator co_await() && noexcept { return Awaiter(std::move(*this)); }

 private:
  friend struct detail::HandleAccess;
  friend class EventLoop;
  template <class U>
  friend U run(Task<U> main);

  // The handle to the coroutine whose promise is `promise` (what calling the
  // coroutine function returns: TaskPromise::get_return_object makes it).
  explicit Task(promise_type& promise) noexcept : promise_(&promise) { promise_->retain(); }
  promise_type& state() const noexcept { return *promise_; }
  detail::TaskBase& task() const {
    promise_->require_task();
    return *promise_;
  }
  /// The value of a task run to completion, moved out for a move-only T:
  /// how run_until_complete and aio::run hand the result back.
  T take_result() && { return detail::take_result<T>(*promise_); }

  /// `await task` waits for a scheduled task as for any future; `await coro`
  /// transfers control straight into the coroutine, within the running task.
  class Awaiter {
   public:
    explicit Awaiter(Task task) noexcept : task_(std::move(task)) {}
    bool await_ready() const noexcept {
      return task_.promise_->is_task() && task_.promise_->done();
    }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> suspended) {
      detail::TaskBase& current = detail::running_task();
      promise_type& awaited = *task_.promise_;
      if (awaited.is_task()) {
        current.wait_on(awaited, suspended);
        suspended_ = true;
        return std::noop_coroutine();
      }
      awaited.start_inline(current, suspended);
      return std::coroutine_handle<promise_type>::from_promise(awaited);
    }
    T await_resume() {
      if (suspended_) detail::running_task().deliver_pending_cancel(*task_.promise_);
      promise_type& awaited = *task_.promise_;
      if (awaited.is_task()) return detail::take_result<T>(awaited);
      awaited.rethrow_if_failed();
      if constexpr (!std::is_void_v<T>) return std::move(*awaited.value);
    }

   private:
    Task task_;
    bool suspended_ = false;
  };

  promise_type* promise_;
};

/// Schedules `coroutine` as a task of the running loop (`asyncio.create_task`).
/// Its first step runs in a later iteration, never inside this call.
template <class T>
Task<T> create_task(Task<T> coroutine, std::string name = {}) {
  detail::state_of(coroutine).start_as_task(get_running_loop(), std::move(name));
  return coroutine;
}

/// A task of any result type. Copies share the task and keep it alive.
class TaskRef {
 public:
  /// A reference to the task `task` stands for. Implicit, so a Task<T> goes
  /// wherever a TaskRef is expected. Throws TypeError for a coroutine that
  /// was never made a task.
  template <class T>
  TaskRef(const Task<T>& task)  // NOLINT: implicit on purpose
      : TaskRef(checked(detail::state_of(task))) {}
  /// Another reference to the same task.
  TaskRef(const TaskRef& other) noexcept : TaskRef(*other.task_) {}
  /// Makes this reference refer to `other`'s task.
  TaskRef& operator=(TaskRef other) noexcept {
    std::swap(task_, other.task_);
    return *this;
  }
  ~TaskRef() { task_->release(); }

  /// The task's name (`Task.get_name`).
  std::string get_name() const { return task_->name(); }
  /// Whether the task has finished (`Task.done`).
  bool done() const noexcept { return task_->done(); }
  /// Whether the task ended cancelled (`Task.cancelled`).
  bool cancelled() const noexcept { return task_->cancelled(); }
  /// Requests the task's cancellation (`Task.cancel`), as Task::cancel does.
  bool cancel(const std::optional<std::string>& message = std::nullopt) {
    return task_->cancel(message);
  }
  /// How many cancellation requests are outstanding (`Task.cancelling`).
  int cancelling() const noexcept { return task_->cancelling(); }
  /// Withdraws one cancellation request (`Task.uncancel`).
  int uncancel() noexcept { return task_->uncancel(); }
  /// What `inspect.getcoroutinestate(task.get_coro())` would say.
  CoroutineState coroutine_state() const noexcept { return task_->coroutine_state(); }

  /// The same task (Python compares tasks by identity).
  friend bool operator==(const TaskRef& a, const TaskRef& b) noexcept { return a.task_ == b.task_; }

 private:
  friend struct detail::HandleAccess;
  // A reference to the task whose state is `task` (all_tasks makes them).
  explicit TaskRef(detail::TaskBase& task) noexcept : task_(&task) { task_->retain(); }
  detail::TaskBase& state() const noexcept { return *task_; }
  static detail::TaskBase& checked(detail::TaskBase& task) {
    task.require_task();
    return task;
  }

  detail::TaskBase* task_;
};

/// The task running now (`asyncio.current_task`), or nothing outside any task.
std::optional<TaskRef> current_task();

}  // namespace aio
