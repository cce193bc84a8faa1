// aio::wait: tasks split into (done, pending) once FIRST_COMPLETED, FIRST_EXCEPTION or
// ALL_COMPLETED holds, or once the timeout passes; a cancelled task is not an exception for
// FIRST_EXCEPTION; a timeout cancels nothing; an empty vector is refused. Each vector keeps the
// order the tasks were passed in (Python returns sets, which the programs print sorted).
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "aio/wait.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

using aio_test::tenths_since;

/// Python's `sorted(t.get_name() for t in ts)` printed: the names here come sorted already
/// because every test passes its tasks in name order.
std::string names(const std::vector<aio::Task<std::string>>& tasks) {
  std::vector<std::string> names;
  for (const auto& task : tasks) names.push_back(task.get_name());
  return aio_test::python_list(names);
}

aio::Task<std::string> work(Recorder* log, std::string name, double delay, bool fail = false) {
  co_await aio::sleep(delay);
  log->add(name + " finishes");
  if (fail) throw std::invalid_argument(name);
  co_return name;
}

std::vector<aio::Task<std::string>> start(Recorder* log,
                                          std::vector<std::pair<std::string, double>> specs) {
  std::vector<aio::Task<std::string>> tasks;
  for (auto& [name, delay] : specs) tasks.push_back(aio::create_task(work(log, name, delay), name));
  return tasks;
}

// ---- FIRST_COMPLETED, then ALL_COMPLETED ---------------------------------------------------

aio::Task<void> first_then_all(Recorder* log) {
  auto tasks = start(log, {{"a", 0.3}, {"b", 0.1}, {"c", 0.2}});
  {
    auto [done, pending] = co_await aio::wait(tasks, std::nullopt, aio::FIRST_COMPLETED);
    log->add("done " + names(done) + " pending " + names(pending));
  }
  auto [done, pending] = co_await aio::wait(tasks);
  log->add("done " + names(done) + " pending " + names(pending));
}

// async def work(name, delay, fail=False):
//     await asyncio.sleep(delay)
//     print(name, "finishes")
//     if fail: raise ValueError(name)
//     return name
// def names(ts): return sorted(t.get_name() for t in ts)
// async def main():
//     ts = [asyncio.create_task(work(n, d), name=n) for n, d in [("a", 0.3), ("b", 0.1), ("c",
//     0.2)]] done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_COMPLETED)
//     print("done", names(done), "pending", names(pending))
//     done, pending = await asyncio.wait(ts)
//     print("done", names(done), "pending", names(pending))
// asyncio.run(main())
// # b finishes / done ['b'] pending ['a', 'c'] / c finishes / a finishes
// # done ['a', 'b', 'c'] pending []
TEST(Wait, FirstCompletedThenAllCompleted) {
  Recorder log;
  aio::run(first_then_all(&log));
  EXPECT_EQ(log.events(), (Events{"b finishes", "done ['b'] pending ['a', 'c']", "c finishes",
                                  "a finishes", "done ['a', 'b', 'c'] pending []"}));
}

// ---- FIRST_EXCEPTION -----------------------------------------------------------------------

aio::Task<void> first_exception(Recorder* log) {
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(work(log, "a", 0.1), "a"));
  tasks.push_back(aio::create_task(work(log, "b", 1.0), "b"));
  tasks.push_back(aio::create_task(work(log, "c", 0.3, true), "c"));
  tasks.push_back(aio::create_task(work(log, "d", 0.5), "d"));
  aio::EventLoop& loop = aio::get_running_loop();
  aio::Task<std::string> b = tasks[1];
  loop.call_later(0.2, [b]() mutable { b.cancel(); });
  const double start_time = loop.time();
  auto [done, pending] = co_await aio::wait(tasks, std::nullopt, aio::FIRST_EXCEPTION);
  log->add("after " + tenths_since(start_time) + " done " + names(done) + " pending " +
           names(pending));
  log->add("b cancelled " + python_bool(b.cancelled()) + " c error " +
           aio::error_message(tasks[2].exception()));
  tasks[3].cancel();
}

// (work and names as above)
// async def main():
//     a = asyncio.create_task(work("a", 0.1), name="a")
//     b = asyncio.create_task(work("b", 1.0), name="b")
//     c = asyncio.create_task(work("c", 0.3, fail=True), name="c")
//     d = asyncio.create_task(work("d", 0.5), name="d")
//     loop = asyncio.get_running_loop()
//     loop.call_later(0.2, b.cancel)
//     t0 = loop.time()
//     done, pending = await asyncio.wait([a, b, c, d], return_when=asyncio.FIRST_EXCEPTION)
//     print("after", round(loop.time() - t0, 1), "done", names(done), "pending", names(pending))
//     print("b cancelled", b.cancelled(), "c error", repr(c.exception()))
//     d.cancel()
// asyncio.run(main())
// # a finishes / c finishes / after 0.3 done ['a', 'b', 'c'] pending ['d']
// # b cancelled True c error ValueError('c')
// (The C++ raises std::invalid_argument for ValueError and prints its message only.)
TEST(Wait, FirstExceptionIgnoresACancelledTask) {
  Recorder log;
  aio::run(first_exception(&log));
  EXPECT_EQ(log.events(),
            (Events{"a finishes", "c finishes", "after 0.3 done ['a', 'b', 'c'] pending ['d']",
                    "b cancelled True c error c"}));
}

