// aio::Condition: the errors when the lock is not held; notify(n) and notify_all() wake the
// longest waiters, each of which returns only once it holds the lock again; wait_for; a shared
// lock; and wait() re-acquiring the lock before it throws, whether the cancellation came while
// it waited for the notification or while it waited for the lock afterwards.
//
// A waiter cancelled after it was notified passes the notification on (ASYNCIO_RULES rule 18).
// CPython 3.11 loses it there; 3.13 fixed it. Those tests quote the program, what 3.11 prints
// and what 3.13 prints, and assert the 3.13 order. A waiter cancelled before it was notified
// wakes nobody, as in 3.11 (3.13 wakes one waiter spuriously there; see that test).
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "aio/condition.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

/// `[type(r).__name__ for r in results]` of gather(..., return_exceptions=True), for void tasks.
std::string result_kinds(std::vector<aio::Task<void>>& tasks) {
  std::string kinds;
  for (auto& task : tasks) kinds += task.cancelled() ? "CancelledError " : "None ";
  return kinds;
}

// ---- errors, a shared lock ---------------------------------------------------------------

aio::Task<void> errors_main(Recorder* log) {
  aio::Condition cond;
  try {
    co_await cond.wait();
  } catch (const aio::RuntimeError& error) {
    log->add(std::string("RuntimeError: ") + error.what());
  }
  try {
    cond.notify();
  } catch (const aio::RuntimeError& error) {
    log->add(std::string("RuntimeError: ") + error.what());
  }
  try {
    cond.notify_all();
  } catch (const aio::RuntimeError& error) {
    log->add(std::string("RuntimeError: ") + error.what());
  }
  {
    auto held = co_await cond.scoped();
    log->add("locked: " + python_bool(cond.locked()));
    cond.notify();
    cond.notify_all();
    log->add("nobody waits: notify is a no-op");
  }
  log->add("locked: " + python_bool(cond.locked()));
  aio::Lock lock;
  aio::Condition shared(lock);
  {
    auto held = co_await lock.scoped();
    log->add("shared lock held: " + python_bool(shared.locked()));
  }
  co_await shared.acquire();
  log->add("lock held: " + python_bool(lock.locked()));
  shared.release();
  log->add("lock held: " + python_bool(lock.locked()));
}

// async def main():
//     cond = asyncio.Condition()
//     for attempt in (cond.wait, cond.notify, cond.notify_all):
//         try:
//             result = attempt()
//             if asyncio.iscoroutine(result): await result
//         except RuntimeError as e: print("RuntimeError:", e)
//     async with cond:
//         print("locked:", cond.locked()); cond.notify(); cond.notify_all()
//         print("nobody waits: notify is a no-op")
//     print("locked:", cond.locked())
//     lock = asyncio.Lock(); shared = asyncio.Condition(lock)
//     async with lock: print("shared lock held:", shared.locked())
//     await shared.acquire(); print("lock held:", lock.locked())
//     shared.release(); print("lock held:", lock.locked())
// asyncio.run(main())
// prints: RuntimeError: cannot wait on un-acquired lock /
//         RuntimeError: cannot notify on un-acquired lock (twice) / locked: True /
//         nobody waits: notify is a no-op / locked: False / shared lock held: True /
//         lock held: True / lock held: False
TEST(Condition, WaitAndNotifyNeedTheLockAndAGivenLockIsShared) {
  Recorder log;
  aio::run(errors_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"RuntimeError: cannot wait on un-acquired lock",
                    "RuntimeError: cannot notify on un-acquired lock",
                    "RuntimeError: cannot notify on un-acquired lock", "locked: True",
                    "nobody waits: notify is a no-op", "locked: False", "shared lock held: True",
                    "lock held: True", "lock held: False"}));
}

// ---- notify ------------------------------------------------------------------------------

aio::Task<void> wait_once(Recorder* log, aio::Condition* cond, std::string name) {
  auto held = co_await cond->scoped();
  log->add(name + " waits");
  const bool result = co_await cond->wait();
  log->add(name + " notified: " + python_bool(result) + " locked: " + python_bool(cond->locked()));
  co_await aio::sleep(0);
}

aio::Task<void> notify_main(Recorder* log) {
  aio::Condition cond;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c", "d"}) {
    tasks.push_back(aio::create_task(wait_once(log, &cond, name)));
  }
  co_await aio::sleep(0);
  {
    auto held = co_await cond.scoped();
    cond.notify();
    log->add("notify() sent; main still holds the lock");
    co_await aio::sleep(0);
    log->add("main releases");
  }
  co_await aio::sleep(0.1);
  {
    auto held = co_await cond.scoped();
    cond.notify(2);
    log->add("notify(2) sent");
  }
  co_await aio::sleep(0.1);
  {
    auto held = co_await cond.scoped();
    cond.notify_all();
    log->add("notify_all() sent");
  }
  co_await aio::gather(std::move(tasks));
}

