// One event loop per thread, as CPython allows: several threads each call aio::run at the same
// time, over and over, with many tasks, sleeps, gather, a queue, a lock, timers, a TaskGroup and
// a timeout. Each thread must get exactly the results it gets when it runs alone; what the
// threads share (the Task-N counter, the loop serials) must stay consistent. The tsan preset
// runs this under ThreadSanitizer, which reports any race on the runtime's process globals.
//
// What CPython does, with `threading` and `asyncio.run` in each thread:
//
// async def worker(i):
//     await asyncio.sleep(0.01 * i); return asyncio.current_task().get_name()
// async def main(label):
//     me = asyncio.current_task().get_name()
//     return label, me, await asyncio.gather(*(worker(i) for i in range(3)))
// results = {}
// def thread(label): results[label] = asyncio.run(main(label))
// threads = [threading.Thread(target=thread, args=(l,)) for l in "AB"]
// for t in threads: t.start()
// for t in threads: t.join()
// for label in "AB": print(results[label])
// print("after the threads:", asyncio.run(main("C"))[1])
// # ('A', 'Task-1', ['Task-2', 'Task-3', 'Task-4'])
// # ('B', 'Task-5', ['Task-6', 'Task-7', 'Task-8'])
// # after the threads: Task-13
//
// Task numbers come from one counter for the process (`itertools.count`): no two tasks of any
// thread share a name, each thread's tasks are numbered in the order it creates them, and every
// asyncio.run takes two more numbers for its shutdown tasks (2 threads x (1 + 3 + 2) = 12, so
// the next main task is Task-13). Which thread gets which numbers depends on how the threads
// interleave, so the tests check those properties rather than the names themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "aio/aio.hpp"

namespace {

constexpr int thread_count = 4;

/// What one thread saw. Filled by its own thread only; read after join().
struct Report {
  std::vector<std::string> events;      // what happened, in order, times included
  std::vector<std::string> errors;      // broken expectations, checked by the test
  std::vector<std::uint64_t> serials;   // the serial of each loop the thread ran
  std::vector<std::uint64_t> numbers;   // N of each Task-N the thread created, in order
  std::size_t frames = 0;               // coroutine frames the thread allocated
  double first_time = -1;               // loop.time() when its first loop started
  std::size_t runs = 0;                 // aio::run calls
  std::vector<double> round_durations;  // loop time each round took

  void expect(bool condition, const std::string& what) {
    if (!condition) errors.push_back(what);
  }
  void note_task(const std::string& name) {
    const std::string prefix = "Task-";
    expect(name.starts_with(prefix), "default task name: " + name);
    if (name.starts_with(prefix)) numbers.push_back(std::stoull(name.substr(prefix.size())));
  }
};

std::string at(double seconds) {
  return std::to_string(seconds);  // fixed, 6 decimals: exact enough to compare runs
}

aio::Task<int> value_after(double delay, int value) {
  co_await aio::sleep(delay);
  co_return value;
}

aio::Task<void> produce(aio::Queue<int>* queue, int first, int count, double unit) {
  for (int i = 0; i < count; ++i) {
    co_await queue->put(first + i);
    if (i % 5 == 4) co_await aio::sleep(unit);
  }
}

aio::Task<int> consume(aio::Queue<int>* queue) {
  int sum = 0;
  for (;;) {
    const int item = co_await queue->get();
    queue->task_done();
    if (item < 0) co_return sum;  // the sentinel
    sum += item;
  }
}

aio::Task<void> hold_lock(aio::Lock* lock, int* holders, Report* report, double unit) {
  for (int i = 0; i < 3; ++i) {
    auto held = co_await lock->scoped();
    ++*holders;
    report->expect(*holders == 1, "two holders of one lock");
    co_await aio::sleep(i == 0 ? 0 : unit / 4);
    --*holders;
  }
}

/// One aio::run's worth of work. `unit` scales every delay; `id` makes each thread's delays
/// (and so its times) its own.
aio::Task<void> round(Report* report, int id, double unit) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  if (report->first_time < 0) report->first_time = start;
  report->serials.push_back(loop.serial());
  report->note_task(aio::current_task()->get_name());
  auto create = [report](auto coroutine) {
    auto task = aio::create_task(std::move(coroutine));
    report->note_task(task.get_name());
    return task;
  };

