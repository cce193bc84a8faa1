#pragma once
/// \file scoped_timer.hpp
/// Exercise E8 (chapter 5): time a block, then time gather against awaiting
/// one call after another.
///
/// Python times a block with an async context manager, `async with timer():`.
/// In C++ a block is timed by an object that lives exactly as long as the
/// block: its constructor runs where the block begins and its destructor where
/// the block ends, however it ends (RAII).
///
/// 1. Write `ScopedTimer`: the constructor notes the time, `elapsed()` says how
///    many seconds have passed since, and the destructor hands the final
///    elapsed time to `report`, if one was given.
/// 2. Write `call_one_by_one`, which awaits `api_call(i, latencies[i])` for each
///    i in turn, and `call_all_at_once`, which runs the same calls together.
///    Both return the responses in the order of `latencies`.
/// 3. Write `compare`: it runs `call_one_by_one` and then `call_all_at_once`
///    on the same latencies, times each with a ScopedTimer, and returns the two
///    times and the two lists of responses.
///
/// One after another, twenty calls take the sum of their latencies; together,
/// the longest latency alone. With twenty equal latencies that is 20 times
/// faster.
///
/// Hints:
/// - Time is read with aio::perf_counter(): on a running loop it is the same
///   clock as `loop.time()`, and it works outside a loop as well.
/// - A destructor must not throw; calling `report` is all it has to do.
/// - Inside a coroutine, give the timer a block of its own, `{ ... }`, so it is
///   destroyed (and reports) where that block ends.
/// - `aio::gather` over a vector of coroutines returns their results in the
///   vector's order.

#include <aio/aio.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace e08 {

/// Measures the loop time that a block takes.
class ScopedTimer {
 public:
  /// Starts timing. When the timer is destroyed, `report` (if not empty)
  /// receives the seconds elapsed since it started.
  explicit ScopedTimer(std::function<void(double seconds)> report = {});
  ~ScopedTimer();
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

  /// Seconds since the timer started.
  double elapsed() const;

 private:
  std::function<void(double seconds)> report_;
  double start_ = 0;
};

/// What a pretend API call answers.
struct Response {
  int id = 0;
  double latency = 0;
  bool operator==(const Response&) const = default;
};

/// A pretend API call: waits `latency` seconds, then answers.
inline aio::Task<Response> api_call(int id, double latency) {
  co_await aio::sleep(latency);
  co_return Response{id, latency};
}

/// `count` latencies between 0.1 and 1.0 s, drawn from a generator seeded with
/// `seed` (Python: `random.seed(seed)`, then `random.uniform(0.1, 1.0)` each).
inline std::vector<double> random_latencies(std::size_t count, std::uint64_t seed) {
  aio::Random random(seed);
  std::vector<double> latencies;
  for (std::size_t i = 0; i < count; ++i) latencies.push_back(random.uniform(0.1, 1.0));
  return latencies;
}

/// Awaits `api_call(i, latencies[i])` for each i, one after another.
aio::Task<std::vector<Response>> call_one_by_one(std::vector<double> latencies);

/// Runs the same calls concurrently; the responses follow `latencies`.
aio::Task<std::vector<Response>> call_all_at_once(std::vector<double> latencies);

/// The two ways of making the calls, each with its time.
struct Comparison {
  double one_by_one_seconds = 0;
  double all_at_once_seconds = 0;
  std::vector<Response> one_by_one;
  std::vector<Response> all_at_once;
};

/// Runs call_one_by_one, then call_all_at_once, timing each with a ScopedTimer.
aio::Task<Comparison> compare(std::vector<double> latencies);

}  // namespace e08
