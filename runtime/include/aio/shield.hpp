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
/// The awaitable goes through ensure_future: a task or future is shielded as
/// it is, a coroutine or another awaitable (`event.wait()`) becomes a task.

#include <exception>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "aio/ensure_future.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"

namespace aio {

namespace detail {

/// Copies the outcome of the finished `inner` (a Task or Future) into `outer`.
template <class Inner, class T>
void copy_outcome(Inner& inner, Future<T>& outer) {
  if (inner.cancelled()) {
    outer.cancel();
  } else if (std::exception_ptr error = inner.exception()) {
    outer.set_exception(std::move(error));
  } else if constexpr (std::is_void_v<T>) {
    outer.set_result();
  } else {
    outer.set_result(take_result<T>(state_of(inner)));
  }
}

}  // namespace detail

/// A future that completes as `awaitable` does, but whose cancellation does
/// not cancel `awaitable`.
template <Awaitable A>
Future<await_result_t<A>> shield(A awaitable) {
  using T = await_result_t<A>;
  auto inner = ensure_future(std::move(awaitable));
  Future<T> outer(detail::state_of(inner).loop());
  if (inner.done()) {
    // CPython returns the inner task itself; here a future already done with
    // the same outcome.
    detail::copy_outcome(inner, outer);
    return outer;
  }

  // CPython's two callbacks refer to each other's futures, a cycle its
  // garbage collector frees. Here the one on outer only raises a flag: when
  // outer is done first (its awaiter was cancelled), the one on inner finds
  // the flag and does nothing, as if CPython's `_outer_done_callback` had
  // removed it. Nothing refers back to inner, so no cycle keeps anything
  // alive once inner is done or abandoned by a closing loop.
  auto outer_done = std::make_shared<bool>(false);
  inner.add_done_callback([outer, outer_done](auto& done) mutable {
    if (*outer_done) return;
    if (outer.cancelled()) {
      // Nobody awaits the outcome any more; mark an exception as retrieved.
      if (!done.cancelled()) done.exception();
      return;
    }
    detail::copy_outcome(done, outer);
  });
  outer.add_done_callback([outer_done] { *outer_done = true; });
  return outer;
}

}  // namespace aio
