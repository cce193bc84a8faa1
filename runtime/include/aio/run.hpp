#pragma once
/// \file run.hpp
/// `aio::run(main())`: the entry point of an async program (`asyncio.run`).
/// It creates a loop, runs `main` to completion, cancels and finishes whatever
/// tasks are left, closes the loop, and returns main's result or rethrows.

#include <utility>

#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"

namespace aio {

namespace detail {
/// Runs `loop` until `main` is done, then shuts it down as asyncio.Runner
/// does: cancels the tasks left and closes the loop, whatever happens.
void run_and_shut_down(EventLoop& loop, FutureBase& main);
/// Cancels every pending task of `loop` and runs the loop until they finish.
void cancel_all_tasks(EventLoop& loop);
}  // namespace detail

/// Runs `main` on a new event loop and returns its result.
///
/// As `asyncio.run` does, it then cancels the tasks still pending, waits for
/// them and closes the loop. An error of that shutdown (a leftover task that
/// stops the loop, say) is raised in place of main's outcome, as an exception
/// raised by the runner's `__exit__` replaces the one in flight.
template <class T>
T run(Task<T> main) {
  if (running_loop() != nullptr) {
    throw RuntimeError("aio::run() cannot be called from a running event loop");
  }
  EventLoop loop;
  detail::adopt_main(loop, main.state());
  detail::run_and_shut_down(loop, main.state());
  return std::move(main).take_result();
}

}  // namespace aio
