// aio::shield: cancelling the awaiter cancels only the outer future, and the inner task runs on
// to its end; the result or exception comes through when nobody is cancelled; a task already
// done; cancelling the inner task by other means cancels the awaiter too; a timeout scope
// around a shielded task.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <exception>
#include <stdexcept>
#include <string>

#include "aio/aio.hpp"
#include "aio/shield.hpp"
#include "aio/timeouts.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::python_bool;
using aio_test::Recorder;

using aio_test::python_bool;

// ---- the awaiter is cancelled ---------------------------------------------------------------

aio::Task<int> inner_work(Recorder* log) {
  log->add("inner start");
  co_await aio::sleep(1);
  log->add("inner done");
  co_return 42;
}

aio::Task<int> outer_awaiter(Recorder* log, aio::Task<int> t) {
  try {
    co_return co_await aio::shield(t);
  } catch (const aio::CancelledError&) {
    log->add("outer cancelled " + python_bool(t.done()));
    throw;
  }
}

aio::Task<void> awaiter_cancelled(Recorder* log) {
  aio::Task<int> t = aio::create_task(inner_work(log));
  aio::Task<int> o = aio::create_task(outer_awaiter(log, t));
  co_await aio::sleep(0.5);
  o.cancel();
  co_await aio::sleep(0);
  log->add("outer.cancelled " + python_bool(o.cancelled()) + " inner.done " +
           python_bool(t.done()));
  log->add("result " + std::to_string(co_await t));
}

// async def inner():
//     print("inner start")
//     await asyncio.sleep(1)
//     print("inner done")
//     return 42
// async def outer(t):
//     try:
//         return await asyncio.shield(t)
//     except asyncio.CancelledError:
//         print("outer cancelled", t.done())
//         raise
// async def main():
//     t = asyncio.create_task(inner())
//     o = asyncio.create_task(outer(t))
//     await asyncio.sleep(0.5)
//     o.cancel()
//     await asyncio.sleep(0)
//     print("outer.cancelled", o.cancelled(), "inner.done", t.done())
//     print("result", await t)
// asyncio.run(main())
// # inner start / outer cancelled False / outer.cancelled True inner.done False / inner done /
// # result 42
TEST(Shield, CancellingTheAwaiterLeavesTheInnerTaskRunning) {
  Recorder log;
  aio::run(awaiter_cancelled(&log));
  EXPECT_EQ(log.events(),
            (Events{"inner start", "outer cancelled False", "outer.cancelled True inner.done False",
                    "inner done", "result 42"}));
}

// ---- outcomes come through ------------------------------------------------------------------

aio::Task<int> five() {
  co_await aio::sleep(0.1);
  co_return 5;
}

aio::Task<int> failing() {
  co_await aio::sleep(0.1);
  throw std::invalid_argument("bad");
}

aio::Task<void> outcomes(Recorder* log) {
  log->add("value " + std::to_string(co_await aio::shield(five())));
  try {
    co_await aio::shield(failing());
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError ") + error.what());
  }
  aio::Task<int> t = aio::create_task(five());
  co_await t;
  log->add("done already " + std::to_string(co_await aio::shield(t)));
}

// async def inner():
//     await asyncio.sleep(0.1)
//     return 5
// async def failing():
//     await asyncio.sleep(0.1)
//     raise ValueError("bad")
// async def main():
//     print("value", await asyncio.shield(inner()))
//     try:
//         await asyncio.shield(failing())
//     except ValueError as e:
//         print("ValueError", e)
//     t = asyncio.create_task(inner())
//     await t
//     print("done already", await asyncio.shield(t))
// asyncio.run(main())           # value 5 / ValueError bad / done already 5
TEST(Shield, ResultAndExceptionComeThrough) {
  Recorder log;
  aio::run(outcomes(&log));
  EXPECT_EQ(log.events(), (Events{"value 5", "ValueError bad", "done already 5"}));
}

// ---- the inner task is cancelled ------------------------------------------------------------

aio::Task<int> one_later() {
  co_await aio::sleep(1);
  co_return 1;
}

