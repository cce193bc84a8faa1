// aio::Barrier: arrival indices with the last arriver passing first, parties/n_waiting/broken,
// newcomers held back while a round drains, abort() breaking current and later waiters until
// reset(), reset() while tasks wait, and a waiter cancelled inside the barrier.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "aio/aio.hpp"
#include "aio/barrier.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

static_assert(std::is_base_of_v<aio::RuntimeError, aio::BrokenBarrierError>);

// ---- one round ---------------------------------------------------------------------------

aio::Task<void> arrive_after(Recorder* log, aio::Barrier* barrier, std::string name, double delay) {
  co_await aio::sleep(delay);
  log->add(name + " arrives; n_waiting: " + std::to_string(barrier->n_waiting()));
  const int index = co_await barrier->wait();
  log->add(name + " passes with index " + std::to_string(index));
}

aio::Task<void> one_round_main(Recorder* log) {
  aio::Barrier barrier(3);
  log->add(std::to_string(barrier.parties()) + " " + std::to_string(barrier.n_waiting()) + " " +
           python_bool(barrier.broken()));
  co_await aio::gather(arrive_after(log, &barrier, "a", 0.1), arrive_after(log, &barrier, "b", 0.2),
                       arrive_after(log, &barrier, "c", 0.3));
  log->add("n_waiting: " + std::to_string(barrier.n_waiting()));
  try {
    aio::Barrier empty(0);
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError: ") + error.what());
  }
}

// async def worker(barrier, name, delay):
//     await asyncio.sleep(delay); print(name, "arrives; n_waiting:", barrier.n_waiting)
//     index = await barrier.wait(); print(name, "passes with index", index)
// async def main():
//     barrier = asyncio.Barrier(3)
//     print(barrier.parties, barrier.n_waiting, barrier.broken)
//     await asyncio.gather(worker(barrier, "a", 0.1), worker(barrier, "b", 0.2),
//                          worker(barrier, "c", 0.3))
//     print("n_waiting:", barrier.n_waiting)
//     try: asyncio.Barrier(0)
//     except ValueError as e: print("ValueError:", e)
// asyncio.run(main())
// prints: 3 0 False / a arrives; n_waiting: 0 / b arrives; n_waiting: 1 /
//         c arrives; n_waiting: 2 / c passes with index 2 / a passes with index 0 /
//         b passes with index 1 / n_waiting: 0 / ValueError: parties must be > 0
TEST(Barrier, TheLastArriverPassesFirstAndEachGetsItsArrivalIndex) {
  Recorder log;
  aio::run(one_round_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"3 0 False", "a arrives; n_waiting: 0", "b arrives; n_waiting: 1",
                    "c arrives; n_waiting: 2", "c passes with index 2", "a passes with index 0",
                    "b passes with index 1", "n_waiting: 0", "ValueError: parties must be > 0"}));
}

aio::Task<void> arrive(Recorder* log, aio::Barrier* barrier, std::string name) {
  log->add(name + " arrives");
  const int index = co_await barrier->wait();
  log->add(name + " passes with index " + std::to_string(index));
}

aio::Task<void> rounds_main(Recorder* log) {
  aio::Barrier barrier(2);
  std::vector<aio::Task<void>> workers;
  for (const char* name : {"a", "b", "c", "d"}) workers.push_back(arrive(log, &barrier, name));
  co_await aio::gather(std::move(workers));
}

// async def worker(barrier, name):
//     print(name, "arrives"); index = await barrier.wait()
//     print(name, "passes with index", index)
// async def main():
//     barrier = asyncio.Barrier(2)
//     await asyncio.gather(*(worker(barrier, n) for n in "abcd"))
// asyncio.run(main())
// prints: a arrives / b arrives / b passes with index 1 / c arrives / d arrives /
//         a passes with index 0 / d passes with index 1 / c passes with index 0
// c and d arrive while the first round drains: they wait for a to leave before they count.
TEST(Barrier, NewcomersWaitForTheRoundBeforeThemToDrain) {
  Recorder log;
  aio::run(rounds_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"a arrives", "b arrives", "b passes with index 1", "c arrives", "d arrives",
                    "a passes with index 0", "d passes with index 1", "c passes with index 0"}));
}

// ---- abort, reset ------------------------------------------------------------------------

aio::Task<void> arrive_or_break(Recorder* log, aio::Barrier* barrier, std::string name) {
  try {
    const int index = co_await barrier->wait();
    log->add(name + " passes with index " + std::to_string(index));
  } catch (const aio::BrokenBarrierError& error) {
    log->add(name + " BrokenBarrierError: " + error.what());
  }
}

