// Core benchmarks of the aio runtime, on the real clock:
//   spawn      create_task + gather of coroutines that return at once
//   switch     `co_await aio::sleep(0)` in a loop, in 1, 2 or 100 tasks
//   sleeping   N tasks that each sleep 10 ms, run to completion
//   memory     what N sleeping tasks hold: coroutine frames, all heap, RSS
//
// Run it from a Release build:
//   build/default/benchmarks/core_benchmarks
// benchmarks/compare.py runs it next to benchmarks/core_benchmarks.py (the same
// workloads on CPython's asyncio) and prints one table; benchmarks/README.md
// explains every number.
//
// Each timed sample is measured inside the coroutine, from just before the
// first create_task to just after the last task finished (manual time), so
// creating and closing the event loop is not part of any number. The Python
// script measures the same span.

#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>
#include "benchmark_support.hpp"

#include <aio/aio.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

// ---- Counting every heap block ------------------------------------------------
//
// The replacement operator new/delete below count the live heap blocks and
// their size while `heap.counting` is on. A block's size is what glibc really
// uses for it: malloc_usable_size plus the 8-byte chunk header. Outside the
// memory benchmark the flag is off and the only cost is one test per call.

namespace {

struct HeapCount {
  bool counting = false;
  std::int64_t bytes = 0;
  std::int64_t blocks = 0;
};
HeapCount heap;

std::int64_t chunk_bytes(void* block) noexcept {
  return static_cast<std::int64_t>(malloc_usable_size(block) + sizeof(std::size_t));
}

void* counted_new(std::size_t size) {
  void* block = std::malloc(size == 0 ? 1 : size);
  if (block == nullptr) throw std::bad_alloc();
  if (heap.counting) {
    heap.bytes += chunk_bytes(block);
    ++heap.blocks;
  }
  return block;
}

void counted_delete(void* block) noexcept {
  if (block == nullptr) return;
  if (heap.counting) {
    heap.bytes -= chunk_bytes(block);
    --heap.blocks;
  }
  std::free(block);
}

}  // namespace

void* operator new(std::size_t size) {
  return counted_new(size);
}
void* operator new[](std::size_t size) {
  return counted_new(size);
}
void operator delete(void* block) noexcept {
  counted_delete(block);
}
void operator delete[](void* block) noexcept {
  counted_delete(block);
}
void operator delete(void* block, std::size_t) noexcept {
  counted_delete(block);
}
void operator delete[](void* block, std::size_t) noexcept {
  counted_delete(block);
}

namespace {

using bench::Clock;
using bench::report_time_per_item;
using bench::seconds_since;

/// Resident set size of this process, from /proc/self/statm.
std::int64_t resident_bytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  long total_pages = 0;
  long resident_pages = 0;
  const int read = std::fscanf(statm, "%ld %ld", &total_pages, &resident_pages);
  std::fclose(statm);
  if (read != 2) return 0;
  return static_cast<std::int64_t>(resident_pages) * sysconf(_SC_PAGESIZE);
}

// ---- The coroutines being measured -------------------------------------------

aio::Task<void> return_at_once() {
  co_return;
}

aio::Task<void> yield_times(std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) co_await aio::sleep(0);
}

aio::Task<void> sleep_for(double seconds) {
  co_await aio::sleep(seconds);
}

// ---- spawn --------------------------------------------------------------------

aio::Task<double> spawn_and_gather(std::int64_t count) {
  const auto start = Clock::now();
  std::vector<aio::Task<void>> tasks;
  tasks.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) tasks.push_back(aio::create_task(return_at_once()));
  auto results = co_await aio::gather(std::move(tasks));
  benchmark::DoNotOptimize(results.data());
  co_return seconds_since(start);
}

/// The same tasks, awaited one after another instead of gathered: the
/// difference from spawn_and_gather is what gather itself costs.
aio::Task<double> spawn_and_await_each(std::int64_t count) {
  const auto start = Clock::now();
  std::vector<aio::Task<void>> tasks;
  tasks.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) tasks.push_back(aio::create_task(return_at_once()));
  for (auto& task : tasks) co_await task;
  co_return seconds_since(start);
}

