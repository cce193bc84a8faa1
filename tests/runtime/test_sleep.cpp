// aio::sleep: sleep(0) gives the loop exactly one iteration, a timer only wakes its task one
// iteration later (rule 4), and the virtual clock moves by exactly the time slept.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;
using namespace std::chrono_literals;

/// A callback that reschedules itself with call_soon, counting the loop's iterations.
struct Ticker {
  aio::EventLoop* loop = nullptr;
  int tick = 0;
  int limit = 0;
  void operator()() {
    if (++tick < limit) loop->call_soon([this] { (*this)(); });
  }
};

aio::Task<void> yield_three_times(Recorder* log, Ticker* ticker) {
  ticker->loop = &aio::get_running_loop();
  ticker->loop->call_soon([ticker] { (*ticker)(); });
  for (int i = 0; i < 3; ++i) {
    log->add("task at tick " + std::to_string(ticker->tick));
    co_await aio::sleep(0);
  }
  log->add("task at tick " + std::to_string(ticker->tick));
}

// async def main():
//     loop = asyncio.get_running_loop(); tick = 0
//     def ticker():
//         nonlocal tick
//         tick += 1
//         if tick < 5: loop.call_soon(ticker)
//     loop.call_soon(ticker)
//     for _ in range(3):
//         print("task at tick", tick); await asyncio.sleep(0)
//     print("task at tick", tick)
// asyncio.run(main())      # task at tick 0 / task at tick 1 / task at tick 2 / task at tick 3
TEST(Sleep, SleepZeroYieldsExactlyOneIteration) {
  Recorder log;
  Ticker ticker{.limit = 5};
  aio::run(yield_three_times(&log, &ticker));
  EXPECT_EQ(log.events(),
            (Events{"task at tick 0", "task at tick 1", "task at tick 2", "task at tick 3"}));
}

aio::Task<void> player(Recorder* log, std::string name) {
  for (int i = 0; i < 3; ++i) {
    log->add(name + " " + std::to_string(i));
    co_await aio::sleep(0);
  }
}

aio::Task<void> ping_pong(Recorder* log) {
  co_await aio::gather(player(log, "ping"), player(log, "pong"));
}

// async def player(name):
//     for i in range(3):
//         print(name, i); await asyncio.sleep(0)
// async def main(): await asyncio.gather(player("ping"), player("pong"))
// asyncio.run(main())      # ping 0 / pong 0 / ping 1 / pong 1 / ping 2 / pong 2
TEST(Sleep, TasksSleepingZeroTakeTurns) {
  Recorder log;
  aio::run(ping_pong(&log));
  EXPECT_EQ(log.events(), (Events{"ping 0", "pong 0", "ping 1", "pong 1", "ping 2", "pong 2"}));
}

aio::Task<void> negative_sleep(Recorder* log) {
  aio::get_running_loop().call_soon(log->note("callback"));
  co_await aio::sleep(-1);
  log->add("task");
}

// async def main():
//     asyncio.get_running_loop().call_soon(print, "callback")
//     await asyncio.sleep(-1); print("task")
// asyncio.run(main())                      # callback / task
TEST(Sleep, NegativeSleepYieldsLikeSleepZero) {
  Recorder log;
  aio::run(negative_sleep(&log));
  EXPECT_EQ(log.events(), (Events{"callback", "task"}));
}

aio::Task<void> sleep_nan(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  loop.call_later(0.1, log->note("timer 0.1"));
  try {
    co_await aio::sleep(std::nan(""));
    log->add("slept at " + aio_test::tenths_since(start));
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError: ") + error.what());
  }
  co_await aio::sleep(0.2);
  log->add("done at " + aio_test::tenths_since(start));
}

// async def main():
//     loop = asyncio.get_running_loop(); start = loop.time()
//     loop.call_later(0.1, print, "timer 0.1")
//     try:
//         await asyncio.sleep(float("nan")); print("slept at", round(loop.time() - start, 1))
//     except ValueError as e:
//         print("ValueError:", e)
//     await asyncio.sleep(0.2); print("done at", round(loop.time() - start, 1))
// asyncio.run(main())
// # 3.11: timer 0.1 / slept at 0.1 / done at 0.3
// # 3.13: ValueError: Invalid delay: NaN (not a number) / timer 0.1 / done at 0.2
//
// 3.11 arms a timer for NaN, which fires whenever the heap's shape brings it to the top (here
// after the timer at 0.1, which was in the heap first). 3.13 raises ValueError (gh-105331);
// aio does too. It used to arm the timer, which then never fired, nor did any timer after it:
// the loop spun at full CPU.
TEST(Sleep, NanDelayRaisesValueErrorAndOtherTimersStillFire) {
  Recorder log;
  aio::run(sleep_nan(&log));
  EXPECT_EQ(log.events(),
            (Events{"ValueError: Invalid delay: NaN (not a number)", "timer 0.1", "done at 0.2"}));
}