aio::Task<void> abort_main(Recorder* log) {
  aio::Barrier barrier(3);
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b"})
    tasks.push_back(aio::create_task(arrive_or_break(log, &barrier, name)));
  co_await aio::sleep(0);
  co_await barrier.abort();
  log->add("aborted; broken: " + python_bool(barrier.broken()) +
           " n_waiting: " + std::to_string(barrier.n_waiting()));
  co_await aio::gather(std::move(tasks));
  co_await arrive_or_break(log, &barrier, "late");
  co_await barrier.reset();
  log->add("broken after reset: " + python_bool(barrier.broken()));
  std::vector<aio::Task<void>> workers;
  for (const char* name : {"x", "y", "z"}) workers.push_back(arrive_or_break(log, &barrier, name));
  co_await aio::gather(std::move(workers));
}

// async def worker(barrier, name):
//     try:
//         index = await barrier.wait(); print(name, "passes with index", index)
//     except asyncio.BrokenBarrierError as e: print(name, "BrokenBarrierError:", e)
// async def main():
//     barrier = asyncio.Barrier(3)
//     tasks = [asyncio.create_task(worker(barrier, n)) for n in "ab"]
//     await asyncio.sleep(0)
//     await barrier.abort()
//     print("aborted; broken:", barrier.broken, "n_waiting:", barrier.n_waiting)
//     await asyncio.gather(*tasks)
//     await worker(barrier, "late")
//     await barrier.reset(); print("broken after reset:", barrier.broken)
//     await asyncio.gather(*(worker(barrier, n) for n in "xyz"))
// asyncio.run(main())
// prints: aborted; broken: True n_waiting: 0 / a BrokenBarrierError: Abort or reset of barrier /
//         b BrokenBarrierError: Abort or reset of barrier /
//         late BrokenBarrierError: Barrier aborted / broken after reset: False /
//         z passes with index 2 / x passes with index 0 / y passes with index 1
TEST(Barrier, AbortBreaksCurrentAndLaterWaitersUntilReset) {
  Recorder log;
  aio::run(abort_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"aborted; broken: True n_waiting: 0",
                    "a BrokenBarrierError: Abort or reset of barrier",
                    "b BrokenBarrierError: Abort or reset of barrier",
                    "late BrokenBarrierError: Barrier aborted", "broken after reset: False",
                    "z passes with index 2", "x passes with index 0", "y passes with index 1"}));
}

aio::Task<void> reset_main(Recorder* log) {
  aio::Barrier barrier(3);
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b"})
    tasks.push_back(aio::create_task(arrive_or_break(log, &barrier, name)));
  co_await aio::sleep(0);
  log->add("n_waiting: " + std::to_string(barrier.n_waiting()));
  co_await barrier.reset();
  log->add("reset; n_waiting: " + std::to_string(barrier.n_waiting()) +
           " broken: " + python_bool(barrier.broken()));
  aio::Task<void> late = aio::create_task(arrive_or_break(log, &barrier, "c"));
  co_await aio::gather(std::move(tasks));
  log->add("n_waiting: " + std::to_string(barrier.n_waiting()));
  co_await aio::gather(late, arrive_or_break(log, &barrier, "x"),
                       arrive_or_break(log, &barrier, "y"));
}

// (worker as above)
// async def main():
//     barrier = asyncio.Barrier(3)
//     tasks = [asyncio.create_task(worker(barrier, n)) for n in "ab"]
//     await asyncio.sleep(0); print("n_waiting:", barrier.n_waiting)
//     await barrier.reset()
//     print("reset; n_waiting:", barrier.n_waiting, "broken:", barrier.broken)
//     late = asyncio.create_task(worker(barrier, "c"))
//     await asyncio.gather(*tasks); print("n_waiting:", barrier.n_waiting)
//     await asyncio.gather(late, worker(barrier, "x"), worker(barrier, "y"))
// asyncio.run(main())
// prints: n_waiting: 2 / reset; n_waiting: 0 broken: False /
//         a BrokenBarrierError: Abort or reset of barrier /
//         b BrokenBarrierError: Abort or reset of barrier / n_waiting: 1 /
//         y passes with index 2 / c passes with index 0 / x passes with index 1
// c, arriving during the reset, waits until a and b have left and then starts the new round.
TEST(Barrier, ResetBreaksTheWaitersAndStartsAFreshRound) {
  Recorder log;
  aio::run(reset_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"n_waiting: 2", "reset; n_waiting: 0 broken: False",
                    "a BrokenBarrierError: Abort or reset of barrier",
                    "b BrokenBarrierError: Abort or reset of barrier", "n_waiting: 1",
                    "y passes with index 2", "c passes with index 0", "x passes with index 1"}));
}

// ---- cancellation ------------------------------------------------------------------------

aio::Task<void> arrive_or_report(Recorder* log, aio::Barrier* barrier, std::string name) {
  try {
    const int index = co_await barrier->wait();
    log->add(name + " passes with index " + std::to_string(index));
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled; n_waiting: " + std::to_string(barrier->n_waiting()));
    throw;
  }
}

