// aio::timeout / aio::timeout_at scopes: expiry turns the scope's own cancellation into
// TimeoutError after the body's cleanup ran; a body that finishes in time returns its result and
// the timer goes; a cancellation from outside stays a CancelledError; of nested scopes with equal
// deadlines only the outer raises TimeoutError; reschedule() and expired(); a body that swallows
// the cancellation; other exceptions pass through. Both forms are tested: with_timeout(delay,
// body) and the inline scope with exit().
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

#include "aio/aio.hpp"
#include "aio/timeouts.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

/// `round(x, 1)` of a non-negative loop-time difference.
std::string tenths(double seconds) {
  const int t = static_cast<int>(seconds * 10 + 0.5);
  return std::to_string(t / 10) + "." + std::to_string(t % 10);
}

// ---- the timeout fires ----------------------------------------------------------------------

aio::Task<void> sleeps_with_cleanup(Recorder* log) {
  try {
    co_await aio::sleep(10);
  } catch (...) {
    log->add("cleanup");  // `finally`
    throw;
  }
  log->add("cleanup");
}

aio::Task<void> times_out(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double t0 = loop.time();
  aio::Timeout scope = aio::timeout(0.5);
  try {
    try {
      co_await sleeps_with_cleanup(log);
    } catch (...) {
      scope.exit(std::current_exception());
    }
    scope.exit();
  } catch (const aio::TimeoutError&) {
    log->add("TimeoutError " + python_bool(scope.expired()) + " " + tenths(loop.time() - t0));
  }
  log->add("cancelling " + std::to_string(aio::current_task()->cancelling()));
}

// async def body():
//     try:
//         await asyncio.sleep(10)
//     finally:
//         print("cleanup")
// async def main():
//     loop = asyncio.get_running_loop(); t0 = loop.time()
//     try:
//         async with asyncio.timeout(0.5) as scope:
//             await body()
//     except TimeoutError:
//         print("TimeoutError", scope.expired(), round(loop.time() - t0, 1))
//     print("cancelling", asyncio.current_task().cancelling())
// asyncio.run(main())           # cleanup / TimeoutError True 0.5 / cancelling 0
TEST(Timeout, ExpiryRaisesTimeoutErrorAfterTheCleanup) {
  Recorder log;
  aio::run(times_out(&log));
  EXPECT_EQ(log.events(), (Events{"cleanup", "TimeoutError True 0.5", "cancelling 0"}));
}

aio::Task<void> times_out_with_helper(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double t0 = loop.time();
  try {
    co_await aio::with_timeout(0.5, sleeps_with_cleanup(log));
  } catch (const aio::TimeoutError&) {
    log->add("TimeoutError " + tenths(loop.time() - t0));
  }
  log->add("cancelling " + std::to_string(aio::current_task()->cancelling()));
}

// The same program through with_timeout (without `scope.expired()`):
// cleanup / TimeoutError 0.5 / cancelling 0
TEST(Timeout, WithTimeoutRaisesTimeoutErrorAfterTheCleanup) {
  Recorder log;
  aio::run(times_out_with_helper(&log));
  EXPECT_EQ(log.events(), (Events{"cleanup", "TimeoutError 0.5", "cancelling 0"}));
}

// ---- in time --------------------------------------------------------------------------------

aio::Task<int> work(Recorder* log) {
  co_await aio::sleep(0.1);
  log->add("work done");
  co_return 7;
}

aio::Task<void> in_time(Recorder* log) {
  aio::Timeout scope = aio::timeout(1);
  int n = 0;
  try {
    n = co_await work(log);
  } catch (...) {
    scope.exit(std::current_exception());
  }
  scope.exit();
  log->add("result " + std::to_string(n) + " " + python_bool(scope.expired()));
  co_await aio::sleep(2);  // the cancelled timer does not fire
  log->add("still alive " + std::to_string(aio::current_task()->cancelling()));
}

// async def work():
//     await asyncio.sleep(0.1); print("work done"); return 7
// async def main():
//     async with asyncio.timeout(1) as scope:
//         n = await work()
//     print("result", n, scope.expired())
//     await asyncio.sleep(2)
//     print("still alive", asyncio.current_task().cancelling())
// asyncio.run(main())           # work done / result 7 False / still alive 0
TEST(Timeout, ResultInTimeAndTheTimerIsCancelled) {
  Recorder log;
  aio::run(in_time(&log));
  EXPECT_EQ(log.events(), (Events{"work done", "result 7 False", "still alive 0"}));
}

