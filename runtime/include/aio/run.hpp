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
/// Runs `loop` until `future` is done; the loop stops in the iteration after.
void run_until_done(EventLoop& loop, FutureBase& future);
/// Cancels every pending task of `loop` and runs the loop until they finish.
void cancel_all_tasks(EventLoop& loop);
}  // namespace detail

template <class T>
T EventLoop::run_until_complete(Task<T> main) {
  if (!main.promise().is_task()) main.promise().start_as_task(*this, {});
  detail::run_until_done(*this, main.core());
  if constexpr (std::is_void_v<T>) {
    main.result();
  } else {
    return T(main.result());
  }
}

/// Runs `main` on a new event loop and returns its result.
template <class T>
T run(Task<T> main) {
  if (running_loop() != nullptr) {
    throw RuntimeError("aio::run() cannot be called from a running event loop");
  }
  EventLoop loop;
  struct Shutdown {
    EventLoop& loop;
    ~Shutdown() {
      detail::cancel_all_tasks(loop);
      // asyncio.run then runs shutdown_asyncgens() and shutdown_default_executor()
      // as two tasks; their numbers are taken so later task names agree.
      detail::skip_task_numbers(2);
      loop.close();
    }
  } shutdown{loop};
  return loop.run_until_complete(std::move(main));
}

}  // namespace aio
