#pragma once
/// \file detail/task_core.hpp
/// TaskBase: what every coroutine of the runtime is, whatever its result
/// type. A coroutine runs inline in the task that awaits it (`await coro`),
/// or as a task of its own (`create_task`), which the loop steps: CPython's
/// Task, whose `__step` is TaskBase::run (task.cpp).

#include <coroutine>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "aio/detail/future_core.hpp"
#include "aio/event_loop.hpp"

namespace aio {

/// What `inspect.getcoroutinestate` reports (task.hpp).
enum class CoroutineState;

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
  /// Leaves its loop's list of pending tasks (done, or abandoned).
  void leave_pending_tasks() noexcept;

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

  /// Joins the end of `loop`'s list of pending tasks (created).
  void join_pending_tasks(EventLoop& loop) noexcept;
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

  // The layout, 104 bytes on x86-64 (the static_assert below keeps it):
  //
  //   from Callback    vtable pointer, next_in_list (the done-callback ring
  //                    of the future it waits on), armed_sequence (its sleep
  //                    in the timer heap)                            24 bytes
  //   from FutureBase  anchor_, exception_, last_callback_, references_,
  //                    and five bits of state                        29 bytes
  //   here             ten bits, in what is left of FutureBase's last
  //                    word; then the unions and links below         51 bytes
  //
  // Which role uses what: a coroutine awaited inline (`co_await coro()`)
  // uses owner_ and resume_next_ (its awaiter); a task uses fut_waiter_,
  // resume_next_ (the innermost coroutine to resume), number_, sleep_ and
  // the pending-list links; both use the bits and the function name.
  //
  // The bits:
  //   sleep_                 none, or where the task's sleep stands
  //   consumed_              awaited or scheduled once: may not be again
  //   started_               its body has begun
  //   closed_                its body has ended (or never will: close())
  //   is_task_               made a task by create_task
  //   must_cancel_           a cancellation waits for its next step
  //                          (CPython's `_must_cancel`)
  //   in_step_               its step is running now
  //   has_extras_            which member of the first union is live
  //   cancelled_error_saved_ exception_ is the CancelledError that ended the
  //                          task, not handed out yet
  Sleep sleep_ : 2 = Sleep::none;
  bool consumed_ : 1 = false;
  bool started_ : 1 = false;
  bool closed_ : 1 = false;
  bool is_task_ : 1 = false;
  bool must_cancel_ : 1 = false;
  bool in_step_ : 1 = false;
  bool has_extras_ : 1 = false;
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

// A sleeping task's whole coroutine frame is held to 160 bytes (the target in
// benchmarks/README.md, measured by the "coroutine frame" row of
// benchmarks/compare.py), and this promise is most of it. A member more is
// a decision to take with that benchmark in hand.
static_assert(sizeof(void*) != 8 || sizeof(TaskBase) <= 104,
              "TaskBase outgrew its size budget: see the comment above");

/// The task whose step is running, or nullptr between steps and outside a loop.
inline TaskBase* running_task_or_null() noexcept {
  EventLoop* loop = running_loop();
  return loop != nullptr ? core(*loop).current_task() : nullptr;
}
[[noreturn]] void throw_not_in_task();
/// The task whose step is running; throws when awaiting happens elsewhere.
inline TaskBase& running_task() {
  TaskBase* task = running_task_or_null();
  if (task == nullptr) throw_not_in_task();
  return *task;
}

/// Calls `visit(task)` for every pending task of `loop`, oldest first.
template <class Visit>
void for_each_pending_task(EventLoop& loop, Visit visit) {
  for (TaskBase* task = core(loop).pending_tasks().first; task != nullptr;
       task = task->next_pending) {
    visit(*task);
  }
}

/// Resets the Task-N counter (chapter programs do it before each section, so a
/// section prints the same task names however it is run).
void reset_task_counter() noexcept;
/// Consumes `count` task numbers, for the tasks CPython creates behind the
/// scenes, so that later default names match Python's.
void skip_task_numbers(std::uint64_t count) noexcept;

}  // namespace detail
}  // namespace aio
