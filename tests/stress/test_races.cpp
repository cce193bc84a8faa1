// Directed races: for every primitive, waiters woken and then cancelled before
// they run, in the same step as the wake-up. Each wake-up must pass to the next
// waiter (ASYNCIO_RULES rule 18): nothing lost, nobody stranded. The storms
// (test_storms.cpp) reach these moments only by chance; here two waiters are
// woken at once and both cancelled, so a wake-up passed on must itself be
// passed on again.
//
// Each test quotes the Python program whose output it asserts (every program
// starts with `import asyncio`; run them with python3 3.11). The C++ records
// events where the Python prints lines. For Condition, CPython 3.11 loses the
// notifications; the test asserts the fixed behaviour of 3.13, as the rules say.
//
// The two tests at the end are where the storms found the runtime parting
// from CPython (see their comments).
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::python_bool;
using aio_test::Recorder;

// ---- Lock ---------------------------------------------------------------------------------

aio::Task<void> lock_waiter(Recorder* log, aio::Lock* lock, std::string name) {
  try {
    auto held = co_await lock->scoped();
    log->add(name + " acquired");
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
  }
}

aio::Task<void> lock_main(Recorder* log) {
  aio::Lock lock;
  co_await lock.acquire();
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"})
    tasks.push_back(aio::create_task(lock_waiter(log, &lock, name)));
  co_await aio::sleep(0);
  lock.release();
  tasks[0].cancel();
  tasks[1].cancel();
  log->add("released; a (woken) and b cancelled");
  co_await aio::gather(tasks);
  log->add("locked: " + python_bool(lock.locked()));
}

// async def waiter(name):
//     try:
//         async with lock: print(name, "acquired")
//     except asyncio.CancelledError: print(name, "cancelled")
// async def main():
//     lock = asyncio.Lock(); await lock.acquire()
//     a, b, c = (asyncio.create_task(waiter(n)) for n in "abc")
//     await asyncio.sleep(0)
//     lock.release(); a.cancel(); b.cancel()
//     print("released; a (woken) and b cancelled")
//     await asyncio.gather(a, b, c); print("locked:", lock.locked())
// prints: released; a (woken) and b cancelled / a cancelled / b cancelled / c acquired /
//         locked: False
TEST(Race, LockWakeUpPassesPastTwoCancelledWaiters) {
  Recorder log;
  aio::run(lock_main(&log));
  EXPECT_EQ(log.events(), (Events{"released; a (woken) and b cancelled", "a cancelled",
                                  "b cancelled", "c acquired", "locked: False"}));
}

// ---- Semaphore, BoundedSemaphore ------------------------------------------------------------

template <class Semaphore>
aio::Task<void> semaphore_waiter(Recorder* log, Semaphore* semaphore, std::string name) {
  try {
    auto held = co_await semaphore->scoped();
    log->add(name + " acquired");
    co_await aio::sleep(0);
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
  }
}

template <class Semaphore>
aio::Task<void> semaphore_main(Recorder* log) {
  Semaphore semaphore(2);
  co_await semaphore.acquire();
  co_await semaphore.acquire();
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c", "d"}) {
    tasks.push_back(aio::create_task(semaphore_waiter(log, &semaphore, name)));
  }
  co_await aio::sleep(0);
  semaphore.release();
  semaphore.release();
  tasks[0].cancel();
  tasks[1].cancel();
  log->add("two released; a and b (woken) cancelled");
  co_await aio::gather(tasks);
  log->add("locked: " + python_bool(semaphore.locked()));
  if constexpr (std::is_same_v<Semaphore, aio::BoundedSemaphore>) {
    try {
      semaphore.release();
    } catch (const std::invalid_argument& error) {
      log->add(std::string("ValueError: ") + error.what());
    }
  }
}

