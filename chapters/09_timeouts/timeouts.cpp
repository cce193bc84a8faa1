/// Chapter 9: Timeouts and cancellation.
///
/// An operation that may never finish needs a deadline. wait_for gives one
/// awaited operation a time limit; a timeout scope gives one to everything
/// awaited inside it; wait with a timeout collects what finished in time and
/// leaves the rest to us. All of them work by cancelling, so this chapter is
/// also about cancellation: what a cancelled coroutine sees, how it must
/// respond, and how to keep an operation from being cancelled at all.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <exception>
#include <string>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

namespace {

//! [wait_for_timeout]
aio::Task<std::string> slow_operation() {
  co_await aio::sleep(10);
  co_return "done";
}

aio::Task<> give_up_after_one_second() {
  const double start = aio::perf_counter();
  try {
    std::string result = co_await aio::wait_for(slow_operation(), 1.0);
    fmt::print("Result: {}\n", result);
  } catch (const aio::TimeoutError& error) {
    // wait_for cancelled slow_operation before throwing: nothing is left running.
    fmt::print("Operation timed out after {:.1f}s\n", aio::perf_counter() - start);
    // The CancelledError that stopped slow_operation is the TimeoutError's cause.
    fmt::print("Its cause: {}\n", py::repr(aio::cause_of(error)));
  }
}

void wait_for_timeout() {
  aio::run(give_up_after_one_second());
}
//! [wait_for_timeout]

//! [timeout_strategies]
aio::Task<std::string> operation(std::string name, double duration) {
  fmt::print("{}: starting ({:.0f}s)\n", name, duration);
  try {
    co_await aio::sleep(duration);
  } catch (const aio::CancelledError&) {
    fmt::print("{}: cancelled\n", name);
    throw;  // the cancellation must go on, or the canceller never learns
  }
  fmt::print("{}: completed\n", name);
  co_return "result from " + name;
}

aio::Task<> individual_timeout(double start) {
  try {
    std::string result = co_await aio::wait_for(operation("Slow1", 3), 2.0);
    fmt::print("Result: {}\n", result);
  } catch (const aio::TimeoutError&) {
    fmt::print("Slow1 timed out after {:.1f}s\n", aio::perf_counter() - start);
  }
}

aio::Task<> partial_completion(double start) {
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(operation("Op1", 1)));
  tasks.push_back(aio::create_task(operation("Op2", 2)));
  tasks.push_back(aio::create_task(operation("Op3", 4)));
  tasks.push_back(aio::create_task(operation("Op4", 5)));
  // wait's timeout only ends the wait: it throws nothing and cancels nothing.
  auto [done, pending] = co_await aio::wait(tasks, 2.5);
  const double elapsed = aio::perf_counter() - start;
  fmt::print("After {:.1f}s: {} completed, {} pending\n", elapsed, done.size(), pending.size());
  for (auto& task : done) fmt::print("Completed: {}\n", task.result());
  // The stragglers are still running; stop them and wait until they have.
  for (auto& task : pending) task.cancel();
  co_await aio::wait(pending);
  std::vector<bool> cancelled;
  for (const auto& task : tasks) cancelled.push_back(task.cancelled());
  fmt::print("Cancelled: {}\n", py::repr(cancelled));
}

aio::Task<> strategies() {
  fmt::print("Individual operation timeout:\n");
  co_await individual_timeout(aio::perf_counter());
  fmt::print("Partial completion with timeout:\n");
  co_await partial_completion(aio::perf_counter());
}

void timeout_strategies() {
  aio::run(strategies());
}
//! [timeout_strategies]

//! [timeout_scope]
aio::Task<> step(std::string name, double duration) {
  co_await aio::sleep(duration);
  fmt::print("step {} finished\n", name);
}

aio::Task<> two_steps() {
  co_await step("one", 1.0);
  co_await step("two", 1.0);
}

aio::Task<> scope_covers_every_await() {
  const double start = aio::perf_counter();
  try {
    // One deadline for everything inside, however many awaits that is.
    co_await aio::with_timeout(1.5, two_steps());
  } catch (const aio::TimeoutError&) {
    fmt::print("timeout() scope expired after {:.1f}s\n", aio::perf_counter() - start);
  }
}

void timeout_scope() {
  aio::run(scope_covers_every_await());
}
//! [timeout_scope]

//! [swallowed_cancellation]
aio::Task<std::string> stubborn_worker() {
  for (int number = 1; number <= 3; ++number) {
    try {
      co_await aio::sleep(1);
      fmt::print("stubborn: step {} done\n", number);
    } catch (...) {  // WRONG: this catches aio::CancelledError too
      fmt::print("stubborn: ignored a cancellation in step {}\n", number);
    }
  }
  co_return "stubborn result";
}

