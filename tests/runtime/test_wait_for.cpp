// aio::wait_for: a task awaited with a timeout. The result when it comes in time; on timeout,
// TimeoutError only after the inner task has been cancelled and has finished its cleanup; the
// inner task's value when it swallows the cancellation; the races where the timer fires in the
// iteration the inner task finishes; cancelling the awaiting task; timeouts of zero or less; and
// an exception of the inner task.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>

#include "aio/aio.hpp"
#include "aio/wait_for.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

using aio_test::tenths_since;

// A task that is cancelled while it sleeps, and takes one more step to clean up.
aio::Task<void> cleans_up(Recorder* log, std::string name) {
  bool cancelled = false;
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  if (!cancelled) co_return;
  log->add(name + " cancelled");
  co_await aio::sleep(0);
  log->add(name + " cleanup done");
  throw aio::CancelledError();  // `raise`
}

// ---- in time ------------------------------------------------------------------------------

aio::Task<int> work_briefly(Recorder* log) {
  co_await aio::sleep(0.1);
  log->add("work done");
  co_return 7;
}

aio::Task<void> result_in_time(Recorder* log) {
  const double start = aio::get_running_loop().time();
  const int result = co_await aio::wait_for(work_briefly(log), 1.0);
  log->add("result " + std::to_string(result));
  log->add("after " + tenths_since(start));
}

// async def work():
//     await asyncio.sleep(0.1); print("work done"); return 7
// async def main():
//     loop = asyncio.get_running_loop(); t0 = loop.time()
//     print("result", await asyncio.wait_for(work(), 1))
//     print("after", round(loop.time() - t0, 1))
// asyncio.run(main())                      # work done / result 7 / after 0.1
TEST(WaitFor, ResultBeforeTheTimeout) {
  Recorder log;
  aio::run(result_in_time(&log));
  EXPECT_EQ(log.events(), (Events{"work done", "result 7", "after 0.1"}));
}

aio::Task<void> result_in_time_chrono(Recorder* log) {
  using namespace std::chrono_literals;
  const int result = co_await aio::wait_for(work_briefly(log), 1s);
  log->add("result " + std::to_string(result));
}

// The same with a std::chrono timeout (Python has only seconds).
TEST(WaitFor, AcceptsAChronoDuration) {
  Recorder log;
  aio::run(result_in_time_chrono(&log));
  EXPECT_EQ(log.events(), (Events{"work done", "result 7"}));
}

// ---- timeout ------------------------------------------------------------------------------

aio::Task<void> times_out(Recorder* log) {
  const double start = aio::get_running_loop().time();
  try {
    co_await aio::wait_for(cleans_up(log, "work"), 0.5);
  } catch (const aio::TimeoutError&) {
    log->add("TimeoutError " + tenths_since(start));
  }
}

// async def work():
//     try:
//         await asyncio.sleep(10)
//     except asyncio.CancelledError:
//         print("work cancelled"); await asyncio.sleep(0); print("work cleanup done"); raise
// async def main():
//     loop = asyncio.get_running_loop(); t0 = loop.time()
//     try:
//         await asyncio.wait_for(work(), 0.5)
//     except asyncio.TimeoutError:
//         print("TimeoutError", round(loop.time() - t0, 1))
// asyncio.run(main())       # work cancelled / work cleanup done / TimeoutError 0.5
TEST(WaitFor, TimeoutCancelsTheTaskAndWaitsForItsCleanup) {
  Recorder log;
  aio::run(times_out(&log));
  EXPECT_EQ(log.events(), (Events{"work cancelled", "work cleanup done", "TimeoutError 0.5"}));
}

aio::Task<int> swallows(Recorder* log) {
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError&) {
    log->add("work swallows");
    co_return 42;
  }
  co_return 0;
}

aio::Task<void> swallowed_timeout(Recorder* log) {
  const int result = co_await aio::wait_for(swallows(log), 0.5);
  log->add("result " + std::to_string(result));
}

// async def work():
//     try:
//         await asyncio.sleep(10)
//     except asyncio.CancelledError:
//         print("work swallows"); return 42
// async def main():
//     print("result", await asyncio.wait_for(work(), 0.5))
// asyncio.run(main())                      # work swallows / result 42
TEST(WaitFor, ATaskThatSwallowsTheCancellationGivesItsValue) {
  Recorder log;
  aio::run(swallowed_timeout(&log));
  EXPECT_EQ(log.events(), (Events{"work swallows", "result 42"}));
}

