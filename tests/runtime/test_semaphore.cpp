// aio::Semaphore and aio::BoundedSemaphore: the argument and bound errors, locked(), FIFO
// service where release() sets a permit aside for the first waiter (so a releaser that comes
// straight back queues behind it), permits left over after a wake-up passed along to later
// arrivals, and cancellation while queued, after being woken and while holding a permit, with
// the count of free permits checked afterwards: none lost, none duplicated.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "aio/semaphore.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

// ---- errors and locked() -----------------------------------------------------------------

aio::Task<void> basics_main(Recorder* log) {
  try {
    aio::Semaphore negative(-1);
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError: ") + error.what());
  }
  aio::Semaphore sem(2);
  log->add("locked: " + python_bool(sem.locked()));
  bool acquired = co_await sem.acquire();
  log->add(python_bool(acquired) + " " + python_bool(sem.locked()));
  acquired = co_await sem.acquire();
  log->add(python_bool(acquired) + " " + python_bool(sem.locked()));
  sem.release();
  log->add("locked: " + python_bool(sem.locked()));
  sem.release();
  sem.release();
  log->add("released above the start: " + python_bool(sem.locked()));
  aio::BoundedSemaphore bounded(1);
  co_await bounded.acquire();
  bounded.release();
  try {
    bounded.release();
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError: ") + error.what());
  }
  {
    auto held = co_await bounded.scoped();
    log->add("inside async with: " + python_bool(bounded.locked()));
  }
  log->add("after: " + python_bool(bounded.locked()));
  log->add("Semaphore(0) locked: " + python_bool(aio::Semaphore(0).locked()));
}

// async def main():
//     try: asyncio.Semaphore(-1)
//     except ValueError as e: print("ValueError:", e)
//     sem = asyncio.Semaphore(2); print("locked:", sem.locked())
//     print(await sem.acquire(), sem.locked()); print(await sem.acquire(), sem.locked())
//     sem.release(); print("locked:", sem.locked())
//     sem.release(); sem.release(); print("released above the start:", sem.locked())
//     bounded = asyncio.BoundedSemaphore(1)
//     await bounded.acquire(); bounded.release()
//     try: bounded.release()
//     except ValueError as e: print("ValueError:", e)
//     async with bounded: print("inside async with:", bounded.locked())
//     print("after:", bounded.locked())
//     print("Semaphore(0) locked:", asyncio.Semaphore(0).locked())
// asyncio.run(main())
// prints: ValueError: Semaphore initial value must be >= 0 / locked: False / True False /
//         True True / locked: False / released above the start: False /
//         ValueError: BoundedSemaphore released too many times / inside async with: True /
//         after: False / Semaphore(0) locked: True
TEST(Semaphore, CountsPermitsAndABoundedOneRefusesToGoAboveItsStart) {
  Recorder log;
  aio::run(basics_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"ValueError: Semaphore initial value must be >= 0", "locked: False",
                    "True False", "True True", "locked: False", "released above the start: False",
                    "ValueError: BoundedSemaphore released too many times",
                    "inside async with: True", "after: False", "Semaphore(0) locked: True"}));
}

// ---- FIFO, no barging --------------------------------------------------------------------

aio::Task<void> hold_a_while(Recorder* log, aio::Semaphore* sem, std::string name, double start) {
  auto held = co_await sem->scoped();
  log->add(fmt::format("{:.1f} {} in", aio::get_running_loop().time() - start, name));
  co_await aio::sleep(0.1);
}

aio::Task<void> fifo_main(Recorder* log) {
  aio::Semaphore sem(2);
  const double start = aio::get_running_loop().time();
  std::vector<aio::Task<void>> workers;
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    workers.push_back(hold_a_while(log, &sem, name, start));
  }
  co_await aio::gather(std::move(workers));
  aio::Semaphore one(1);
  co_await one.acquire();
  aio::Task<void> f = aio::create_task(hold_a_while(log, &one, "f", start));
  co_await aio::sleep(0);
  one.release();
  log->add("released; locked: " + python_bool(one.locked()));
  co_await one.acquire();
  log->add("main again, after f");
  one.release();
  co_await f;
}

