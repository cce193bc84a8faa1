// aio::Lock: FIFO service without barging, release of a free lock, the `async with` guard, and
// cancellation at each point a task can be at: queued, woken but not yet running, holding it.
// Also the ScopedRelease guard itself, and the binding to the first loop that needs a future.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "aio/aio.hpp"
#include "aio/lock.hpp"
#include "aio/scoped_release.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

/// Waits for every task, whatever it ends with (`gather(..., return_exceptions=True)`).
aio::Task<void> settle(std::vector<aio::Task<void>> tasks) {
  co_await aio::gather(aio::return_exceptions, std::move(tasks));
}

// ---- FIFO, no barging ------------------------------------------------------------------

aio::Task<void> take_turn(Recorder* log, aio::Lock* lock, std::string name) {
  log->add(name + " waits");
  {
    auto held = co_await lock->scoped();
    log->add(name + " has the lock");
    co_await aio::sleep(0);
  }
  log->add(name + " released");
}

aio::Task<void> fifo_main(Recorder* log) {
  aio::Lock lock;
  const bool acquired = co_await lock.acquire();
  log->add(python_bool(acquired) + " " + python_bool(lock.locked()));
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"})
    tasks.push_back(aio::create_task(take_turn(log, &lock, name)));
  co_await aio::sleep(0);
  lock.release();
  log->add("main released; locked: " + python_bool(lock.locked()));
  co_await lock.acquire();
  log->add("main has it again");
  lock.release();
  co_await aio::gather(std::move(tasks));
  log->add("locked: " + python_bool(lock.locked()));
  try {
    lock.release();
  } catch (const aio::RuntimeError& error) {
    log->add(std::string("RuntimeError: ") + error.what());
  }
}

// async def worker(lock, name):
//     print(name, "waits")
//     async with lock:
//         print(name, "has the lock"); await asyncio.sleep(0)
//     print(name, "released")
// async def main():
//     lock = asyncio.Lock()
//     print(await lock.acquire(), lock.locked())
//     tasks = [asyncio.create_task(worker(lock, n)) for n in "abc"]
//     await asyncio.sleep(0)
//     lock.release(); print("main released; locked:", lock.locked())
//     await lock.acquire(); print("main has it again"); lock.release()
//     await asyncio.gather(*tasks); print("locked:", lock.locked())
//     try: lock.release()
//     except RuntimeError as e: print("RuntimeError:", e)
// asyncio.run(main())
// prints: True True / a waits / b waits / c waits / main released; locked: False /
//         a has the lock / a released / b has the lock / b released / c has the lock /
//         c released / main has it again / locked: False / RuntimeError: Lock is not acquired.
TEST(Lock, WaitersAreServedInArrivalOrderAndAReleaserQueuesBehindThem) {
  Recorder log;
  aio::run(fifo_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"True True", "a waits", "b waits", "c waits", "main released; locked: False",
                    "a has the lock", "a released", "b has the lock", "b released",
                    "c has the lock", "c released", "main has it again", "locked: False",
                    "RuntimeError: Lock is not acquired."}));
}

// ---- cancellation ------------------------------------------------------------------------

/// Takes the lock, holds it for one turn; reports a cancellation and lets it propagate.
aio::Task<void> hold_briefly(Recorder* log, aio::Lock* lock, std::string name) {
  try {
    auto held = co_await lock->scoped();
    log->add(name + " has the lock");
    co_await aio::sleep(0);
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled; locked: " + python_bool(lock->locked()));
    throw;
  }
}

aio::Task<void> cancel_queued_main(Recorder* log) {
  aio::Lock lock;
  co_await lock.acquire();
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"}) {
    tasks.push_back(aio::create_task(hold_briefly(log, &lock, name)));
  }
  co_await aio::sleep(0);
  tasks[1].cancel();
  co_await aio::sleep(0);
  log->add("main releases");
  lock.release();
  co_await settle(tasks);
  log->add("locked: " + python_bool(lock.locked()));
}

// async def worker(lock, name):
//     try:
//         async with lock:
//             print(name, "has the lock"); await asyncio.sleep(0)
//     except asyncio.CancelledError:
//         print(name, "cancelled; locked:", lock.locked()); raise
// async def main():
//     lock = asyncio.Lock(); await lock.acquire()
//     tasks = {n: asyncio.create_task(worker(lock, n)) for n in "abc"}
//     await asyncio.sleep(0)
//     tasks["b"].cancel(); await asyncio.sleep(0)
//     print("main releases"); lock.release()
//     await asyncio.gather(*tasks.values(), return_exceptions=True)
//     print("locked:", lock.locked())
// asyncio.run(main())
// prints: b cancelled; locked: True / main releases / a has the lock / c has the lock /
//         locked: False
TEST(Lock, WaiterCancelledWhileQueuedLeavesTheQueueAndNeverTakesTheLock) {
  Recorder log;
  aio::run(cancel_queued_main(&log));
  EXPECT_EQ(log.events(), (Events{"b cancelled; locked: True", "main releases", "a has the lock",
                                  "c has the lock", "locked: False"}));
}

