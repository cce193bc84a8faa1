// aio::as_completed: results in the order the tasks finish, exceptions included; tasks that
// finish in the same iteration (equal timers) in the order they finished, which is timer order;
// after the timeout every remaining element throws TimeoutError and nothing is cancelled. Also
// aio::all_tasks: the loop's unfinished tasks.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "aio/all_tasks.hpp"
#include "aio/as_completed.hpp"
#include "aio/wait.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

using aio_test::tenths_since;

aio::Task<std::string> work(Recorder* log, std::string name, double delay, bool fail = false) {
  co_await aio::sleep(delay);
  log->add(name + " finishes");
  if (fail) throw std::invalid_argument(name);
  co_return name;
}

// ---- completion order ----------------------------------------------------------------------

aio::Task<void> in_completion_order(Recorder* log) {
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(work(log, "a", 0.3)));
  tasks.push_back(aio::create_task(work(log, "b", 0.1)));
  tasks.push_back(aio::create_task(work(log, "c", 0.2)));
  tasks.push_back(aio::create_task(work(log, "d", 0.15, true)));
  for (auto next : aio::as_completed(tasks)) {
    try {
      log->add("got " + co_await next);
    } catch (const std::invalid_argument& error) {
      log->add(std::string("error ") + error.what());
    }
  }
}

// async def work(name, delay, fail=False):
//     await asyncio.sleep(delay)
//     print(name, "finishes")
//     if fail: raise ValueError(name)
//     return name
// async def main():
//     ts = [asyncio.create_task(work(n, d, n == "d"))
//           for n, d in [("a", 0.3), ("b", 0.1), ("c", 0.2), ("d", 0.15)]]
//     for nxt in asyncio.as_completed(ts):
//         try:
//             print("got", await nxt)
//         except ValueError as e:
//             print("error", e)
// asyncio.run(main())
// # b finishes / got b / d finishes / error d / c finishes / got c / a finishes / got a
TEST(AsCompleted, YieldsResultsInCompletionOrder) {
  Recorder log;
  aio::run(in_completion_order(&log));
  EXPECT_EQ(log.events(), (Events{"b finishes", "got b", "d finishes", "error d", "c finishes",
                                  "got c", "a finishes", "got a"}));
}

aio::Task<void> ties(Recorder* log) {
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(work(log, "a", 0.2)));
  tasks.push_back(aio::create_task(work(log, "b", 0.1)));
  tasks.push_back(aio::create_task(work(log, "c", 0.2)));
  tasks.push_back(aio::create_task(work(log, "d", 0.1)));
  for (auto next : aio::as_completed(tasks)) log->add("got " + co_await next);
}

// (work as above)
// async def main():
//     ts = [asyncio.create_task(work(n, d)) for n, d in [("a", 0.2), ("b", 0.1), ("c", 0.2), ("d",
//     0.1)]] # Same deadlines: the timers fire in the order they were set, b before d, a before c.
//     for nxt in asyncio.as_completed(ts):
//         print("got", await nxt)
// asyncio.run(main())
// # b finishes / d finishes / got b / got d / a finishes / c finishes / got a / got c
TEST(AsCompleted, TiesComeOutInTimerOrder) {
  Recorder log;
  aio::run(ties(&log));
  EXPECT_EQ(log.events(), (Events{"b finishes", "d finishes", "got b", "got d", "a finishes",
                                  "c finishes", "got a", "got c"}));
}

// ---- timeout -------------------------------------------------------------------------------

aio::Task<void> times_out(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start_time = loop.time();
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(work(log, "a", 0.5), "a"));
  tasks.push_back(aio::create_task(work(log, "b", 0.1), "b"));
  tasks.push_back(aio::create_task(work(log, "c", 0.4), "c"));
  for (auto next : aio::as_completed(tasks, 0.3)) {
    try {
      log->add("got " + co_await next);
    } catch (const aio::TimeoutError&) {
      log->add("timeout at " + tenths_since(start_time));
    }
  }
  std::string cancelled = "cancelled [";
  std::string done = "done [";
  for (const auto& task : tasks) {
    const bool first = cancelled.back() == '[';
    cancelled += (first ? "" : ", ") + python_bool(task.cancelled());
    done += (first ? "" : ", ") + python_bool(task.done());
  }
  log->add(cancelled + "] " + done + "]");
  auto results = co_await aio::gather(tasks);
  log->add("results ['" + results[0] + "', '" + results[1] + "', '" + results[2] + "']");
}

// (work as above)
// async def main():
//     loop = asyncio.get_running_loop(); t0 = loop.time()
//     ts = [asyncio.create_task(work(n, d), name=n) for n, d in [("a", 0.5), ("b", 0.1), ("c",
//     0.4)]] for nxt in asyncio.as_completed(ts, timeout=0.3):
//         try:
//             print("got", await nxt)
//         except asyncio.TimeoutError:
//             print("timeout at", round(loop.time() - t0, 1))
//     print("cancelled", [t.cancelled() for t in ts], "done", [t.done() for t in ts])
//     print("results", await asyncio.gather(*ts))
// asyncio.run(main())
// # b finishes / got b / timeout at 0.3 / timeout at 0.3
// # cancelled [False, False, False] done [False, True, False]
// # c finishes / a finishes / results ['a', 'b', 'c']
TEST(AsCompleted, TimeoutRaisesForTheRestAndCancelsNothing) {
  Recorder log;
  aio::run(times_out(&log));
  EXPECT_EQ(log.events(), (Events{"b finishes", "got b", "timeout at 0.3", "timeout at 0.3",
                                  "cancelled [False, False, False] done [False, True, False]",
                                  "c finishes", "a finishes", "results ['a', 'b', 'c']"}));
}