// async def waiter(name):
//     try:
//         async with sem: print(name, "acquired"); await asyncio.sleep(0)
//     except asyncio.CancelledError: print(name, "cancelled")
// async def main(bounded):
//     sem = asyncio.BoundedSemaphore(2) if bounded else asyncio.Semaphore(2)
//     await sem.acquire(); await sem.acquire()
//     tasks = [asyncio.create_task(waiter(n)) for n in "abcd"]
//     await asyncio.sleep(0)
//     sem.release(); sem.release(); tasks[0].cancel(); tasks[1].cancel()
//     print("two released; a and b (woken) cancelled")
//     await asyncio.gather(*tasks); print("locked:", sem.locked())
//     if bounded:
//         try: sem.release()
//         except ValueError as e: print("ValueError:", e)
// prints: two released; a and b (woken) cancelled / a cancelled / b cancelled / c acquired /
//         d acquired / locked: False, and for bounded=True then
//         ValueError: BoundedSemaphore released too many times
TEST(Race, SemaphorePermitsPassPastTwoCancelledWaiters) {
  Recorder log;
  aio::run(semaphore_main<aio::Semaphore>(&log));
  EXPECT_EQ(log.events(), (Events{"two released; a and b (woken) cancelled", "a cancelled",
                                  "b cancelled", "c acquired", "d acquired", "locked: False"}));
}

TEST(Race, BoundedSemaphorePermitsPassPastTwoCancelledWaitersAndNoneIsAdded) {
  Recorder log;
  aio::run(semaphore_main<aio::BoundedSemaphore>(&log));
  EXPECT_EQ(log.events(), (Events{"two released; a and b (woken) cancelled", "a cancelled",
                                  "b cancelled", "c acquired", "d acquired", "locked: False",
                                  "ValueError: BoundedSemaphore released too many times"}));
}

// ---- Condition ----------------------------------------------------------------------------

aio::Task<void> condition_waiter(Recorder* log, aio::Condition* cond, std::string name) {
  auto held = co_await cond->scoped();
  try {
    co_await cond->wait();
    log->add(name + " notified");
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
  }
}

aio::Task<void> condition_main(Recorder* log) {
  aio::Condition cond;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c", "d"}) {
    tasks.push_back(aio::create_task(condition_waiter(log, &cond, name)));
  }
  co_await aio::sleep(0);
  {
    auto held = co_await cond.scoped();
    cond.notify(2);
    tasks[0].cancel();
    tasks[1].cancel();
    log->add("notify(2); a and b (notified) cancelled");
  }
  co_await aio::sleep(0.1);
  log->add("after 0.1 s: c done: " + python_bool(tasks[2].done()) +
           " d done: " + python_bool(tasks[3].done()));
  {
    auto held = co_await cond.scoped();
    cond.notify_all();
  }
  co_await aio::gather(tasks);
}

// async def waiter(name):
//     async with cond:
//         try: await cond.wait(); print(name, "notified")
//         except asyncio.CancelledError: print(name, "cancelled")
// async def main():
//     tasks = [asyncio.create_task(waiter(n)) for n in "abcd"]
//     await asyncio.sleep(0)
//     async with cond:
//         cond.notify(2); tasks[0].cancel(); tasks[1].cancel()
//         print("notify(2); a and b (notified) cancelled")
//     await asyncio.sleep(0.1)
//     print("after 0.1 s: c done:", tasks[2].done(), "d done:", tasks[3].done())
//     async with cond: cond.notify_all()
//     await asyncio.gather(*tasks)
// 3.11 prints: notify(2); a and b (notified) cancelled / a cancelled / b cancelled /
//              after 0.1 s: c done: False d done: False / c notified / d notified
// 3.13 passes each notification on (a's to c, b's to d), so c and d return at once:
//              ... / a cancelled / b cancelled / c notified / d notified /
//              after 0.1 s: c done: True d done: True
TEST(Race, ConditionNotificationsPassPastTwoCancelledWaiters) {
  Recorder log;
  aio::run(condition_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"notify(2); a and b (notified) cancelled", "a cancelled", "b cancelled",
                    "c notified", "d notified", "after 0.1 s: c done: True d done: True"}));
}

// ---- Event --------------------------------------------------------------------------------