aio::Task<void> cancel_front_main(Recorder* log) {
  aio::Lock lock;
  co_await lock.acquire();
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b"}) {
    tasks.push_back(aio::create_task(hold_briefly(log, &lock, name)));
  }
  co_await aio::sleep(0);
  tasks[0].cancel();
  lock.release();
  log->add("main released with a cancelled waiter first");
  co_await settle(tasks);
}

// (worker as above)
// async def main():
//     lock = asyncio.Lock(); await lock.acquire()
//     tasks = {n: asyncio.create_task(worker(lock, n)) for n in "ab"}
//     await asyncio.sleep(0)
//     tasks["a"].cancel(); lock.release()
//     print("main released with a cancelled waiter first")
//     await asyncio.gather(*tasks.values(), return_exceptions=True)
// asyncio.run(main())
// prints: main released with a cancelled waiter first / a cancelled; locked: False /
//         b has the lock
// release() wakes nobody (the first waiter is done: cancelled); the cancelled waiter, when
// it runs, finds the lock free and wakes b.
TEST(Lock, CancelledFirstWaiterPassesTheWakeUpOn) {
  Recorder log;
  aio::run(cancel_front_main(&log));
  EXPECT_EQ(log.events(), (Events{"main released with a cancelled waiter first",
                                  "a cancelled; locked: False", "b has the lock"}));
}

aio::Task<void> cancel_woken_main(Recorder* log) {
  aio::Lock lock;
  co_await lock.acquire();
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"}) {
    tasks.push_back(aio::create_task(hold_briefly(log, &lock, name)));
  }
  co_await aio::sleep(0);
  lock.release();
  tasks[0].cancel();
  log->add("a woken, then cancelled before it ran");
  co_await settle(tasks);
  std::string outcomes;
  for (auto& task : tasks) outcomes += task.cancelled() ? "cancelled " : "done ";
  log->add(outcomes + python_bool(lock.locked()));
}

// (worker as above)
// async def main():
//     lock = asyncio.Lock(); await lock.acquire()
//     tasks = {n: asyncio.create_task(worker(lock, n)) for n in "abc"}
//     await asyncio.sleep(0)
//     lock.release(); tasks["a"].cancel()
//     print("a woken, then cancelled before it ran")
//     results = await asyncio.gather(*tasks.values(), return_exceptions=True)
//     print([type(r).__name__ for r in results], lock.locked())
// asyncio.run(main())
// prints: a woken, then cancelled before it ran / a cancelled; locked: False /
//         b has the lock / c has the lock / ['CancelledError', 'NoneType', 'NoneType'] False
TEST(Lock, WaiterCancelledAfterBeingWokenPassesTheWakeUpOn) {
  Recorder log;
  aio::run(cancel_woken_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"a woken, then cancelled before it ran", "a cancelled; locked: False",
                    "b has the lock", "c has the lock", "cancelled done done False"}));
}

aio::Task<void> hold_for_a_second(Recorder* log, aio::Lock* lock, std::string name) {
  try {
    auto held = co_await lock->scoped();
    log->add(name + " has the lock");
    co_await aio::sleep(1);
    log->add(name + " done");
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled while holding; locked: " + python_bool(lock->locked()));
    throw;
  }
}

aio::Task<void> cancel_holder_main(Recorder* log) {
  aio::Lock lock;
  std::vector<aio::Task<void>> tasks;
  tasks.push_back(aio::create_task(hold_for_a_second(log, &lock, "a")));
  tasks.push_back(aio::create_task(hold_for_a_second(log, &lock, "b")));
  co_await aio::sleep(0.5);
  tasks[0].cancel();
  co_await settle(tasks);
  log->add("locked: " + python_bool(lock.locked()));
}