void BM_spawn_gather(benchmark::State& state) {
  const std::int64_t count = state.range(0);
  for ([[maybe_unused]] auto _ : state) state.SetIterationTime(aio::run(spawn_and_gather(count)));
  report_time_per_item(state, count, "per_task");
}

void BM_spawn_await_each(benchmark::State& state) {
  const std::int64_t count = state.range(0);
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(aio::run(spawn_and_await_each(count)));
  }
  report_time_per_item(state, count, "per_task");
}

// ---- switch -------------------------------------------------------------------

constexpr std::int64_t switches_per_run = 100'000;

/// One task (main itself) yields `count` times.
aio::Task<double> yield_alone(std::int64_t count) {
  const auto start = Clock::now();
  co_await yield_times(count);
  co_return seconds_since(start);
}

/// `tasks` tasks yield `count` times each, taking turns; main waits for them.
aio::Task<double> yield_in_turn(std::int64_t tasks, std::int64_t count) {
  const auto start = Clock::now();
  std::vector<aio::Task<void>> running;
  for (std::int64_t i = 0; i < tasks; ++i) running.push_back(aio::create_task(yield_times(count)));
  for (auto& task : running) co_await task;
  co_return seconds_since(start);
}

void BM_switch(benchmark::State& state) {
  const std::int64_t tasks = state.range(0);
  const std::int64_t per_task = switches_per_run / tasks;
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(tasks == 1 ? aio::run(yield_alone(per_task))
                                      : aio::run(yield_in_turn(tasks, per_task)));
  }
  report_time_per_item(state, tasks * per_task, "per_switch");
}

// ---- N sleeping tasks ---------------------------------------------------------

constexpr double nap = 0.01;

aio::Task<double> sleep_in_tasks(std::int64_t count) {
  const auto start = Clock::now();
  std::vector<aio::Task<void>> tasks;
  tasks.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) tasks.push_back(aio::create_task(sleep_for(nap)));
  for (auto& task : tasks) co_await task;
  co_return seconds_since(start);
}

void BM_sleeping_tasks(benchmark::State& state) {
  const std::int64_t count = state.range(0);
  double total = 0;
  for ([[maybe_unused]] auto _ : state) {
    const double elapsed = aio::run(sleep_in_tasks(count));
    state.SetIterationTime(elapsed);
    total += elapsed;
  }
  report_time_per_item(state, count, "per_task");
  // What the runtime adds on top of the 10 ms every task sleeps, per task.
  const auto runs = static_cast<double>(state.iterations());
  state.counters["overhead_ns"] = (total - nap * runs) / (runs * static_cast<double>(count)) * 1e9;
}

// ---- bytes per sleeping task --------------------------------------------------

struct MemoryUse {
  double frame_bytes = 0;  // coroutine frames, as aio::frame_allocations() counts them
  double heap_bytes = 0;   // every live heap block, glibc chunk sizes
  double heap_blocks = 0;
  double rss_bytes = 0;  // growth of the resident set
};

/// Creates `count` tasks that sleep, and measures once every one of them is
/// asleep. The list of Task handles (8 bytes a task) is part of the measure,
/// as the Python list of tasks is in core_benchmarks.py.
aio::Task<void> hold_sleeping_tasks(std::int64_t count, MemoryUse* use) {
  const aio::FrameAllocations frames_before = aio::frame_allocations();
  const HeapCount heap_before = heap;
  const std::int64_t rss_before = resident_bytes();

  std::vector<aio::Task<void>> tasks;
  tasks.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) tasks.push_back(aio::create_task(sleep_for(nap)));
  co_await aio::sleep(0);  // every task has taken its first step: all of them sleep now

  const auto per_task = [count](auto bytes) {
    return static_cast<double>(bytes) / static_cast<double>(count);
  };
  use->frame_bytes = per_task(aio::frame_allocations().bytes - frames_before.bytes);
  use->heap_bytes = per_task(heap.bytes - heap_before.bytes);
  use->heap_blocks = per_task(heap.blocks - heap_before.blocks);
  use->rss_bytes = per_task(resident_bytes() - rss_before);

  for (auto& task : tasks) co_await task;
}

