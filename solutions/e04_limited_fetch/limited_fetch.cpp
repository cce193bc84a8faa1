// Exercise E4, a reference answer.
#include "limited_fetch.hpp"

#include <fmt/core.h>

#include <stdexcept>
#include <utility>

namespace e04 {

namespace {

/// One fetch that first waits for a permit. The permit goes back when `held`
/// goes out of scope, so the next waiting fetch starts as this one ends.
aio::Task<Page> fetch_with_permit(aio::Semaphore& permits, std::string url, double latency,
                                  FetchStats* stats) {
  auto held = co_await permits.scoped();
  co_return co_await fetch(std::move(url), latency, stats);
}

}  // namespace

aio::Task<std::vector<Page>> fetch_limited(std::vector<std::string> urls,
                                           std::vector<double> latencies, int limit,
                                           FetchStats* stats) {
  // Semaphore(0) would let nothing through, and the fetches would wait
  // forever: refuse the limit before starting anything.
  if (limit < 1) throw std::invalid_argument(fmt::format("limit must be 1 or more, not {}", limit));
  // The semaphore lives here, and this coroutine awaits every fetch that uses
  // it, so it outlives them all.
  aio::Semaphore permits(limit);
  std::vector<aio::Task<Page>> fetches;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    fetches.push_back(fetch_with_permit(permits, std::move(urls[i]), latencies[i], stats));
  }
  // gather starts them all; the semaphore lets `limit` run and queues the rest
  // in order. The pages come back in the order of `fetches`, not of finishing.
  co_return co_await aio::gather(std::move(fetches));
}

aio::Task<std::vector<Page>> fetch_sequential(std::vector<std::string> urls,
                                              std::vector<double> latencies, FetchStats* stats) {
  // Each co_await waits for its fetch to end before the next one starts.
  std::vector<Page> pages;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    pages.push_back(co_await fetch(std::move(urls[i]), latencies[i], stats));
  }
  co_return pages;
}

}  // namespace e04
