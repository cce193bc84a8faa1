#include "aio/task.hpp"

#include <fmt/core.h>

#include <atomic>
#include <string_view>
#include <vector>

#include "aio/trace.hpp"

namespace aio {
namespace {

// One counter for the process, as CPython's `_task_name_counter =
// itertools.count(1).__next__`: loops in different threads keep numbering
// where the others left off, and no two tasks share a default name.
std::atomic<std::uint64_t> task_counter = 0;

// Destroying a suspended coroutine destroys the Task handles in its frame, and
// the last handle of a coroutine it awaited inline destroys that frame, and so
// on down the chain: recursion as deep as the chain, which overflowed the
// stack at a million levels. So a frame whose destruction starts while
// another frame is being destroyed waits in this list (linked through
// next_pending, which a frame no longer referenced does not use), and the
// outermost destruction destroys them one after another.
constinit thread_local detail::TaskBase* frames_to_destroy = nullptr;
constinit thread_local bool destroying_a_frame = false;

// The frame whose coroutine().destroy() is running, and what a destructor in
// it threw (see destroy_one).
constinit thread_local const detail::TaskBase* frame_in_destruction = nullptr;
thread_local std::exception_ptr destructor_error;

// "aio::Task<int> {anonymous}::fetch(std::string)" -> "fetch": the last
// qualified component before the parameter list.
std::string short_function_name(std::string_view full) {
  std::size_t end = full.size();
  int depth = 0;
  for (std::size_t i = full.size(); i-- > 0;) {  // find the '(' opening the parameters
    if (full[i] == ')') ++depth;
    if (full[i] == '(' && --depth == 0) {
      end = i;
      break;
    }
  }
  std::size_t begin = 0;
  int angle = 0;
  for (std::size_t i = end; i-- > 0;) {
    if (full[i] == '>') ++angle;
    if (full[i] == '<') --angle;
    if (angle == 0 && (full[i] == ' ' || (full[i] == ':' && i > 0 && full[i - 1] == ':'))) {
      begin = i + 1;
      break;
    }
  }
  return std::string(full.substr(begin, end - begin));
}

}  // namespace

const char* to_string(CoroutineState state) noexcept {
  switch (state) {
    case CoroutineState::created:
      return "CORO_CREATED";
    case CoroutineState::running:
      return "CORO_RUNNING";
    case CoroutineState::suspended:
      return "CORO_SUSPENDED";
    case CoroutineState::closed:
      return "CORO_CLOSED";
  }
  return "CORO_UNKNOWN";
}

std::optional<TaskRef> current_task() {
  if (detail::TaskBase* task = detail::running_task_or_null()) {
    return detail::HandleAccess::make<TaskRef>(*task);
  }
  return std::nullopt;
}

namespace detail {

void reset_task_counter() noexcept {
  task_counter = 0;
}

void skip_task_numbers(std::uint64_t count) noexcept {
  task_counter += count;
}

void throw_not_in_task() {
  throw RuntimeError("co_await is only possible inside a running task");
}

// ---- TaskBase: the coroutine ------------------------------------------------

TaskBase::TaskBase(const char* function_name) noexcept : function_name_(function_name) {}

TaskBase::~TaskBase() {
  if (!consumed_) {
    try {
      fmt::print(stderr, "RuntimeWarning: coroutine '{}' was never awaited\n",
                 short_function_name(function_name()));
    } catch (...) {
    }
  }
  if (has_extras_) {
    if (extras_->self) *extras_->self = nullptr;
    delete extras_;
  }
}

std::shared_ptr<TaskBase*> TaskBase::weak_reference() {
  Extras& extra = extras();
  if (!extra.self) extra.self = std::make_shared<TaskBase*>(this);
  return extra.self;
}

void TaskBase::start_inline(TaskBase& owner, std::coroutine_handle<> continuation) {
  if (consumed_) throw RuntimeError("cannot reuse already awaited coroutine");
  consumed_ = true;
  started_ = true;  // the awaiter transfers control into it right away
  owner_ = &owner;
  bind_loop(owner.loop());
  resume_next_ = continuation;
}

void TaskBase::destroy_frame() noexcept {
  if (destroying_a_frame) {
    next_pending = frames_to_destroy;
    frames_to_destroy = this;
    return;
  }
  destroying_a_frame = true;
  destroy_one();
  while (frames_to_destroy != nullptr) {
    TaskBase* next = frames_to_destroy;
    frames_to_destroy = next->next_pending;
    next->destroy_one();
  }
  destroying_a_frame = false;
}

// Destroying a suspended frame runs the destructors of its locals. One may
// throw (a type whose destructor is noexcept(false)): GCC then treats the
// exception as one that escaped the body, hands it to unhandled_exception and
// runs the coroutine to its final suspend point, where it stops with the frame
// still allocated. Python, closing a coroutine whose `finally` raises, prints
// "Exception ignored in: <coroutine object ...>" and goes on; so does this,
// and the second destroy(), from the final suspend point, frees the frame.
void TaskBase::destroy_one() noexcept {
  const std::coroutine_handle<> frame = coroutine();
  frame_in_destruction = this;
  frame.destroy();
  frame_in_destruction = nullptr;
  if (std::exception_ptr error = std::exchange(destructor_error, nullptr)) {
    try {
      fmt::print(stderr, "Exception ignored in: <coroutine object {}>\n{}\n",
                 short_function_name(function_name()), describe_error(error));
    } catch (...) {
    }
    frame.destroy();
  }
}

void TaskBase::catch_escaped_exception() noexcept {
  if (frame_in_destruction == this) {
    destructor_error = std::current_exception();
  } else {
    exception_ = std::current_exception();
  }
}

bool TaskBase::is_being_destroyed() const noexcept {
  return frame_in_destruction == this;
}

void TaskBase::close() {
  if (is_task_) {
    throw TypeError(fmt::format("{} is a task, not a coroutine: cancel it instead", describe()));
  }
  if (closed_) return;
  if (consumed_) {
    throw RuntimeError(fmt::format("cannot close coroutine '{}()': it has started",
                                   short_function_name(function_name())));
  }
  // Python's close() on a coroutine that never started just marks it closed.
  consumed_ = true;
  closed_ = true;
}

void TaskBase::throw_not_a_task() const {
  throw TypeError(fmt::format("{}() is a coroutine, not a task: pass it to create_task first",
                              short_function_name(function_name())));
}

CoroutineState TaskBase::coroutine_state() const noexcept {
  if (closed_) return CoroutineState::closed;
  if (!started_) return CoroutineState::created;
  const TaskBase& task = is_task_ ? *this : *owner_;
  return task.in_step_ ? CoroutineState::running : CoroutineState::suspended;
}

// ---- TaskBase: the task -----------------------------------------------------

void TaskBase::start_as_task(EventLoop& loop, std::string name) {
  if (consumed_) {
    throw RuntimeError("create_task needs a coroutine that was never awaited or scheduled");
  }
  consumed_ = true;
  is_task_ = true;
  fut_waiter_ = nullptr;
  bind_loop(loop);
  resume_next_ = coroutine();
  // asyncio.create_task numbers the task first and renames it afterwards, so a
  // named task uses up a number too.
  number_ = ++task_counter;
  if (!name.empty()) extras().name = std::move(name);
  retain();  // the loop keeps every pending task alive, as CPython's callbacks do
  join_pending_tasks(loop);
  core(loop).schedule(*this);
  trace(*this, TaskEventKind::created);
}

TaskBase::Extras& TaskBase::extras() {
  if (!has_extras_) {
    extras_ = new Extras{function_name_, {}, {}, {}, 0, {}};
    has_extras_ = true;
  }
  return *extras_;
}

std::string TaskBase::name() const {
  return has_extras_ && extras_->name ? *extras_->name : fmt::format("Task-{}", number_);
}

void TaskBase::set_name(std::string name) {
  extras().name = std::move(name);
}

std::string TaskBase::describe() const {
  return fmt::format("<Task '{}' coro={}()>", name(), short_function_name(function_name()));
}

bool TaskBase::cancel(const std::optional<std::string>& message) {
  require_task();
  exception_retrieved_ = true;
  if (done()) return false;
  Extras& extra = extras();
  ++extra.cancel_requests;
  // Cancel what the task waits on; the task then wakes with that future's
  // CancelledError, so the first request's message is the one it sees. The
  // waiter stays recorded: a task that swallows the request may need another.
  if (fut_waiter_ != nullptr && fut_waiter_->cancel(message)) return true;
  if (cancel_sleep(message)) return true;
  // Its next step is already scheduled (or running): deliver it there, with
  // the message of the latest such request, as CPython's _must_cancel does.
  must_cancel_ = true;
  extra.cancel_message = message;
  return true;
}

std::exception_ptr TaskBase::make_cancelled_error() {
  if (cancelled_error_saved_) {
    // Handed out once; after it, a cancelled task has no message left
    // (CPython's `super().cancel()` cleared `_cancel_message`).
    cancelled_error_saved_ = false;
    return std::exchange(exception_, std::make_exception_ptr(CancelledError()));
  }
  if (cancelled()) return exception_;
  return std::make_exception_ptr(CancelledError(cancel_message()));
}

void TaskBase::run() {
  if (done()) return;
  if (!started_ && must_cancel_) {
    // Cancelled before its first step: the body never runs. CPython throws
    // the CancelledError into the coroutine, which raises it straight back.
    must_cancel_ = false;
    closed_ = true;
    end_cancelled(std::make_exception_ptr(CancelledError(cancel_message())));
    trace(*this, TaskEventKind::cancelled);
    leave_pending_tasks();
    release();
    return;
  }
  if (fut_waiter_ != nullptr && !must_cancel_ && fut_waiter_->requeue_if_still_blocked()) {
    fut_waiter_->add_done_callback(*this);  // woken too soon: it waits on
    return;
  }
  trace(*this, started_ ? TaskEventKind::resumed : TaskEventKind::started);
  fut_waiter_ = nullptr;
  started_ = true;
  core(loop()).enter_task(*this);
  in_step_ = true;
  resume_next_.resume();  // runs until the coroutine suspends again or finishes
  in_step_ = false;
  core(loop()).leave_task();
  if (closed_) complete_from_coroutine();
}

void TaskBase::expire() {
  // CPython's `_set_result_unless_cancelled`: a cancelled sleep has already
  // scheduled the task.
  if (sleep_ != Sleep::pending) return;
  sleep_ = Sleep::fired;
  core(loop()).schedule(*this);
}

bool TaskBase::cancel_sleep(const std::optional<std::string>& message) {
  if (sleep_ != Sleep::pending) return false;
  extras().sleep_cancel_message = message;
  sleep_ = Sleep::cancelled;
  core(loop()).cancel_timer(*this);
  core(loop()).schedule(*this);
  return true;
}

void TaskBase::end_cancelled(std::exception_ptr error) {
  cancelled_error_saved_ = true;
  if (has_extras_) extras_->cancel_message.reset();
  mark_cancelled(std::move(error));
}

void TaskBase::complete_from_coroutine() {
  if (exception_ && is_cancelled_error(exception_)) {
    end_cancelled(exception_);
  } else if (exception_) {
    exception_retrieved_ = false;
    complete(FutureState::finished);
  } else if (must_cancel_) {
    // Cancelled itself right before returning: it ends cancelled, not with a
    // value, and its error keeps the message on every retrieval (CPython:
    // `super().cancel(msg=self._cancel_message)`, nothing saved).
    must_cancel_ = false;
    mark_cancelled(std::make_exception_ptr(CancelledError(cancel_message())));
  } else {
    complete(FutureState::finished);
  }
  if (cancelled()) {
    trace(*this, TaskEventKind::cancelled);
  } else if (exception_) {
    trace(*this, TaskEventKind::failed, [this] { return describe_error(exception_); });
  } else {
    trace(*this, TaskEventKind::finished);
  }
  leave_pending_tasks();
  release();  // the loop's reference; may free the frame, so it comes last
}

void TaskBase::wait_on(FutureBase& future, std::coroutine_handle<> suspended) {
  if (&future == this)
    throw RuntimeError(fmt::format("Task cannot await on itself: {}", describe()));
  if (!future.belongs_to(loop())) {
    throw RuntimeError("Task got a Future attached to a different loop");
  }
  resume_next_ = suspended;
  fut_waiter_ = &future;
  future.add_done_callback(*this);
  trace(*this, TaskEventKind::suspended, [&future] {
    // A task by its name; any other future as Python names its class.
    const auto* task = dynamic_cast<const TaskBase*>(&future);
    return task != nullptr ? task->name() : future.describe_future();
  });
  // A cancellation requested during this step goes straight to the new waiter.
  if (must_cancel_ && fut_waiter_->cancel(cancel_message())) must_cancel_ = false;
}

void TaskBase::yield_once(std::coroutine_handle<> suspended) {
  resume_next_ = suspended;
  core(loop()).schedule(*this);
  trace(*this, TaskEventKind::suspended, "sleep(0)");
}

void TaskBase::sleep_until(double when, std::coroutine_handle<> suspended) {
  resume_next_ = suspended;
  sleep_ = Sleep::pending;
  core(loop()).schedule_timer(*this, when);
  trace(*this, TaskEventKind::suspended,
        [&] { return fmt::format("sleep({:.6g})", when - loop().time()); });
  if (must_cancel_ && cancel_sleep(cancel_message())) must_cancel_ = false;
}

void TaskBase::throw_pending_cancel(FutureBase* awaited) {
  must_cancel_ = false;
  // CPython's __step: `if not isinstance(exc, CancelledError): exc =
  // self._make_cancelled_error()`. A future cancelled by the first request
  // raises its own CancelledError, and that one goes in.
  if (awaited != nullptr) {
    if (awaited->raises_cancelled_error()) return;
    if (awaited->done()) awaited->exception();  // __wakeup called result(): retrieved
  }
  throw CancelledError(cancel_message());
}

void TaskBase::finish_sleep() {
  const bool was_cancelled = sleep_ == Sleep::cancelled;
  sleep_ = Sleep::none;
  if (was_cancelled) {
    // The sleep's own CancelledError, as for any awaited future.
    must_cancel_ = false;
    throw CancelledError(extras_->sleep_cancel_message);
  }
  deliver_pending_cancel();
}

void TaskBase::join_pending_tasks(EventLoop& loop) noexcept {
  PendingTasks& tasks = core(loop).pending_tasks();
  previous_pending = tasks.last;
  next_pending = nullptr;
  (tasks.last != nullptr ? tasks.last->next_pending : tasks.first) = this;
  tasks.last = this;
}

void TaskBase::leave_pending_tasks() noexcept {
  PendingTasks& tasks = core(loop()).pending_tasks();
  (previous_pending != nullptr ? previous_pending->next_pending : tasks.first) = next_pending;
  (next_pending != nullptr ? next_pending->previous_pending : tasks.last) = previous_pending;
  previous_pending = next_pending = nullptr;
}

void abandon_pending_tasks(PendingTasks& tasks) noexcept {
  // Hold every task while detaching, so none is freed while another points to it.
  std::vector<TaskBase*> pending;
  for (TaskBase* task = tasks.first; task != nullptr; task = task->next_pending) {
    task->retain();
    pending.push_back(task);
  }
  for (TaskBase* task : pending) {
    task->leave_pending_tasks();
    task->abandon();
  }
  for (TaskBase* task : pending) task->release();
}

void TaskBase::abandon() noexcept {
  try {
    fmt::print(stderr, "Task was destroyed but it is pending: {}\n", describe());
  } catch (...) {
  }
  clear_done_callbacks();
  if (fut_waiter_ != nullptr) fut_waiter_->remove_done_callback(*this);
  fut_waiter_ = nullptr;
  sleep_ = Sleep::none;
  release();  // the loop's reference
}

}  // namespace detail
}  // namespace aio
