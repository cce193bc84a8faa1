#pragma once
/// \file task_group.hpp
/// aio::TaskGroup: structured concurrency, `async with asyncio.TaskGroup()`.
///
/// Two spellings, the same semantics:
///
///     async def main():                        aio::Task<void> main_task() {
///         async with asyncio.TaskGroup() as tg:  aio::TaskGroup tg;
///             a = tg.create_task(fetch(1))         auto a = tg.create_task(fetch(1));
///             b = tg.create_task(fetch(2))         auto b = tg.create_task(fetch(2));
///                                                  co_await tg.join();
///         print(a.result(), b.result())          fmt::print("{} {}\n", a.result(), b.result());
///                                              }
///
/// create_task returns the child's task (a ChildTask<T>, which is a Task<T>
/// that may be discarded), so results can be read once the group is done.
///
/// `join()` is `__aexit__`: it waits for every child and raises the group's
/// errors. C++ cannot `co_await` in a destructor, so leaving the block cannot
/// do it by itself; the destructor only checks: a group destroyed while it
/// still has children (join() never awaited) prints a message and aborts, as a
/// joinable std::thread does. That includes a body that throws before join().
/// (A group whose task is destroyed unfinished, because its loop closed while
/// it waited in join(), lets its children go quietly, as CPython does.)
/// When the body may throw, hand its error to join(), which is what
/// `__aexit__(et, exc, tb)` receives:
///
///     aio::TaskGroup tg;
///     std::exception_ptr error;
///     try { ...body... } catch (...) { error = std::current_exception(); }
///     co_await tg.join(error);       // C++ cannot co_await inside a catch block
///
/// or let `aio::task_group` do exactly that around a body coroutine:
///
///     aio::Task<int> body(aio::TaskGroup& tg, std::string name) { ... }
///     int value = co_await aio::task_group(body, "name");
///
/// task_group takes the body and its arguments by value, so they live as long
/// as the group. (A lambda returning a coroutine would lose its captures, which
/// is why the body is a coroutine function.)
///
/// Semantics (CPython 3.11's taskgroups.py, with the 3.13 fix noted below):
/// - The first child that fails cancels the other children and the body (the
///   task that created the group) once; children cancelled are not errors.
/// - join() waits for every child, even after an error.
/// - Errors come out as one aio::ExceptionGroup ("unhandled errors in a
///   TaskGroup") in completion order, the body's own error last; a body error
///   alone is still wrapped. A body CancelledError is not an error: it
///   propagates unless the group caused it, or is dropped for the errors.
/// - create_task on a finished group throws RuntimeError "... is finished",
///   on one that is aborting "... is shutting down".
/// - A child failing after the body finished (while join() waits): CPython
///   3.11 leaves the parent's cancelling() at 1; like CPython 3.13 this group
///   withdraws its request (uncancel) after the wait, so it goes back to 0.
/// - Cancelled siblings are cancelled in creation order (CPython iterates a
///   set, which is usually, but not always, the same order).

#include <fmt/core.h>

#include <cstddef>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/exception_group.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"

namespace aio {

/// What TaskGroup::create_task returns: a Task<T> that may be discarded,
/// because the group awaits it (Task<T> itself is [[nodiscard]]).
template <class T>
class ChildTask : public Task<T> {
 public:
  /// Wraps the child `task` (TaskGroup::create_task makes it).
  explicit ChildTask(Task<T> task) noexcept : Task<T>(std::move(task)) {}
};

/// A group of child tasks that its body waits for and that fail together
/// (`asyncio.TaskGroup`); see the top of this file for its two spellings and
/// its rules. Made in the task that awaits its join(); neither copied nor moved.
class TaskGroup {
 public:
  /// `__aenter__`: the running task becomes the group's parent (the body).
  TaskGroup() : loop_(&get_running_loop()), parent_(detail::running_task_or_null()) {
    if (parent_ == nullptr) {
      throw RuntimeError("TaskGroup " + repr() + " cannot determine the parent task");
    }
  }
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  ~TaskGroup() {
    if (running_ == 0) return;
    if (parent_->coroutine_state() != CoroutineState::running) {
      // The parent's frame is destroyed while it waits, unfinished: its loop
      // closed and gave up on it (it reported each pending task, as CPython
      // does when it collects them). The children no longer report here.
      for (Child* child = first_child_; child != nullptr;) {
        Child* next = child->next;
        child->detach();
        child->release();  // the list's reference
        child = next;
      }
      return;
    }
    // The group's scope ended in a running task without join(): a bug.
    fmt::print(stderr,
               "aio::TaskGroup destroyed with {} running task(s): join() was never awaited\n",
               running_);
    std::abort();
  }

