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
  std::vector<TaskBase*> tasks;
  loop.for_each_pending_task([&](TaskBase& task) {
    task.retain();
    tasks.push_back(&task);
  });
  if (tasks.empty()) return;

  for (TaskBase* task : tasks) task->cancel({});
  // Wait for all of them, as CPython gathers them with return_exceptions=True.
  Future<void> all_finished(loop);
  std::size_t remaining = tasks.size();
  for (TaskBase* task : tasks) {
    add_user_callback(*task, all_finished, [&remaining](Future<void>& finished) {
      if (--remaining == 0) finished.set_result();
    });
  }
  run_until_done(loop, all_finished.core());

  for (TaskBase* task : tasks) {
    if (!task->cancelled() && task->error()) {
      fmt::print(stderr, "unhandled exception during aio::run() shutdown: {}: {}\n",
                 task->describe(), describe_error(task->exception()));
    }
    task->release();
  }
}

}  // namespace aio::detail
