#pragma once
/// \file gather.hpp
/// `aio::gather`: run awaitables concurrently and collect their results in
/// argument order (`asyncio.gather`).
///
/// - Each argument goes through ensure_future, in argument order: tasks and
///   futures are awaited as they are, coroutines and other awaitables
///   (`event.wait()`...) are scheduled as tasks.
/// - The first exception (a child cancelled on its own counts as CancelledError)
///   fails the gather at once; the other children keep running.
/// - Cancelling the gather cancels every child that is not done; the awaiter
///   then gets CancelledError even if every child swallowed its cancellation.
/// - With `aio::return_exceptions`, errors become Outcome values instead; a
///   cancelled child is a new CancelledError with an empty message (CPython's
///   `CancelledError('')`), not the error that cancelled it.

#include <cstddef>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "aio/detail/gathering.hpp"
#include "aio/ensure_future.hpp"
#include "aio/future.hpp"
#include "aio/outcome.hpp"
#include "aio/task.hpp"

namespace aio {

/// Tag for gather's `return_exceptions=True` form.
struct ReturnExceptions {};
/// Pass it first for `return_exceptions=True`:
/// `aio::gather(aio::return_exceptions, a(), b())`.
inline constexpr ReturnExceptions return_exceptions{};

/// Runs the awaitables concurrently; the result is a tuple in argument order.
/// (The braces matter: they create the tasks left to right, as Python does.)
template <Awaitable... As>
Future<std::tuple<ValueOrNone<await_result_t<As>>...>> gather(As... awaitables) {
  using Result = std::tuple<ValueOrNone<await_result_t<As>>...>;
  return detail::start_gather<Result>(
      std::tuple<ensured_future_t<As>...>{ensure_future(std::move(awaitables))...}, false,
      [](auto& children) {
        return std::apply([](auto&... child) { return Result{detail::value_of(child)...}; },
                          children);
      });
}

/// As above, with each result an Outcome: errors are returned, not raised.
template <Awaitable... As>
Future<std::tuple<Outcome<await_result_t<As>>...>> gather(ReturnExceptions, As... awaitables) {
  using Result = std::tuple<Outcome<await_result_t<As>>...>;
  return detail::start_gather<Result>(
      std::tuple<ensured_future_t<As>...>{ensure_future(std::move(awaitables))...}, true,
      [](auto& children) {
        return std::apply([](auto&... child) { return Result{detail::outcome_of(child)...}; },
                          children);
      });
}

/// Runs every awaitable of a range concurrently; results in the same order.
template <Awaitable A>
Future<std::vector<ValueOrNone<await_result_t<A>>>> gather(std::vector<A> awaitables) {
  using Child = ensured_future_t<A>;
  return detail::start_gather<std::vector<ValueOrNone<await_result_t<A>>>>(
      detail::ensure_futures(std::move(awaitables)), false, [](std::vector<Child>& done) {
        std::vector<ValueOrNone<await_result_t<A>>> results;
        results.reserve(done.size());
        for (auto& child : done) results.push_back(detail::value_of(child));
        return results;
      });
}

/// As above, with each result an Outcome: errors are returned, not raised.
template <Awaitable A>
Future<std::vector<Outcome<await_result_t<A>>>> gather(ReturnExceptions,
                                                       std::vector<A> awaitables) {
  using Child = ensured_future_t<A>;
  return detail::start_gather<std::vector<Outcome<await_result_t<A>>>>(
      detail::ensure_futures(std::move(awaitables)), true, [](std::vector<Child>& done) {
        std::vector<Outcome<await_result_t<A>>> results;
        results.reserve(done.size());
        for (auto& child : done) results.push_back(detail::outcome_of(child));
        return results;
      });
}

}  // namespace aio
