/// Chapter 5: Waiting for many: gather, as_completed, wait.
///
/// Starting many operations at once is the point of tasks; this chapter is
/// about collecting them again. gather waits for all of them and hands back
/// their results in argument order; its sections show how it behaves when
/// everything succeeds, when one operation fails, and when errors should be
/// results too.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

// Outside any namespace, so that error reports name it plainly.
struct HTTPError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Python's ValueError, for a task that fails on purpose.
struct ValueError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace {

//! [sequential_vs_concurrent]
aio::Task<std::string> work(std::string name, double duration) {
  co_await aio::sleep(duration);
  co_return name + " done";
}

aio::Task<std::vector<std::string>> sequential() {
  // Each co_await finishes before the next call even starts.
  std::string r1 = co_await work("Task1", 1);
  std::string r2 = co_await work("Task2", 1);
  std::string r3 = co_await work("Task3", 1);
  co_return std::vector<std::string>{r1, r2, r3};
}

aio::Task<std::vector<std::string>> concurrent() {
  // gather wraps each coroutine in a task, so all three wait at once.
  std::vector<aio::Task<std::string>> works;
  works.push_back(work("Task1", 1));
  works.push_back(work("Task2", 1));
  works.push_back(work("Task3", 1));
  co_return co_await aio::gather(std::move(works));
}

void sequential_vs_concurrent() {
  // perf_counter: a monotonic clock made for intervals (and the one the
  // virtual clock drives).
  double start = aio::perf_counter();
  auto results = aio::run(sequential());
  fmt::print("Sequential: {} in {:.1f}s\n", py::repr(results), aio::perf_counter() - start);

  start = aio::perf_counter();
  results = aio::run(concurrent());
  fmt::print("Concurrent: {} in {:.1f}s\n", py::repr(results), aio::perf_counter() - start);
}
//! [sequential_vs_concurrent]

//! [gather_results]
aio::Task<std::string> fetch_url(std::string url) {
  co_await aio::sleep(1);
  co_return "Data from " + url;
}

aio::Task<> fetch_all() {
  const std::vector<std::string> urls = {
      "http://example.com/1",
      "http://example.com/2",
      "http://example.com/3",
  };
  const double start = aio::perf_counter();
  std::vector<aio::Task<std::string>> fetches;
  for (const std::string& url : urls) fetches.push_back(fetch_url(url));
  const auto results = co_await aio::gather(std::move(fetches));
  // Results come back in argument order, so they line up with the urls.
  for (std::size_t i = 0; i < urls.size(); ++i) {
    fmt::print("{}: {}\n", urls[i], results[i]);
  }
  fmt::print("{} fetches in {:.1f}s\n", urls.size(), aio::perf_counter() - start);
}

void gather_results() {
  aio::run(fetch_all());
}
//! [gather_results]

//! [simulated_fetch]
struct Response {
  std::string name;
  std::string url;
  double duration;
  int status;
};

/// A stand-in for an HTTP request: no network, a sleep for the round trip.
aio::Task<Response> fetch(std::string url, std::string name, double delay, int status = 200) {
  const double start = aio::perf_counter();
  fmt::print("{}: starting request to {}\n", name, url);
  try {
    co_await aio::sleep(delay);
    if (status >= 400) throw HTTPError(fmt::format("HTTP {} from {}", status, url));
    const double duration = aio::perf_counter() - start;
    fmt::print("{}: completed in {:.2f}s\n", name, duration);
    co_return Response{name, url, duration, status};
  } catch (const std::exception& error) {  // like `except Exception`: not a cancellation
    fmt::print("{}: failed after {:.2f}s - {}\n", name, aio::perf_counter() - start, error.what());
    throw;
  }
}
//! [simulated_fetch]

//! [gather_all_succeed]
aio::Task<> all_succeed() {
  const double start = aio::perf_counter();
  std::vector<aio::Task<Response>> requests;
  requests.push_back(fetch("https://httpbin.org/delay/1", "Fast", 1.0));
  requests.push_back(fetch("https://httpbin.org/delay/2", "Medium", 2.0));
  requests.push_back(fetch("https://httpbin.org/delay/1.5", "Quick", 1.5));
  const auto results = co_await aio::gather(std::move(requests));
  fmt::print("All requests succeeded, after {:.2f}s in all:\n", aio::perf_counter() - start);
  for (const Response& result : results) {
    fmt::print("  {}: {:.2f}s\n", result.name, result.duration);
  }
}

void gather_all_succeed() {
  aio::run(all_succeed());
}
//! [gather_all_succeed]

//! [gather_fail_fast]
aio::Task<> one_failure() {
  const double start = aio::perf_counter();
  // Tasks we hold, so we can look at them after gather gives up.
  std::vector<aio::Task<Response>> tasks;
  tasks.push_back(
      aio::create_task(fetch("https://httpbin.org/delay/1", "Success1", 1.0), "Success1"));
  tasks.push_back(
      aio::create_task(fetch("https://httpbin.org/status/500", "Failure", 0.2, 500), "Failure"));
  tasks.push_back(
      aio::create_task(fetch("https://httpbin.org/delay/1", "Success2", 1.0), "Success2"));
  try {
    co_await aio::gather(tasks);
  } catch (const HTTPError& error) {
    fmt::print("gather() failed fast after {:.2f}s: {}\n", aio::perf_counter() - start,
               error.what());
  }
  // The first error reached us at once, but gather cancelled nothing.
  std::vector<aio::Task<Response>> running;
  std::vector<std::string> names;
  for (const auto& task : tasks) {
    if (!task.done()) {
      running.push_back(task);
      names.push_back(task.get_name());
    }
  }
  fmt::print("Still running: {}\n", py::repr(names));
  for (const auto& task : running) {
    const Response result = co_await task;
    fmt::print("{} finished anyway, at {:.2f}s\n", result.name, aio::perf_counter() - start);
  }
}

void gather_fail_fast() {
  // Had main returned without waiting, aio::run would have cancelled them.
  aio::run(one_failure());
}
//! [gather_fail_fast]

//! [gather_return_exceptions]
aio::Task<> errors_as_values() {
  std::vector<aio::Task<Response>> requests;
  requests.push_back(fetch("https://httpbin.org/delay/1", "Success1", 1.0));
  requests.push_back(fetch("https://httpbin.org/status/500", "Failure", 0.2, 500));
  requests.push_back(fetch("https://httpbin.org/delay/1", "Success2", 1.0));
  // With return_exceptions an error is a result like any other: each result
  // is an aio::Outcome, holding a value or the exception.
  const auto results = co_await aio::gather(aio::return_exceptions, std::move(requests));
  fmt::print("Mixed results, exceptions returned in place:\n");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].has_error()) {
      fmt::print("  Request {}: Failed - {}\n", i + 1, aio::error_message(results[i].error()));
    } else {
      fmt::print("  Request {}: Success - {}\n", i + 1, results[i].value().name);
    }
  }
}