// async def worker(lock, name):
//     try:
//         async with lock:
//             print(name, "has the lock"); await asyncio.sleep(1); print(name, "done")
//     except asyncio.CancelledError:
//         print(name, "cancelled while holding; locked:", lock.locked()); raise
// async def main():
//     lock = asyncio.Lock()
//     a = asyncio.create_task(worker(lock, "a")); b = asyncio.create_task(worker(lock, "b"))
//     await asyncio.sleep(0.5); a.cancel()
//     await asyncio.gather(a, b, return_exceptions=True); print("locked:", lock.locked())
// asyncio.run(main())
// prints: a has the lock / a cancelled while holding; locked: False / b has the lock /
//         b done / locked: False
TEST(Lock, HolderCancelledReleasesThroughTheGuardAndTheNextWaiterGetsIt) {
  Recorder log;
  aio::run(cancel_holder_main(&log));
  EXPECT_EQ(log.events(), (Events{"a has the lock", "a cancelled while holding; locked: False",
                                  "b has the lock", "b done", "locked: False"}));
}

aio::Task<void> acquire_release(Recorder* log, aio::Lock* lock, std::string name) {
  try {
    co_await lock->acquire();
    log->add(name + " has the lock");
    lock->release();
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled; locked: " + python_bool(lock->locked()));
    throw;
  }
}

aio::Task<void> fast_path_main(Recorder* log) {
  aio::Lock lock;
  co_await lock.acquire();
  std::vector<aio::Task<void>> tasks;
  tasks.push_back(aio::create_task(acquire_release(log, &lock, "a")));
  co_await aio::sleep(0);
  tasks[0].cancel();
  lock.release();
  co_await lock.acquire();
  log->add("main took it at once: only a cancelled waiter was queued");
  co_await aio::sleep(0);
  lock.release();
  co_await settle(tasks);
  log->add("locked: " + python_bool(lock.locked()));
}

// async def worker(lock, name):
//     try:
//         await lock.acquire(); print(name, "has the lock"); lock.release()
//     except asyncio.CancelledError:
//         print(name, "cancelled; locked:", lock.locked()); raise
// async def main():
//     lock = asyncio.Lock(); await lock.acquire()
//     a = asyncio.create_task(worker(lock, "a")); await asyncio.sleep(0)
//     a.cancel(); lock.release()
//     await lock.acquire(); print("main took it at once: only a cancelled waiter was queued")
//     await asyncio.sleep(0); lock.release()
//     await asyncio.gather(a, return_exceptions=True); print("locked:", lock.locked())
// asyncio.run(main())
// prints: main took it at once: only a cancelled waiter was queued /
//         a cancelled; locked: True / locked: False
TEST(Lock, AcquireTakesTheFastPathWhenOnlyCancelledWaitersAreQueued) {
  Recorder log;
  aio::run(fast_path_main(&log));
  EXPECT_EQ(log.events(), (Events{"main took it at once: only a cancelled waiter was queued",
                                  "a cancelled; locked: True", "locked: False"}));
}

// ---- binding to a loop -----------------------------------------------------------------

aio::Task<void> acquire_only(aio::Lock* lock) {
  co_await lock->acquire();
}

aio::Task<void> contend(Recorder* log, aio::Lock* lock) {
  co_await lock->acquire();
  aio::Task<void> waiter = aio::create_task(acquire_only(lock));
  co_await aio::sleep(0);
  lock->release();
  co_await waiter;
  lock->release();
  log->add("contended on this loop");
}

// lock = asyncio.Lock()
// async def contend():
//     await lock.acquire()
//     waiter = asyncio.create_task(lock.acquire()); await asyncio.sleep(0)
//     lock.release(); await waiter; lock.release(); print("contended on this loop")
// first = asyncio.new_event_loop(); second = asyncio.new_event_loop()
// first.run_until_complete(contend())
// try: second.run_until_complete(contend())
// except RuntimeError as e: print("RuntimeError:", str(e).split(">")[1].strip())
// prints: contended on this loop / RuntimeError: is bound to a different event loop
TEST(Lock, BindsToTheFirstLoopThatMakesATaskWait) {
  Recorder log;
  aio::Lock lock;
  log.add(python_bool(lock.locked()));  // created outside any loop: binds to nothing yet
  aio::EventLoop first;
  aio::EventLoop second;
  first.run_until_complete(contend(&log, &lock));
  try {
    second.run_until_complete(contend(&log, &lock));
  } catch (const aio::RuntimeError& error) {
    log.add(std::string("RuntimeError: ") + error.what());
  }
  first.close();
  second.close();
  EXPECT_EQ(log.events(), (Events{"False", "contended on this loop",
                                  "RuntimeError: <aio::Lock> is bound to a different event loop"}));
}

