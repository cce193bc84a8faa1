#pragma once
/// \file wait_for.hpp
/// `aio::wait_for(awaitable, timeout)`: await something, but no longer than
/// `timeout` seconds (`asyncio.wait_for`, as CPython 3.11 writes it).
///
///     await asyncio.wait_for(fetch(), 1.5)        co_await aio::wait_for(fetch(), 1.5);
///     await asyncio.wait_for(event.wait(), 1.5)   co_await aio::wait_for(event.wait(), 1.5);
///     await asyncio.wait_for(fut, None)           co_await aio::wait_for(future, std::nullopt);
///
/// - The awaitable goes through ensure_future: a task or future is awaited as
///   it is, a coroutine or another awaitable becomes a task. With no timeout
///   (Python's None) it is simply awaited, as a coroutine, with no task.
/// - On timeout the inner task is cancelled, and wait_for waits until it has
///   finished its cleanup before it throws TimeoutError, whose cause
///   (`aio::cause_of`, Python's `__cause__`) is the inner task's
///   CancelledError. If the inner task swallows the cancellation and returns,
///   that value is returned instead.
/// - Cancelling the task that awaits wait_for cancels the inner task too, waits
///   for it, and lets CancelledError propagate.
/// - A timeout of zero or less throws TimeoutError at once unless the result is
///   already there (the inner task is still cancelled and waited for).

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include "aio/ensure_future.hpp"
#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/handle.hpp"
#include "aio/task.hpp"

namespace aio {

namespace detail {

/// `_release_waiter`: wakes whoever awaits `waiter`, unless it is done already.
inline void release_waiter(Future<void>& waiter) {
  if (!waiter.done()) waiter.set_result();
}

/// `_cancel_and_wait`: cancels `inner` and waits until it is done. It waits on
/// a future of its own rather than on `inner`, so that cancelling the awaiting
/// task cancels only this wait, not `inner` a second time.
///
/// Unlike CPython 3.11, a cancellation of this wait does not end it early: it
/// goes on until `inner` has finished and is raised then. 3.11 returns at once
/// and leaves `inner` running after wait_for returned (bpo-32751's own rule
/// broken): under a Condition, the caller then releases a lock that the inner
/// wait() takes back later for nobody. 3.12, whose wait_for awaits inside a
/// timeout() scope, waits for `inner` in this case too.
template <class Inner>
Task<void> cancel_and_wait(Inner inner) {
  inner.cancel();
  std::exception_ptr cancelled;
  while (!inner.done()) {
    Future<void> waiter;
    CallbackId callback = inner.add_done_callback([waiter]() mutable { release_waiter(waiter); });
    try {  // try/finally: the callback goes whatever happens
      co_await waiter;
    } catch (...) {
      cancelled = std::current_exception();
    }
    inner.remove_done_callback(callback);
  }
  if (cancelled) std::rethrow_exception(cancelled);
}

/// `return fut.result()` for the finished `inner`, except that a
/// CancelledError becomes `raise TimeoutError() from exc`: the end of a
/// wait_for whose time ran out.
template <class Inner>
handle_value_t<Inner> result_or_timeout(Inner& inner) {
  if (inner.cancelled()) {
    try {
      std::rethrow_exception(detail::state_of(inner).make_cancelled_error());
    } catch (const CancelledError&) {
      throw TimeoutError();  // made in the handler: the CancelledError is its cause
    }
  }
  return take_result<handle_value_t<Inner>>(state_of(inner));
}

}  // namespace detail

/// Awaits `awaitable` for at most `timeout` seconds of loop time (none:
/// as long as it takes); on timeout, cancels it, waits for it to finish and
/// throws TimeoutError.
template <Awaitable A>
Task<await_result_t<A>> wait_for(A awaitable, std::optional<double> timeout) {
  if (!timeout) co_return co_await std::move(awaitable);
  EventLoop& loop = get_running_loop();

  if (*timeout <= 0) {
    auto inner = ensure_future(std::move(awaitable));
    if (inner.done()) co_return co_await inner;  // result() of a done task
    co_await detail::cancel_and_wait(inner);
    // The inner task may have swallowed the cancellation, or failed otherwise.
    co_return detail::result_or_timeout(inner);
  }

  // The waiter is released by whichever comes first: the timer or the task.
  Future<void> waiter(loop);
  TimerHandle timeout_handle =
      loop.call_later(*timeout, [waiter]() mutable { detail::release_waiter(waiter); });
  auto inner = ensure_future(std::move(awaitable));
  CallbackId callback =
      inner.add_done_callback([waiter]() mutable { detail::release_waiter(waiter); });
  // try/finally: the timer goes however wait_for ends.
  struct CancelTimer {
    TimerHandle& handle;
    ~CancelTimer() { handle.cancel(); }
  } cancel_timer{timeout_handle};

  // Wait until the task completes or the timeout fires. C++ cannot co_await in
  // a catch block, so a cancellation of this wait is kept for after it.
  std::exception_ptr cancelled;
  try {
    co_await waiter;
  } catch (const CancelledError&) {
    cancelled = std::current_exception();
  }

  // Done, even if this wait was cancelled meanwhile: its outcome wins.
  if (inner.done()) co_return co_await inner;

  inner.remove_done_callback(callback);
  // The inner task must not be running once wait_for returns (bpo-32751).
  co_await detail::cancel_and_wait(inner);
  if (cancelled) std::rethrow_exception(cancelled);
  // Timed out. The task may have swallowed the cancellation and returned, or
  // failed with another exception while cleaning up (bpo-40607).
  co_return detail::result_or_timeout(inner);
}

/// The same, with the timeout as a std::chrono duration.
template <Awaitable A, class Rep, class Period>
Task<await_result_t<A>> wait_for(A awaitable, std::chrono::duration<Rep, Period> timeout) {
  return wait_for(std::move(awaitable), std::chrono::duration<double>(timeout).count());
}

}  // namespace aio