aio::Task<void> shielded_waiter(Recorder* log, aio::Task<int> t) {
  try {
    co_await aio::shield(t);
  } catch (const aio::CancelledError&) {
    log->add("waiter: CancelledError");
  }
}

aio::Task<void> inner_cancelled(Recorder* log) {
  aio::Task<int> t = aio::create_task(one_later());
  aio::Task<void> w = aio::create_task(shielded_waiter(log, t));
  co_await aio::sleep(0.5);
  t.cancel();
  co_await w;
  log->add("inner cancelled " + python_bool(t.cancelled()));
}

// async def inner():
//     await asyncio.sleep(1)
//     return 1
// async def waiter(t):
//     try:
//         await asyncio.shield(t)
//     except asyncio.CancelledError:
//         print("waiter: CancelledError")
// async def main():
//     t = asyncio.create_task(inner())
//     w = asyncio.create_task(waiter(t))
//     await asyncio.sleep(0.5)
//     t.cancel()
//     await w
//     print("inner cancelled", t.cancelled())
// asyncio.run(main())           # waiter: CancelledError / inner cancelled True
TEST(Shield, CancellingTheInnerTaskCancelsTheAwaiter) {
  Recorder log;
  aio::run(inner_cancelled(&log));
  EXPECT_EQ(log.events(), (Events{"waiter: CancelledError", "inner cancelled True"}));
}

// ---- with a timeout scope -------------------------------------------------------------------

aio::Task<void> save(Recorder* log) {
  log->add("saving");
  co_await aio::sleep(1);
  log->add("saved");
}

aio::Task<void> shield_under_timeout(Recorder* log) {
  aio::Task<void> t = aio::create_task(save(log));
  try {
    aio::Timeout scope = aio::timeout(0.5);
    try {
      co_await aio::shield(t);
    } catch (...) {
      scope.exit(std::current_exception());
    }
    scope.exit();
  } catch (const aio::TimeoutError&) {
    log->add("TimeoutError " + python_bool(t.done()));
  }
  co_await t;
  log->add("end " + python_bool(t.done()));
}

// async def save():
//     print("saving")
//     await asyncio.sleep(1)
//     print("saved")
// async def main():
//     t = asyncio.create_task(save())
//     try:
//         async with asyncio.timeout(0.5):
//             await asyncio.shield(t)
//     except TimeoutError:
//         print("TimeoutError", t.done())
//     await t
//     print("end", t.done())
// asyncio.run(main())           # saving / TimeoutError False / saved / end True
TEST(Shield, TimeoutAroundAShieldedTask) {
  Recorder log;
  aio::run(shield_under_timeout(&log));
  EXPECT_EQ(log.events(), (Events{"saving", "TimeoutError False", "saved", "end True"}));
}

// ---- an exception nobody retrieves ---------------------------------------------------------

aio::Task<void> fails_later() {
  co_await aio::sleep(1);
  throw std::invalid_argument("late");
}

aio::Task<void> shields_fails_later() {
  co_await aio::shield(fails_later());
}

aio::Task<void> abandoned_failure(Recorder* log) {
  aio::Task<void> w = aio::create_task(shields_fails_later());
  co_await aio::sleep(0.5);
  w.cancel();
  co_await aio::sleep(1);
  log->add("waiter cancelled " + python_bool(w.cancelled()));
}

// Once the awaiter is cancelled, the outer future's callback detaches from the inner task, so
// an exception the inner task raises later is reported as never retrieved.
// async def fails_later():
//     await asyncio.sleep(1)
//     raise ValueError("late")
// async def waiter():
//     await asyncio.shield(fails_later())
// async def main():
//     w = asyncio.create_task(waiter())
//     await asyncio.sleep(0.5)
//     w.cancel()
//     await asyncio.sleep(1)
//     print("waiter cancelled", w.cancelled())
// asyncio.run(main())
// # stderr: Task exception was never retrieved ... ValueError: late
// # stdout: waiter cancelled True
TEST(Shield, LaterExceptionOfAnAbandonedInnerTaskIsReported) {
  Recorder log;
  const std::string errors = aio_test::capture_stderr([&] { aio::run(abandoned_failure(&log)); });
  EXPECT_EQ(log.events(), (Events{"waiter cancelled True"}));
  EXPECT_NE(errors.find("exception was never retrieved"), std::string::npos) << errors;
  EXPECT_NE(errors.find("late"), std::string::npos) << errors;
}