aio::Task<void> cancel_main(Recorder* log) {
  aio::Barrier barrier(3);
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b"})
    tasks.push_back(aio::create_task(arrive_or_report(log, &barrier, name)));
  co_await aio::sleep(0);
  log->add("n_waiting: " + std::to_string(barrier.n_waiting()));
  tasks[0].cancel();
  co_await aio::sleep(0);
  log->add("n_waiting: " + std::to_string(barrier.n_waiting()));
  for (const char* name : {"c", "d"})
    tasks.push_back(aio::create_task(arrive_or_report(log, &barrier, name)));
  co_await aio::gather(aio::return_exceptions, tasks);
  std::string kinds;
  for (auto& task : tasks) kinds += task.cancelled() ? "CancelledError " : "None ";
  log->add(kinds + "n_waiting: " + std::to_string(barrier.n_waiting()));
}

// async def worker(barrier, name):
//     try:
//         index = await barrier.wait(); print(name, "passes with index", index)
//     except asyncio.CancelledError:
//         print(name, "cancelled; n_waiting:", barrier.n_waiting); raise
// async def main():
//     barrier = asyncio.Barrier(3)
//     tasks = [asyncio.create_task(worker(barrier, n)) for n in "ab"]
//     await asyncio.sleep(0); print("n_waiting:", barrier.n_waiting)
//     tasks[0].cancel(); await asyncio.sleep(0); print("n_waiting:", barrier.n_waiting)
//     tasks += [asyncio.create_task(worker(barrier, n)) for n in "cd"]
//     results = await asyncio.gather(*tasks, return_exceptions=True)
//     print([type(r).__name__ for r in results], "n_waiting:", barrier.n_waiting)
// asyncio.run(main())
// prints: n_waiting: 2 / a cancelled; n_waiting: 1 / n_waiting: 1 / d passes with index 2 /
//         b passes with index 1 / c passes with index 1 /
//         ['CancelledError', 'NoneType', 'NoneType', 'NoneType'] n_waiting: 0
// A cancelled waiter leaves the count, so the round needs another arrival. (The indices are
// counts, so after a cancellation two tasks can get the same one: CPython does the same.)
TEST(Barrier, AWaiterCancelledInsideTheBarrierNoLongerCounts) {
  Recorder log;
  aio::run(cancel_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"n_waiting: 2", "a cancelled; n_waiting: 1", "n_waiting: 1",
                    "d passes with index 2", "b passes with index 1", "c passes with index 1",
                    "CancelledError None None None n_waiting: 0"}));
}

aio::Task<void> cancel_woken_main(Recorder* log) {
  aio::Barrier barrier(3);
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"}) {
    tasks.push_back(aio::create_task(arrive_or_report(log, &barrier, name)));
  }
  co_await aio::sleep(0);
  tasks[0].cancel();
  log->add("the round is released; a cancelled before it ran");
  co_await aio::gather(aio::return_exceptions, tasks);
  std::string kinds;
  for (auto& task : tasks) kinds += task.cancelled() ? "CancelledError " : "None ";
  log->add(kinds + "n_waiting: " + std::to_string(barrier.n_waiting()));
  std::vector<aio::Task<void>> more;
  for (const char* name : {"x", "y", "z"}) more.push_back(arrive_or_report(log, &barrier, name));
  co_await aio::gather(std::move(more));
}

// (worker as above)
// async def main():
//     barrier = asyncio.Barrier(3)
//     tasks = [asyncio.create_task(worker(barrier, n)) for n in "abc"]
//     await asyncio.sleep(0)
//     tasks[0].cancel(); print("the round is released; a cancelled before it ran")
//     results = await asyncio.gather(*tasks, return_exceptions=True)
//     print([type(r).__name__ for r in results], "n_waiting:", barrier.n_waiting)
//     more = [asyncio.create_task(worker(barrier, n)) for n in "xyz"]
//     await asyncio.gather(*more)
// asyncio.run(main())
// prints: c passes with index 2 / the round is released; a cancelled before it ran /
//         a cancelled; n_waiting: 0 / b passes with index 1 /
//         ['CancelledError', 'NoneType', 'NoneType'] n_waiting: 0 / z passes with index 2 /
//         x passes with index 0 / y passes with index 1
// (3.13 prints the same.) a was released with the round, then cancelled: it leaves with
// CancelledError, b still passes, and the barrier is ready for the next round.
TEST(Barrier, AWaiterCancelledAfterTheRoundWasReleasedLeavesCleanly) {
  Recorder log;
  aio::run(cancel_woken_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"c passes with index 2", "the round is released; a cancelled before it ran",
                    "a cancelled; n_waiting: 0", "b passes with index 1",
                    "CancelledError None None n_waiting: 0", "z passes with index 2",
                    "x passes with index 0", "y passes with index 1"}));
}

}  // namespace
