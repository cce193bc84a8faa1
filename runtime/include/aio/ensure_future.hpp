#pragma once
/// \file ensure_future.hpp
/// `aio::ensure_future(awaitable)`: what gather, wait_for and shield do first
/// with each argument, so that each of them takes whatever `await` takes
/// (`asyncio.ensure_future`).
///
///     asyncio.ensure_future(fut)            aio::ensure_future(future)      the future itself
///     asyncio.ensure_future(task)           aio::ensure_future(task)        the task itself
///     asyncio.ensure_future(coro())         aio::ensure_future(coro())      a new task
///     asyncio.ensure_future(event.wait())   aio::ensure_future(event.wait())  a new task
///
/// In Python `event.wait()`, `queue.get()` and `lock.acquire()` are
/// coroutines. Here they return awaiter objects, which is cheaper; anything
/// that `co_await` accepts becomes a task that awaits it, so it is scheduled,
/// named and numbered as the coroutine is in Python.

#include <concepts>
#include <type_traits>
#include <utility>

#include "aio/future.hpp"
#include "aio/task.hpp"

namespace aio {

namespace detail {

/// The awaiter `co_await awaitable` uses: its operator co_await, or itself.
template <class A>
decltype(auto) awaiter_of(A&& awaitable) {
  if constexpr (requires { std::forward<A>(awaitable).operator co_await(); }) {
    return std::forward<A>(awaitable).operator co_await();
  } else {
    return std::forward<A>(awaitable);
  }
}

template <class A>
concept AwaiterOf = requires(A&& awaitable) {
  awaiter_of(std::forward<A>(awaitable)).await_ready();
  awaiter_of(std::forward<A>(awaitable)).await_resume();
};

template <class>
inline constexpr bool is_future_handle = false;
template <class T>
inline constexpr bool is_future_handle<Task<T>> = true;
template <class T>
inline constexpr bool is_future_handle<Future<T>> = true;

}  // namespace detail

/// Anything `co_await` accepts: a Task (coroutine or task), a Future, or an
/// awaiter such as `event.wait()` or `aio::sleep(1)` (Python's awaitables).
template <class A>
concept Awaitable = detail::AwaiterOf<A>;

/// What `co_await awaitable` gives for an awaitable of type A.
template <Awaitable A>
using await_result_t = decltype(detail::awaiter_of(std::declval<A>()).await_resume());

namespace detail {

/// The coroutine that awaits an awaiter, so that a task can run it.
template <class A>
Task<await_result_t<A>> await_awaitable(A awaitable) {
  co_return co_await std::move(awaitable);
}

}  // namespace detail

/// A task stays itself; a coroutine becomes a task of the running loop.
template <class T>
Task<T> ensure_future(Task<T> awaitable) {
  if (!detail::state_of(awaitable).is_task()) return create_task(std::move(awaitable));
  return awaitable;
}

/// A future stays itself.
template <class T>
Future<T> ensure_future(Future<T> future) noexcept {
  return future;
}

/// Any other awaitable becomes a task that awaits it.
template <Awaitable A>
requires(!detail::is_future_handle<std::remove_cvref_t<A>>) Task<await_result_t<A>> ensure_future(
    A awaitable) {
  return create_task(detail::await_awaitable(std::move(awaitable)));
}

/// The handle ensure_future gives for an A: a Task or a Future.
template <Awaitable A>
using ensured_future_t = decltype(ensure_future(std::declval<A>()));

namespace detail {

/// The value type of a Task or Future handle.
template <class>
struct handle_value;
template <class T>
struct handle_value<Task<T>> {
  using type = T;
};
template <class T>
struct handle_value<Future<T>> {
  using type = T;
};
template <class Handle>
using handle_value_t = typename handle_value<Handle>::type;

}  // namespace detail

}  // namespace aio