// ---- the timer fires in the iteration the inner task finishes ------------------------------

aio::Task<std::string> sleeps_then_returns(Recorder* log) {
  co_await aio::sleep(0.5);
  log->add("work returns");
  co_return "late";
}

aio::Task<void> inner_timer_first(Recorder* log) {
  aio::Task<std::string> task = aio::create_task(sleeps_then_returns(log));
  co_await aio::sleep(0);
  const std::string result = co_await aio::wait_for(task, 0.5);
  log->add("result " + result);
}

// The inner task's sleep was armed first, so it wakes first in the next iteration, finishes,
// and wait_for (woken by its timer in the same iteration) finds it done.
//
// async def work():
//     await asyncio.sleep(0.5); print("work returns"); return "late"
// async def main():
//     t = asyncio.create_task(work()); await asyncio.sleep(0)
//     print("result", await asyncio.wait_for(t, 0.5))
// asyncio.run(main())                      # work returns / result late
TEST(WaitFor, InnerTaskFinishingAsTheTimerFiresGivesItsValue) {
  Recorder log;
  aio::run(inner_timer_first(&log));
  EXPECT_EQ(log.events(), (Events{"work returns", "result late"}));
}

aio::Task<void> wait_for_timer_first(Recorder* log) {
  try {
    const std::string result = co_await aio::wait_for(sleeps_then_returns(log), 0.5);
    log->add("result " + result);
  } catch (const aio::TimeoutError&) {
    log->add("TimeoutError");
  }
}

// wait_for's timer was armed first: both timers fire in one iteration, wait_for wakes first,
// finds the task not done and cancels it; the task's wake-up is already scheduled, so the
// cancellation is delivered where its sleep ends and "work returns" never runs.
//
// async def work():
//     await asyncio.sleep(0.5); print("work returns"); return "late"
// async def main():
//     try:
//         print("result", await asyncio.wait_for(work(), 0.5))
//     except asyncio.TimeoutError:
//         print("TimeoutError")
// asyncio.run(main())                      # TimeoutError
TEST(WaitFor, TimerFiringAsTheInnerSleepEndsCancelsTheTask) {
  Recorder log;
  aio::run(wait_for_timer_first(&log));
  EXPECT_EQ(log.events(), (Events{"TimeoutError"}));
}

aio::Task<std::string> keeps_value_when_cancelled(Recorder* log) {
  try {
    co_await aio::sleep(0.5);
  } catch (const aio::CancelledError&) {
    log->add("work cancelled after its sleep ended");
    co_return "kept";
  }
  log->add("work returns");
  co_return "late";
}

aio::Task<void> wait_for_timer_first_swallowed(Recorder* log) {
  const std::string result = co_await aio::wait_for(keeps_value_when_cancelled(log), 0.5);
  log->add("result " + result);
}

// As above, but the task catches the cancellation and returns a value: wait_for returns it.
//
// async def work():
//     try:
//         await asyncio.sleep(0.5)
//     except asyncio.CancelledError:
//         print("work cancelled after its sleep ended"); return "kept"
//     print("work returns"); return "late"
// async def main():
//     print("result", await asyncio.wait_for(work(), 0.5))
// asyncio.run(main())          # work cancelled after its sleep ended / result kept
TEST(WaitFor, TimerFiringAsTheInnerSleepEndsThenTheTaskSwallows) {
  Recorder log;
  aio::run(wait_for_timer_first_swallowed(&log));
  EXPECT_EQ(log.events(), (Events{"work cancelled after its sleep ended", "result kept"}));
}

// ---- cancelling the awaiting task ----------------------------------------------------------