  /// Schedules `coroutine` as a child of the group and returns its task.
  template <class T>
  ChildTask<T> create_task(Task<T> coroutine, std::string name = {}) {
    if (exiting_ && running_ == 0) throw RuntimeError("TaskGroup " + repr() + " is finished");
    if (aborting_) throw RuntimeError("TaskGroup " + repr() + " is shutting down");
    Task<T> task = aio::create_task(std::move(coroutine), std::move(name));
    Child& child = *new Child(*this, detail::state_of(task));
    detail::state_of(task).add_done_callback(
        child);      // `task.add_done_callback(self._on_task_done)`
    child.retain();  // and the group's list of running children
    child.previous = last_child_;
    (last_child_ != nullptr ? last_child_->next : first_child_) = &child;
    last_child_ = &child;
    ++running_;
    return ChildTask<T>(std::move(task));
  }

  /// `__aexit__`: waits for every child, then throws the group's errors as an
  /// ExceptionGroup. `body_error` is what escaped the body, if anything.
  Task<void> join(std::exception_ptr body_error = nullptr) {
    if (detail::running_task_or_null() != parent_) {
      throw RuntimeError("TaskGroup " + repr() + ": join() must run in the task that created it");
    }
    exiting_ = true;
    const bool body_cancelled = body_error && is_cancelled_error(body_error);
    std::exception_ptr propagate_cancellation = body_cancelled ? body_error : nullptr;
    if (body_error && !aborting_) abort();  // the body failed or was cancelled

    // The waiter can be cancelled several times if the parent is cancelled
    // repeatedly, hence the loop.
    while (running_ != 0) {
      if (!on_completed_) on_completed_.emplace(*loop_);
      try {
        co_await *on_completed_;
      } catch (const CancelledError&) {
        if (!aborting_) {  // the parent is cancelled from outside
          propagate_cancellation = std::current_exception();
          abort();
        }
      }
      on_completed_.reset();
    }

    // CPython 3.13: withdraw our own cancellation only now, after the wait, so a
    // child failing while join() waits does not leave cancelling() at 1.
    if (parent_cancel_requested_ && parent_->uncancel() == 0) propagate_cancellation = nullptr;

    // Errors have priority over a cancellation.
    if (propagate_cancellation && errors_.empty()) std::rethrow_exception(propagate_cancellation);
    if (body_error && !body_cancelled) errors_.push_back(body_error);
    if (!errors_.empty()) {
      std::vector<std::exception_ptr> errors = std::move(errors_);
      errors_.clear();
      throw ExceptionGroup("unhandled errors in a TaskGroup", std::move(errors));
    }
  }

  /// Python's repr: "<TaskGroup tasks=2 errors=1 cancelling>".
  std::string repr() const {
    std::string info;
    if (running_ != 0) info += fmt::format(" tasks={}", running_);
    if (!errors_.empty()) info += fmt::format(" errors={}", errors_.size());
    if (aborting_) {
      info += " cancelling";
    } else if (parent_ != nullptr) {
      info += " entered";
    }
    return fmt::format("<TaskGroup{}>", info);
  }

