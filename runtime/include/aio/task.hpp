#pragma once
/// \file task.hpp
/// Task<T>: the coroutine type, and a task once it is scheduled.
///
/// Calling a coroutine function returns a Task<T> that has not run yet, like a
/// Python coroutine object. `co_await` on it runs it inside the awaiting task,
/// like `await coro`. `aio::create_task` schedules it as a task of its own, like
/// `asyncio.create_task`: its first step runs in a later loop iteration, and
/// from then on it is a future that other tasks can await, inspect and cancel.

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <source_location>
#include <string>
#include <utility>

#include "aio/callback.hpp"
#include "aio/event_loop.hpp"
#include "aio/frame_allocator.hpp"
#include "aio/future.hpp"

namespace aio {

/// What `inspect.getcoroutinestate` reports.
enum class CoroutineState { created, running, suspended, closed };

/// "CORO_CREATED", "CORO_RUNNING", "CORO_SUSPENDED" or "CORO_CLOSED".
const char* to_string(CoroutineState state) noexcept;

template <class T = void>
class Task;

namespace detail {

class TaskBase;

/// The promise of every Task<T> coroutine, minus the value: the coroutine's
/// bookkeeping, and the task machinery once it is scheduled (CPython's Task).
///
/// It is the bulk of every coroutine frame, so it is packed: the flags are
/// bits, the two roles of a coroutine (a task, or inline in one) share links,
/// and what few tasks need lives in a record allocated on first use.
class TaskBase : public FutureBase {
 public:
  explicit TaskBase(const char* function_name) noexcept;
  ~TaskBase() override;

  /// One step: resumes the coroutine until its next suspension (`Task.__step`).
  void run() override;
  /// The deadline of a sleep passed. As in CPython, where the timer resolves a
  /// future whose callback schedules the task, the task wakes one turn later.
  void expire() override;
  /// The task's repr: "<Task 'Task-1' coro=main()>".
  std::string describe() const override;
  /// A task names itself by its repr, as CPython's report does.
  std::string describe_future() const override { return describe(); }

  /// Requests cancellation (`Task.cancel`): cancels what the task awaits, or
  /// delivers CancelledError at its next resumption.
  bool cancel(const std::optional<std::string>& message) override;
  /// A cancelled task hands out the CancelledError that ended it once; later
  /// retrievals get a new one without a message (`_make_cancelled_error`).
  std::exception_ptr make_cancelled_error() override;
  std::optional<std::string> cancel_message() const override {
    return has_extras_ ? extras_->cancel_message : std::nullopt;
  }
  int cancelling() const noexcept { return has_extras_ ? extras_->cancel_requests : 0; }
  int uncancel() noexcept {
    if (!has_extras_) return 0;
    if (extras_->cancel_requests > 0) --extras_->cancel_requests;
    return extras_->cancel_requests;
  }

  /// A pointer to this task that becomes null when the task is freed, as
  /// Python's `weakref.ref(task)`: for what may outlive the task without
  /// keeping it alive (a timeout scope).
  std::shared_ptr<TaskBase*> weak_reference();

  std::string name() const;
  void set_name(std::string name);
  bool is_task() const noexcept { return is_task_; }
  /// Throws TypeError unless this coroutine was made a task: what only a task
  /// has (cancel, done, result, callbacks...) a bare coroutine does not have.
  void require_task() const {
    if (!is_task_) throw_not_a_task();
  }
  /// Closes a coroutine that never ran (`coro.close()`): it will not run, and
  /// no "never awaited" warning is printed for it.
  void close();
  CoroutineState coroutine_state() const noexcept;