aio::Task<void> sleep_until_t(Recorder* log, double* woke_at) {
  co_await aio::sleep(1);
  *woke_at = aio::get_running_loop().time();
  log->add("task sleeping until T resumes");
}

aio::Task<void> callback_and_sleeper_due_together(Recorder* log, double* t, double* woke_at) {
  aio::EventLoop& loop = aio::get_running_loop();
  aio::Task<void> sleeper = aio::create_task(sleep_until_t(log, woke_at));
  co_await aio::sleep(0);  // the sleeper's timer for T is now in the heap
  *t = loop.time() + 1;    // T itself: the clock has not moved since the sleeper asked
  loop.call_at(*t, log->note("callback due at T"));
  co_await sleeper;
}

// Rule 4. The sleeper's timer is scheduled first, with the same deadline as the callback:
// async def sleeper():
//     await asyncio.sleep(1); print("task sleeping until T resumes")
// async def main():
//     loop = asyncio.get_running_loop(); t = asyncio.create_task(sleeper())
//     await asyncio.sleep(0)
//     when = loop._scheduled[0].when()          # T, the sleeper's deadline
//     loop.call_at(when, print, "callback due at T"); await t
// asyncio.run(main())      # callback due at T / task sleeping until T resumes
TEST(Sleep, CallbackDueAtTRunsBeforeATaskSleepingUntilT) {
  Recorder log;
  double t = 0;
  double woke_at = 0;
  aio::run(callback_and_sleeper_due_together(&log, &t, &woke_at));
  EXPECT_EQ(log.events(), (Events{"callback due at T", "task sleeping until T resumes"}));
  EXPECT_EQ(woke_at, t);
}

aio::Task<void> nap(Recorder* log, std::string name, double seconds) {
  co_await aio::sleep(seconds);
  log->add(name);
}

aio::Task<void> four_naps(Recorder* log) {
  co_await aio::gather(nap(log, "a", 0.3), nap(log, "b", 0.1), nap(log, "c", 0.2),
                       nap(log, "d", 0.1));
}

// async def nap(name, delay):
//     await asyncio.sleep(delay); print(name)
// async def main():
//     await asyncio.gather(nap("a", 0.3), nap("b", 0.1), nap("c", 0.2), nap("d", 0.1))
// asyncio.run(main())                      # b / d / c / a
TEST(Sleep, SleepersWakeInDeadlineOrder) {
  Recorder log;
  aio::run(four_naps(&log));
  EXPECT_EQ(log.events(), (Events{"b", "d", "c", "a"}));
}

aio::Task<void> measure_sleeps(std::vector<double>* times) {
  aio::EventLoop& loop = aio::get_running_loop();
  times->push_back(loop.time());
  co_await aio::sleep(0.25);
  times->push_back(loop.time());
  co_await aio::sleep(1.5);
  times->push_back(aio::perf_counter());
  co_await aio::sleep(0);
  times->push_back(loop.time());
}

// The virtual clock lands exactly on each deadline; sleep(0) does not move it.
TEST(Sleep, VirtualClockAdvancesExactlyByTheTimeSlept) {
  std::vector<double> times;
  aio::run(measure_sleeps(&times));
  ASSERT_EQ(times.size(), 4u);
  const double t0 = times[0];
  EXPECT_EQ(times[1], t0 + 0.25);
  EXPECT_EQ(times[2], t0 + 0.25 + 1.5);
  EXPECT_EQ(times[3], times[2]);
}

aio::Task<void> chrono_sleeps(std::vector<double>* elapsed) {
  aio::EventLoop& loop = aio::get_running_loop();
  double start = loop.time();
  co_await aio::sleep(250ms);
  elapsed->push_back(loop.time() - start);
  start = loop.time();
  co_await aio::sleep(2s);
  elapsed->push_back(loop.time() - start);
  start = loop.time();
  co_await aio::sleep(std::chrono::duration<double>(0.5));
  elapsed->push_back(loop.time() - start);
  start = loop.time();
  co_await aio::sleep(0ms);
  elapsed->push_back(loop.time() - start);
}