aio::Task<void> in_time_with_helper(Recorder* log) {
  const int n = co_await aio::with_timeout(1, work(log));
  log->add("result " + std::to_string(n));
  co_await aio::sleep(2);
  log->add("still alive " + std::to_string(aio::current_task()->cancelling()));
}

// The same program through with_timeout: work done / result 7 / still alive 0
TEST(Timeout, WithTimeoutReturnsTheResult) {
  Recorder log;
  aio::run(in_time_with_helper(&log));
  EXPECT_EQ(log.events(), (Events{"work done", "result 7", "still alive 0"}));
}

// ---- a cancellation from outside --------------------------------------------------------------

aio::Task<void> scoped_body(Recorder* log) {
  aio::Timeout scope = aio::timeout(5);
  try {
    try {
      co_await aio::sleep(10);
    } catch (const aio::CancelledError&) {
      log->add("body cancelled");
      throw;
    }
  } catch (...) {
    scope.exit(std::current_exception());
  }
  scope.exit();
}

aio::Task<void> cancelled_from_outside(Recorder* log) {
  aio::Task<void> t = aio::create_task(scoped_body(log));
  co_await aio::sleep(1);
  t.cancel();
  try {
    co_await t;
  } catch (const aio::CancelledError&) {
    log->add("CancelledError " + python_bool(t.cancelled()));
  }
}

// async def body():
//     async with asyncio.timeout(5):
//         try:
//             await asyncio.sleep(10)
//         except asyncio.CancelledError:
//             print("body cancelled"); raise
// async def main():
//     t = asyncio.create_task(body())
//     await asyncio.sleep(1)
//     t.cancel()
//     try:
//         await t
//     except asyncio.CancelledError:
//         print("CancelledError", t.cancelled())
// asyncio.run(main())           # body cancelled / CancelledError True
TEST(Timeout, OutsideCancellationPropagatesAsCancelledError) {
  Recorder log;
  aio::run(cancelled_from_outside(&log));
  EXPECT_EQ(log.events(), (Events{"body cancelled", "CancelledError True"}));
}

// ---- nested scopes with equal deadlines -----------------------------------------------------

aio::Task<void> nested(Recorder* log) {
  const double when = aio::get_running_loop().time() + 1;
  aio::Timeout outer = aio::timeout_at(when);
  try {
    try {
      aio::Timeout inner = aio::timeout_at(when);
      try {
        try {
          co_await aio::sleep(10);
        } catch (...) {
          inner.exit(std::current_exception());
        }
        inner.exit();
      } catch (const aio::CancelledError&) {
        log->add("inner: CancelledError " + python_bool(inner.expired()));
        throw;
      } catch (const aio::TimeoutError&) {
        log->add("inner: TimeoutError");
      }
    } catch (...) {
      outer.exit(std::current_exception());
    }
    outer.exit();
  } catch (const aio::TimeoutError&) {
    log->add("outer: TimeoutError " + python_bool(outer.expired()));
  }
}

// async def main():
//     loop = asyncio.get_running_loop()
//     when = loop.time() + 1
//     try:
//         async with asyncio.timeout_at(when) as outer:
//             try:
//                 async with asyncio.timeout_at(when) as inner:
//                     await asyncio.sleep(10)
//             except asyncio.CancelledError:
//                 print("inner: CancelledError", inner.expired())
//                 raise
//             except TimeoutError:
//                 print("inner: TimeoutError")
//     except TimeoutError:
//         print("outer: TimeoutError", outer.expired())
// asyncio.run(main())           # inner: CancelledError True / outer: TimeoutError True
TEST(Timeout, NestedEqualDeadlinesOnlyTheOuterRaisesTimeoutError) {
  Recorder log;
  aio::run(nested(&log));
  EXPECT_EQ(log.events(), (Events{"inner: CancelledError True", "outer: TimeoutError True"}));
}

aio::Task<void> nested_helpers(Recorder* log) {
  const double when = aio::get_running_loop().time() + 1;
  try {
    co_await aio::with_timeout_at(when, aio::with_timeout_at(when, sleeps_with_cleanup(log)));
  } catch (const aio::TimeoutError&) {
    log->add("outer: TimeoutError");
  }
}