void BM_sleeping_task_bytes(benchmark::State& state) {
  const std::int64_t count = state.range(0);
  MemoryUse use;
  for ([[maybe_unused]] auto _ : state) {
    malloc_trim(0);  // hand freed memory back, so the RSS growth is this run's
    heap.counting = true;
    const auto start = Clock::now();
    aio::run(hold_sleeping_tasks(count, &use));
    state.SetIterationTime(seconds_since(start));
    heap.counting = false;
  }
  state.counters["frame_bytes"] = use.frame_bytes;
  state.counters["heap_bytes"] = use.heap_bytes;
  state.counters["heap_blocks"] = use.heap_blocks;
  state.counters["rss_bytes"] = use.rss_bytes;
}

// The memory benchmark runs first, while the heap is still small and clean.
BENCHMARK(BM_sleeping_task_bytes)
    ->ArgName("tasks")
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_spawn_gather)
    ->ArgName("tasks")
    ->Arg(1'000)
    ->Arg(10'000)
    ->MinTime(0.2)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_spawn_await_each)
    ->ArgName("tasks")
    ->Arg(10'000)
    ->MinTime(0.2)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_switch)
    ->ArgName("tasks")
    ->Arg(1)
    ->Arg(2)
    ->Arg(100)
    ->MinTime(0.2)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_sleeping_tasks)
    ->ArgName("tasks")
    ->Arg(1'000)
    ->Arg(10'000)
    ->MinTime(0.2)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_sleeping_tasks)
    ->ArgName("tasks")
    ->Arg(100'000)
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_sleeping_tasks)
    ->ArgName("tasks")
    ->Arg(1'000'000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// ---- Sizes, for the report ----------------------------------------------------

struct FrameSizes {
  std::size_t return_at_once = 0;
  std::size_t yield_times = 0;
  std::size_t sleep_for = 0;
};

/// Creates one coroutine of each kind and reads how large its frame was.
aio::Task<void> measure_frames(FrameSizes* sizes) {
  auto frame_of = [](auto make) {
    const std::size_t before = aio::frame_allocations().bytes;
    auto coroutine = make();
    return std::pair(aio::frame_allocations().bytes - before, std::move(coroutine));
  };
  auto [at_once_bytes, at_once] = frame_of([] { return return_at_once(); });
  auto [yield_bytes, yielding] = frame_of([] { return yield_times(1); });
  auto [sleep_bytes, sleeping] = frame_of([] { return sleep_for(0); });
  sizes->return_at_once = at_once_bytes;
  sizes->yield_times = yield_bytes;
  sizes->sleep_for = sleep_bytes;
  co_await std::move(at_once);
  co_await std::move(yielding);
  co_await std::move(sleeping);
}

void add_size_context() {
  FrameSizes sizes;
  aio::run(measure_frames(&sizes));
  benchmark::AddCustomContext("sizeof(aio::detail::TaskPromise<void>)",
                              std::to_string(sizeof(aio::detail::TaskPromise<void>)));
  benchmark::AddCustomContext("sizeof(aio::detail::TaskBase)",
                              std::to_string(sizeof(aio::detail::TaskBase)));
  benchmark::AddCustomContext("sizeof(aio::detail::FutureBase)",
                              std::to_string(sizeof(aio::detail::FutureBase)));
  benchmark::AddCustomContext("frame bytes of return_at_once()",
                              std::to_string(sizes.return_at_once));
  benchmark::AddCustomContext("frame bytes of yield_times()", std::to_string(sizes.yield_times));
  benchmark::AddCustomContext("frame bytes of sleep_for()", std::to_string(sizes.sleep_for));
}

}  // namespace

int main(int argc, char** argv) {
  // Every number here is about the real clock, whatever AIO_CLOCK says.
  aio::use_clock(aio::ClockKind::real);
  benchmark::AddCustomContext("aio clock", "real");
  add_size_context();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