aio::Task<void> event_waiter(Recorder* log, aio::Event* event, std::string name) {
  try {
    const bool woken = co_await event->wait();
    log->add(name + " woken: " + python_bool(woken));
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
  }
}

aio::Task<void> event_main(Recorder* log) {
  aio::Event event;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"})
    tasks.push_back(aio::create_task(event_waiter(log, &event, name)));
  co_await aio::sleep(0);
  event.set();
  event.clear();
  tasks[1].cancel();
  log->add("set, cleared, b (woken) cancelled");
  co_await aio::gather(tasks);
}

// async def waiter(name):
//     try: print(name, "woken:", await event.wait())
//     except asyncio.CancelledError: print(name, "cancelled")
// async def main():
//     tasks = [asyncio.create_task(waiter(n)) for n in "abc"]
//     await asyncio.sleep(0)
//     event.set(); event.clear(); tasks[1].cancel()
//     print("set, cleared, b (woken) cancelled")
//     await asyncio.gather(*tasks)
// prints: set, cleared, b (woken) cancelled / a woken: True / b cancelled / c woken: True
TEST(Race, EventWaitersWokenBesideACancelledOneStillReturnTrue) {
  Recorder log;
  aio::run(event_main(&log));
  EXPECT_EQ(log.events(), (Events{"set, cleared, b (woken) cancelled", "a woken: True",
                                  "b cancelled", "c woken: True"}));
}

// ---- Barrier ------------------------------------------------------------------------------

aio::Task<void> barrier_waiter(Recorder* log, aio::Barrier* barrier, std::string name) {
  try {
    const int index = co_await barrier->wait();
    log->add(name + " passes with index " + std::to_string(index));
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
  }
}

aio::Task<void> barrier_main(Recorder* log) {
  aio::Barrier barrier(3);
  aio::Task<void> a = aio::create_task(barrier_waiter(log, &barrier, "a"));
  aio::Task<void> b = aio::create_task(barrier_waiter(log, &barrier, "b"));
  co_await aio::sleep(0);
  aio::Task<void> c = aio::create_task(barrier_waiter(log, &barrier, "c"));
  co_await aio::sleep(0);  // c arrives last and releases the round: a and b are woken
  a.cancel();
  log->add("a (woken) cancelled");
  co_await aio::gather(a, b, c);
  log->add("n_waiting: " + std::to_string(barrier.n_waiting()) +
           " broken: " + python_bool(barrier.broken()));
  std::vector<aio::Task<int>> round;
  for (int i = 0; i < 3; ++i) round.push_back(barrier.wait());
  std::vector<int> indexes = co_await aio::gather(std::move(round));
  std::sort(indexes.begin(), indexes.end());
  log->add("next round: [" + std::to_string(indexes[0]) + ", " + std::to_string(indexes[1]) + ", " +
           std::to_string(indexes[2]) + "]");
}

// async def waiter(name):
//     try: print(name, "passes with index", await barrier.wait())
//     except asyncio.CancelledError: print(name, "cancelled")
// async def main():
//     barrier = asyncio.Barrier(3)
//     a, b = asyncio.create_task(waiter("a")), asyncio.create_task(waiter("b"))
//     await asyncio.sleep(0)
//     c = asyncio.create_task(waiter("c"))
//     await asyncio.sleep(0)   # c arrives last and releases the round: a and b are woken
//     a.cancel(); print("a (woken) cancelled")
//     await asyncio.gather(a, b, c)
//     print("n_waiting:", barrier.n_waiting, "broken:", barrier.broken)
//     results = await asyncio.gather(*(barrier.wait() for _ in range(3)))
//     print("next round:", sorted(results))
// prints: c passes with index 2 / a (woken) cancelled / a cancelled / b passes with index 1 /
//         n_waiting: 0 broken: False / next round: [0, 1, 2]
TEST(Race, BarrierRoundPassesAndTheNextFillsWhenAWokenPartyIsCancelled) {
  Recorder log;
  aio::run(barrier_main(&log));
  EXPECT_EQ(log.events(), (Events{"c passes with index 2", "a (woken) cancelled", "a cancelled",
                                  "b passes with index 1", "n_waiting: 0 broken: False",
                                  "next round: [0, 1, 2]"}));
}

