// Synchronization benchmarks of the aio runtime, on the real clock:
//   lock_uncontended     `co_await lock.acquire(); lock.release();` in a loop, one task alone
//   lock_scoped          the same through the guard: `{ auto held = co_await lock.scoped(); }`
//   semaphore_handoff    10,000 tasks queued on a Semaphore(1), each taking it and giving it
//                        back: every release wakes the next task, which takes the permit
//   lock_handoff         the same with a Lock
//
// Run it from a Release build:
//   build/default/benchmarks/sync_benchmarks
// benchmarks/sync_benchmarks.py runs the same workloads on CPython's asyncio; given
// `--cpp build/default/benchmarks/sync_benchmarks` it runs this program too and prints one
// table with both and their ratio.
//
// As in core_benchmarks.cpp, a sample is timed inside the main coroutine and handed to
// Google Benchmark as manual time, so creating and closing the event loop is not part of any
// number. For the hand-offs the span starts at main's release(), once every task is queued,
// and ends when the last task has taken and given back the permit: creating the tasks and
// their first steps (which queue them) are outside it.

#include <benchmark/benchmark.h>

#include "benchmark_support.hpp"

#include <aio/aio.hpp>
#include <aio/lock.hpp>
#include <aio/semaphore.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

using bench::Clock;
using bench::report_time_per_item;
using bench::seconds_since;

// ---- uncontended: one task takes and gives back a free lock ------------------------------

constexpr std::int64_t uncontended_per_run = 1'000'000;

aio::Task<double> lock_uncontended(std::int64_t count) {
  aio::Lock lock;
  const auto start = Clock::now();
  for (std::int64_t i = 0; i < count; ++i) {
    benchmark::DoNotOptimize(co_await lock.acquire());
    lock.release();
  }
  co_return seconds_since(start);
}

aio::Task<double> lock_scoped(std::int64_t count) {
  aio::Lock lock;
  const auto start = Clock::now();
  for (std::int64_t i = 0; i < count; ++i) {
    auto held = co_await lock.scoped();
    benchmark::DoNotOptimize(held);
  }
  co_return seconds_since(start);
}

void BM_lock_uncontended(benchmark::State& state) {
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(aio::run(lock_uncontended(uncontended_per_run)));
  }
  report_time_per_item(state, uncontended_per_run, "per_op");
}

void BM_lock_scoped(benchmark::State& state) {
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(aio::run(lock_scoped(uncontended_per_run)));
  }
  report_time_per_item(state, uncontended_per_run, "per_op");
}

// ---- hand-off: N tasks queued, each release wakes the next -------------------------------

template <class Primitive>
aio::Task<void> take_and_give_back(Primitive* primitive) {
  co_await primitive->acquire();
  primitive->release();
}

template <class Primitive>
aio::Task<double> handoff(std::int64_t tasks) {
  Primitive primitive;  // a Lock, or a Semaphore with one permit
  co_await primitive.acquire();
  std::vector<aio::Task<void>> waiting;
  waiting.reserve(static_cast<std::size_t>(tasks));
  for (std::int64_t i = 0; i < tasks; ++i) {
    waiting.push_back(aio::create_task(take_and_give_back(&primitive)));
  }
  co_await aio::sleep(0);  // every task takes its first step and queues
  const auto start = Clock::now();
  primitive.release();
  co_await waiting.back();  // FIFO: the last task queued is the last served
  const double elapsed = seconds_since(start);
  for (auto& task : waiting) co_await task;  // all done already; nothing left pending
  co_return elapsed;
}

void BM_semaphore_handoff(benchmark::State& state) {
  const std::int64_t tasks = state.range(0);
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(aio::run(handoff<aio::Semaphore>(tasks)));
  }
  report_time_per_item(state, tasks, "per_handoff");
}

void BM_lock_handoff(benchmark::State& state) {
  const std::int64_t tasks = state.range(0);
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(aio::run(handoff<aio::Lock>(tasks)));
  }
  report_time_per_item(state, tasks, "per_handoff");
}

}  // namespace

BENCHMARK(BM_lock_uncontended)
    ->Name("lock_uncontended")
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lock_scoped)->Name("lock_scoped")->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_semaphore_handoff)
    ->Name("semaphore_handoff")
    ->Arg(10'000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lock_handoff)
    ->Name("lock_handoff")
    ->Arg(10'000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  // Benchmarks measure real time, whatever AIO_CLOCK says.
  aio::use_clock(aio::ClockKind::real);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
