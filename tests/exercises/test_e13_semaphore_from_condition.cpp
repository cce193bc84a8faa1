// E13: a semaphore built from a condition.
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exercise_test.hpp"
#include "semaphore_from_condition.hpp"

namespace {

using exercise_test::run_with_deadline;
using exercise_test::same_time;
using exercise_test::seconds_taken;

/// When each task got its permit, in seconds since the run began, by name.
/// Made at the start of the run.
struct Acquired {
  double start = aio::perf_counter();
  std::map<std::string, double> times;

  void note(const std::string& name) { times[name] = aio::perf_counter() - start; }
  std::size_t count(const std::string& name) const { return times.count(name); }
};

/// Takes a permit, notes the time, holds it for `hold` seconds, gives it back.
aio::Task<> use_permit(e13::ConditionSemaphore& semaphore, std::string name, double hold,
                       Acquired& acquired) {
  co_await semaphore.acquire();
  acquired.note(name);
  co_await aio::sleep(hold);
  co_await semaphore.release();
}

TEST(E13SemaphoreFromCondition, RejectsANegativeInitialValue) {
  EXPECT_THROW(e13::ConditionSemaphore(-1), std::invalid_argument)
      << "a semaphore with -1 permits should be refused with std::invalid_argument";
  EXPECT_EQ(e13::ConditionSemaphore(0).value(), 0)
      << "a semaphore with 0 permits is allowed, and has none free";
  EXPECT_EQ(e13::ConditionSemaphore(4).value(), 4) << "a new semaphore(4) should have 4 free";
}

/// Ten workers share three permits, each holding one for 1 s.
struct Crowd {
  Acquired acquired;
  int peak = 0;  // the most workers holding a permit at once
  int value_after = -1;
};

aio::Task<> counted_worker(e13::ConditionSemaphore& semaphore, std::string name, int& holders,
                           Crowd& crowd) {
  co_await semaphore.acquire();
  crowd.acquired.note(name);
  crowd.peak = std::max(crowd.peak, ++holders);
  co_await aio::sleep(1);
  --holders;
  co_await semaphore.release();
}

aio::Task<Crowd> ten_workers_three_permits() {
  e13::ConditionSemaphore semaphore(3);
  Crowd crowd;
  int holders = 0;
  std::vector<aio::Task<>> workers;
  for (int i = 0; i < 10; ++i) {
    workers.push_back(counted_worker(semaphore, fmt::format("worker {}", i), holders, crowd));
  }
  co_await aio::gather(std::move(workers));
  crowd.value_after = semaphore.value();
  co_return crowd;
}

TEST(E13SemaphoreFromCondition, NeverHasMoreHoldersThanPermits) {
  const Crowd crowd = run_with_deadline(ten_workers_three_permits());

  EXPECT_EQ(crowd.peak, 3) << "10 workers sharing 3 permits should be 3 at a time, at most and "
                           << "most of the time; the most at once was " << crowd.peak;
  EXPECT_EQ(crowd.value_after, 3) << "once every permit is given back, 3 should be free; "
                                  << crowd.value_after << " are";
}

TEST(E13SemaphoreFromCondition, WaitersGetThePermitsRoundByRound) {
  Crowd crowd;
  const double elapsed =
      seconds_taken([&] { crowd = run_with_deadline(ten_workers_three_permits()); });

  // Three permits, held 1 s each: three workers at 0 s, three at 1 s, three
  // at 2 s, the last at 3 s, each as soon as a permit is given back.
  std::vector<double> times;
  for (const auto& [name, time] : crowd.acquired.times) times.push_back(time);
  std::sort(times.begin(), times.end());
  const std::vector<double> expected = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3};
  ASSERT_EQ(times.size(), expected.size()) << "all 10 workers should get a permit";
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_NEAR(times[i], expected[i], same_time)
        << "worker number " << i + 1 << " to get a permit should get it at " << expected[i]
        << " s, when one is given back; it got it at " << times[i] << " s";
  }
  EXPECT_NEAR(elapsed, 4.0, same_time)
      << "10 workers of 1 s sharing 3 permits should take 4 s (4 rounds); they took " << elapsed
      << " s";
}

struct Woken {
  double start = aio::perf_counter();
  bool waiting_at_1s = false;
  int value_at_1s = -1;
  double acquired_at = -1;
  int value_after = -1;
};

aio::Task<> wait_for_permit(e13::ConditionSemaphore& semaphore, Woken& woken) {
  co_await semaphore.acquire();
  woken.acquired_at = aio::perf_counter() - woken.start;
}

aio::Task<> release_after_two_seconds(e13::ConditionSemaphore& semaphore, Woken& woken) {
  auto waiter = aio::create_task(wait_for_permit(semaphore, woken));
  co_await aio::sleep(1);
  woken.waiting_at_1s = !waiter.done();
  woken.value_at_1s = semaphore.value();
  co_await aio::sleep(1);
  co_await semaphore.release();  // at 2 s
  co_await waiter;
  woken.value_after = semaphore.value();
}

