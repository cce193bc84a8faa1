/// Chapter 4: Tasks.
///
/// A coroutine runs only inside whoever awaits it; a task runs on its own,
/// scheduled by the loop. Each section below shows one thing tasks do: run
/// side by side, keep their result or exception, get monitored and
/// cancelled, and what becomes of a task nobody holds on to.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

// Exceptions named after the Python ones the twin raises. They live outside
// any namespace so that error reports name them plainly.
struct ValueError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ConnectionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace {

double since(double start) {
  return aio::perf_counter() - start;
}

//! [concurrent_tasks]
aio::Task<> job(std::string name, double duration) {
  fmt::print("Task {} starting\n", name);
  co_await aio::sleep(duration);
  fmt::print("Task {} complete\n", name);
}

aio::Task<> three_jobs() {
  const double start = aio::perf_counter();
  auto task_a = aio::create_task(job("A", 2));
  auto task_b = aio::create_task(job("B", 1));
  auto task_c = aio::create_task(job("C", 3));
  // create_task only schedules: no task has taken a step yet. They start
  // when main gives the loop a turn, at the co_await below.
  fmt::print("Three tasks created, none started yet\n");
  co_await aio::gather(task_a, task_b, task_c);
  fmt::print("All done after {:.1f}s: the longest task, not the sum (6.0s)\n", since(start));
}

void concurrent_tasks() {
  aio::run(three_jobs());
}
//! [concurrent_tasks]

//! [creating_tasks]
aio::Task<> background_counter(double start) {
  for (int i = 0; i < 5; ++i) {
    fmt::print("[{:.1f}s]   background: {}\n", since(start), i);
    co_await aio::sleep(0.5);
  }
}

aio::Task<> main_with_background() {
  const double start = aio::perf_counter();
  auto task = aio::create_task(background_counter(start));
  // While main sleeps, the loop runs the background task: the two
  // interleave on one thread.
  for (int i = 0; i < 3; ++i) {
    fmt::print("[{:.1f}s] main: {}\n", since(start), i);
    co_await aio::sleep(1);
  }
  fmt::print("[{:.1f}s] main is done; background done already? {}\n", since(start),
             py::repr(task.done()));
  // Awaiting a finished task does not wait; it hands over the outcome.
  co_await task;
  fmt::print("[{:.1f}s] await task returned\n", since(start));
}

void creating_tasks() {
  aio::run(main_with_background());
}
//! [creating_tasks]

//! [task_result]
aio::Task<std::string> might_fail(bool should_fail) {
  co_await aio::sleep(0.1);
  if (should_fail) throw ValueError("Task failed");
  co_return "Success";
}

aio::Task<> results_and_errors() {
  auto task = aio::create_task(might_fail(false));
  try {
    task.result();
  } catch (const aio::InvalidStateError&) {
    fmt::print("result() before the task is done: InvalidStateError\n");
  }
  const std::string result = co_await task;
  fmt::print("await task -> {}\n", py::repr(result));
  fmt::print("done() = {}, result() = {}, exception() = {}\n", py::repr(task.done()),
             py::repr(task.result()), task.exception() ? "an error" : "None");

  // A task that fails keeps its exception; whoever awaits it gets it raised.
  auto failing = aio::create_task(might_fail(true));
  try {
    co_await failing;
  } catch (const ValueError& error) {
    fmt::print("await failing -> raised ValueError: {}\n", error.what());
  }
  fmt::print("done() = {}, exception() returns the ValueError: {}\n", py::repr(failing.done()),
             aio::error_message(failing.exception()));
  try {
    failing.result();
  } catch (const ValueError& error) {
    fmt::print("result() raises it again: {}\n", error.what());
  }
}

void task_result() {
  aio::run(results_and_errors());
}
//! [task_result]

//! [two_tasks]
aio::Task<std::string> fetch(std::string url, double delay) {
  co_await aio::sleep(delay);
  co_return fmt::format("<page from {}>", url);
}

aio::Task<> two_fetches() {
  const double start = aio::perf_counter();
  auto task1 = aio::create_task(fetch("url1", 1.0));
  auto task2 = aio::create_task(fetch("url2", 0.5));
  // Both run from here on, whichever we await first.
  const std::string result1 = co_await task1;
  fmt::print("[{:.1f}s] result1 = {}; task2 done meanwhile? {}\n", since(start), py::repr(result1),
             py::repr(task2.done()));
  const std::string result2 = co_await task2;  // finished at 0.5 s: no waiting
  fmt::print("[{:.1f}s] result2 = {}\n", since(start), py::repr(result2));
  fmt::print("Total: the slower fetch (1.0s), not the sum (1.5s)\n");
}

void two_tasks() {
  aio::run(two_fetches());
}
//! [two_tasks]

//! [tasks_vs_coroutines]
aio::Task<std::string> background_work(std::string work_id, int seconds) {
  fmt::print("Work {}: starting ({}s)\n", work_id, seconds);
  for (int i = 0; i < seconds; ++i) {
    co_await aio::sleep(1);
    fmt::print("Work {}: progress {}/{}\n", work_id, i + 1, seconds);
  }
  fmt::print("Work {}: complete\n", work_id);
  co_return "Result-" + work_id;
}

aio::Task<> coroutines_then_tasks() {
  fmt::print("--- Coroutines do not start until awaited ---\n");
  double start = aio::perf_counter();
  auto coro1 = background_work("Coro-A", 2);
  auto coro2 = background_work("Coro-B", 2);
  fmt::print("Coroutines created at {:.1f}s\n", since(start));
  co_await aio::sleep(1);
  fmt::print("1 second later: neither has started\n");
  co_await coro1;  // runs now, inside main: 2 s
  co_await coro2;  // and only then this one: 2 s more
  const double coroutine_time = since(start);
  fmt::print("Coroutines finished after {:.1f}s (one after the other)\n", coroutine_time);

  fmt::print("\n--- Tasks start as soon as the loop gets a turn ---\n");
  start = aio::perf_counter();
  auto task1 = aio::create_task(background_work("Task-A", 2));
  auto task2 = aio::create_task(background_work("Task-B", 2));
  fmt::print("Tasks created at {:.1f}s\n", since(start));
  co_await aio::sleep(1);
  fmt::print("1 second later: both are already working\n");
  co_await aio::gather(task1, task2);
  const double task_time = since(start);
  fmt::print("Tasks finished after {:.1f}s (side by side)\n", task_time);

  fmt::print("\nTasks saved {:.1f}s\n", coroutine_time - task_time);
}

void tasks_vs_coroutines() {
  aio::run(coroutines_then_tasks());
}
//! [tasks_vs_coroutines]

//! [task_management]
aio::Task<std::string> worker(std::string worker_id) {
  try {
    const double work_time = aio::default_random().uniform(1, 4);
    const int whole_seconds = static_cast<int>(work_time);
    fmt::print("Worker {}: starting {:.1f}s of work\n", worker_id, work_time);
    for (int i = 0; i < whole_seconds; ++i) {
      co_await aio::sleep(1);
      fmt::print("Worker {}: {}/{} seconds done\n", worker_id, i + 1, whole_seconds);
    }
    if (aio::default_random().random() < 0.3) {  // a 30% chance of failure
      throw std::runtime_error(fmt::format("Worker {} encountered an error!", worker_id));
    }
    fmt::print("Worker {}: finished\n", worker_id);
    co_return "Success-" + worker_id;
  } catch (const aio::CancelledError&) {
    fmt::print("Worker {}: cancelled during work\n", worker_id);
    throw;  // a swallowed cancellation would leave the task "succeeded"
  }
}

aio::Task<> monitor(std::vector<aio::Task<std::string>> tasks, double start) {
  // Reports come at 0.25 s, 0.75 s, ...: between the workers' whole-second
  // steps, so each one sees a settled state, on any clock.
  co_await aio::sleep(0.25);
  while (true) {
    int pending = 0;
    int cancelled = 0;
    int failed = 0;
    for (auto& task : tasks) {
      if (!task.done()) {
        ++pending;
      } else if (task.cancelled()) {
        ++cancelled;
      } else if (task.exception()) {  // exception() throws on a cancelled task: ask that first
        ++failed;
      }
    }
    const int succeeded = static_cast<int>(tasks.size()) - pending - cancelled - failed;
    fmt::print("[{:.2f}s] Status: {} pending, {} succeeded, {} cancelled, {} failed\n",
               since(start), pending, succeeded, cancelled, failed);
    if (pending == 0) break;
    co_await aio::sleep(0.5);
  }
}

aio::Task<> manage_workers() {
  const double start = aio::perf_counter();
  fmt::print("Starting five workers\n");
  std::vector<aio::Task<std::string>> tasks;
  for (int i = 1; i <= 5; ++i) {
    const std::string id = fmt::format("W{}", i);
    tasks.push_back(aio::create_task(worker(id), id));
  }
  auto watcher = aio::create_task(monitor(tasks, start));
  co_await aio::sleep(2);
  // Whoever is still working after 2 s takes too long.
  for (auto& task : tasks) {
    if (!task.done()) {
      fmt::print("Cancelling {}\n", task.get_name());
      task.cancel();
    }
  }
  // Cancelling only asks; gather waits until every task has really ended,
  // and return_exceptions turns errors and cancellations into values.
  const auto results = co_await aio::gather(aio::return_exceptions, tasks);
  co_await watcher;  // it stops by itself once nothing is pending
  fmt::print("\nFinal results:\n");
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const auto& result = results[i];
    if (result.is_cancelled()) {
      fmt::print("  {}: Cancelled\n", tasks[i].get_name());
    } else if (result.has_error()) {
      fmt::print("  {}: Failed - {}\n", tasks[i].get_name(), aio::error_message(result.error()));
    } else {
      fmt::print("  {}: {}\n", tasks[i].get_name(), result.value());
    }
  }
}