aio::Task<std::string> polite_worker() {
  for (int number = 1; number <= 3; ++number) {
    try {
      co_await aio::sleep(1);
      fmt::print("polite: step {} done\n", number);
    } catch (const aio::CancelledError&) {
      fmt::print("polite: cleaning up in step {}\n", number);
      throw;                                 // RIGHT: clean up, then let the cancellation go on
    } catch (const std::exception& error) {  // does not catch CancelledError
      fmt::print("polite: step {} failed: {}\n", number, error.what());
    }
  }
  co_return "polite result";
}

aio::Task<> swallowing() {
  double start = aio::perf_counter();
  // The timeout fires at 1.5s, but wait_for has to wait for the worker, and
  // the worker carries on: the result arrives late, and no TimeoutError.
  std::string result = co_await aio::wait_for(stubborn_worker(), 1.5);
  fmt::print("wait_for returned {} after {:.1f}s\n", py::repr(result), aio::perf_counter() - start);

  aio::Task<std::string> task = aio::create_task(stubborn_worker());
  co_await aio::sleep(0.5);
  task.cancel();
  co_await task;
  fmt::print("after cancel(): cancelled() = {}, result {}\n", py::repr(task.cancelled()),
             py::repr(task.result()));

  start = aio::perf_counter();
  try {
    co_await aio::wait_for(polite_worker(), 1.5);
  } catch (const aio::TimeoutError&) {
    fmt::print("polite worker timed out after {:.1f}s\n", aio::perf_counter() - start);
  }
}

void swallowed_cancellation() {
  aio::run(swallowing());
}
//! [swallowed_cancellation]

//! [cancel_message]
aio::Task<> listener() {
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError& error) {
    // The message given to cancel() travels with the exception.
    fmt::print("listener: cancelled, message {}\n", py::repr(error.message()));
    throw;
  }
}

aio::Task<> cancel_with_message() {
  aio::Task<> task = aio::create_task(listener());
  co_await aio::sleep(1);
  task.cancel("shutting down");
  try {
    co_await task;
  } catch (const aio::CancelledError&) {
    fmt::print("main: task cancelled: {}\n", py::repr(task.cancelled()));
  }
}

void cancel_message() {
  aio::run(cancel_with_message());
}
//! [cancel_message]

//! [cancelling_uncancel]
aio::Task<> sleeper() {
  co_await aio::sleep(10);
}

aio::Task<> counting_requests() {
  aio::Task<> task = aio::create_task(sleeper());
  co_await aio::sleep(0);  // let it start
  task.cancel();
  task.cancel();
  // cancelling() counts the requests; the task still gets one CancelledError.
  fmt::print("after two cancel() calls: cancelling() = {}\n", task.cancelling());
  fmt::print("uncancel() leaves {}\n", task.uncancel());
  try {
    co_await task;
  } catch (const aio::CancelledError&) {
    fmt::print("task cancelled: {}\n", py::repr(task.cancelled()));
  }

  // A timeout scope cancels its own task, then withdraws that request with
  // uncancel() when it turns the CancelledError into TimeoutError.
  auto me = aio::current_task();
  try {
    co_await aio::with_timeout(0.5, sleeper());
  } catch (const aio::TimeoutError&) {
    fmt::print("after the timeout: cancelling() = {}\n", me->cancelling());
  }
}

void cancelling_uncancel() {
  aio::run(counting_requests());
}
//! [cancelling_uncancel]

//! [shield_from_timeout]
aio::Task<std::string> save(std::string record) {
  fmt::print("save: writing {}\n", record);
  co_await aio::sleep(2);
  fmt::print("save: {} written\n", record);
  co_return record + " saved";
}

aio::Task<> save_with_deadline() {
  const double start = aio::perf_counter();
  aio::Task<std::string> task = aio::create_task(save("order 42"));
  try {
    // The timeout cancels the shield, not the task behind it. The scope is
    // written out here, since the body is a future rather than a coroutine.
    aio::Timeout scope = aio::timeout(1.0);
    try {
      co_await aio::shield(task);
    } catch (...) {
      scope.exit(std::current_exception());  // CancelledError -> TimeoutError
    }
    scope.exit();
  } catch (const aio::TimeoutError&) {
    const double elapsed = aio::perf_counter() - start;
    fmt::print("gave up waiting after {:.1f}s; save still running: {}\n", elapsed,
               py::repr(!task.done()));
  }
  std::string result = co_await task;  // keep a handle, or the outcome is lost
  fmt::print("{} after {:.1f}s\n", result, aio::perf_counter() - start);
}

void shield_from_timeout() {
  aio::run(save_with_deadline());
}
//! [shield_from_timeout]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 9: Timeouts and cancellation",
                       {{"wait_for_timeout", wait_for_timeout},
                        {"timeout_strategies", timeout_strategies},
                        {"timeout_scope", timeout_scope},
                        {"swallowed_cancellation", swallowed_cancellation},
                        {"cancel_message", cancel_message},
                        {"cancelling_uncancel", cancelling_uncancel},
                        {"shield_from_timeout", shield_from_timeout}});
}
