// E10: a callback on a fixed beat.
#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "call_every.hpp"
#include "exercise_test.hpp"

namespace {

using exercise_test::same_time;
using exercise_test::shown;

// What a run saw: the loop time of every call, counted from the moment
// call_every was called, and what the handle said at the end.
struct Trace {
  std::vector<double> times;
  std::vector<int> calls_inside;  // calls() as seen from inside each call
  int calls = -1;
  bool cancelled = false;
};

// True when `times` are `expected`, each to the virtual clock's rounding.
bool same_times(const std::vector<double>& times, const std::vector<double>& expected) {
  if (times.size() != expected.size()) return false;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (std::abs(times[i] - expected[i]) > same_time) return false;
  }
  return true;
}

// Repeats every `interval` s while main sleeps `run_for` s, then cancels.
// Each call first blocks the loop for `block_for` s (aio::blocking_sleep,
// which moves the virtual clock), if that is not 0.
aio::Task<> repeat(double interval, double run_for, double block_for, Trace* trace) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  std::optional<e10::Repeating> ticks;
  ticks = e10::call_every(loop, interval, [&loop, &ticks, start, block_for, trace] {
    trace->times.push_back(loop.time() - start);
    trace->calls_inside.push_back(ticks->calls());
    aio::blocking_sleep(block_for);
  });
  co_await aio::sleep(run_for);
  trace->calls = ticks->calls();
  trace->cancelled = ticks->cancelled();
  ticks->cancel();
}

TEST(E10CallEvery, CallsOneIntervalFromNowThenEveryInterval) {
  struct Case {
    double interval;
    double run_for;
    std::vector<double> expected;
  };
  const std::vector<Case> cases = {
      {1.0, 3.5, {1.0, 2.0, 3.0}},
      {0.3, 1.0, {0.3, 0.6, 0.9}},
      {0.25, 1.1, {0.25, 0.5, 0.75, 1.0}},
  };
  for (const Case& each : cases) {
    Trace trace;

    aio::run(repeat(each.interval, each.run_for, 0, &trace));

    EXPECT_TRUE(same_times(trace.times, each.expected))
        << "every " << each.interval << " s for " << each.run_for << " s, the callback should "
        << "run at " << shown(each.expected) << " (seconds after call_every); it ran at "
        << shown(trace.times);
    EXPECT_EQ(trace.calls, static_cast<int>(each.expected.size()))
        << "calls() should count the " << each.expected.size() << " calls made; it said "
        << trace.calls;
    EXPECT_FALSE(trace.cancelled) << "cancelled() should be false before cancel() is called";
  }
}

TEST(E10CallEvery, CallsCountsTheCallThatIsRunning) {
  Trace trace;

  aio::run(repeat(1.0, 3.5, 0, &trace));

  const std::vector<int> expected = {1, 2, 3};
  EXPECT_EQ(trace.calls_inside, expected)
      << "inside call k, calls() should be k, counting the call that is running; it said "
      << shown(trace.calls_inside);
}

// Cancels after `cancel_after` s, then sleeps on to `run_for` s.
aio::Task<> cancel_later(double cancel_after, double run_for, Trace* trace) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  e10::Repeating ticks = e10::call_every(
      loop, 1.0, [&loop, start, trace] { trace->times.push_back(loop.time() - start); });
  co_await aio::sleep(cancel_after);
  ticks.cancel();
  ticks.cancel();  // a second cancel changes nothing
  co_await aio::sleep(run_for - cancel_after);
  trace->calls = ticks.calls();
  trace->cancelled = ticks.cancelled();
}

TEST(E10CallEvery, CancelStopsTheCalls) {
  Trace trace;

  aio::run(cancel_later(2.5, 6.5, &trace));

  EXPECT_TRUE(same_times(trace.times, {1.0, 2.0}))
      << "cancelled at 2.5 s, a repeat every 1 s should have run at [1, 2] only; it ran at "
      << shown(trace.times);
  EXPECT_EQ(trace.calls, 2) << "calls() should stay at the 2 calls made before cancel()";
  EXPECT_TRUE(trace.cancelled) << "cancelled() should be true after cancel()";
}

TEST(E10CallEvery, CancelBeforeTheFirstCallMeansNoCalls) {
  Trace trace;

  aio::run(cancel_later(0.5, 3.5, &trace));

  EXPECT_TRUE(trace.times.empty())
      << "cancelled at 0.5 s, before the first call was due, the callback should never run; "
      << "it ran at " << shown(trace.times);
  EXPECT_EQ(trace.calls, 0) << "calls() should be 0 when no call was made";
  EXPECT_TRUE(trace.cancelled) << "cancelled() should be true after cancel()";
}

// The callback cancels its own repeats during call number `last_call`.
aio::Task<> cancel_inside(int last_call, double run_for, Trace* trace) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  std::optional<e10::Repeating> ticks;
  ticks = e10::call_every(loop, 1.0, [&loop, &ticks, start, last_call, trace] {
    trace->times.push_back(loop.time() - start);
    if (ticks->calls() == last_call) ticks->cancel();
  });
  co_await aio::sleep(run_for);
  trace->calls = ticks->calls();
  trace->cancelled = ticks->cancelled();
}