// ---- Queue, LifoQueue, PriorityQueue ------------------------------------------------------

template <class Queue>
aio::Task<void> getter(Recorder* log, Queue* queue, std::string name) {
  try {
    const int item = co_await queue->get();
    log->add(name + " got " + std::to_string(item));
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
  }
}

template <class Queue>
aio::Task<void> get_main(Recorder* log) {
  Queue queue;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c", "d"})
    tasks.push_back(aio::create_task(getter(log, &queue, name)));
  co_await aio::sleep(0);
  queue.put_nowait(5);
  queue.put_nowait(3);
  tasks[0].cancel();
  tasks[1].cancel();
  log->add("put 5 and 3; a and b (woken) cancelled");
  co_await aio::gather(tasks);
  log->add("qsize: " + std::to_string(queue.qsize()));
}

// async def getter(name):
//     try: print(name, "got", await queue.get())
//     except asyncio.CancelledError: print(name, "cancelled")
// async def main(kind):              # asyncio.Queue, LifoQueue or PriorityQueue
//     queue = kind()
//     tasks = [asyncio.create_task(getter(n)) for n in "abcd"]
//     await asyncio.sleep(0)
//     queue.put_nowait(5); queue.put_nowait(3); tasks[0].cancel(); tasks[1].cancel()
//     print("put 5 and 3; a and b (woken) cancelled")
//     await asyncio.gather(*tasks); print("qsize:", queue.qsize())
// prints: put 5 and 3; a and b (woken) cancelled / a cancelled / b cancelled /
//         c got 5 / d got 3 (Queue; LifoQueue and PriorityQueue: c got 3 / d got 5) / qsize: 0
TEST(Race, QueueItemsPassPastTwoCancelledGetters) {
  Recorder log;
  aio::run(get_main<aio::Queue<int>>(&log));
  EXPECT_EQ(log.events(), (Events{"put 5 and 3; a and b (woken) cancelled", "a cancelled",
                                  "b cancelled", "c got 5", "d got 3", "qsize: 0"}));
}

TEST(Race, LifoQueueItemsPassPastTwoCancelledGetters) {
  Recorder log;
  aio::run(get_main<aio::LifoQueue<int>>(&log));
  EXPECT_EQ(log.events(), (Events{"put 5 and 3; a and b (woken) cancelled", "a cancelled",
                                  "b cancelled", "c got 3", "d got 5", "qsize: 0"}));
}

TEST(Race, PriorityQueueItemsPassPastTwoCancelledGetters) {
  Recorder log;
  aio::run(get_main<aio::PriorityQueue<int>>(&log));
  EXPECT_EQ(log.events(), (Events{"put 5 and 3; a and b (woken) cancelled", "a cancelled",
                                  "b cancelled", "c got 3", "d got 5", "qsize: 0"}));
}

aio::Task<void> putter(Recorder* log, aio::Queue<int>* queue, std::string name, int item) {
  try {
    co_await queue->put(item);
    log->add(name + " put " + std::to_string(item));
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
  }
}

aio::Task<void> put_main(Recorder* log) {
  aio::Queue<int> queue(2);
  queue.put_nowait(0);
  queue.put_nowait(0);
  std::vector<aio::Task<void>> tasks;
  int item = 1;
  for (const char* name : {"a", "b", "c", "d"}) {
    tasks.push_back(aio::create_task(putter(log, &queue, name, item++)));
  }
  co_await aio::sleep(0);
  queue.get_nowait();
  queue.get_nowait();
  tasks[0].cancel();
  tasks[1].cancel();
  log->add("took two; a and b (woken) cancelled");
  co_await aio::gather(tasks);
  std::string items;
  while (!queue.empty()) items += (items.empty() ? "" : ", ") + std::to_string(queue.get_nowait());
  log->add("items: [" + items + "]");
}