  // Many sleeping tasks, gathered: results in argument order.
  std::vector<aio::Task<int>> sleepers;
  for (int i = 0; i < 100; ++i)
    sleepers.push_back(create(value_after(unit * ((i * 7 + id) % 10), i)));
  const std::vector<int> values = co_await aio::gather(std::move(sleepers));
  for (int i = 0; i < 100; ++i) report->expect(values[i] == i, "gather order");
  report->events.push_back("gather " + at(loop.time() - start));

  // Three producers and two consumers around a small queue; each consumer stops at a sentinel.
  aio::Queue<int> queue(4);
  std::vector<aio::Task<void>> producers;
  for (int p = 0; p < 3; ++p) producers.push_back(create(produce(&queue, p * 100, 20, unit)));
  std::vector<aio::Task<int>> consumers;
  for (int c = 0; c < 2; ++c) consumers.push_back(create(consume(&queue)));
  co_await aio::gather(std::move(producers));
  for (int c = 0; c < 2; ++c) co_await queue.put(-1);
  const std::vector<int> sums = co_await aio::gather(std::move(consumers));
  const int expected_sum = 3 * (19 * 20 / 2) + 20 * (0 + 100 + 200);
  report->expect(sums[0] + sums[1] == expected_sum, "every item consumed once");
  report->events.push_back("queue " + std::to_string(sums[0]) + " " + std::to_string(sums[1]) +
                           " " + at(loop.time() - start));

  // Twenty tasks taking turns at one lock.
  aio::Lock lock;
  int holders = 0;
  std::vector<aio::Task<void>> lockers;
  for (int i = 0; i < 20; ++i) lockers.push_back(create(hold_lock(&lock, &holders, report, unit)));
  co_await aio::gather(std::move(lockers));
  report->events.push_back("lock " + at(loop.time() - start));

  // Timers set out of order fire in deadline order; a cancelled one never fires.
  std::vector<int> fired;
  for (int i = 0; i < 13; ++i) {
    const int slot = (i * 5 + id) % 13;
    loop.call_later(unit * (slot + 1), [&fired, slot] { fired.push_back(slot); });
  }
  aio::TimerHandle cancelled = loop.call_later(unit, [&fired] { fired.push_back(-1); });
  cancelled.cancel();
  co_await aio::sleep(unit * 14);
  std::vector<int> in_order(13);
  for (int i = 0; i < 13; ++i) in_order[i] = i;
  report->expect(fired == in_order, "timers in deadline order");
  report->events.push_back("timers " + at(loop.time() - start));

  // A task group whose children all succeed.
  int total = 0;
  {
    aio::TaskGroup group;
    std::vector<aio::ChildTask<int>> children;
    for (int i = 0; i < 10; ++i) {
      children.push_back(group.create_task(value_after(unit * (i % 3), i)));
      report->note_task(children.back().get_name());
    }
    co_await group.join();
    for (auto& child : children) total += child.result();
  }
  report->expect(total == 45, "task group results");
  report->events.push_back("group " + at(loop.time() - start));

  // A timeout scope that expires.
  try {
    co_await aio::with_timeout(unit, value_after(unit * 10, 0));
    report->expect(false, "the timeout expired");
  } catch (const aio::TimeoutError&) {
    report->events.push_back("timeout " + at(loop.time() - start));
  }
  report->round_durations.push_back(loop.time() - start);
}

/// A thread's whole life: `rounds` aio::run calls, one after another.
void run_rounds(Report* report, int id, int rounds, double unit) {
  const std::size_t frames_before = aio::frame_allocations().frames;
  for (int r = 0; r < rounds; ++r) {
    aio::run(round(report, id, unit));
    ++report->runs;
  }
  report->frames = aio::frame_allocations().frames - frames_before;
}