// The same program with two successive asyncio.run calls gives the same two lines. Here the
// second loop may be built at the first one's address; the lock must still tell them apart.
TEST(Lock, TellsSuccessiveRunsApartEvenAtTheSameAddress) {
  Recorder log;
  aio::Lock lock;
  aio::run(contend(&log, &lock));
  try {
    aio::run(contend(&log, &lock));
  } catch (const aio::RuntimeError& error) {
    log.add(std::string("RuntimeError: ") + error.what());
  }
  EXPECT_EQ(log.events(), (Events{"contended on this loop",
                                  "RuntimeError: <aio::Lock> is bound to a different event loop"}));
}

aio::Task<void> queue_behind(aio::Lock* lock) {
  co_await lock->acquire();
}

aio::Task<void> return_with_a_waiter_queued() {
  aio::Lock lock;
  co_await lock.acquire();
  aio::Task<void> waiter = aio::create_task(queue_behind(&lock));
  co_await aio::sleep(0);  // the waiter queues; then main returns and the lock is gone
}

// C++ only (in Python the waiter keeps the lock alive): aio::run cancels the leftover
// waiter after the lock it waits on was destroyed with main's frame. The cancelled waiter
// must not touch the dead lock (the sanitizer build checks it).
TEST(Lock, AWaiterCancelledAfterItsLockIsGoneLeavesItAlone) {
  EXPECT_NO_THROW(aio::run(return_with_a_waiter_queued()));
}

// ---- the guard ----------------------------------------------------------------------------

static_assert(!std::is_copy_constructible_v<aio::ScopedRelease<aio::Lock>>);
static_assert(!std::is_copy_assignable_v<aio::ScopedRelease<aio::Lock>>);
static_assert(std::is_nothrow_move_constructible_v<aio::ScopedRelease<aio::Lock>>);
static_assert(!std::is_copy_constructible_v<aio::Lock>);
static_assert(!std::is_move_constructible_v<aio::Lock>);

aio::Task<void> guard_main(Recorder* log) {
  aio::Lock lock;
  {
    auto held = co_await lock.scoped();
    log->add("in scope: " + python_bool(lock.locked()) + " " + python_bool(held.owns()));
    aio::ScopedRelease<aio::Lock> moved = std::move(held);
    log->add("moved: " + python_bool(held.owns()) + " " + python_bool(moved.owns()));
    moved.release();
    log->add("released early: " + python_bool(lock.locked()) + " " + python_bool(moved.owns()));
    moved.release();  // owns nothing: does nothing
  }
  log->add("after scope: " + python_bool(lock.locked()));
  aio::Lock other;
  {
    auto first = co_await lock.scoped();
    auto second = co_await other.scoped();
    first = std::move(second);  // releases `lock`, takes over `other`
    log->add("move-assigned: " + python_bool(lock.locked()) + " " + python_bool(other.locked()) +
             " " + python_bool(second.owns()));
  }
  log->add("after second scope: " + python_bool(other.locked()));
}

TEST(Lock, ScopedReleaseIsAMoveOnlyGuardThatReleasesOnce) {
  Recorder log;
  aio::run(guard_main(&log));
  EXPECT_EQ(log.events(), (Events{"in scope: True True", "moved: False True",
                                  "released early: False False", "after scope: False",
                                  "move-assigned: False True False", "after second scope: False"}));
}

// ---- a lock destroyed while a task waits on it -------------------------------------------

aio::Task<void> acquirer_reporting_errors(Recorder* log, aio::Lock* lock) {
  try {
    co_await lock->acquire();
    log->add("acquirer has the lock");
  } catch (const aio::RuntimeError& error) {
    log->add(std::string("RuntimeError: ") + error.what());
  }
}

aio::Task<void> wake_acquirer_then_return(Recorder* log) {
  aio::Lock lock;
  co_await lock.acquire();
  aio::Task<void> acquirer = aio::create_task(acquirer_reporting_errors(log, &lock));
  co_await aio::sleep(0);
  lock.release();  // wakes the acquirer, which runs after the lock is gone
  log->add("main returns");
}

// No Python twin: in Python the waiting task keeps the lock alive. An acquirer woken by a lock
// that is then destroyed before the acquirer runs cannot take it: it gets RuntimeError instead
// of writing to freed memory (run under the sanitizers, this shows it does not touch the lock).
TEST(Lock, AWaiterWokenByALockDestroyedSinceGetsRuntimeError) {
  Recorder log;
  aio::run(wake_acquirer_then_return(&log));
  EXPECT_EQ(log.events(), (Events{"main returns",
                                  "RuntimeError: aio primitive destroyed while a task was waiting "
                                  "on it"}));
}

}  // namespace