// async def putter(name, item):
//     try: await queue.put(item); print(name, "put", item)
//     except asyncio.CancelledError: print(name, "cancelled")
// async def main():
//     queue = asyncio.Queue(2); queue.put_nowait(0); queue.put_nowait(0)
//     tasks = [asyncio.create_task(putter(n, i)) for i, n in enumerate("abcd", 1)]
//     await asyncio.sleep(0)
//     queue.get_nowait(); queue.get_nowait(); tasks[0].cancel(); tasks[1].cancel()
//     print("took two; a and b (woken) cancelled")
//     await asyncio.gather(*tasks)
//     print("items:", [queue.get_nowait() for _ in range(queue.qsize())])
// prints: took two; a and b (woken) cancelled / a cancelled / b cancelled / c put 3 /
//         d put 4 / items: [3, 4]
TEST(Race, QueueSlotsPassPastTwoCancelledPutters) {
  Recorder log;
  aio::run(put_main(&log));
  EXPECT_EQ(log.events(), (Events{"took two; a and b (woken) cancelled", "a cancelled",
                                  "b cancelled", "c put 3", "d put 4", "items: [3, 4]"}));
}

aio::Task<void> joiner(Recorder* log, aio::Queue<std::string>* queue, std::string name) {
  try {
    co_await queue->join();
    log->add(name + " joined");
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
  }
}

aio::Task<void> join_main(Recorder* log) {
  aio::Queue<std::string> queue;
  queue.put_nowait("job");
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"})
    tasks.push_back(aio::create_task(joiner(log, &queue, name)));
  co_await aio::sleep(0);
  queue.get_nowait();
  queue.task_done();
  tasks[0].cancel();
  log->add("task_done; a (woken) cancelled");
  co_await aio::gather(tasks);
}

// async def joiner(name):
//     try: await queue.join(); print(name, "joined")
//     except asyncio.CancelledError: print(name, "cancelled")
// async def main():
//     queue = asyncio.Queue(); queue.put_nowait("job")
//     tasks = [asyncio.create_task(joiner(n)) for n in "abc"]
//     await asyncio.sleep(0)
//     queue.get_nowait(); queue.task_done(); tasks[0].cancel()
//     print("task_done; a (woken) cancelled")
//     await asyncio.gather(*tasks)
// prints: task_done; a (woken) cancelled / a cancelled / b joined / c joined
TEST(Race, QueueJoinersWokenBesideACancelledOneStillReturn) {
  Recorder log;
  aio::run(join_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"task_done; a (woken) cancelled", "a cancelled", "b joined", "c joined"}));
}

// ---- where the runtime parts from the rules --------------------------------------------------

aio::Task<void> wait_for_consumer(Recorder* log, aio::Condition* cond) {
  auto held = co_await cond->scoped();
  try {
    co_await aio::wait_for(cond->wait(), 10);
  } catch (const aio::CancelledError&) {
    log->add("consumer: CancelledError, other tasks: " +
             std::to_string(aio::all_tasks().size() - 2));
    throw;
  }
}

aio::Task<void> wait_for_main(Recorder* log) {
  aio::Condition cond;
  aio::Task<void> task = aio::create_task(wait_for_consumer(log, &cond));
  co_await aio::sleep(0);
  co_await cond.acquire();
  task.cancel();
  co_await aio::sleep(0);
  task.cancel();
  for (int i = 0; i < 3; ++i) co_await aio::sleep(0);
  log->add("consumer done: " + python_bool(task.done()));
  cond.release();
  log->add("main released");
  co_await aio::gather(aio::return_exceptions, task);
  log->add("locked: " + python_bool(cond.locked()));
}