/// Runs every thread's rounds at the same time.
std::vector<Report> run_concurrently(int rounds, double unit) {
  std::vector<Report> reports(thread_count);
  std::vector<std::thread> threads;
  for (int id = 0; id < thread_count; ++id) {
    threads.emplace_back(run_rounds, &reports[id], id, rounds, unit);
  }
  for (std::thread& thread : threads) thread.join();
  return reports;
}

aio::Task<std::string> own_name() {
  co_return aio::current_task()->get_name();
}

/// What every concurrent run must show, whatever the clock: each thread's expectations held,
/// no two loops share a serial, and the task numbers behave as CPython's one counter does.
void expect_consistent(const std::vector<Report>& reports, int rounds) {
  std::set<std::uint64_t> serials;
  std::set<std::uint64_t> numbers;
  std::uint64_t taken = 0;  // numbers consumed: named tasks plus two per aio::run
  for (const Report& report : reports) {
    EXPECT_EQ(report.errors, std::vector<std::string>{});
    EXPECT_EQ(report.runs, static_cast<std::size_t>(rounds));
    serials.insert(report.serials.begin(), report.serials.end());
    numbers.insert(report.numbers.begin(), report.numbers.end());
    EXPECT_TRUE(std::is_sorted(report.numbers.begin(), report.numbers.end()))
        << "a thread's tasks are numbered in the order it creates them";
    taken += report.numbers.size() + 2 * report.runs;
  }
  EXPECT_EQ(serials.size(), static_cast<std::size_t>(thread_count * rounds));
  std::size_t created = 0;
  for (const Report& report : reports) created += report.numbers.size();
  EXPECT_EQ(numbers.size(), created) << "no two tasks share a default name";
  // The counter went on from where every thread left it (reset before the threads started).
  EXPECT_EQ(aio::run(own_name()), "Task-" + std::to_string(taken + 1));
}

// Virtual time is each thread's own (clock.hpp): a loop in a new thread starts at 0, and a
// thread running beside others sees exactly the events, times and frame counts it sees alone.
TEST(Threads, LoopsInThreadsOnTheVirtualClockSeeWhatTheySeeAlone) {
  aio::use_clock(aio::ClockKind::virtual_);
  constexpr int rounds = 150;
  constexpr double unit = 0.01;

  std::vector<Report> alone(thread_count);
  for (int id = 0; id < thread_count; ++id) {
    std::thread(run_rounds, &alone[id], id, rounds, unit).join();
  }
  aio::detail::reset_task_counter();
  const std::size_t main_frames = aio::frame_allocations().frames;
  const std::vector<Report> together = run_concurrently(rounds, unit);
  EXPECT_EQ(aio::frame_allocations().frames, main_frames) << "frames are counted per thread";

  for (int id = 0; id < thread_count; ++id) {
    SCOPED_TRACE("thread " + std::to_string(id));
    EXPECT_EQ(together[id].first_time, 0.0);
    EXPECT_EQ(together[id].events, alone[id].events);
    EXPECT_EQ(together[id].frames, alone[id].frames);
    EXPECT_GT(together[id].frames, together[id].numbers.size());
  }
  expect_consistent(together, rounds);
}

// On the real clock the threads share time itself: each round takes at least as long as its
// chain of sleeps, and the run as long as any thread's rounds.
TEST(Threads, LoopsInThreadsOnTheRealClock) {
  aio::use_clock(aio::ClockKind::real);
  constexpr int rounds = 2;
  constexpr double unit = 0.005;

  aio::detail::reset_task_counter();
  const double start = aio::perf_counter();
  const std::vector<Report> reports = run_concurrently(rounds, unit);
  const double elapsed = aio::perf_counter() - start;

  for (const Report& report : reports) {
    double thread_total = 0;
    for (const double duration : report.round_durations) {
      // gather (9 units) + timers (14) + the timeout (1), at the least
      EXPECT_GE(duration, unit * 24 - 1e-6);
      thread_total += duration;
    }
    EXPECT_GE(elapsed, thread_total);
  }
  expect_consistent(reports, rounds);
  aio::use_clock(aio::ClockKind::virtual_);
}

}  // namespace