// The same nesting through with_timeout_at, around body() of the first program:
// async def main():
//     when = asyncio.get_running_loop().time() + 1
//     try:
//         async with asyncio.timeout_at(when):
//             async with asyncio.timeout_at(when):
//                 await body()
//     except TimeoutError:
//         print("outer: TimeoutError")
// asyncio.run(main())           # cleanup / outer: TimeoutError
TEST(Timeout, NestedHelpersOnlyTheOuterRaisesTimeoutError) {
  Recorder log;
  aio::run(nested_helpers(&log));
  EXPECT_EQ(log.events(), (Events{"cleanup", "outer: TimeoutError"}));
}

// ---- reschedule and expired -----------------------------------------------------------------

aio::Task<void> rescheduled(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double t0 = loop.time();
  aio::Timeout scope = aio::timeout(1);
  try {
    try {
      co_await aio::sleep(0.5);
      scope.reschedule(*scope.when() + 1);
      log->add("deadline " + tenths(*scope.when() - t0));
      co_await aio::sleep(1);
      log->add("still inside " + tenths(loop.time() - t0));
      scope.reschedule(std::nullopt);
      log->add(std::string("deadline ") + (scope.when() ? "set" : "None"));
      co_await aio::sleep(5);
      log->add("no deadline " + tenths(loop.time() - t0));
      scope.reschedule(loop.time() - 1);
      co_await aio::sleep(1);
    } catch (...) {
      scope.exit(std::current_exception());
    }
    scope.exit();
  } catch (const aio::TimeoutError&) {
    log->add("TimeoutError " + tenths(loop.time() - t0) + " " + python_bool(scope.expired()));
  }
  try {
    scope.reschedule(0);
  } catch (const aio::RuntimeError& error) {
    log->add(std::string("RuntimeError ") + error.what());
  }
}

// async def main():
//     loop = asyncio.get_running_loop(); t0 = loop.time()
//     try:
//         async with asyncio.timeout(1) as scope:
//             await asyncio.sleep(0.5)
//             scope.reschedule(scope.when() + 1)
//             print("deadline", round(scope.when() - t0, 1))
//             await asyncio.sleep(1)
//             print("still inside", round(loop.time() - t0, 1))
//             scope.reschedule(None)
//             print("deadline", scope.when())
//             await asyncio.sleep(5)
//             print("no deadline", round(loop.time() - t0, 1))
//             scope.reschedule(loop.time() - 1)
//             await asyncio.sleep(1)
//     except TimeoutError:
//         print("TimeoutError", round(loop.time() - t0, 1), scope.expired())
//     try:
//         scope.reschedule(0)
//     except RuntimeError as e:
//         print("RuntimeError", e)
// asyncio.run(main())
// # deadline 2.0 / still inside 1.5 / deadline None / no deadline 6.5 / TimeoutError 6.5 True /
// # RuntimeError Cannot change state of expired Timeout
TEST(Timeout, RescheduleMovesTheDeadline) {
  Recorder log;
  aio::run(rescheduled(&log));
  EXPECT_EQ(log.events(), (Events{"deadline 2.0", "still inside 1.5", "deadline None",
                                  "no deadline 6.5", "TimeoutError 6.5 True",
                                  "RuntimeError Cannot change state of expired Timeout"}));
}

// ---- a body that swallows the cancellation --------------------------------------------------

aio::Task<void> swallowed(Recorder* log) {
  aio::Timeout scope = aio::timeout(0.5);
  try {
    try {
      co_await aio::sleep(1);
    } catch (const aio::CancelledError&) {
      log->add("swallowed " + python_bool(scope.expired()));
    }
  } catch (...) {
    scope.exit(std::current_exception());
  }
  scope.exit();
  log->add("after " + python_bool(scope.expired()) + " " +
           std::to_string(aio::current_task()->cancelling()));
}

// async def main():
//     async with asyncio.timeout(0.5) as scope:
//         try:
//             await asyncio.sleep(1)
//         except asyncio.CancelledError:
//             print("swallowed", scope.expired())
//     print("after", scope.expired(), asyncio.current_task().cancelling())
// asyncio.run(main())           # swallowed True / after True 0
TEST(Timeout, SwallowedCancellationIsWithdrawn) {
  Recorder log;
  aio::run(swallowed(&log));
  EXPECT_EQ(log.events(), (Events{"swallowed True", "after True 0"}));
}

// ---- other exceptions pass through ----------------------------------------------------------

aio::Task<void> raises_early() {
  co_await aio::sleep(0.1);
  throw std::invalid_argument("boom");
}

aio::Task<void> raises_in_cleanup() {
  try {
    co_await aio::sleep(1);
  } catch (...) {
  }
  throw std::invalid_argument("during cleanup");  // `finally: raise ValueError(...)`
}