TEST(E10CallEvery, TheCallbackCanCancelItsOwnRepeats) {
  Trace trace;

  aio::run(cancel_inside(3, 6.5, &trace));

  EXPECT_TRUE(same_times(trace.times, {1.0, 2.0, 3.0}))
      << "a callback that cancels during its third call should have run at [1, 2, 3] and "
      << "never again; it ran at " << shown(trace.times);
  EXPECT_EQ(trace.calls, 3) << "calls() should be 3, the calls made up to the cancel";
  EXPECT_TRUE(trace.cancelled) << "cancelled() should be true after the callback cancelled";
}

TEST(E10CallEvery, ASlowCallbackDoesNotShiftTheLaterCalls) {
  // Each call holds the loop for 0.4 s. Scheduling the next call 1 s after
  // a call ends would give 1, 2.4, 3.8; the grid stays at 1, 2, 3.
  Trace trace;

  aio::run(repeat(1.0, 3.5, 0.4, &trace));

  EXPECT_TRUE(same_times(trace.times, {1.0, 2.0, 3.0}))
      << "a callback that takes 0.4 s of every 1 s should still start at [1, 2, 3]; it started "
      << "at " << shown(trace.times) << " (drifting: each next call was counted from the end "
      << "of the one before?)";
}

// Something else holds the loop from 0.9 s to 1.2 s, so the first call,
// due at 1.0, can only run at 1.2.
aio::Task<> held_up(Trace* trace) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  loop.call_at(start + 0.9, [] { aio::blocking_sleep(0.3); });
  e10::Repeating ticks = e10::call_every(
      loop, 1.0, [&loop, start, trace] { trace->times.push_back(loop.time() - start); });
  co_await aio::sleep(3.5);
  trace->calls = ticks.calls();
  ticks.cancel();
}

TEST(E10CallEvery, ALateCallDoesNotPushBackTheLaterOnes) {
  Trace trace;

  aio::run(held_up(&trace));

  EXPECT_TRUE(same_times(trace.times, {1.2, 2.0, 3.0}))
      << "with the loop held up until 1.2 s, the first call runs late, at 1.2; the next ones "
      << "should keep to the grid, [1.2, 2, 3]; they ran at " << shown(trace.times)
      << " (the next call counted from when the late one ran?)";
  EXPECT_EQ(trace.calls, 3) << "calls() should count the 3 calls made";
}

// Keeps a copy of the handle only, or no handle at all.
aio::Task<> handles_gone(bool keep_a_copy, Trace* trace) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  std::optional<e10::Repeating> copy;
  {
    e10::Repeating original = e10::call_every(
        loop, 1.0, [&loop, start, trace] { trace->times.push_back(loop.time() - start); });
    if (keep_a_copy) copy = original;
  }
  co_await aio::sleep(2.5);
  if (copy) copy->cancel();
}

TEST(E10CallEvery, TheRepeatsLastAsLongAsAHandle) {
  Trace kept;
  Trace dropped;

  aio::run(handles_gone(true, &kept));
  aio::run(handles_gone(false, &dropped));

  EXPECT_TRUE(same_times(kept.times, {1.0, 2.0}))
      << "while a copy of the handle lives, the repeats should go on: calls at [1, 2] before "
      << "the cancel at 2.5 s; they ran at " << shown(kept.times);
  EXPECT_TRUE(dropped.times.empty())
      << "once every copy of the handle is gone, nobody can stop the repeats, so they should "
      << "stop by themselves; the callback still ran at " << shown(dropped.times);
}

aio::Task<> bad_interval(double interval, std::string* error, Trace* trace) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  try {
    e10::Repeating ticks = e10::call_every(
        loop, interval, [&loop, start, trace] { trace->times.push_back(loop.time() - start); });
  } catch (const std::invalid_argument& invalid) {
    *error = invalid.what();
  }
  // Had anything been scheduled before the throw, it would run now.
  co_await aio::sleep(2.5);
}

TEST(E10CallEvery, AnIntervalThatIsNotPositiveIsRefused) {
  for (double interval : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN()}) {
    std::string error;
    Trace trace;

    aio::run(bad_interval(interval, &error, &trace));

    EXPECT_NE(error.find("interval must be positive"), std::string::npos)
        << "call_every with interval " << interval << " should throw std::invalid_argument "
        << "saying \"interval must be positive\"; the message was \"" << error << "\"";
    EXPECT_NE(error.find(fmt::format("{}", interval)), std::string::npos)
        << "the message should give the interval, " << interval << "; it was \"" << error << "\"";
    EXPECT_TRUE(trace.times.empty())
        << "a refused call_every should schedule nothing; the callback ran at "
        << shown(trace.times);
  }
}

}  // namespace