// async def waiter(cond, name):
//     async with cond:
//         print(name, "waits"); result = await cond.wait()
//         print(name, "notified:", result, "locked:", cond.locked()); await asyncio.sleep(0)
// async def main():
//     cond = asyncio.Condition()
//     tasks = [asyncio.create_task(waiter(cond, n)) for n in "abcd"]
//     await asyncio.sleep(0)
//     async with cond:
//         cond.notify(); print("notify() sent; main still holds the lock")
//         await asyncio.sleep(0); print("main releases")
//     await asyncio.sleep(0.1)
//     async with cond: cond.notify(2); print("notify(2) sent")
//     await asyncio.sleep(0.1)
//     async with cond: cond.notify_all(); print("notify_all() sent")
//     await asyncio.gather(*tasks)
// asyncio.run(main())
// prints: a waits / b waits / c waits / d waits / notify() sent; main still holds the lock /
//         main releases / a notified: True locked: True / notify(2) sent /
//         b notified: True locked: True / c notified: True locked: True / notify_all() sent /
//         d notified: True locked: True
TEST(Condition, NotifyWakesTheLongestWaitersAndEachReturnsHoldingTheLock) {
  Recorder log;
  aio::run(notify_main(&log));
  EXPECT_EQ(log.events(), (Events{"a waits", "b waits", "c waits", "d waits",
                                  "notify() sent; main still holds the lock", "main releases",
                                  "a notified: True locked: True", "notify(2) sent",
                                  "b notified: True locked: True", "c notified: True locked: True",
                                  "notify_all() sent", "d notified: True locked: True"}));
}

// ---- wait_for ----------------------------------------------------------------------------

aio::Task<void> consume(Recorder* log, aio::Condition* cond, std::vector<std::string>* items,
                        std::string name) {
  auto held = co_await cond->scoped();
  const std::size_t count = co_await cond->wait_for([items] { return items->size(); });
  log->add(name + " sees " + std::to_string(count) + " item(s), takes " + items->front());
  items->erase(items->begin());
}

aio::Task<void> wait_for_main(Recorder* log) {
  aio::Condition cond;
  std::vector<std::string> items;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b"}) {
    tasks.push_back(aio::create_task(consume(log, &cond, &items, name)));
  }
  co_await aio::sleep(0);
  for (const char* item : {"x", "y"}) {
    {
      auto held = co_await cond.scoped();
      items.push_back(item);
      cond.notify_all();
      log->add(std::string("added ") + item);
    }
    co_await aio::sleep(0.1);
  }
  co_await aio::gather(std::move(tasks));
  auto held = co_await cond.scoped();
  items.push_back("z");
  const std::size_t count = co_await cond.wait_for([&items] { return items.size(); });
  log->add("ready at once: " + std::to_string(count));
}

// async def consumer(cond, items, name):
//     async with cond:
//         count = await cond.wait_for(lambda: len(items))
//         print(name, "sees", count, "item(s), takes", items.pop(0))
// async def main():
//     cond = asyncio.Condition(); items = []
//     tasks = [asyncio.create_task(consumer(cond, items, n)) for n in "ab"]
//     await asyncio.sleep(0)
//     for item in ("x", "y"):
//         async with cond: items.append(item); cond.notify_all(); print("added", item)
//         await asyncio.sleep(0.1)
//     await asyncio.gather(*tasks)
//     async with cond:
//         items.append("z"); print("ready at once:", await cond.wait_for(lambda: len(items)))
// asyncio.run(main())
// prints: added x / a sees 1 item(s), takes x / added y / b sees 1 item(s), takes y /
//         ready at once: 1
// (notify_all wakes both consumers for "x"; b finds the list empty again and waits on.)
TEST(Condition, WaitForRechecksThePredicateAfterEachNotificationAndReturnsItsValue) {
  Recorder log;
  aio::run(wait_for_main(&log));
  EXPECT_EQ(log.events(), (Events{"added x", "a sees 1 item(s), takes x", "added y",
                                  "b sees 1 item(s), takes y", "ready at once: 1"}));
}

// ---- cancellation ------------------------------------------------------------------------

/// Waits once; reports a cancellation (with the lock state at that moment) and propagates it.
aio::Task<void> wait_or_report(Recorder* log, aio::Condition* cond, std::string name,
                               std::string when) {
  auto held = co_await cond->scoped();
  try {
    co_await cond->wait();
    log->add(name + " notified");
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled" + when + "; lock held again: " + python_bool(cond->locked()));
    throw;
  }
}