void task_management() {
  aio::run(manage_workers());
}
//! [task_management]

//! [download_files]
aio::Task<std::string> download_file(std::string name, double size_mb) {
  const int chunks = static_cast<int>(size_mb * 10);
  for (int i = 0; i < chunks; ++i) {
    co_await aio::sleep(0.05);  // one chunk of 100 KB
  }
  co_return fmt::format("{} ({}MB)", name, py::repr(size_mb));
}

aio::Task<> download_while_working() {
  const double start = aio::perf_counter();
  auto task1 = aio::create_task(download_file("report.pdf", 2.0));
  auto task2 = aio::create_task(download_file("data.csv", 1.5));
  auto task3 = aio::create_task(download_file("image.png", 0.5));
  fmt::print("Downloads started, doing other work...\n");
  co_await aio::sleep(0.1);
  fmt::print("[{:.2f}s] other work done, now waiting for the downloads\n", since(start));
  const auto [file1, file2, file3] = co_await aio::gather(task1, task2, task3);
  for (const std::string& result : {file1, file2, file3}) {
    fmt::print("  Downloaded: {}\n", result);
  }
  fmt::print("[{:.2f}s] all three: the largest file's time (1.00s), not the sum (2.00s)\n",
             since(start));
}

void download_files() {
  aio::run(download_while_working());
}
//! [download_files]

