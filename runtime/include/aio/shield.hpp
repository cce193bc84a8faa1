#pragma once
/// \file shield.hpp
/// `aio::shield(task)`: await a task without letting a cancellation of the
/// awaiter reach it (`asyncio.shield`, as CPython 3.11 writes it).
///
///     task = asyncio.create_task(save())      aio::Task<void> task = aio::create_task(save());
///     await asyncio.shield(task)              co_await aio::shield(task);
///
/// shield returns a new future, the outer one, that mirrors the task, the
/// inner one. Cancelling the awaiting task cancels only the outer future: the
/// awaiter gets CancelledError at once while the inner task keeps running to
/// its end, its outcome then dropped. Cancelling the inner task itself (by
/// other means) still cancels the outer future. Keep a Task handle to the
/// inner task if its outcome matters after the awaiter was cancelled.
///
/// A coroutine that is not a task yet becomes one (`ensure_future`).

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "aio/future.hpp"
#include "aio/gather.hpp"
#include "aio/task.hpp"

namespace aio {

namespace detail {

/// Copies the outcome of the finished task `inner` into `outer`.
template <class T>
void copy_outcome(Task<T>& inner, Future<T>& outer) {
  if (inner.cancelled()) {
    outer.cancel();
  } else if (std::exception_ptr error = inner.exception()) {
    outer.set_exception(std::move(error));
  } else if constexpr (std::is_void_v<T>) {
    outer.set_result();
  } else {
    outer.set_result(take_result<T>(inner.promise()));
  }
}

}  // namespace detail

/// A future that completes as `awaitable` does, but whose cancellation does
/// not cancel `awaitable`.
template <class T>
Future<T> shield(Task<T> awaitable) {
  Task<T> inner = detail::ensure_task(std::move(awaitable));
  Future<T> outer(inner.core().loop());
  if (inner.done()) {
    // CPython returns the inner task itself; here a future already done with
    // the same outcome.
    detail::copy_outcome(inner, outer);
    return outer;
  }

  CallbackId inner_callback = inner.add_done_callback([outer](Task<T>& done) mutable {
    if (outer.cancelled()) {
      // Nobody awaits the outcome any more; mark an exception as retrieved.
      if (!done.cancelled()) done.exception();
      return;
    }
    detail::copy_outcome(done, outer);
  });
  outer.add_done_callback([inner, inner_callback]() mutable {
    if (!inner.done()) inner.remove_done_callback(inner_callback);
  });
  return outer;
}

}  // namespace aio