// async def worker(sem, name, start):
//     async with sem:
//         print(f"{asyncio.get_running_loop().time() - start:.1f}", name, "in")
//         await asyncio.sleep(0.1)
// async def main():
//     sem = asyncio.Semaphore(2); start = asyncio.get_running_loop().time()
//     await asyncio.gather(*(worker(sem, n, start) for n in "abcde"))
//     one = asyncio.Semaphore(1); await one.acquire()
//     f = asyncio.create_task(worker(one, "f", start)); await asyncio.sleep(0)
//     one.release(); print("released; locked:", one.locked())
//     await one.acquire(); print("main again, after f")
//     one.release(); await f
// asyncio.run(main())
// prints: 0.0 a in / 0.0 b in / 0.1 c in / 0.1 d in / 0.2 e in / released; locked: True /
//         0.3 f in / main again, after f
TEST(Semaphore, WaitersAreServedInOrderAndAReleaserQueuesBehindThem) {
  Recorder log;
  aio::run(fifo_main(&log));
  EXPECT_EQ(log.events(), (Events{"0.0 a in", "0.0 b in", "0.1 c in", "0.1 d in", "0.2 e in",
                                  "released; locked: True", "0.3 f in", "main again, after f"}));
}

aio::Task<void> acquire_and_say(Recorder* log, aio::Semaphore* sem, std::string name) {
  co_await sem->acquire();
  log->add(name + " acquired");
}

aio::Task<void> leftover_main(Recorder* log) {
  aio::Semaphore sem(3);
  for (int i = 0; i < 3; ++i) co_await sem.acquire();
  aio::Task<void> a = aio::create_task(acquire_and_say(log, &sem, "a"));
  co_await aio::sleep(0);
  sem.release();
  sem.release();
  sem.release();
  log->add("two permits free, but a was woken first; locked: " + python_bool(sem.locked()));
  std::vector<aio::Task<void>> late;
  for (const char* name : {"x", "y", "z"}) {
    late.push_back(aio::create_task(acquire_and_say(log, &sem, name)));
  }
  co_await aio::sleep(0.1);
  log->add("z waits: " + python_bool(!late[2].done()) + " locked: " + python_bool(sem.locked()));
  sem.release();
  co_await a;
  co_await aio::gather(std::move(late));
}

// async def worker(sem, name):
//     await sem.acquire(); print(name, "acquired")
// async def main():
//     sem = asyncio.Semaphore(3)
//     for _ in range(3): await sem.acquire()
//     a = asyncio.create_task(worker(sem, "a")); await asyncio.sleep(0)
//     sem.release(); sem.release(); sem.release()
//     print("two permits free, but a was woken first; locked:", sem.locked())
//     late = [asyncio.create_task(worker(sem, n)) for n in ("x", "y", "z")]
//     await asyncio.sleep(0.1)
//     print("z waits:", not late[2].done(), "locked:", sem.locked())
//     sem.release(); await asyncio.gather(a, *late)
// asyncio.run(main())
// prints: two permits free, but a was woken first; locked: True / a acquired / x acquired /
//         y acquired / z waits: True locked: True / z acquired
// x, y and z queue behind a (a live waiter goes first); when a runs it passes one of the two
// free permits to x, and x the last one to y.
TEST(Semaphore, PermitsFreedWhileAWokenWaiterWasPendingArePassedAlong) {
  Recorder log;
  aio::run(leftover_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"two permits free, but a was woken first; locked: True", "a acquired",
                    "x acquired", "y acquired", "z waits: True locked: True", "z acquired"}));
}

// ---- cancellation ------------------------------------------------------------------------

aio::Task<void> take_one_turn(Recorder* log, aio::Semaphore* sem, std::string name) {
  try {
    auto held = co_await sem->scoped();
    log->add(name + " in");
    co_await aio::sleep(0);
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
    throw;
  }
}

/// How many permits can be taken without waiting (they are given back afterwards).
aio::Task<int> free_permits(aio::Semaphore* sem) {
  int count = 0;
  while (!sem->locked()) {
    co_await sem->acquire();
    ++count;
  }
  for (int i = 0; i < count; ++i) sem->release();
  co_return count;
}