aio::Task<void> waits_long(Recorder* log) {
  bool cancelled = false;
  try {
    co_await aio::wait_for(cleans_up(log, "work"), 5.0);
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  if (cancelled) {
    log->add("waiter cancelled");
    throw aio::CancelledError();
  }
}

aio::Task<void> cancel_the_waiter(Recorder* log) {
  aio::Task<void> task = aio::create_task(waits_long(log));
  co_await aio::sleep(0.1);
  task.cancel();
  try {
    co_await task;
  } catch (const aio::CancelledError&) {
    log->add("main sees cancelled " + python_bool(task.cancelled()));
  }
}

// async def work():
//     try:
//         await asyncio.sleep(10)
//     except asyncio.CancelledError:
//         print("work cancelled"); await asyncio.sleep(0); print("work cleanup done"); raise
// async def waiter():
//     try:
//         await asyncio.wait_for(work(), 5)
//     except asyncio.CancelledError:
//         print("waiter cancelled"); raise
// async def main():
//     t = asyncio.create_task(waiter()); await asyncio.sleep(0.1)
//     t.cancel()
//     try:
//         await t
//     except asyncio.CancelledError:
//         print("main sees cancelled", t.cancelled())
// asyncio.run(main())
// # work cancelled / work cleanup done / waiter cancelled / main sees cancelled True
TEST(WaitFor, CancellingTheWaiterCancelsTheInnerTaskAndWaitsForIt) {
  Recorder log;
  aio::run(cancel_the_waiter(&log));
  EXPECT_EQ(log.events(), (Events{"work cancelled", "work cleanup done", "waiter cancelled",
                                  "main sees cancelled True"}));
}

// ---- timeouts of zero or less ---------------------------------------------------------------

aio::Task<int> quick() {
  co_return 3;
}

aio::Task<void> never(Recorder* log) {
  log->add("never starts");
  co_return;
}

aio::Task<void> zero_timeouts(Recorder* log) {
  aio::Task<int> done_task = aio::create_task(quick());
  co_await aio::sleep(0);
  log->add("done " + python_bool(done_task.done()));
  const int result = co_await aio::wait_for(done_task, 0.0);
  log->add("result " + std::to_string(result));

  aio::Task<void> slow = aio::create_task(cleans_up(log, "slow"));
  co_await aio::sleep(0);
  try {
    co_await aio::wait_for(slow, 0.0);
  } catch (const aio::TimeoutError&) {
    log->add("TimeoutError " + python_bool(slow.cancelled()));
  }

  try {
    co_await aio::wait_for(never(log), -1.0);
  } catch (const aio::TimeoutError&) {
    log->add("TimeoutError");
  }
}

// A done task gives its result; a pending one is cancelled and waited for; a coroutine becomes
// a task that is cancelled before its first step, so its body never runs.
//
// async def quick():
//     return 3
// async def slow():
//     try:
//         await asyncio.sleep(10)
//     except asyncio.CancelledError:
//         print("slow cancelled"); await asyncio.sleep(0); print("slow cleanup done"); raise
// async def never():
//     print("never starts")
// async def main():
//     t = asyncio.create_task(quick()); await asyncio.sleep(0)
//     print("done", t.done())
//     print("result", await asyncio.wait_for(t, 0))
//     s = asyncio.create_task(slow()); await asyncio.sleep(0)
//     try:
//         await asyncio.wait_for(s, 0)
//     except asyncio.TimeoutError:
//         print("TimeoutError", s.cancelled())
//     try:
//         await asyncio.wait_for(never(), -1)
//     except asyncio.TimeoutError:
//         print("TimeoutError")
// asyncio.run(main())
// # done True / result 3 / slow cancelled / slow cleanup done / TimeoutError True / TimeoutError
TEST(WaitFor, TimeoutOfZeroOrLess) {
  Recorder log;
  aio::run(zero_timeouts(&log));
  EXPECT_EQ(log.events(), (Events{"done True", "result 3", "slow cancelled", "slow cleanup done",
                                  "TimeoutError True", "TimeoutError"}));
}

// ---- an exception of the inner task ---------------------------------------------------------

aio::Task<int> fails() {
  co_await aio::sleep(0.1);
  throw std::invalid_argument("boom");
}

aio::Task<void> inner_failure(Recorder* log) {
  try {
    co_await aio::wait_for(fails(), 1.0);
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError ") + error.what());
  }
}

// async def work():
//     await asyncio.sleep(0.1); raise ValueError("boom")
// async def main():
//     try:
//         await asyncio.wait_for(work(), 1)
//     except ValueError as e:
//         print("ValueError", e)
// asyncio.run(main())                      # ValueError boom
TEST(WaitFor, AnExceptionOfTheInnerTaskPropagates) {
  Recorder log;
  aio::run(inner_failure(&log));
  EXPECT_EQ(log.events(), (Events{"ValueError boom"}));
}

// ---- any awaitable, and no timeout --------------------------------------------------------

aio::Task<std::string> slow() {
  co_await aio::sleep(5);
  co_return "slow";
}

aio::Task<void> any_awaitable(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  aio::Future<int> done;
  done.set_result(7);
  log->add("done future " + std::to_string(co_await aio::wait_for(done, 0)));
  aio::Future<int> pending;
  try {
    co_await aio::wait_for(pending, 0.1);
  } catch (const aio::TimeoutError&) {
    log->add("pending future timed out, cancelled " + python_bool(pending.cancelled()));
  }
  aio::Event event;
  loop.call_later(0.05, [&event] { event.set(); });
  log->add("event " + python_bool(co_await aio::wait_for(event.wait(), 1)));
  aio::Event never;
  try {
    co_await aio::wait_for(never.wait(), 0.1);
  } catch (const aio::TimeoutError&) {
    log->add("event timed out");
  }
  aio::Queue<std::string> queue;
  loop.call_later(0.05, [&queue] { queue.put_nowait("item"); });
  log->add("queue " + co_await aio::wait_for(queue.get(), 1));
  aio::Lock lock;
  const bool took = co_await aio::wait_for(lock.acquire(), 1);
  log->add("lock " + python_bool(took) + " " + python_bool(lock.locked()));
  try {
    co_await aio::wait_for(lock.acquire(), 0.1);
  } catch (const aio::TimeoutError&) {
    log->add("lock timed out, still locked " + python_bool(lock.locked()));
  }
  lock.release();
  aio::Semaphore semaphore(1);
  const bool acquired = co_await aio::wait_for(semaphore.acquire(), 1);
  log->add("sem " + python_bool(acquired) + " " + python_bool(semaphore.locked()));
  const std::string value = co_await aio::wait_for(slow(), std::nullopt);
  log->add("none " + value + " " + python_bool(loop.time() > 5));
}

// wait_for takes what await takes: a future (a done one returns its result even with timeout
// 0; a pending one is cancelled on timeout), a task or coroutine, and the primitives' waits,
// with no coroutine around them. With no timeout (None) it waits as long as it takes.
// async def main():
//     loop = asyncio.get_running_loop()
//     f = loop.create_future(); f.set_result(7)
//     print("done future", await asyncio.wait_for(f, 0))
//     f2 = loop.create_future()
//     try: await asyncio.wait_for(f2, 0.1)
//     except TimeoutError: print("pending future timed out, cancelled", f2.cancelled())
//     ev = asyncio.Event(); loop.call_later(0.05, ev.set)
//     print("event", await asyncio.wait_for(ev.wait(), 1))
//     try: await asyncio.wait_for(asyncio.Event().wait(), 0.1)
//     except TimeoutError: print("event timed out")
//     q = asyncio.Queue(); loop.call_later(0.05, q.put_nowait, "item")
//     print("queue", await asyncio.wait_for(q.get(), 1))
//     lock = asyncio.Lock()
//     print("lock", await asyncio.wait_for(lock.acquire(), 1), lock.locked())
//     try: await asyncio.wait_for(lock.acquire(), 0.1)
//     except TimeoutError: print("lock timed out, still locked", lock.locked())
//     lock.release()
//     sem = asyncio.Semaphore(1)
//     print("sem", await asyncio.wait_for(sem.acquire(), 1), sem.locked())
//     print("none", await asyncio.wait_for(slow(), None), loop.time() > 5)
// done future 7
// pending future timed out, cancelled True
// event True
// event timed out
// queue item
// lock True True
// lock timed out, still locked True
// sem True True
// none slow True
TEST(WaitFor, TakesFuturesCoroutinesAndThePrimitivesWaitsAndNoTimeout) {
  Recorder log;
  aio::run(any_awaitable(&log));
  EXPECT_EQ(log.events(),
            (Events{"done future 7", "pending future timed out, cancelled True", "event True",
                    "event timed out", "queue item", "lock True True",
                    "lock timed out, still locked True", "sem True True", "none slow True"}));
}

}  // namespace