void gather_return_exceptions() {
  aio::run(errors_as_values());
}
//! [gather_return_exceptions]

//! [gather_order]
aio::Task<std::string> finish_after(std::string name, double seconds, double start) {
  co_await aio::sleep(seconds);
  fmt::print("  {} finished at {:.1f}s\n", name, aio::perf_counter() - start);
  co_return name;
}

aio::Task<> completion_vs_argument_order() {
  const double start = aio::perf_counter();
  std::vector<aio::Task<std::string>> racers;
  racers.push_back(finish_after("slow", 0.3, start));
  racers.push_back(finish_after("fast", 0.1, start));
  racers.push_back(finish_after("medium", 0.2, start));
  const auto results = co_await aio::gather(std::move(racers));
  // Completion order was fast, medium, slow; the results keep argument order.
  fmt::print("gather returned {}\n", py::repr(results));
}

void gather_order() {
  aio::run(completion_vs_argument_order());
}
//! [gather_order]

//! [wait_with_conditions]
aio::Task<std::string> task(std::string name, double duration) {
  co_await aio::sleep(duration);
  co_return name + " done";
}

aio::Task<> first_of_three() {
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(task("A", 1), "A"));
  tasks.push_back(aio::create_task(task("B", 2), "B"));
  tasks.push_back(aio::create_task(task("C", 3), "C"));
  auto [done, pending] = co_await aio::wait(tasks, std::nullopt, aio::FIRST_COMPLETED);
  fmt::print("Done: {}\n", done.size());
  fmt::print("Pending: {}\n", pending.size());
  // `other`, not `task`, as in the twin: there a loop variable called `task`
  // would make the name local to the whole function, and the task(...) calls
  // above would raise UnboundLocalError. (C++ scopes it to the loop.)
  for (const auto& other : pending) {
    fmt::print("Then: {}\n", co_await other);
  }
}