aio::Task<void> cancel_main(Recorder* log) {
  aio::Semaphore sem(2);
  co_await sem.acquire();
  co_await sem.acquire();
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c", "d"}) {
    tasks.push_back(aio::create_task(take_one_turn(log, &sem, name)));
  }
  co_await aio::sleep(0);
  tasks[1].cancel();  // b: cancelled while queued
  co_await aio::sleep(0);
  sem.release();      // wakes a
  tasks[0].cancel();  // a: cancelled after it was woken, before it ran
  log->add("a woken then cancelled; locked: " + python_bool(sem.locked()));
  co_await aio::sleep(0);
  sem.release();
  co_await aio::gather(aio::return_exceptions, tasks);
  std::string kinds;
  for (auto& task : tasks) kinds += task.cancelled() ? "CancelledError " : "None ";
  log->add(kinds);
  const int free = co_await free_permits(&sem);
  log->add("free permits: " + std::to_string(free));
}

// async def worker(sem, name):
//     try:
//         async with sem:
//             print(name, "in"); await asyncio.sleep(0)
//     except asyncio.CancelledError:
//         print(name, "cancelled"); raise
// async def free_permits(sem):
//     n = 0
//     while not sem.locked():
//         await sem.acquire(); n += 1
//     for _ in range(n): sem.release()
//     return n
// async def main():
//     sem = asyncio.Semaphore(2); await sem.acquire(); await sem.acquire()
//     tasks = [asyncio.create_task(worker(sem, n)) for n in "abcd"]
//     await asyncio.sleep(0)
//     tasks[1].cancel(); await asyncio.sleep(0)
//     sem.release(); tasks[0].cancel()
//     print("a woken then cancelled; locked:", sem.locked())
//     await asyncio.sleep(0); sem.release()
//     results = await asyncio.gather(*tasks, return_exceptions=True)
//     print([type(r).__name__ for r in results])
//     print("free permits:", await free_permits(sem))
// asyncio.run(main())
// prints: b cancelled / a woken then cancelled; locked: True / a cancelled / c in / d in /
//         ['CancelledError', 'CancelledError', 'NoneType', 'NoneType'] / free permits: 2
// b takes no permit; a gives back the one set aside for it and wakes c; both permits are free
// at the end.
TEST(Semaphore, CancelledWaitersNeitherLoseNorDuplicateAPermit) {
  Recorder log;
  aio::run(cancel_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"b cancelled", "a woken then cancelled; locked: True", "a cancelled", "c in",
                    "d in", "CancelledError CancelledError None None ", "free permits: 2"}));
}

aio::Task<void> hold_a_second(Recorder* log, aio::Semaphore* sem, std::string name) {
  try {
    auto held = co_await sem->scoped();
    log->add(name + " in");
    co_await aio::sleep(1);
    log->add(name + " out");
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled while holding; locked: " + python_bool(sem->locked()));
    throw;
  }
}

aio::Task<void> cancel_holder_main(Recorder* log) {
  aio::BoundedSemaphore sem(1);
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b"})
    tasks.push_back(aio::create_task(hold_a_second(log, &sem, name)));
  co_await aio::sleep(0.5);
  tasks[0].cancel();
  co_await aio::gather(aio::return_exceptions, tasks);
  log->add("locked: " + python_bool(sem.locked()));
}

// async def worker(sem, name):
//     try:
//         async with sem:
//             print(name, "in"); await asyncio.sleep(1); print(name, "out")
//     except asyncio.CancelledError:
//         print(name, "cancelled while holding; locked:", sem.locked()); raise
// async def main():
//     sem = asyncio.BoundedSemaphore(1)
//     tasks = [asyncio.create_task(worker(sem, n)) for n in "ab"]
//     await asyncio.sleep(0.5); tasks[0].cancel()
//     await asyncio.gather(*tasks, return_exceptions=True); print("locked:", sem.locked())
// asyncio.run(main())
// prints: a in / a cancelled while holding; locked: True / b in / b out / locked: False
// (locked: True after a released: its permit was set aside for b at once.)
TEST(Semaphore, HolderCancelledReleasesThroughTheGuard) {
  Recorder log;
  aio::run(cancel_holder_main(&log));
  EXPECT_EQ(log.events(), (Events{"a in", "a cancelled while holding; locked: True", "b in",
                                  "b out", "locked: False"}));
}

}  // namespace
