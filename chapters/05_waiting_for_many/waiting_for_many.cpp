/// Chapter 5: Waiting for many: gather, as_completed, wait.
///
/// Starting many operations at once is the point of tasks; this chapter is
/// about collecting them again. gather waits for all of them and hands back
/// their results in argument order; its sections show how it behaves when
/// everything succeeds, when one operation fails, and when errors should be
/// results too.

#include <fmt/core.h>

#include <aio/aio.hpp>
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

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 5: Waiting for many: gather, as_completed, wait",
                       {{"sequential_vs_concurrent", sequential_vs_concurrent},
                        {"gather_results", gather_results},
                        {"gather_all_succeed", gather_all_succeed},
                        {"gather_fail_fast", gather_fail_fast},
                        {"gather_return_exceptions", gather_return_exceptions},
                        {"gather_order", gather_order}});
}
