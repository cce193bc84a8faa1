#include "aio/event_loop.hpp"

#include <fmt/core.h>

#include <atomic>
#include <cmath>

namespace aio {
namespace {

// Process-wide, and loops in other threads read them as they are created:
// set_default_debug may be called from any thread, and serials stay distinct
// across threads.
std::atomic<bool> default_debug = false;
std::atomic<std::uint64_t> loops_created = 0;

// CPython treats timers due within the clock's resolution as due now.
constexpr double clock_resolution = 1e-9;
// CPython never waits longer than a day in one select call.
constexpr double maximum_select_timeout = 24 * 3600;

}  // namespace

EventLoop::EventLoop() : LoopCore(*this), debug_(default_debug), serial_(++loops_created) {}

EventLoop::~EventLoop() {
  if (!closed_) close();
}

detail::FunctionHandle& EventLoop::schedule_function(std::function<void()> function, double when) {
  if (closed_) throw RuntimeError("Event loop is closed");
  auto* handle = new detail::FunctionHandle(*this, std::move(function), when);
  if (std::isnan(when)) {  // no_deadline
    schedule(*handle);
  } else {
    schedule_timer(*handle, when);
  }
  return *handle;
}

void EventLoop::run_forever() {
  if (closed_) throw RuntimeError("Event loop is closed");
  if (running_) throw RuntimeError("This event loop is already running");
  if (detail::running_loop_in_thread != nullptr) {
    throw RuntimeError("Cannot run the event loop while another loop is running");
  }
  running_ = true;
  detail::running_loop_in_thread = this;
  struct Finish {
    EventLoop& loop;
    ~Finish() {
      loop.stopping_ = false;
      loop.running_ = false;
      detail::running_loop_in_thread = nullptr;
    }
  } finish{*this};
  while (true) {
    run_once();
    if (stopping_) break;
  }
}

// One iteration, as CPython's BaseEventLoop._run_once.
void EventLoop::run_once() {
  timers_.drop_stale();

  double timeout = -1;  // wait for I/O without limit
  if (!ready_.empty() || stopping_) {
    timeout = 0;
  } else if (!timers_.empty()) {
    timeout = std::min(std::max(0.0, timers_.next_deadline() - time()), maximum_select_timeout);
  }

  if (timeout != 0 && clock_kind() == ClockKind::virtual_) {
    // Virtual time: poll, and if nothing happened, jump to the next deadline.
    if (selector_.select(0) == 0 && timeout > 0) detail::advance_virtual_clock(timeout);
    if (timeout < 0) selector_.select(-1);
  } else {
    selector_.select(timeout);
  }

  // Timers due by now join the end of the ready queue, in deadline order.
  // (No timer, no need to read the clock: that read would cost more than a
  // whole task switch.)
  if (!timers_.empty()) {
    const double end_time = time() + clock_resolution;
    while (!timers_.empty() && timers_.next_deadline() < end_time) {
      if (detail::Callback* due = timers_.pop()) ready_.push_expired(*due);
    }
  }

  // Run exactly what is ready now; what these callbacks schedule waits a turn.
  for (std::size_t count = ready_.size(); count > 0; --count) {
    const detail::ReadyQueue::Entry entry = ready_.pop();
    if (debug_) {
      run_timed(entry);
    } else {
      run_entry(entry);
    }
    entry.callback.release();
  }
}

void EventLoop::run_entry(const detail::ReadyQueue::Entry& entry) {
  if (entry.expired) {
    entry.callback.expire();
  } else {
    entry.callback.run();
  }
}

void EventLoop::run_timed(const detail::ReadyQueue::Entry& entry) {
  const double started = time();
  run_entry(entry);
  const double elapsed = time() - started;
  if (elapsed >= slow_callback_duration) {
    fmt::print(stderr, "Executing {} took {:.3f} seconds\n", entry.callback.describe(), elapsed);
  }
}

void EventLoop::close() {
  if (running_) throw RuntimeError("Cannot close a running event loop");
  if (closed_) return;
  closed_ = true;
  while (!ready_.empty()) ready_.pop().callback.release();
  timers_.clear();
  detail::abandon_pending_tasks(pending_tasks_);
}

void set_default_debug(bool enabled) noexcept {
  default_debug = enabled;
}

namespace detail {

constinit thread_local EventLoop* running_loop_in_thread = nullptr;

void throw_no_running_loop() {
  throw RuntimeError("no running event loop");
}

void report_callback_exception(std::exception_ptr error) noexcept {
  try {
    fmt::print(stderr, "Exception in callback: {}\n", describe_error(error));
  } catch (...) {
  }
}

void FunctionHandle::run() {
  if (cancelled_) return;
  try {
    function_();
  } catch (...) {
    report_callback_exception(std::current_exception());
  }
}

void FunctionHandle::cancel() noexcept {
  if (cancelled_) return;
  cancelled_ = true;
  // A closed loop has disarmed every timer, and may be gone: leave it alone.
  if (armed_sequence != 0) core(*loop_).cancel_timer(*this);
}

}  // namespace detail
}  // namespace aio
