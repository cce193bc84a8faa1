// Scale: a million sleeping tasks, a million timers mostly cancelled, and bursts of wake-ups
// on queues, semaphores and conditions, task groups and as_completed with a hundred thousand
// children. asyncio copes with all of them in time roughly proportional to their size; so
// must the runtime.
//
// No wall-clock limit: each test runs its workload at n and at 10n, and requires the larger
// run to take less than 40 times the CPU time of the smaller. Linear or n log n work costs
// 10 to 25 times more (caches miss more at 10n, and the machine is shared); work quadratic in n
// costs 100 times more, so a step that walks past every earlier waiter, or searches a list of
// children, fails here. CPU time of this thread, not the wall clock, so other programs on the
// machine do not count. The smaller run is the best of three, the larger runs once. Both are large
// enough (10^5 and 10^6, mostly) that neither fits in the processor's caches, which would flatter
// the smaller.
//
// Each test also checks what the workload did: every task woke, in deadline order, every
// waiter was served first in, first out, and so on.
//
// Under the sanitizers (and in unoptimized builds) the sizes are ten times smaller
// (AIO_SCALE_REDUCED): the ratio still tells linear from quadratic.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <time.h>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "aio/exception_group.hpp"
#include "aio/task_group.hpp"

namespace {

/// The tests always run on the virtual clock (as the runtime tests do): sleeping a
/// million tasks for a second costs no second.
const bool virtual_clock_selected = [] {
  aio::use_clock(aio::ClockKind::virtual_);
  return true;
}();

#if AIO_SCALE_REDUCED
constexpr std::size_t reduce = 10;
#else
constexpr std::size_t reduce = 1;
#endif

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

template <class Workload>
double cpu_seconds_of(Workload& workload, std::size_t n) {
  const double start = thread_cpu_seconds();
  workload(n);
  return thread_cpu_seconds() - start;
}

/// Runs `workload(n)` (best of three) and `workload(10 * n)`, and expects the second to cost
/// less than 40 times the first.
template <class Workload>
void expect_linear_scaling(Workload workload, std::size_t n) {
  double small = std::numeric_limits<double>::infinity();
  for (int run = 0; run < 3; ++run) small = std::min(small, cpu_seconds_of(workload, n));
  const double large = cpu_seconds_of(workload, 10 * n);
  fmt::print("n = {}: {:.4f} s; 10n: {:.4f} s; ratio {:.1f}\n", n, small, large, large / small);
  EXPECT_LT(large, 40 * small) << "n = " << n << ": " << small << " s, 10n: " << large
                               << " s (ratio " << large / small << ")";
}

/// Loop time 1 s to 2 s, a different deadline for each of the n indexes in a scrambled order
/// (7919 is prime, so i * 7919 % n visits every residue once when n is a power of ten).
double deadline(std::size_t i, std::size_t n) {
  return 1.0 + static_cast<double>(i * 7919 % n) / static_cast<double>(n);
}

/// What woke, and whether it woke in deadline order.
struct Wakeups {
  std::size_t count = 0;
  std::size_t out_of_order = 0;
  double last = 0;

  void add(double when) {
    ++count;
    if (when < last) ++out_of_order;
    last = when;
  }
};

// ---- a million sleeping tasks ---------------------------------------------------------------

aio::Task<void> sleep_then_note(double delay, Wakeups* wakeups) {
  co_await aio::sleep(delay);
  wakeups->add(delay);
}

aio::Task<void> sleepers(std::size_t n, Wakeups* wakeups) {
  std::vector<aio::Task<void>> tasks;
  tasks.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    tasks.push_back(aio::create_task(sleep_then_note(deadline(i, n), wakeups)));
  }
  for (auto& task : tasks) co_await task;
}

