#pragma once
/// \file benchmark_support.hpp
/// What every benchmark program shares: timing a sample inside the coroutine
/// being measured, and reporting it as a time per item.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

namespace bench {

using Clock = std::chrono::steady_clock;

/// Seconds from `start` to now, for Google Benchmark's manual time.
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Reports `items` per iteration as a time per item under `name`
/// (for instance "per_task": 41.3ns).
inline void report_time_per_item(benchmark::State& state, std::int64_t items, const char* name) {
  const auto total = static_cast<double>(state.iterations() * items);
  state.SetItemsProcessed(state.iterations() * items);
  state.counters[name] =
      benchmark::Counter(total, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace bench