//! [fire_and_forget]
aio::Task<std::string> save_report(std::string name, double seconds) {
  try {
    co_await aio::sleep(seconds);
    fmt::print("  {}: saved\n", name);
    co_return name + " saved";
  } catch (const aio::CancelledError&) {
    fmt::print("  {}: cancelled before it was saved\n", name);
    throw;
  }
}

aio::Task<> send_alert() {
  co_await aio::sleep(0.1);
  throw ConnectionError("alert service unreachable");
}

aio::Task<> forget_tasks() {
  // Nothing keeps these tasks; nobody will ever await them. Task is
  // [[nodiscard]], so C++ makes dropping the handle a visible decision.
  static_cast<void>(aio::create_task(save_report("quick report", 0.5)));
  static_cast<void>(aio::create_task(save_report("slow report", 5)));
  static_cast<void>(aio::create_task(send_alert()));
  co_await aio::sleep(1);
  fmt::print("main returns after 1.0s\n");
}

void fire_and_forget() {
  // The quick report is saved: a task runs while the loop runs, referenced
  // or not. The slow one is cut short: aio::run cancels what is left when
  // main returns. The alert's error reaches no one; it only shows up on
  // stderr, "exception was never retrieved", as the last reference to the
  // task goes. (CPython's loop holds tasks weakly, so there a task waiting on
  // something nothing else references can even be garbage-collected; here a
  // pending task stays alive until aio::run cancels it.)
  aio::run(forget_tasks());
  fmt::print("run() returned\n");
}
//! [fire_and_forget]

//! [keep_references]
template <class T>
void print_outcome(const std::string& name, const aio::Outcome<T>& outcome) {
  if (outcome.has_error()) {
    fmt::print("{}: failed - {}\n", name, aio::error_message(outcome.error()));
  } else if constexpr (std::is_void_v<T>) {
    fmt::print("{}: None\n", name);
  } else {
    fmt::print("{}: {}\n", name, outcome.value());
  }
}

aio::Task<> keep_and_await() {
  auto quick = aio::create_task(save_report("quick report", 0.5), "quick report");
  auto slow = aio::create_task(save_report("slow report", 1.5), "slow report");
  auto alert = aio::create_task(send_alert(), "alert");
  co_await aio::sleep(1);
  fmt::print("main's own work is done; now it waits for its tasks\n");
  // Held and awaited: every task finishes, and every error is seen.
  const auto [quick_result, slow_result, alert_result] =
      co_await aio::gather(aio::return_exceptions, quick, slow, alert);
  print_outcome(quick.get_name(), quick_result);
  print_outcome(slow.get_name(), slow_result);
  print_outcome(alert.get_name(), alert_result);
}

void keep_references() {
  aio::run(keep_and_await());
}
//! [keep_references]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 4: Tasks",
                       {{"concurrent_tasks", concurrent_tasks},
                        {"creating_tasks", creating_tasks},
                        {"task_result", task_result},
                        {"two_tasks", two_tasks},
                        {"tasks_vs_coroutines", tasks_vs_coroutines},
                        {"task_management", task_management},
                        {"download_files", download_files},
                        {"fire_and_forget", fire_and_forget},
                        {"keep_references", keep_references}});
}