aio::Task<void> first_exception_without_one(Recorder* log) {
  auto tasks = start(log, {{"a", 0.2}, {"b", 0.1}});
  auto [done, pending] = co_await aio::wait(tasks, std::nullopt, aio::FIRST_EXCEPTION);
  log->add("done " + names(done) + " pending " + names(pending));
}

// (work and names as above)
// async def main():
//     ts = [asyncio.create_task(work(n, d), name=n) for n, d in [("a", 0.2), ("b", 0.1)]]
//     done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
//     print("done", names(done), "pending", names(pending))
// asyncio.run(main())       # b finishes / a finishes / done ['a', 'b'] pending []
TEST(Wait, FirstExceptionWithoutAnyWaitsForAll) {
  Recorder log;
  aio::run(first_exception_without_one(&log));
  EXPECT_EQ(log.events(), (Events{"b finishes", "a finishes", "done ['a', 'b'] pending []"}));
}

// ---- timeout -------------------------------------------------------------------------------

aio::Task<void> timeout_returns(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start_time = loop.time();
  auto tasks = start(log, {{"a", 0.1}, {"b", 0.5}, {"c", 0.2}});
  auto [done, pending] = co_await aio::wait(tasks, 0.3);
  log->add("after " + tenths_since(start_time) + " done " + names(done) + " pending " +
           names(pending));
  log->add("b cancelled " + python_bool(tasks[1].cancelled()) + " done " +
           python_bool(tasks[1].done()));
  log->add("result " + co_await tasks[1]);
  try {
    co_await aio::wait(std::vector<aio::Task<std::string>>{});
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError ") + error.what());
  }
}

// async def work(name, delay):
//     await asyncio.sleep(delay)
//     print(name, "finishes")
//     return name
// def names(ts): return sorted(t.get_name() for t in ts)
// async def main():
//     loop = asyncio.get_running_loop(); t0 = loop.time()
//     ts = [asyncio.create_task(work(n, d), name=n) for n, d in [("a", 0.1), ("b", 0.5), ("c",
//     0.2)]] done, pending = await asyncio.wait(ts, timeout=0.3) print("after", round(loop.time() -
//     t0, 1), "done", names(done), "pending", names(pending)) print("b cancelled",
//     ts[1].cancelled(), "done", ts[1].done()) print("result", await ts[1]) try:
//         await asyncio.wait([])
//     except ValueError as e:
//         print("ValueError", e)
// asyncio.run(main())
// # a finishes / c finishes / after 0.3 done ['a', 'c'] pending ['b']
// # b cancelled False done False / b finishes / result b
// # ValueError Set of Tasks/Futures is empty.
TEST(Wait, TimeoutReturnsWithoutCancellingAndEmptyRaises) {
  Recorder log;
  aio::run(timeout_returns(&log));
  EXPECT_EQ(log.events(),
            (Events{"a finishes", "c finishes", "after 0.3 done ['a', 'c'] pending ['b']",
                    "b cancelled False done False", "b finishes", "result b",
                    "ValueError Set of Tasks/Futures is empty."}));
}

aio::Task<void> chrono_timeout(Recorder* log) {
  using namespace std::chrono_literals;
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(work(log, "x", 0.2)));
  tasks.push_back(aio::create_task(work(log, "y", 0.1)));
  auto [done, pending] = co_await aio::wait(tasks, 150ms);
  log->add(std::to_string(done.size()) + " done, " + std::to_string(pending.size()) + " pending");
  co_await aio::wait(pending);
}

// The timeout may be a std::chrono duration.
// async def work(name, delay):
//     await asyncio.sleep(delay)
//     print(name, "finishes")
//     return name
// async def main():
//     ts = [asyncio.create_task(work("x", 0.2)), asyncio.create_task(work("y", 0.1))]
//     done, pending = await asyncio.wait(ts, timeout=0.15)
//     print(f"{len(done)} done, {len(pending)} pending")
//     await asyncio.wait(pending)
// asyncio.run(main())       # y finishes / 1 done, 1 pending / x finishes
TEST(Wait, TakesAChronoTimeout) {
  Recorder log;
  aio::run(chrono_timeout(&log));
  EXPECT_EQ(log.events(), (Events{"y finishes", "1 done, 1 pending", "x finishes"}));
}