  /// Makes this coroutine a task of `loop` and schedules its first step.
  void start_as_task(EventLoop& loop, std::string name);
  /// Prepares to run this coroutine inside `owner` (`await coro`), returning to
  /// `continuation` when it finishes.
  void start_inline(TaskBase& owner, std::coroutine_handle<> continuation);
  /// Where control goes when the coroutine finishes: the awaiting coroutine
  /// when it ran inline, nowhere (back to the loop) for a task.
  std::coroutine_handle<> continuation() const noexcept {
    return is_task_ ? std::coroutine_handle<>() : resume_next_;
  }
  /// The coroutine reached its end (returned or threw) and will not run again.
  void mark_closed() noexcept { closed_ = true; }
  /// The coroutine's unhandled_exception: keeps what escaped the body as the
  /// outcome, or, when a local's destructor threw while the frame was being
  /// destroyed, keeps it for the "Exception ignored" report (destroy_frame).
  void catch_escaped_exception() noexcept;
  /// Whether the frame is in the middle of being destroyed: a destructor
  /// that threw sent it to its final suspend point, where it must not hand
  /// control to its awaiter.
  bool is_being_destroyed() const noexcept;
  /// An inline coroutine's outcome: rethrows what escaped it, if anything.
  void rethrow_if_failed() const {
    if (exception_) std::rethrow_exception(exception_);
  }

  // What awaiters call while this task is the running one.

  /// Suspends until `future` is done; its done callback wakes this task.
  void wait_on(FutureBase& future, std::coroutine_handle<> suspended);
  /// Suspends for one loop iteration (a bare `yield`, what `sleep(0)` does).
  void yield_once(std::coroutine_handle<> suspended);
  /// Suspends until loop time `when`.
  void sleep_until(double when, std::coroutine_handle<> suspended);
  /// After a suspension that awaited no future (`sleep(0)`): throws
  /// CancelledError if a cancellation is pending.
  void deliver_pending_cancel() {
    if (must_cancel_) throw_pending_cancel(nullptr);
  }
  /// After waiting for `awaited`: throws CancelledError if a cancellation is
  /// pending, unless awaiting `awaited` raises a CancelledError of its own.
  void deliver_pending_cancel(FutureBase& awaited) {
    if (must_cancel_) throw_pending_cancel(&awaited);
  }
  /// After a sleep: throws CancelledError if a cancellation is pending or the
  /// sleep itself was cancelled.
  void finish_sleep();

  /// Detaches a task the loop gives up on when it closes while the task is
  /// pending, so the cycles between it and its futures are broken.
  void abandon() noexcept;

 protected:
  /// Destroys the coroutine's frame, this promise with it; one frame at a
  /// time however long the chain of suspended coroutines it holds.
  void destroy_frame() noexcept;
  virtual std::coroutine_handle<> coroutine() const noexcept = 0;

 private:
  void destroy_one() noexcept;
  /// Where a sleep stands; CPython keeps the same in the sleep's future.
  enum class Sleep : std::uint8_t { none, pending, fired, cancelled };
  /// What most tasks never need, allocated on first use: a name of their own,
  /// cancellation requests, cancel messages. It takes the function's name
  /// over, so the two share a pointer.
  struct Extras {
    const char* function_name;
    std::optional<std::string> name;  // empty: the default, "Task-<number>"
    /// CPython's `Task._cancel_message`: the message of the last request
    /// that found no future to cancel, raised at the task's next step.
    std::optional<std::string> cancel_message;
    /// The message of a cancelled sleep (CPython keeps it in the sleep's
    /// future, apart from the task's own).
    std::optional<std::string> sleep_cancel_message;
    int cancel_requests = 0;
    /// See weak_reference; empty until asked for.
    std::shared_ptr<TaskBase*> self;
  };

  void complete_from_coroutine();
  /// Ends the task cancelled by `error`, the CancelledError that escaped its
  /// coroutine (CPython: `_cancelled_exc = exc; super().cancel()`).
  void end_cancelled(std::exception_ptr error);
  void throw_pending_cancel(FutureBase* awaited);
  /// Cancels a pending sleep with `message` and schedules the task; false
  /// when no sleep is pending.
  bool cancel_sleep(const std::optional<std::string>& message);
  [[noreturn]] void throw_not_a_task() const;
  const char* function_name() const noexcept {
    return has_extras_ ? extras_->function_name : function_name_;
  }
  Extras& extras();

