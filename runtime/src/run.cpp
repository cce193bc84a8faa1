#include "aio/run.hpp"

#include <fmt/core.h>

#include <vector>

namespace aio::detail {
namespace {

/// Stops the loop once the future it watches is done.
class StopLoop final : public Callback {
 public:
  explicit StopLoop(EventLoop& loop) noexcept : loop_(loop) {}
  void run() override { loop_.stop(); }
  // Lives on the caller's stack for the whole run: nothing to count.
  void retain() noexcept override {}
  void release() noexcept override {}

 private:
  EventLoop& loop_;
};

}  // namespace

void adopt_main(EventLoop& loop, TaskBase& main) {
  // Before the coroutine becomes a task: a task of a closed loop would be
  // held by the loop for ever (CPython: `self._check_closed()` first).
  if (loop.is_closed()) throw RuntimeError("Event loop is closed");
  if (!main.is_task()) {
    main.start_as_task(loop, {});
  } else if (!main.belongs_to(loop)) {
    throw ValueError(
        "The future belongs to a different loop than the one specified as the loop argument");
  }
}

void run_and_shut_down(EventLoop& loop, FutureBase& main) {
  std::exception_ptr failure;
  try {
    run_until_done(loop, main);
  } catch (...) {
    failure = std::current_exception();
  }
  // asyncio.Runner.close(): `try: _cancel_all_tasks(loop) ... finally:
  // loop.close()`. Here in plain code, not in a destructor, so that an error
  // of the shutdown propagates instead of terminating the program.
  struct Close {
    EventLoop& loop;
    ~Close() {
      // asyncio.run then runs shutdown_asyncgens() and
      // shutdown_default_executor() as two tasks; their numbers are taken so
      // later task names agree.
      skip_task_numbers(2);
      loop.close();
    }
  } close{loop};
  cancel_all_tasks(loop);
  if (failure) std::rethrow_exception(failure);
}

void run_until_done(EventLoop& loop, FutureBase& future) {
  StopLoop stop_loop(loop);
  future.add_done_callback(stop_loop);
  try {
    loop.run_forever();
  } catch (...) {
    future.remove_done_callback(stop_loop);
    throw;
  }
  future.remove_done_callback(stop_loop);
  if (!future.done()) throw RuntimeError("Event loop stopped before Future completed.");
}

void cancel_all_tasks(EventLoop& loop) {
  // The tasks are held until the end, however it comes: run_until_done
  // throws if a task stops the loop.
  struct Held {
    std::vector<TaskBase*> tasks;
    ~Held() {
      for (TaskBase* task : tasks) task->release();
    }
  } held;
  for_each_pending_task(loop, [&](TaskBase& task) {
    task.retain();
    held.tasks.push_back(&task);
  });
  if (held.tasks.empty()) return;

  for (TaskBase* task : held.tasks) task->cancel({});
  // Wait for all of them, as CPython gathers them with return_exceptions=True.
  Future<void> all_finished(loop);
  std::size_t remaining = held.tasks.size();
  for (TaskBase* task : held.tasks) {
    add_user_callback<TaskRef>(*task, [&remaining, &all_finished] {
      if (--remaining == 0) all_finished.set_result();
    });
  }
  run_until_done(loop, state_of(all_finished));

  for (TaskBase* task : held.tasks) {
    if (!task->cancelled() && task->error()) {
      fmt::print(stderr, "unhandled exception during aio::run() shutdown: {}: {}\n",
                 task->describe(), describe_error(task->exception()));
    }
  }
}

}  // namespace aio::detail