aio::Task<void> cancel_queued_main(Recorder* log) {
  aio::Condition cond;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b"}) {
    tasks.push_back(aio::create_task(wait_or_report(log, &cond, name, "")));
  }
  co_await aio::sleep(0);
  {
    auto held = co_await cond.scoped();
    tasks[0].cancel();
    co_await aio::sleep(0);
    co_await aio::sleep(0);
    log->add("main releases");
  }
  co_await aio::sleep(0.1);
  log->add("b still waits: " + python_bool(!tasks[1].done()));
  {
    auto held = co_await cond.scoped();
    cond.notify();
  }
  co_await aio::gather(aio::return_exceptions, tasks);
  log->add(result_kinds(tasks) + python_bool(cond.locked()));
}

// async def waiter(cond, name):
//     async with cond:
//         try:
//             await cond.wait(); print(name, "notified")
//         except asyncio.CancelledError:
//             print(name, "cancelled; lock held again:", cond.locked()); raise
// async def main():
//     cond = asyncio.Condition()
//     tasks = [asyncio.create_task(waiter(cond, n)) for n in "ab"]
//     await asyncio.sleep(0)
//     async with cond:
//         tasks[0].cancel(); await asyncio.sleep(0); await asyncio.sleep(0)
//         print("main releases")
//     await asyncio.sleep(0.1); print("b still waits:", not tasks[1].done())
//     async with cond: cond.notify()
//     results = await asyncio.gather(*tasks, return_exceptions=True)
//     print([type(r).__name__ for r in results], cond.locked())
// asyncio.run(main())
// 3.11 prints: main releases / a cancelled; lock held again: True / b still waits: True /
//              b notified / ['CancelledError', 'NoneType'] False
// a's cancellation waits for the lock main holds: it is raised only once a has it back.
// (3.13 notifies one more waiter whenever wait() raises, so there b wakes spuriously, before
// "b still waits: False". Here, as in 3.11, only a notification actually received is passed on.)
TEST(Condition, WaiterCancelledBeforeNotificationReacquiresTheLockBeforeRaising) {
  Recorder log;
  aio::run(cancel_queued_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"main releases", "a cancelled; lock held again: True", "b still waits: True",
                    "b notified", "CancelledError None False"}));
}

aio::Task<void> cancel_notified_main(Recorder* log) {
  aio::Condition cond;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"}) {
    tasks.push_back(aio::create_task(wait_or_report(log, &cond, name, " after it was notified")));
  }
  co_await aio::sleep(0);
  {
    auto held = co_await cond.scoped();
    cond.notify();
    tasks[0].cancel();
  }
  co_await aio::sleep(0.1);
  log->add("b notified: " + python_bool(tasks[1].done()) +
           " c notified: " + python_bool(tasks[2].done()));
  {
    auto held = co_await cond.scoped();
    cond.notify_all();
  }
  co_await aio::gather(aio::return_exceptions, tasks);
  log->add(result_kinds(tasks));
}

// (waiter as above, printing "cancelled after it was notified")
// async def main():
//     cond = asyncio.Condition()
//     tasks = [asyncio.create_task(waiter(cond, n)) for n in "abc"]
//     await asyncio.sleep(0)
//     async with cond: cond.notify(); tasks[0].cancel()
//     await asyncio.sleep(0.1)
//     print("b notified:", tasks[1].done(), "c notified:", tasks[2].done())
//     async with cond: cond.notify_all()
//     results = await asyncio.gather(*tasks, return_exceptions=True)
//     print([type(r).__name__ for r in results])
// asyncio.run(main())
// 3.11 prints: a cancelled after it was notified; lock held again: True /
//              b notified: False c notified: False / b notified / c notified / [...]
// 3.13 prints: a cancelled after it was notified; lock held again: True / b notified /
//              b notified: True c notified: False / c notified /
//              ['CancelledError', 'NoneType', 'NoneType']
// 3.11 loses the notification a received: b waits until notify_all. Asserted: the 3.13 order.
TEST(Condition, WaiterCancelledAfterNotificationPassesItOn) {
  Recorder log;
  aio::run(cancel_notified_main(&log));
  EXPECT_EQ(log.events(), (Events{"a cancelled after it was notified; lock held again: True",
                                  "b notified", "b notified: True c notified: False", "c notified",
                                  "CancelledError None None "}));
}