// The semaphore and what its waiters record live outside the run, here and
// below: should the test's task be cancelled midway (the inject label does
// that), its waiters run on until aio::run cancels them as it shuts down, and
// must still find them.
Woken wait_then_release() {
  e13::ConditionSemaphore semaphore(0);
  Woken woken;
  run_with_deadline(release_after_two_seconds(semaphore, woken));
  return woken;
}

TEST(E13SemaphoreFromCondition, ReleaseWakesAWaiter) {
  const Woken woken = wait_then_release();

  EXPECT_TRUE(woken.waiting_at_1s) << "with no permit free, acquire() should wait";
  EXPECT_EQ(woken.value_at_1s, 0) << "a waiting acquire() should not change the count; value() "
                                  << "was " << woken.value_at_1s;
  EXPECT_NEAR(woken.acquired_at, 2.0, same_time)
      << "the waiter should get the permit released at 2 s, at 2 s; it got it at "
      << woken.acquired_at << " s";
  EXPECT_EQ(woken.value_after, 0) << "the waiter holds the only permit, so none should be free; "
                                  << "value() is " << woken.value_after;
}

struct Cancelled {
  Acquired acquired;
  bool a_cancelled = false;
  int value_after_cancel = -1;
  int value_at_end = -1;
};

aio::Task<> cancel_waiter_a(e13::ConditionSemaphore& semaphore, Cancelled& seen) {
  auto holder = aio::create_task(use_permit(semaphore, "holder", 1.0, seen.acquired));
  co_await aio::sleep(0);  // the holder takes the permit
  auto a = aio::create_task(use_permit(semaphore, "A", 1.0, seen.acquired));
  auto b = aio::create_task(use_permit(semaphore, "B", 1.0, seen.acquired));
  co_await aio::sleep(0.5);
  a.cancel();  // A is waiting for the permit the holder has
  co_await aio::gather(aio::return_exceptions, a);
  seen.a_cancelled = a.cancelled();
  seen.value_after_cancel = semaphore.value();
  co_await holder;  // gives the permit back at 1 s: B should get it
  co_await b;       // gives it back at 2 s
  seen.value_at_end = semaphore.value();
}

Cancelled cancel_a_waiter() {
  e13::ConditionSemaphore semaphore(1);
  Cancelled seen;
  run_with_deadline(cancel_waiter_a(semaphore, seen));
  return seen;
}

TEST(E13SemaphoreFromCondition, ACancelledWaiterTakesNoPermit) {
  const Cancelled seen = cancel_a_waiter();

  EXPECT_TRUE(seen.a_cancelled) << "A, cancelled while it waited, should end cancelled";
  EXPECT_EQ(seen.acquired.count("A"), 0u) << "A, cancelled while it waited, should get no permit";
  EXPECT_EQ(seen.value_after_cancel, 0)
      << "cancelling a waiter should not change the count: the holder has the only permit, so "
      << "none should be free; value() is " << seen.value_after_cancel;
  ASSERT_EQ(seen.acquired.count("B"), 1u) << "B, waiting behind A, should still get the permit";
  EXPECT_NEAR(seen.acquired.times.at("B"), 1.0, same_time)
      << "B should get the permit when the holder gives it back at 1 s; it got it at "
      << seen.acquired.times.at("B") << " s";
  EXPECT_EQ(seen.value_at_end, 1)
      << "once B gives the permit back, the one permit should be free again; value() is "
      << seen.value_at_end;
}

aio::Task<> cancel_woken_waiter_a(e13::ConditionSemaphore& semaphore, Cancelled& seen) {
  auto a = aio::create_task(use_permit(semaphore, "A", 1.0, seen.acquired));
  auto b = aio::create_task(use_permit(semaphore, "B", 1.0, seen.acquired));
  co_await aio::sleep(1);
  // The release wakes A, the first waiter; A is cancelled before it runs.
  co_await semaphore.release();
  a.cancel();
  co_await aio::gather(aio::return_exceptions, a);
  seen.a_cancelled = a.cancelled();
  co_await b;
  seen.value_at_end = semaphore.value();
}

Cancelled cancel_the_woken_waiter() {
  e13::ConditionSemaphore semaphore(0);
  Cancelled seen;
  run_with_deadline(cancel_woken_waiter_a(semaphore, seen));
  return seen;
}

TEST(E13SemaphoreFromCondition, AWaiterCancelledAfterItWasWokenPassesThePermitOn) {
  const Cancelled seen = cancel_the_woken_waiter();

  EXPECT_TRUE(seen.a_cancelled) << "A, cancelled before it took the permit, should end cancelled";
  EXPECT_EQ(seen.acquired.count("A"), 0u) << "A, cancelled before it ran, should get no permit";
  ASSERT_EQ(seen.acquired.count("B"), 1u)
      << "the permit A was woken for should go to B, waiting behind it";
  EXPECT_NEAR(seen.acquired.times.at("B"), 1.0, same_time)
      << "B should get the permit released at 1 s, at 1 s; it got it at "
      << seen.acquired.times.at("B") << " s";
  EXPECT_EQ(seen.value_at_end, 1) << "once B gives the permit back, it should be free again; "
                                  << "value() is " << seen.value_at_end;
}

}  // namespace