 private:
  /// A child of the group: its done callback (`self._on_task_done`) and its
  /// place among the children still running, oldest first. CPython keeps the
  /// children in a set, `self._tasks`, and discards each one as it finishes;
  /// here each child's callback is also its link in the list, so removing a
  /// finished child takes constant time however many there are, and abort()
  /// still cancels them in creation order. It holds a reference to the task.
  /// The task's callback list and the group's list each hold a reference to
  /// the child: a loop that closes clears the callbacks of the tasks it gives
  /// up on before their frames, and the group in one of them, go.
  class Child final : public detail::Callback {
   public:
    Child(TaskGroup& group, detail::TaskBase& task) noexcept : group_(&group), task_(&task) {
      task_->retain();
    }
    void run() override {
      if (group_ == nullptr) return;  // the group is gone
      try {
        group_->on_task_done(*this);
      } catch (...) {
        detail::report_callback_exception(std::current_exception());
      }
    }
    void retain() noexcept override { ++references_; }
    void release() noexcept override {
      if (--references_ == 0) delete this;
    }
    detail::TaskBase& task() const noexcept { return *task_; }
    /// The group goes away before this child finished.
    void detach() noexcept { group_ = nullptr; }

    Child* previous = nullptr;  ///< The child created before, among those running.
    Child* next = nullptr;      ///< The child created after, among those running.

   private:
    ~Child() { task_->release(); }

    TaskGroup* group_;
    detail::TaskBase* task_;
    int references_ = 0;
  };

  /// `_abort`: cancels every child still running.
  void abort() {
    aborting_ = true;
    // cancel() never runs a callback inline, so no child leaves the list meanwhile.
    for (Child* child = first_child_; child != nullptr; child = child->next) {
      if (!child->task().done()) child->task().cancel(std::nullopt);
    }
  }

  /// `_on_task_done`: runs (scheduled by the loop) after a child finished.
  void on_task_done(Child& child) {
    (child.previous != nullptr ? child.previous->next : first_child_) = child.next;
    (child.next != nullptr ? child.next->previous : last_child_) = child.previous;
    child.previous = child.next = nullptr;
    child.release();  // the list's reference; the loop holds one while this runs
    --running_;
    if (on_completed_ && running_ == 0 && !on_completed_->done()) on_completed_->set_result();
    detail::TaskBase& task = child.task();
    if (task.cancelled()) return;
    std::exception_ptr error = task.exception();
    if (!error) return;
    errors_.push_back(error);
    if (parent_->done()) {
      // Cannot happen while the parent awaits join(), which it must.
      detail::report_callback_exception(error);
      return;
    }
    if (!aborting_ && !parent_cancel_requested_) {
      // Abort what the body is doing; join() withdraws this request later.
      abort();
      parent_cancel_requested_ = true;
      parent_->cancel(std::nullopt);
    }
  }

  EventLoop* loop_;
  detail::TaskBase* parent_;
  Child* first_child_ = nullptr;  // the children still running, oldest first
  Child* last_child_ = nullptr;
  std::size_t running_ = 0;  // how many
  std::vector<std::exception_ptr> errors_;
  std::optional<Future<void>> on_completed_;
  bool exiting_ = false;
  bool aborting_ = false;
  bool parent_cancel_requested_ = false;
};

namespace detail {
template <class T>
struct TaskValue;
template <class T>
struct TaskValue<Task<T>> {
  using type = T;
};
}  // namespace detail

/// `async with asyncio.TaskGroup() as tg: return await body(tg, *args)`: runs
/// the body coroutine inside a new group, then joins the group (passing it the
/// body's error, if any). Returns the body's value.
template <class Body, class... Args>
auto task_group(Body body, Args... args) -> std::invoke_result_t<Body&, TaskGroup&, Args&...> {
  using BodyTask = std::invoke_result_t<Body&, TaskGroup&, Args&...>;
  TaskGroup group;
  std::exception_ptr error;
  if constexpr (std::is_same_v<BodyTask, Task<void>>) {
    try {
      co_await body(group, args...);
    } catch (...) {
      error = std::current_exception();
    }
    co_await group.join(error);
    if (error) std::rethrow_exception(error);  // join() always throws then; for safety
  } else {
    std::optional<typename detail::TaskValue<BodyTask>::type> value;
    try {
      value.emplace(co_await body(group, args...));
    } catch (...) {
      error = std::current_exception();
    }
    co_await group.join(error);
    if (error) std::rethrow_exception(error);
    co_return std::move(*value);
  }
}

}  // namespace aio