aio::Task<void> pass_a_coroutine(Recorder* log) {
  aio::Task<std::string> task = aio::create_task(work(log, "t", 0.1));
  aio::Task<std::string> coroutine = work(log, "c", 0.1);
  std::vector<aio::Task<std::string>> both;
  both.push_back(task);
  both.push_back(coroutine);
  try {
    co_await aio::wait(both);
  } catch (const aio::TypeError& error) {
    log->add(std::string("TypeError ") + error.what());
  }
  coroutine.close();
  auto results = co_await aio::gather(task);
  log->add("['" + std::get<0>(results) + "']");
}

// CPython 3.11 refuses a coroutine that is not a task, and schedules nothing:
// async def main():
//     t = asyncio.create_task(work("t", 0.1))
//     c = work("c", 0.1)
//     try:
//         await asyncio.wait([t, c])
//     except TypeError as e:
//         print("TypeError", e)
//     c.close()
//     print(await asyncio.gather(t))
// asyncio.run(main())
// TypeError Passing coroutines is forbidden, use tasks explicitly.
// t finishes
// ['t']
TEST(Wait, RefusesACoroutineThatIsNotATask) {
  Recorder log;
  aio::run(pass_a_coroutine(&log));
  EXPECT_EQ(log.events(),
            (Events{"TypeError Passing coroutines is forbidden, use tasks explicitly.",
                    "t finishes", "['t']"}));
}

aio::Task<void> refused_then_gathered(Recorder* log) {
  aio::Task<std::string> task = aio::create_task(work(log, "t", 0.1));
  aio::Task<std::string> used = work(log, "used", 0);
  co_await used;
  std::vector<aio::Task<std::string>> both;
  both.push_back(task);
  both.push_back(used);
  try {
    co_await aio::wait(both);
  } catch (const aio::TypeError&) {
    log->add("TypeError");
  }
  auto results = co_await aio::gather(task, task);
  log->add(std::get<0>(results) + " " + std::get<1>(results));
}

// A refused argument list leaves no mark on the tasks it held: the task is
// gathered afterwards as usual (a mark left behind once made gather skip it
// as a repeat and fail with "Result is not set").
// async def main():
//     t = asyncio.create_task(work("t", 0.1))
//     used = work("used", 0)
//     await used
//     try:
//         await asyncio.wait([t, used])
//     except TypeError:
//         print("TypeError")
//     print(await asyncio.gather(t, t))
// asyncio.run(main())       # used finishes / TypeError / t finishes / ['t', 't']
TEST(Wait, ARefusedArgumentListLeavesNoStateBehind) {
  Recorder log;
  aio::run(refused_then_gathered(&log));
  EXPECT_EQ(log.events(), (Events{"used finishes", "TypeError", "t finishes", "t t"}));
}

// ---- cancelling the waiter -----------------------------------------------------------------

aio::Task<void> waiter(Recorder* log, std::vector<aio::Task<std::string>> tasks) {
  try {
    co_await aio::wait(tasks);
  } catch (const aio::CancelledError&) {
    log->add("waiter cancelled");
    throw;
  }
}

aio::Task<void> cancel_the_waiter(Recorder* log) {
  auto tasks = start(log, {{"a", 0.2}, {"b", 0.1}});
  aio::Task<void> waiting = aio::create_task(waiter(log, tasks));
  co_await aio::sleep(0.05);
  waiting.cancel();
  co_await aio::sleep(0);
  log->add("a cancelled " + python_bool(tasks[0].cancelled()) + " b cancelled " +
           python_bool(tasks[1].cancelled()));
  co_await aio::gather(tasks);
  log->add("all done");
}

// (work as above)
// async def waiter(ts):
//     try:
//         await asyncio.wait(ts)
//     except asyncio.CancelledError:
//         print("waiter cancelled")
//         raise
// async def main():
//     ts = [asyncio.create_task(work(n, d), name=n) for n, d in [("a", 0.2), ("b", 0.1)]]
//     w = asyncio.create_task(waiter(ts))
//     await asyncio.sleep(0.05)
//     w.cancel()
//     await asyncio.sleep(0)
//     print("a cancelled", ts[0].cancelled(), "b cancelled", ts[1].cancelled())
//     await asyncio.gather(*ts)
//     print("all done")
// asyncio.run(main())
// # waiter cancelled / a cancelled False b cancelled False / b finishes / a finishes / all done
TEST(Wait, CancellingTheWaiterCancelsNoneOfTheTasks) {
  Recorder log;
  aio::run(cancel_the_waiter(&log));
  EXPECT_EQ(log.events(), (Events{"waiter cancelled", "a cancelled False b cancelled False",
                                  "b finishes", "a finishes", "all done"}));
}

}  // namespace