// Cancelled a second time while it waits for its cancelled inner task to
// finish, 3.11's wait_for (`_cancel_and_wait`) raises at once and leaves the
// inner task running; the runtime follows the later behaviour. Under a Condition that
// breaks mutual exclusion: the inner wait() is still waiting to re-acquire the
// lock when the caller, believing it holds the lock, releases it; main's hold
// is released, and the inner task then takes the lock for nobody. CPython 3.12
// rewrote wait_for over `timeouts.timeout` (`async with timeout(t): return
// await fut`): a cancellation of the caller goes to the inner task and the
// caller goes on waiting for it, so wait_for ends only once wait() has the lock
// again.
//
// async def consumer():
//     async with cond:
//         try: await asyncio.wait_for(cond.wait(), 10)
//         except asyncio.CancelledError:
//             print("consumer: CancelledError, other tasks:", len(asyncio.all_tasks()) - 2)
//             raise
// async def main():
//     cond = asyncio.Condition()
//     task = asyncio.create_task(consumer())
//     await asyncio.sleep(0)
//     await cond.acquire()
//     task.cancel(); await asyncio.sleep(0); task.cancel()
//     for _ in range(3): await asyncio.sleep(0)
//     print("consumer done:", task.done())
//     cond.release(); print("main released")
//     await asyncio.gather(task, return_exceptions=True)
//     print("locked:", cond.locked())
// 3.11 prints: consumer: CancelledError, other tasks: 1 / consumer done: True /
//              main released / locked: False
//              (the consumer's release freed main's lock; main's freed the inner task's)
// 3.12 (read from its sources; 3.11 is the only Python here) waits for wait():
//              consumer done: False / main released /
//              consumer: CancelledError, other tasks: 0 / locked: False
TEST(Race, WaitForReturnsOnlyOnceItsInnerTaskHasFinished) {
  Recorder log;
  aio::run(wait_for_main(&log));
  EXPECT_EQ(log.events(), (Events{"consumer done: False", "main released",
                                  "consumer: CancelledError, other tasks: 0", "locked: False"}));
}

aio::Task<void> sleep_a_second() {
  co_await aio::sleep(1);
}

aio::Task<void> gathering_awaiter(aio::Future<std::tuple<aio::ValueOrNone<void>>> gathering) {
  co_await gathering;
}

aio::Task<void> unretrieved_main(Recorder* log) {
  aio::Task<void> child = aio::create_task(sleep_a_second());
  auto gathering = aio::gather(child);
  aio::Task<void> task = aio::create_task(gathering_awaiter(gathering));
  co_await aio::sleep(0);
  child.cancel();
  co_await aio::sleep(0);  // the child ends cancelled; gather's callback has not run yet
  log->add("child done: " + python_bool(child.done()) +
           " gather done: " + python_bool(gathering.done()));
  log->add("cancel: " + python_bool(task.cancel()));
  co_await aio::gather(aio::return_exceptions, task);
  log->add("task cancelled: " + python_bool(task.cancelled()) +
           " gather done: " + python_bool(gathering.done()));
}

// A task cancelled while the future it awaits cannot be cancelled any more
// (a gather whose children are all done, its callback not yet run) wakes with
// the future's outcome retrieved, as Python's Task.__wakeup calls
// future.result() first: no "_GatheringFuture exception was never retrieved"
// on standard error. (The storms once printed that line dozens of times.)
//
// async def main():
//     child = asyncio.create_task(asyncio.sleep(1))
//     gathering = asyncio.gather(child)
//     async def awaiter(): await gathering
//     task = asyncio.create_task(awaiter())
//     await asyncio.sleep(0)
//     child.cancel()
//     await asyncio.sleep(0)      # the child ends cancelled; gather's callback not run yet
//     print("child done:", child.done(), "gather done:", gathering.done())
//     print("cancel:", task.cancel())
//     await asyncio.gather(task, return_exceptions=True)
//     print("task cancelled:", task.cancelled(), "gather done:", gathering.done())
// asyncio.run(main()); gc.collect()
// prints: child done: True gather done: False / cancel: True /
//         task cancelled: True gather done: True, and nothing on standard error
TEST(Race, ATaskCancelledAsItsGatherFailsRetrievesTheGathersError) {
  Recorder log;
  const std::string errors = aio_test::capture_stderr([&] { aio::run(unretrieved_main(&log)); });
  EXPECT_EQ(log.events(), (Events{"child done: True gather done: False", "cancel: True",
                                  "task cancelled: True gather done: True"}));
  EXPECT_EQ(errors, "");
}

}  // namespace