TEST(Sleep, ChronoDurationsSleepAsManySeconds) {
  std::vector<double> elapsed;
  aio::run(chrono_sleeps(&elapsed));
  ASSERT_EQ(elapsed.size(), 4u);
  EXPECT_DOUBLE_EQ(elapsed[0], 0.25);
  EXPECT_DOUBLE_EQ(elapsed[1], 2.0);
  EXPECT_DOUBLE_EQ(elapsed[2], 0.5);
  EXPECT_EQ(elapsed[3], 0.0);
}

aio::Task<void> long_nap() {
  co_await aio::sleep(10);
}

aio::Task<void> cancel_a_sleep(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double t0 = loop.time();
  aio::Task<void> t = aio::create_task(long_nap());
  loop.call_later(1, [t]() mutable { t.cancel(); });
  try {
    co_await t;
  } catch (const aio::CancelledError&) {
    log->add(fmt::format("cancelled after {:.2f}", loop.time() - t0));
  }
}

// async def main():
//     loop = asyncio.get_running_loop(); t0 = loop.time()
//     t = asyncio.create_task(asyncio.sleep(10)); loop.call_later(1, t.cancel)
//     try: await t
//     except asyncio.CancelledError: print("cancelled after", f"{loop.time() - t0:.2f}")
// asyncio.run(main())                      # cancelled after 1.00
TEST(Sleep, CancellingASleepingTaskWakesItEarly) {
  Recorder log;
  aio::run(cancel_a_sleep(&log));
  EXPECT_EQ(log.events(), (Events{"cancelled after 1.00"}));
}

aio::Task<void> sleep_one_second(Recorder* log) {
  try {
    co_await aio::sleep(1);
    log->add("woke normally");
  } catch (const aio::CancelledError&) {
    log->add("cancelled although the sleep was over");
  }
}

aio::Task<void> cancel_when_the_sleep_ends(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  aio::Task<void> t = aio::create_task(sleep_one_second(log));
  co_await aio::sleep(0);
  loop.call_at(loop.time() + 1, [t]() mutable { t.cancel(); });  // right after the sleep's timer
  co_await t;
}

// async def sleeper():
//     try: await asyncio.sleep(1); print("woke normally")
//     except asyncio.CancelledError: print("cancelled although the sleep was over")
// async def main():
//     loop = asyncio.get_running_loop(); t = asyncio.create_task(sleeper())
//     await asyncio.sleep(0)
//     loop.call_at(loop.time() + 1, t.cancel)    # runs right after the sleep's timer fired
//     await t
// asyncio.run(main())                      # cancelled although the sleep was over
TEST(Sleep, CancelBetweenTheTimerAndTheWakeUpStillRaisesAtTheSleep) {
  Recorder log;
  aio::run(cancel_when_the_sleep_ends(&log));
  EXPECT_EQ(log.events(), (Events{"cancelled although the sleep was over"}));
}

aio::Task<void> sleep_with_result(Recorder* log) {
  const std::string text = co_await aio::sleep(0.1, std::string("result"));
  const int number = co_await aio::sleep(0, 42);
  log->add(text + " " + std::to_string(number));
}

// sleep(delay, result) returns result.
// async def main():
//     print(await asyncio.sleep(0.1, "result"), await asyncio.sleep(0, 42))
// asyncio.run(main())                      # result 42
TEST(Sleep, ReturnsTheResultItIsGiven) {
  Recorder log;
  aio::run(sleep_with_result(&log));
  EXPECT_EQ(log.events(), (Events{"result 42"}));
}

// A task that spins on sleep(0) keeps every iteration busy, so the virtual clock never moves
// (clock.hpp says why and what to do): 10,000 turns take no time at all, and a one-second
// timeout around them does not expire. On the real clock the same turns take some
// milliseconds, still well inside the second.
aio::Task<int> spin(int turns) {
  for (int i = 0; i < turns; ++i) co_await aio::sleep(0);
  co_return turns;
}

aio::Task<void> spin_under_a_timeout(double* elapsed, int* turns) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  *turns = co_await aio::wait_for(spin(10'000), 1.0);
  *elapsed = loop.time() - start;
}

TEST(Sleep, VirtualClockStandsStillWhileATaskSpinsOnSleepZero) {
  ASSERT_EQ(aio::clock_kind(), aio::ClockKind::virtual_);
  double elapsed = -1;
  int turns = 0;
  aio::run(spin_under_a_timeout(&elapsed, &turns));
  EXPECT_EQ(turns, 10'000);
  EXPECT_EQ(elapsed, 0.0);
}

}  // namespace