// ---- leaving early, nothing to wait for, tasks given twice, no results ---------------------

aio::Task<void> leaves_early(Recorder* log) {
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(work(log, "a", 0.2)));
  tasks.push_back(aio::create_task(work(log, "b", 0.1)));
  for (auto next : aio::as_completed(tasks)) {
    log->add("got " + co_await next);
    break;
  }
  co_await aio::sleep(0.3);
  log->add("a done " + python_bool(tasks[0].done()));
  const auto nothing = aio::as_completed(std::vector<aio::Task<std::string>>{});
  log->add(nothing.begin() == nothing.end() ? "nothing []" : "something");
}

// (work as above)
// async def main():
//     ts = [asyncio.create_task(work(n, d)) for n, d in [("a", 0.2), ("b", 0.1)]]
//     for nxt in asyncio.as_completed(ts):
//         print("got", await nxt)
//         break
//     await asyncio.sleep(0.3)
//     print("a done", ts[0].done())
//     print("nothing", [x for x in asyncio.as_completed([])])
// asyncio.run(main())       # b finishes / got b / a finishes / a done True / nothing []
TEST(AsCompleted, LeavingTheLoopEarlyAndAnEmptyVector) {
  Recorder log;
  aio::run(leaves_early(&log));
  EXPECT_EQ(log.events(),
            (Events{"b finishes", "got b", "a finishes", "a done True", "nothing []"}));
}

aio::Task<void> tick(Recorder* log, std::string name, double delay) {
  co_await aio::sleep(delay);
  log->add(name + " finishes");
}

aio::Task<void> each_task_once(Recorder* log) {
  aio::Task<void> a = aio::create_task(tick(log, "a", 0.2));
  aio::Task<void> b = aio::create_task(tick(log, "b", 0.1));
  std::vector<aio::Task<void>> three;
  three.push_back(a);
  three.push_back(b);
  three.push_back(a);
  auto [done, pending] = co_await aio::wait(three, std::nullopt, aio::FIRST_COMPLETED);
  log->add(std::to_string(done.size()) + " done " + std::to_string(pending.size()) + " pending");
  std::vector<aio::Task<void>> four;
  four.push_back(a);
  four.push_back(b);
  four.push_back(a);
  four.push_back(b);
  const auto steps = aio::as_completed(four);
  log->add(std::to_string(steps.size()) + " steps");
  for (auto step : steps) {
    co_await step;
    log->add("step");
  }
}

// async def tick(name, delay):
//     await asyncio.sleep(delay)
//     print(name, "finishes")
// async def main():
//     a = asyncio.create_task(tick("a", 0.2))
//     b = asyncio.create_task(tick("b", 0.1))
//     done, pending = await asyncio.wait([a, b, a], return_when=asyncio.FIRST_COMPLETED)
//     print(len(done), "done", len(pending), "pending")
//     steps = list(asyncio.as_completed([a, b, a, b]))
//     print(len(steps), "steps")
//     for step in steps:
//         await step
//         print("step")
// asyncio.run(main())
// # b finishes / 1 done 1 pending / 2 steps / step / a finishes / step
TEST(AsCompleted, EachTaskCountsOnceAndVoidTasksWork) {
  Recorder log;
  aio::run(each_task_once(&log));
  EXPECT_EQ(log.events(),
            (Events{"b finishes", "1 done 1 pending", "2 steps", "step", "a finishes", "step"}));
}

// ---- all_tasks -----------------------------------------------------------------------------

aio::Task<void> sleeper(double delay) {
  co_await aio::sleep(delay);
}

std::string task_names() {
  std::vector<std::string> names;
  for (const auto& task : aio::all_tasks()) names.push_back(task.get_name());
  return aio_test::python_list(names);
}

aio::Task<void> lists_tasks(Recorder* log) {
  aio::Task<void> a = aio::create_task(sleeper(0.1), "a");
  aio::Task<void> b = aio::create_task(sleeper(0.2), "b");
  log->add(task_names());
  co_await a;
  log->add(task_names());
  co_await b;
  log->add(task_names());
}

// async def work(delay):
//     await asyncio.sleep(delay)
// async def main():
//     a = asyncio.create_task(work(0.1), name="a")
//     b = asyncio.create_task(work(0.2), name="b")
//     print([t.get_name() for t in sorted(asyncio.all_tasks(), key=lambda t: t.get_name())])
//     await a
//     print([t.get_name() for t in sorted(asyncio.all_tasks(), key=lambda t: t.get_name())])
//     await b
//     print([t.get_name() for t in asyncio.all_tasks()])
// asyncio.run(main())       # ['Task-1', 'a', 'b'] / ['Task-1', 'b'] / ['Task-1']
// (Python's set is sorted by name; the C++ vector is in creation order, which is the same here.)
TEST(AllTasks, ListsTheTasksNotDoneInCreationOrder) {
  Recorder log;
  aio::detail::reset_task_counter();
  aio::run(lists_tasks(&log));
  EXPECT_EQ(log.events(), (Events{"['Task-1', 'a', 'b']", "['Task-1', 'b']", "['Task-1']"}));
}

TEST(AllTasks, NeedsARunningLoop) {
  EXPECT_THROW(aio::all_tasks(), aio::RuntimeError);
}

}  // namespace