  // Bits first: they fill the end of the FutureBase part.
  Sleep sleep_ : 2 = Sleep::none;
  bool consumed_ : 1 = false;  // awaited or scheduled: may not be again
  bool started_ : 1 = false;
  bool closed_ : 1 = false;
  bool is_task_ : 1 = false;
  bool must_cancel_ : 1 = false;
  bool in_step_ : 1 = false;
  bool has_extras_ : 1 = false;  // which member of the union below is live
  // exception_ is the CancelledError that ended the task, not handed out yet.
  bool cancelled_error_saved_ : 1 = false;

  union {
    const char* function_name_;
    Extras* extras_;
  };
  // The coroutine to resume next: for a task, the innermost coroutine it is
  // suspended in (its next step resumes that one); for a coroutine running
  // inline, the coroutine awaiting it (resumed when this one finishes).
  std::coroutine_handle<> resume_next_;
  union {
    TaskBase* owner_ = nullptr;  // inline: the task this coroutine runs in
    FutureBase* fut_waiter_;     // a task: the future it waits on, if any
  };
  std::uint64_t number_ = 0;

 public:
  // The loop's list of pending tasks threads through them.
  TaskBase* previous_pending = nullptr;
  TaskBase* next_pending = nullptr;
};

/// The task whose step is running, or nullptr between steps and outside a loop.
inline TaskBase* running_task_or_null() noexcept {
  EventLoop* loop = running_loop();
  return loop != nullptr ? loop->current_task() : nullptr;
}
[[noreturn]] void throw_not_in_task();
/// The task whose step is running; throws when awaiting happens elsewhere.
inline TaskBase& running_task() {
  TaskBase* task = running_task_or_null();
  if (task == nullptr) throw_not_in_task();
  return *task;
}

/// Resets the Task-N counter (chapter programs do it before each section, so a
/// section prints the same task names however it is run).
void reset_task_counter() noexcept;
/// Consumes `count` task numbers, for the tasks CPython creates behind the
/// scenes, so that later default names match Python's.
void skip_task_numbers(std::uint64_t count) noexcept;

/// `return_value` and `return_void` may not both exist in a promise, so each
/// kind of coroutine gets the one it needs from this base.
template <class T>
struct ReturnChannel : ResultSlot<T> {
  template <class U = T>
  void return_value(U&& returned) {
    this->value.emplace(std::forward<U>(returned));
  }
};
template <>
struct ReturnChannel<void> : ResultSlot<void> {
  void return_void() noexcept {}
};

template <class T>
class TaskPromise final : public TaskBase, public ReturnChannel<T> {
 public:
  // GCC evaluates this default argument at the coroutine's own definition, so
  // the promise learns the function's name for "never awaited" warnings.
  explicit TaskPromise(std::source_location where = std::source_location::current()) noexcept
      : TaskBase(where.function_name()) {}

  Task<T> get_return_object() noexcept { return Task<T>(*this); }

  /// Coroutines start suspended, like Python's: nothing runs until awaited.
  std::suspend_always initial_suspend() const noexcept { return {}; }

  /// At the end, an inline coroutine hands control straight back to its awaiter.
  auto final_suspend() noexcept {
    struct Finish {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<TaskPromise> done) noexcept {
        done.promise().mark_closed();
        if (done.promise().is_being_destroyed()) return std::noop_coroutine();
        std::coroutine_handle<> next = done.promise().continuation();
        return next ? next : std::noop_coroutine();
      }
      void await_resume() const noexcept {}
    };
    return Finish{};
  }

  void unhandled_exception() noexcept { catch_escaped_exception(); }

  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }

 protected:
  std::coroutine_handle<> coroutine() const noexcept override {
    return std::coroutine_handle<TaskPromise>::from_promise(const_cast<TaskPromise&>(*this));
  }
  void destroy() noexcept override {
    report_unretrieved_exception();
    destroy_frame();
  }
};

template <class T, class Handle>
class FutureAwaiter {
 public:
  explicit FutureAwaiter(Handle handle) noexcept : handle_(std::move(handle)) {}

  // Awaiting a future that is already done does not suspend.
  bool await_ready() const noexcept { return handle_.core().done(); }
  void await_suspend(std::coroutine_handle<> suspended) {
    running_task().wait_on(handle_.core(), suspended);
    suspended_ = true;
  }
  T await_resume() {
    if (suspended_) running_task().deliver_pending_cancel(handle_.core());
    return take_result<T>(handle_.core());
  }