// ---- any awaitable -------------------------------------------------------------------------

aio::Task<void> shielded_waiter(Recorder* log, aio::Future<int> future) {
  try {
    co_await aio::shield(future);
  } catch (const aio::CancelledError&) {
    log->add("waiter cancelled; future cancelled " + python_bool(future.cancelled()));
  }
}

aio::Task<void> shield_anything(Recorder* log) {
  aio::Future<int> future;
  aio::Task<void> waiter = aio::create_task(shielded_waiter(log, future));
  co_await aio::sleep(0);
  waiter.cancel();
  co_await aio::sleep(0);
  future.set_result(1);
  log->add("future result " + std::to_string(future.result()));
  aio::Event event;
  aio::get_running_loop().call_later(0.1, [&event] { event.set(); });
  log->add("shield event " + python_bool(co_await aio::shield(event.wait())));
}

// shield takes a future (its cancellation then leaves the future pending) and any other
// awaitable, such as event.wait().
// async def main():
//     loop = asyncio.get_running_loop()
//     f = loop.create_future()
//     async def waiter():
//         try:
//             await asyncio.shield(f)
//         except asyncio.CancelledError:
//             print("waiter cancelled; future cancelled", f.cancelled())
//     w = asyncio.create_task(waiter()); await asyncio.sleep(0)
//     w.cancel(); await asyncio.sleep(0)
//     f.set_result(1); print("future result", f.result())
//     ev = asyncio.Event(); loop.call_later(0.1, ev.set)
//     print("shield event", await asyncio.shield(ev.wait()))
// asyncio.run(main())
// waiter cancelled; future cancelled False
// future result 1
// shield event True
TEST(Shield, TakesAFutureAndOtherAwaitables) {
  Recorder log;
  aio::run(shield_anything(&log));
  EXPECT_EQ(log.events(), (Events{"waiter cancelled; future cancelled False", "future result 1",
                                  "shield event True"}));
}

aio::Task<void> forever_counted([[maybe_unused]] aio_test::CountsDestruction frame) {
  co_await aio::sleep(10);
}

aio::Task<void> shield_left_pending(int* inner_frames_freed, int* outer_callbacks_freed) {
  aio::Future<void> outer = aio::shield(
      aio::create_task(forever_counted(aio_test::CountsDestruction(inner_frames_freed))));
  outer.add_done_callback([counted = aio_test::CountsDestruction(outer_callbacks_freed)] {});
  co_await aio::sleep(0);
}

// async def forever(): await asyncio.sleep(10)
// async def main():
//     outer = asyncio.shield(asyncio.create_task(forever()))
//     outer.add_done_callback(lambda f: None); await asyncio.sleep(0)
// loop = asyncio.new_event_loop(); loop.run_until_complete(main()); loop.close()
// stderr: Task was destroyed but it is pending! ... and the garbage collector frees both
// futures, the cycle between shield's two callbacks included. Here no such cycle exists: the
// inner task's frame and the outer future (with its callback) are freed as the loop closes.
TEST(Shield, AShieldPendingWhenTheLoopClosesIsFreed) {
  int inner_frames_freed = 0;
  int outer_callbacks_freed = 0;
  aio::EventLoop loop;
  loop.run_until_complete(shield_left_pending(&inner_frames_freed, &outer_callbacks_freed));
  const std::string errors = aio_test::capture_stderr([&] { loop.close(); });
  EXPECT_NE(errors.find("Task was destroyed but it is pending"), std::string::npos) << errors;
  EXPECT_EQ(inner_frames_freed, 1);
  EXPECT_EQ(outer_callbacks_freed, 1);
}

}  // namespace