aio::Task<void> cancel_reacquiring_main(Recorder* log) {
  aio::Condition cond;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"}) {
    tasks.push_back(aio::create_task(wait_or_report(log, &cond, name, " while re-acquiring")));
  }
  co_await aio::sleep(0);
  {
    auto held = co_await cond.scoped();
    cond.notify();
    co_await aio::sleep(0);  // a wakes and queues for the lock
    tasks[0].cancel();
    co_await aio::sleep(0);  // a catches it and queues for the lock again
    tasks[0].cancel();
    co_await aio::sleep(0);
    log->add("main releases");
  }
  co_await aio::sleep(0.1);
  log->add("b notified: " + python_bool(tasks[1].done()) +
           " c notified: " + python_bool(tasks[2].done()));
  {
    auto held = co_await cond.scoped();
    cond.notify_all();
  }
  co_await aio::gather(aio::return_exceptions, tasks);
  log->add(result_kinds(tasks));
}

// (waiter as above, printing "cancelled while re-acquiring")
// async def main():
//     cond = asyncio.Condition()
//     tasks = [asyncio.create_task(waiter(cond, n)) for n in "abc"]
//     await asyncio.sleep(0)
//     async with cond:
//         cond.notify(); await asyncio.sleep(0)
//         tasks[0].cancel(); await asyncio.sleep(0)
//         tasks[0].cancel(); await asyncio.sleep(0)
//         print("main releases")
//     await asyncio.sleep(0.1)
//     print("b notified:", tasks[1].done(), "c notified:", tasks[2].done())
//     async with cond: cond.notify_all()
//     results = await asyncio.gather(*tasks, return_exceptions=True)
//     print([type(r).__name__ for r in results])
// asyncio.run(main())
// 3.11 prints: main releases / a cancelled while re-acquiring; lock held again: True /
//              b notified: False c notified: False / b notified / c notified / [...]
// 3.13 prints: main releases / a cancelled while re-acquiring; lock held again: True /
//              b notified / b notified: True c notified: False / c notified /
//              ['CancelledError', 'NoneType', 'NoneType']
// Two cancellations while a waits for the lock: it retries each time and raises once it holds
// the lock. Asserted: the 3.13 order (3.11 loses a's notification).
TEST(Condition, WaiterCancelledWhileReacquiringStillTakesTheLockAndPassesTheNotificationOn) {
  Recorder log;
  aio::run(cancel_reacquiring_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"main releases", "a cancelled while re-acquiring; lock held again: True",
                    "b notified", "b notified: True c notified: False", "c notified",
                    "CancelledError None None "}));
}

aio::Task<void> hold_after_notify(Recorder* log, aio::Condition* cond, std::string name) {
  try {
    auto held = co_await cond->scoped();
    co_await cond->wait();
    log->add(name + " notified; holds the lock");
    co_await aio::sleep(1);
    log->add(name + " done");
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled while holding; locked: " + python_bool(cond->locked()));
    throw;
  }
}

aio::Task<void> cancel_holder_main(Recorder* log) {
  aio::Condition cond;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b"}) {
    tasks.push_back(aio::create_task(hold_after_notify(log, &cond, name)));
  }
  co_await aio::sleep(0);
  {
    auto held = co_await cond.scoped();
    cond.notify_all();
  }
  co_await aio::sleep(0.5);
  tasks[0].cancel();
  co_await aio::gather(aio::return_exceptions, tasks);
  log->add(result_kinds(tasks) + python_bool(cond.locked()));
}

// async def waiter(cond, name):
//     try:
//         async with cond:
//             await cond.wait(); print(name, "notified; holds the lock")
//             await asyncio.sleep(1); print(name, "done")
//     except asyncio.CancelledError:
//         print(name, "cancelled while holding; locked:", cond.locked()); raise
// async def main():
//     cond = asyncio.Condition()
//     tasks = [asyncio.create_task(waiter(cond, n)) for n in "ab"]
//     await asyncio.sleep(0)
//     async with cond: cond.notify_all()
//     await asyncio.sleep(0.5); tasks[0].cancel()
//     results = await asyncio.gather(*tasks, return_exceptions=True)
//     print([type(r).__name__ for r in results], cond.locked())
// asyncio.run(main())
// prints: a notified; holds the lock / a cancelled while holding; locked: False /
//         b notified; holds the lock / b done / ['CancelledError', 'NoneType'] False
// b, notified at the same time, gets the lock back only when a's guard releases it.
TEST(Condition, HolderCancelledAfterWaitReleasesTheLockForTheNextNotifiedWaiter) {
  Recorder log;
  aio::run(cancel_holder_main(&log));
  EXPECT_EQ(log.events(),
            (Events{"a notified; holds the lock", "a cancelled while holding; locked: False",
                    "b notified; holds the lock", "b done", "CancelledError None False"}));
}

}  // namespace