aio::Task<void> other_errors(Recorder* log) {
  try {
    co_await aio::with_timeout(0.5, raises_early());
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError ") + error.what());
  }
  try {
    co_await aio::with_timeout(0.5, raises_in_cleanup());
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError ") + error.what());
  }
  log->add("cancelling " + std::to_string(aio::current_task()->cancelling()));
}

// async def main():
//     try:
//         async with asyncio.timeout(0.5):
//             await asyncio.sleep(0.1)
//             raise ValueError("boom")
//     except ValueError as e:
//         print("ValueError", e)
//     try:
//         async with asyncio.timeout(0.5):
//             try:
//                 await asyncio.sleep(1)
//             finally:
//                 raise ValueError("during cleanup")
//     except ValueError as e:
//         print("ValueError", e)
//     print("cancelling", asyncio.current_task().cancelling())
// asyncio.run(main())           # ValueError boom / ValueError during cleanup / cancelling 0
TEST(Timeout, OtherExceptionsPassThrough) {
  Recorder log;
  aio::run(other_errors(&log));
  EXPECT_EQ(log.events(), (Events{"ValueError boom", "ValueError during cleanup", "cancelling 0"}));
}

// ---- a scope still open when asyncio.run ends ---------------------------------------------

aio::Task<void> nap(double seconds) {
  co_await aio::sleep(seconds);
}

aio::Task<void> background(Recorder* log) {
  try {
    co_await aio::with_timeout(5, nap(10));
  } catch (const aio::CancelledError&) {
    log->add("background: CancelledError");
    throw;
  } catch (const aio::TimeoutError&) {
    log->add("background: TimeoutError");
  }
}

aio::Task<void> leaves_background(Recorder* log) {
  (void)aio::create_task(background(log));
  co_await aio::sleep(1);
  log->add("main returns");
}

// async def background():
//     try:
//         async with asyncio.timeout(5):
//             await asyncio.sleep(10)
//     except asyncio.CancelledError:
//         print("background: CancelledError")
//         raise
//     except TimeoutError:
//         print("background: TimeoutError")
// async def main():
//     asyncio.create_task(background())
//     await asyncio.sleep(1)
//     print("main returns")
// asyncio.run(main())
// print("after run")            # main returns / background: CancelledError / after run
TEST(Timeout, OpenScopeWhenRunEndsPropagatesCancelledError) {
  Recorder log;
  aio::run(leaves_background(&log));
  log.add("after run");
  EXPECT_EQ(log.events(), (Events{"main returns", "background: CancelledError", "after run"}));
}

// ---- misuse ---------------------------------------------------------------------------------

TEST(Timeout, OutsideATaskIsAnError) {
  EXPECT_THROW((void)aio::timeout_at(1.0), aio::RuntimeError);
}

aio::Task<aio::Timeout> enter_and_return_a_scope() {
  co_return aio::timeout(0.1);
}

aio::Task<void> use_a_scope_that_outlived_its_task(Recorder* log) {
  aio::Timeout scope = co_await aio::create_task(enter_and_return_a_scope());
  co_await aio::sleep(0.2);
  log->add(fmt::format("expired: {}", python_bool(scope.expired())));
  try {
    scope.reschedule(1);
  } catch (const aio::RuntimeError& error) {
    log->add(fmt::format("RuntimeError: {}", error.what()));
  }
  scope.exit();
  log->add("exit ok");
}

// A scope that outlives the task that entered it: the deadline finds the task done (gone, here)
// and only marks the scope expired. It used to cancel the freed task.
//
// async def make():
//     cm = asyncio.timeout(0.1); await cm.__aenter__(); return cm
// async def main():
//     cm = await asyncio.create_task(make())
//     await asyncio.sleep(0.2)
//     print("expired:", cm.expired())
//     try: cm.reschedule(1)
//     except RuntimeError as e: print("RuntimeError:", e)
//     await cm.__aexit__(None, None, None); print("exit ok")
// asyncio.run(main())
//
// expired: True
// RuntimeError: Cannot change state of expiring Timeout
// exit ok
TEST(Timeout, AScopeThatOutlivesItsTaskExpiresWithoutTouchingIt) {
  Recorder log;
  aio::run(use_a_scope_that_outlived_its_task(&log));
  EXPECT_EQ(log.events(),
            (Events{"expired: True", "RuntimeError: Cannot change state of expiring Timeout",
                    "exit ok"}));
}

}  // namespace
