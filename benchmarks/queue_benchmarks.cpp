// Queue benchmarks of the aio runtime, on the real clock:
//   ping_pong        two tasks, two unbounded queues, one item bouncing between them
//   sleep0_ping_pong the same two tasks taking turns with sleep(0), no queue: the floor
//   bounded_handoff  a producer and a consumer through a Queue(maxsize=1): both sides wait
//   nowait_pairs     put_nowait then get_nowait of one item, in one task (no waiting)
//   nowait_batch     1,000 put_nowait then 1,000 get_nowait, in one task
//
// Run it from a Release build:
//   build/default/benchmarks/queue_benchmarks
// benchmarks/queue_benchmarks.py runs the same workloads on CPython's asyncio; given
// `--cpp build/default/benchmarks/queue_benchmarks` it runs this program too and prints
// one table with both and their ratio.
//
// As in core_benchmarks.cpp, a sample is timed inside the main coroutine, from just
// before the first task is created (or the first item put) to just after the last item
// came out, and handed to Google Benchmark as manual time: creating and closing the event
// loop is not part of any number.

#include <benchmark/benchmark.h>

#include "benchmark_support.hpp"

#include <aio/aio.hpp>
#include <aio/queue.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace {

using bench::Clock;
using bench::report_time_per_item;
using bench::seconds_since;

// ---- ping-pong: one item bouncing between two tasks -------------------------------

constexpr std::int64_t rounds_per_run = 100'000;

aio::Task<void> pinger(aio::Queue<std::int64_t>* out, aio::Queue<std::int64_t>* in,
                       std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) {
    co_await out->put(i);
    benchmark::DoNotOptimize(co_await in->get());
  }
}

aio::Task<void> ponger(aio::Queue<std::int64_t>* in, aio::Queue<std::int64_t>* out,
                       std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) co_await out->put(co_await in->get());
}

aio::Task<double> ping_pong(std::int64_t rounds) {
  aio::Queue<std::int64_t> there;
  aio::Queue<std::int64_t> back;
  const auto start = Clock::now();
  aio::Task<void> ping = aio::create_task(pinger(&there, &back, rounds));
  aio::Task<void> pong = aio::create_task(ponger(&there, &back, rounds));
  co_await ping;
  co_await pong;
  co_return seconds_since(start);
}

void BM_queue_ping_pong(benchmark::State& state) {
  for ([[maybe_unused]] auto _ : state) state.SetIterationTime(aio::run(ping_pong(rounds_per_run)));
  report_time_per_item(state, rounds_per_run, "per_round_trip");
}

// The floor under ping-pong: the same two tasks taking turns with sleep(0) and no queue.
// One round is two task switches, as one round trip is.

aio::Task<void> yield_rounds(std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) co_await aio::sleep(0);
}

aio::Task<double> sleep0_ping_pong(std::int64_t rounds) {
  const auto start = Clock::now();
  aio::Task<void> ping = aio::create_task(yield_rounds(rounds));
  aio::Task<void> pong = aio::create_task(yield_rounds(rounds));
  co_await ping;
  co_await pong;
  co_return seconds_since(start);
}

void BM_sleep0_ping_pong(benchmark::State& state) {
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(aio::run(sleep0_ping_pong(rounds_per_run)));
  }
  report_time_per_item(state, rounds_per_run, "per_round_trip");
}

// ---- a bounded queue: producer and consumer both wait -----------------------------

constexpr std::int64_t items_per_run = 100'000;

aio::Task<void> producer(aio::Queue<std::int64_t>* queue, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) co_await queue->put(i);
}

aio::Task<void> consumer(aio::Queue<std::int64_t>* queue, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) benchmark::DoNotOptimize(co_await queue->get());
}

aio::Task<double> bounded_handoff(std::int64_t count) {
  aio::Queue<std::int64_t> queue(1);
  const auto start = Clock::now();
  aio::Task<void> produce = aio::create_task(producer(&queue, count));
  aio::Task<void> consume = aio::create_task(consumer(&queue, count));
  co_await produce;
  co_await consume;
  co_return seconds_since(start);
}

void BM_queue_bounded_handoff(benchmark::State& state) {
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(aio::run(bounded_handoff(items_per_run)));
  }
  report_time_per_item(state, items_per_run, "per_item");
}

// ---- put_nowait / get_nowait ------------------------------------------------------

constexpr std::int64_t pairs_per_run = 1'000'000;
constexpr std::int64_t batch = 1'000;

template <class Q>
aio::Task<double> nowait_pairs(std::int64_t count) {
  Q queue;
  const auto start = Clock::now();
  for (std::int64_t i = 0; i < count; ++i) {
    queue.put_nowait(i);
    benchmark::DoNotOptimize(queue.get_nowait());
  }
  co_return seconds_since(start);
}

template <class Q>
aio::Task<double> nowait_batches(std::int64_t count) {
  Q queue;
  const auto start = Clock::now();
  for (std::int64_t done = 0; done < count; done += batch) {
    // Descending values, so the priority queue's heap has work to do.
    for (std::int64_t i = 0; i < batch; ++i) queue.put_nowait(batch - i);
    for (std::int64_t i = 0; i < batch; ++i) benchmark::DoNotOptimize(queue.get_nowait());
  }
  co_return seconds_since(start);
}

template <class Q>
void BM_queue_nowait_pairs(benchmark::State& state) {
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(aio::run(nowait_pairs<Q>(pairs_per_run)));
  }
  report_time_per_item(state, pairs_per_run, "per_item");
}

template <class Q>
void BM_queue_nowait_batch(benchmark::State& state) {
  for ([[maybe_unused]] auto _ : state) {
    state.SetIterationTime(aio::run(nowait_batches<Q>(pairs_per_run)));
  }
  report_time_per_item(state, pairs_per_run, "per_item");
}

using Fifo = aio::Queue<std::int64_t>;
using Lifo = aio::LifoQueue<std::int64_t>;
using Priority = aio::PriorityQueue<std::int64_t>;

BENCHMARK(BM_queue_ping_pong)->MinTime(0.2)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_sleep0_ping_pong)->MinTime(0.2)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_queue_bounded_handoff)->MinTime(0.2)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_queue_nowait_pairs<Fifo>)
    ->MinTime(0.2)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_queue_nowait_batch<Fifo>)
    ->MinTime(0.2)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_queue_nowait_batch<Lifo>)
    ->MinTime(0.2)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_queue_nowait_batch<Priority>)
    ->MinTime(0.2)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // Every number here is about the real clock, whatever AIO_CLOCK says.
  aio::use_clock(aio::ClockKind::real);
  benchmark::AddCustomContext("aio clock", "real");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