void wait_with_conditions() {
  aio::run(first_of_three());
}
//! [wait_with_conditions]

//! [as_completed_order]
struct Timing {
  std::string task_id;
  double duration;
};

aio::Task<Timing> variable_duration_task(std::string task_id) {
  const double duration = aio::default_random().uniform(0.5, 3.0);
  fmt::print("Task {}: starting ({:.1f}s expected)\n", task_id, duration);
  co_await aio::sleep(duration);
  fmt::print("Task {}: completed after {:.1f}s\n", task_id, duration);
  co_return Timing{task_id, duration};
}

aio::Task<> results_as_they_arrive() {
  const double start = aio::perf_counter();
  // Tasks, not bare coroutines, as in the twin (where as_completed would put
  // coroutines in a set and start them in an order that changes between runs).
  std::vector<aio::Task<Timing>> tasks;
  for (int i = 1; i <= 5; ++i) {
    tasks.push_back(aio::create_task(variable_duration_task(fmt::format("T{}", i))));
  }
  std::vector<std::string> completion_order;
  for (auto next_result : aio::as_completed(tasks)) {
    const Timing result = co_await next_result;  // whichever task finished next
    completion_order.push_back(result.task_id);
    fmt::print("Received {} at {:.1f}s\n", result.task_id, aio::perf_counter() - start);
  }
  fmt::print("All done in {:.1f}s\n", aio::perf_counter() - start);
  std::string order;
  for (const std::string& id : completion_order) order += (order.empty() ? "" : " -> ") + id;
  fmt::print("Completion order: {}\n", order);
}

void as_completed_order() {
  aio::run(results_as_they_arrive());
}
//! [as_completed_order]

//! [as_completed_timeout]
aio::Task<std::string> slow_task(std::string task_id, double duration) {
  co_await aio::sleep(duration);
  co_return "Task " + task_id + " result";
}

aio::Task<> results_until_timeout() {
  const double start = aio::perf_counter();
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(slow_task("A", 1), "A"));
  tasks.push_back(aio::create_task(slow_task("B", 3), "B"));
  tasks.push_back(aio::create_task(slow_task("C", 2), "C"));
  tasks.push_back(aio::create_task(slow_task("D", 4), "D"));
  int completed = 0;
  try {
    for (auto next_result : aio::as_completed(tasks, 2.5)) {
      const std::string result = co_await next_result;
      ++completed;
      fmt::print("Completed {}: {} at {:.1f}s\n", completed, result, aio::perf_counter() - start);
    }
  } catch (const aio::TimeoutError&) {
    fmt::print("Timed out at {:.1f}s after {} results\n", aio::perf_counter() - start, completed);
  }
  // The timeout ends the waiting, not the work: nothing was cancelled.
  std::vector<aio::Task<std::string>> running;
  std::vector<std::string> names;
  for (const auto& t : tasks) {
    if (!t.done()) {
      running.push_back(t);
      names.push_back(t.get_name());
    }
  }
  fmt::print("Still running: {}\n", py::repr(names));
  for (const auto& t : running) {
    const std::string result = co_await t;
    fmt::print("{} at {:.1f}s\n", result, aio::perf_counter() - start);
  }
}

void as_completed_timeout() {
  aio::run(results_until_timeout());
}
//! [as_completed_timeout]

//! [controlled_task]
aio::Task<std::string> controlled_task(std::string task_id, double duration,
                                       bool should_fail = false) {
  fmt::print("Task {}: starting\n", task_id);
  try {
    co_await aio::sleep(duration);
    if (should_fail) throw ValueError("Task " + task_id + " failed on purpose");
    fmt::print("Task {}: completed\n", task_id);
    co_return "Result from task " + task_id;
  } catch (const aio::CancelledError&) {
    fmt::print("Task {}: cancelled\n", task_id);
    throw;
  }
}

/// wait keeps the order the tasks were passed in; the twin gets sets and
/// sorts them by name, so this sorts too, to print the same order.
std::vector<aio::Task<std::string>> by_name(std::vector<aio::Task<std::string>> tasks) {
  std::sort(tasks.begin(), tasks.end(),
            [](const auto& a, const auto& b) { return a.get_name() < b.get_name(); });
  return tasks;
}
//! [controlled_task]