 private:
  Handle handle_;
  bool suspended_ = false;
};

}  // namespace detail

/// A coroutine returning T; once passed to create_task, a task (`asyncio.Task`).
/// Copies share one coroutine.
template <class T>
class [[nodiscard]] Task {
 public:
  /// The coroutine's promise type: what makes a function returning Task<T> a
  /// coroutine (runtime internals).
  using promise_type = detail::TaskPromise<T>;

  /// A handle to the coroutine whose promise is `promise` (what calling the
  /// coroutine function returns).
  explicit Task(promise_type& promise) noexcept : promise_(&promise) { promise_->retain(); }
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
    return CallbackId(detail::add_user_callback<Task>(*promise_, std::move(function)));
  }
  /// Removes a callback added with add_done_callback; returns how many were
  /// removed, 0 or 1 (`Task.remove_done_callback`).
  int remove_done_callback(CallbackId id) { return task().remove_done_callback(*id.get()) ? 1 : 0; }
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

  /// The coroutine's promise (runtime internals).
  promise_type& promise() const noexcept { return *promise_; }
  /// The task's state, whatever its result type (runtime internals).
  detail::TaskBase& core() const noexcept { return *promise_; }

 private:
  detail::TaskBase& task() const {
    promise_->require_task();
    return *promise_;
  }

  /// `await task` waits for a scheduled task as for any future; `await coro`
  /// transfers control straight into the coroutine, within the running task.
  class Awaiter {
   public:
    explicit Awaiter(Task task) noexcept : task_(std::move(task)) {}
    bool await_ready() const noexcept {
      return task_.promise().is_task() && task_.promise().done();
    }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> suspended) {
      detail::TaskBase& current = detail::running_task();
      promise_type& awaited = task_.promise();
      if (awaited.is_task()) {
        current.wait_on(awaited, suspended);
        suspended_ = true;
        return std::noop_coroutine();
      }
      awaited.start_inline(current, suspended);
      return std::coroutine_handle<promise_type>::from_promise(awaited);
    }
    T await_resume() {
      if (suspended_) detail::running_task().deliver_pending_cancel(task_.promise());
      promise_type& awaited = task_.promise();
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

template <class T>
detail::FutureAwaiter<T, Future<T>> Future<T>::operator co_await() const noexcept {
  return detail::FutureAwaiter<T, Future<T>>(*this);
}

/// Schedules `coroutine` as a task of the running loop (`asyncio.create_task`).
/// Its first step runs in a later iteration, never inside this call.
template <class T>
Task<T> create_task(Task<T> coroutine, std::string name = {}) {
  coroutine.promise().start_as_task(get_running_loop(), std::move(name));
  return coroutine;
}

/// A task of any result type. Copies share the task and keep it alive.
class TaskRef {
 public:
  /// A reference to the task whose state is `task` (runtime internals).
  explicit TaskRef(detail::TaskBase& task) noexcept : task_(&task) { task_->retain(); }
  /// A reference to the task `task` stands for. Implicit, so a Task<T> goes
  /// wherever a TaskRef is expected. Throws TypeError for a coroutine that
  /// was never made a task.
  template <class T>
  TaskRef(const Task<T>& task)  // NOLINT: implicit on purpose
      : TaskRef(checked(task.core())) {}
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
  /// The task's state (runtime internals).
  detail::TaskBase& core() const noexcept { return *task_; }

  /// The same task (Python compares tasks by identity).
  friend bool operator==(const TaskRef& a, const TaskRef& b) noexcept { return a.task_ == b.task_; }

 private:
  static detail::TaskBase& checked(detail::TaskBase& task) {
    task.require_task();
    return task;
  }

  detail::TaskBase* task_;
};

/// The task running now (`asyncio.current_task`), or nothing outside any task.
std::optional<TaskRef> current_task();

template <class Visit>
void EventLoop::for_each_pending_task(Visit visit) const {
  for (detail::TaskBase* task = first_pending_task_; task != nullptr; task = task->next_pending) {
    visit(*task);
  }
}

}  // namespace aio