TEST(Scale, AMillionSleepingTasksWakeInDeadlineOrder) {
  expect_linear_scaling(
      [](std::size_t n) {
        Wakeups wakeups;
        aio::run(sleepers(n, &wakeups));
        ASSERT_EQ(wakeups.count, n);
        ASSERT_EQ(wakeups.out_of_order, 0u);
      },
      100'000 / reduce);
}

// ---- a million timers, nine in ten cancelled -------------------------------------------------

aio::Task<void> timers_mostly_cancelled(std::size_t n, Wakeups* fired) {
  aio::EventLoop& loop = aio::get_running_loop();
  std::vector<aio::TimerHandle> handles;
  handles.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double delay = deadline(i, n);
    handles.push_back(loop.call_later(delay, [fired, delay] { fired->add(delay); }));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 10 != 0) handles[i].cancel();
  }
  co_await aio::sleep(3);
}

TEST(Scale, AMillionTimersNineInTenCancelled) {
  expect_linear_scaling(
      [](std::size_t n) {
        Wakeups fired;
        aio::run(timers_mostly_cancelled(n, &fired));
        ASSERT_EQ(fired.count, n / 10);
        ASSERT_EQ(fired.out_of_order, 0u);
      },
      100'000 / reduce);
}

// ---- wake-up bursts on the primitives ---------------------------------------------------------

aio::Task<void> await_all(std::vector<aio::Task<void>>& tasks) {
  for (auto& task : tasks) co_await task;
}

// async def get_one(queue, index, wrong):
//     if await queue.get() != index: wrong.append(index)
// async def main(n):
//     queue, wrong = asyncio.Queue(), []
//     tasks = [asyncio.create_task(get_one(queue, i, wrong)) for i in range(n)]
//     await asyncio.sleep(0)                 # every getter waits
//     for i in range(n): queue.put_nowait(i)
//     await asyncio.gather(*tasks); print(wrong)
// asyncio.run(main(100_000))      # [] (getters are served first in, first out), in 0.34 s
aio::Task<void> get_one(aio::Queue<std::size_t>* queue, std::size_t index, std::size_t* wrong) {
  const std::size_t item = co_await queue->get();
  if (item != index) ++*wrong;
}

aio::Task<void> queue_wakeups(std::size_t n, std::size_t* wrong) {
  aio::Queue<std::size_t> queue;
  std::vector<aio::Task<void>> getters;
  getters.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    getters.push_back(aio::create_task(get_one(&queue, i, wrong)));
  co_await aio::sleep(0);
  for (std::size_t i = 0; i < n; ++i) queue.put_nowait(i);
  co_await await_all(getters);
}

TEST(Scale, PutNowaitWakesEachOfManyWaitingGettersInConstantTime) {
  expect_linear_scaling(
      [](std::size_t n) {
        std::size_t wrong = 0;
        aio::run(queue_wakeups(n, &wrong));
        ASSERT_EQ(wrong, 0u);
      },
      100'000 / reduce);
}

/// The order in which waiters got through, against the order they arrived in.
struct Turns {
  std::size_t next = 0;
  std::size_t out_of_order = 0;

  void take(std::size_t index) {
    if (index != next) ++out_of_order;
    ++next;
  }
};

aio::Task<void> acquire_one(aio::Semaphore* semaphore, std::size_t index, Turns* turns) {
  co_await semaphore->acquire();
  turns->take(index);
}

aio::Task<void> semaphore_burst(std::size_t n, Turns* turns) {
  aio::Semaphore semaphore(0);
  std::vector<aio::Task<void>> waiters;
  waiters.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    waiters.push_back(aio::create_task(acquire_one(&semaphore, i, turns)));
  }
  co_await aio::sleep(0);  // every waiter waits
  for (std::size_t i = 0; i < n; ++i) semaphore.release();
  co_await await_all(waiters);
}

TEST(Scale, ABurstOfSemaphoreReleasesWakesEachWaiterInConstantTime) {
  expect_linear_scaling(
      [](std::size_t n) {
        Turns turns;
        aio::run(semaphore_burst(n, &turns));
        ASSERT_EQ(turns.next, n);
        ASSERT_EQ(turns.out_of_order, 0u);
      },
      100'000 / reduce);
}

aio::Task<void> wait_notified(aio::Condition* condition, std::size_t index, Turns* turns) {
  auto held = co_await condition->scoped();
  co_await condition->wait();
  turns->take(index);
}

aio::Task<void> notify_burst(std::size_t n, Turns* turns) {
  aio::Condition condition;
  std::vector<aio::Task<void>> waiters;
  waiters.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    waiters.push_back(aio::create_task(wait_notified(&condition, i, turns)));
  }
  co_await aio::sleep(0);  // every waiter waits
  {
    auto held = co_await condition.scoped();
    for (std::size_t i = 0; i < n; ++i) condition.notify(1);
  }
  co_await await_all(waiters);
}

TEST(Scale, ABurstOfConditionNotifyWakesEachWaiterInConstantTime) {
  expect_linear_scaling(
      [](std::size_t n) {
        Turns turns;
        aio::run(notify_burst(n, &turns));
        ASSERT_EQ(turns.next, n);
        ASSERT_EQ(turns.out_of_order, 0u);
      },
      100'000 / reduce);
}

aio::Task<void> pass_barrier(aio::Barrier* barrier, std::size_t* passed) {
  co_await barrier->wait();
  ++*passed;
}

aio::Task<void> barrier_round(std::size_t n, std::size_t* passed) {
  aio::Barrier barrier(static_cast<int>(n));
  std::vector<aio::Task<void>> parties;
  parties.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    parties.push_back(aio::create_task(pass_barrier(&barrier, passed)));
  co_await await_all(parties);
}

TEST(Scale, ABarrierOfManyPartiesReleasesThemInLinearTime) {
  expect_linear_scaling(
      [](std::size_t n) {
        std::size_t passed = 0;
        aio::run(barrier_round(n, &passed));
        ASSERT_EQ(passed, n);
      },
      // Smaller than the others: a barrier's cost grows somewhat faster than
      // its parties (ratios of 23 to 27 from 20,000 to 200,000; to be looked
      // into), and from 100,000 to a million the ratio swung from 15 to 44
      // between runs of one build, across this bound of 40. Here it stays
      // clear of it, and a quadratic release (about 100) still fails.
      20'000 / reduce);
}

// ---- task groups and as_completed -------------------------------------------------------------

aio::Task<void> child(double delay, Wakeups* wakeups) {
  co_await aio::sleep(delay);
  wakeups->add(delay);
}

aio::Task<void> group_of(std::size_t n, Wakeups* wakeups) {
  aio::TaskGroup group;
  for (std::size_t i = 0; i < n; ++i) group.create_task(child(deadline(i, n), wakeups));
  co_await group.join();
}

TEST(Scale, ATaskGroupForgetsEachFinishedChildInConstantTime) {
  expect_linear_scaling(
      [](std::size_t n) {
        Wakeups wakeups;
        aio::run(group_of(n, &wakeups));
        ASSERT_EQ(wakeups.count, n);
        ASSERT_EQ(wakeups.out_of_order, 0u);
      },
      100'000 / reduce);
}

aio::Task<void> fail_at_once(std::size_t index) {
  throw std::invalid_argument(std::to_string(index));
  co_return;
}

aio::Task<void> sleep_long() {
  co_await aio::sleep(10);
}

// async def fail_at_once(i): raise ValueError(str(i))
// async def main(n):
//     try:
//         async with asyncio.TaskGroup() as tg:
//             for i in range(n):
//                 tg.create_task(fail_at_once(i) if i % 2 == 0 else asyncio.sleep(10))
//     except ExceptionGroup as eg:
//         print(len(eg.exceptions), [str(e) for e in eg.exceptions[:3]])
// asyncio.run(main(100_000))                      # 50000 ['0', '2', '4']
//
// The failing children fail in their first step, in creation order, before the group hears
// of the first: every error is collected, in completion order; the sleepers are cancelled.
aio::Task<void> group_with_errors(std::size_t n, std::vector<std::exception_ptr>* errors) {
  aio::TaskGroup group;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 2 == 0) {
      group.create_task(fail_at_once(i));
    } else {
      group.create_task(sleep_long());
    }
  }
  try {
    co_await group.join();
  } catch (const aio::ExceptionGroup& error) {
    *errors = error.exceptions();
  }
}

TEST(Scale, ATaskGroupCollectsManyErrorsInCompletionOrder) {
  expect_linear_scaling(
      [](std::size_t n) {
        std::vector<std::exception_ptr> errors;
        aio::run(group_with_errors(n, &errors));
        ASSERT_EQ(errors.size(), n / 2);
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < errors.size(); ++i) {
          try {
            std::rethrow_exception(errors[i]);
          } catch (const std::invalid_argument& error) {
            if (error.what() != std::to_string(2 * i)) ++wrong;
          }
        }
        ASSERT_EQ(wrong, 0u);
      },
      10'000 / reduce);
}

aio::Task<double> finish_after(double delay) {
  co_await aio::sleep(delay);
  co_return delay;
}

aio::Task<void> in_completion_order(std::size_t n, Wakeups* results) {
  std::vector<aio::Task<double>> tasks;
  tasks.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    tasks.push_back(aio::create_task(finish_after(deadline(i, n))));
  for (auto next : aio::as_completed(tasks)) results->add(co_await next);
}

TEST(Scale, AsCompletedTakesEachFinishedTaskInConstantTime) {
  expect_linear_scaling(
      [](std::size_t n) {
        Wakeups results;
        aio::run(in_completion_order(n, &results));
        ASSERT_EQ(results.count, n);
        ASSERT_EQ(results.out_of_order, 0u);
      },
      100'000 / reduce);
}

// ---- a deep chain of inline awaits -------------------------------------------------------

// The supported depth of a chain of coroutines, each awaiting the next inline (`await coro`).
// In an optimized build each await hands control on without a call (symmetric transfer), so
// only memory limits the depth; in Debug and sanitizer builds each level takes a stack frame,
// and a chain of tens of thousands overflows the stack (see the README's Tests section).
#if AIO_SCALE_REDUCED
constexpr int supported_chain_depth = 10'000;
#else
constexpr int supported_chain_depth = 1'000'000;
#endif

aio::Task<int> chain(int depth, aio::Future<int> end) {
  if (depth == 0) co_return co_await end;
  co_return 1 + co_await chain(depth - 1, end);
}

// A chain as deep as the supported depth runs to its end, and when its loop closes while the
// chain is suspended, the frames are destroyed one at a time (destroying them recursively once
// overflowed the stack at a million levels).
TEST(Scale, AChainOfInlineAwaitsAsDeepAsSupportedRunsAndIsDestroyed) {
  {
    aio::EventLoop loop;
    aio::Future<int> end(loop);
    end.set_result(0);
    EXPECT_EQ(loop.run_until_complete(chain(supported_chain_depth, end)), supported_chain_depth);
  }
  const std::string errors = [] {
    testing::internal::CaptureStderr();
    aio::EventLoop loop;
    aio::Future<int> never(loop);
    aio::Task<int> task =
        loop.run_until_complete([](aio::Future<int> end) -> aio::Task<aio::Task<int>> {
          aio::Task<int> started = aio::create_task(chain(supported_chain_depth, end));
          co_await aio::sleep(0);
          co_return started;
        }(never));
    loop.close();  // the chain is suspended: its frames go now
    return testing::internal::GetCapturedStderr();
  }();
  EXPECT_NE(errors.find("Task was destroyed but it is pending"), std::string::npos) << errors;
}

}  // namespace