//! [wait_first_completed]
aio::Task<> first_then_cancel() {
  const double start = aio::perf_counter();
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(controlled_task("A", 1), "A"));
  tasks.push_back(aio::create_task(controlled_task("B", 2), "B"));
  tasks.push_back(aio::create_task(controlled_task("C", 3), "C"));
  auto [done, pending] = co_await aio::wait(tasks, std::nullopt, aio::FIRST_COMPLETED);
  fmt::print("First completion after {:.1f}s\n", aio::perf_counter() - start);
  fmt::print("{} completed, {} still running\n", done.size(), pending.size());
  for (const auto& finished : by_name(done)) {
    fmt::print("First result: {}\n", co_await finished);
  }
  // wait cancels nothing; the rest are ours to stop.
  for (auto& unfinished : by_name(pending)) unfinished.cancel();
  // cancel() only asks: wait until each task has handled its CancelledError.
  co_await aio::wait(pending);
  std::vector<std::string> cancelled;
  for (const auto& t : by_name(pending)) {
    if (t.cancelled()) cancelled.push_back(t.get_name());
  }
  fmt::print("Cancelled: {}\n", py::repr(cancelled));
}

void wait_first_completed() {
  aio::run(first_then_cancel());
}
//! [wait_first_completed]

//! [wait_first_exception]
aio::Task<> stop_at_first_failure() {
  const double start = aio::perf_counter();
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(controlled_task("X", 2), "X"));
  tasks.push_back(aio::create_task(controlled_task("Y", 1, true), "Y"));
  tasks.push_back(aio::create_task(controlled_task("Z", 3), "Z"));
  auto [done, pending] = co_await aio::wait(tasks, std::nullopt, aio::FIRST_EXCEPTION);
  fmt::print("First exception after {:.1f}s\n", aio::perf_counter() - start);
  for (const auto& finished : by_name(done)) {
    try {
      fmt::print("Task completed: {}\n", co_await finished);
    } catch (const ValueError& error) {
      fmt::print("Task failed: {}\n", error.what());
    }
  }
  for (auto& unfinished : by_name(pending)) unfinished.cancel();
  co_await aio::wait(pending);
}

void wait_first_exception() {
  aio::run(stop_at_first_failure());
}
//! [wait_first_exception]

//! [wait_timeout]
aio::Task<> wait_at_most() {
  const double start = aio::perf_counter();
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(controlled_task("Fast", 1), "Fast"));
  tasks.push_back(aio::create_task(controlled_task("Medium", 3), "Medium"));
  tasks.push_back(aio::create_task(controlled_task("Slow", 5), "Slow"));
  // The timeout ends the wait only: no TimeoutError, nothing cancelled.
  auto [done, pending] = co_await aio::wait(tasks, 2.0, aio::ALL_COMPLETED);
  fmt::print("Timeout reached after {:.1f}s\n", aio::perf_counter() - start);
  fmt::print("{} completed, {} still running\n", done.size(), pending.size());
  for (const auto& finished : by_name(done)) {
    fmt::print("Completed before the timeout: {}\n", co_await finished);
  }
  for (auto& unfinished : by_name(pending)) {
    fmt::print("Cancelling {}\n", unfinished.get_name());
    unfinished.cancel();
  }
  co_await aio::wait(pending);
  fmt::print("Finished after {:.1f}s\n", aio::perf_counter() - start);
}

void wait_timeout() {
  aio::run(wait_at_most());
}
//! [wait_timeout]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 5: Waiting for many: gather, as_completed, wait",
                       {{"sequential_vs_concurrent", sequential_vs_concurrent},
                        {"gather_results", gather_results},
                        {"gather_all_succeed", gather_all_succeed},
                        {"gather_fail_fast", gather_fail_fast},
                        {"gather_return_exceptions", gather_return_exceptions},
                        {"gather_order", gather_order},
                        {"wait_with_conditions", wait_with_conditions},
                        {"as_completed_order", as_completed_order},
                        {"as_completed_timeout", as_completed_timeout},
                        {"wait_first_completed", wait_first_completed},
                        {"wait_first_exception", wait_first_exception},
                        {"wait_timeout", wait_timeout}});
}
