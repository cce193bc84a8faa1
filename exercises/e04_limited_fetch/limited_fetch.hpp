#pragma once
/// \file limited_fetch.hpp
/// Exercise E4 (chapter 7): fetch fifty pages, at most ten at a time.
///
/// `fetch` stands in for a download that takes `latency` seconds. Write two
/// ways to fetch a list of URLs, `latencies[i]` being the latency of `urls[i]`:
///
/// - `fetch_limited` runs the fetches concurrently, but never more than
///   `limit` of them at the same moment, and returns the pages in the order of
///   `urls`. A `limit` below 1 makes no sense: throw std::invalid_argument
///   before fetching anything.
/// - `fetch_sequential` fetches one URL after the other, for comparison.
///
/// Fifty fetches of one second take fifty seconds one after the other, and
/// five seconds ten at a time: five rounds of ten.
///
/// `fetch` counts itself in the FetchStats it is given, so the tests can see
/// how many fetches were ever in flight at once. Pass `stats` on to it.
///
/// Hints:
/// - An aio::Semaphore with `limit` permits lets `limit` tasks through and
///   makes the rest wait. `auto held = co_await semaphore.scoped();` takes a
///   permit and gives it back when `held` goes out of scope.
/// - Start every fetch at once with aio::gather and let the semaphore hold
///   them back: gather returns the results in the order it was given them,
///   whatever order they finish in.
/// - aio::Semaphore(0) is allowed (and nothing would ever get through it), so
///   check `limit` yourself.

#include <aio/aio.hpp>
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace e04 {

struct Page {
  std::string url;
  double latency = 0;
};

/// What `fetch` records while it runs.
struct FetchStats {
  int in_flight = 0;  ///< fetches started and not finished yet
  int peak = 0;       ///< the most fetches that were ever in flight at once
  int started = 0;    ///< fetches started in all
};

/// A pretend download: waits `latency` seconds, then returns the page. It
/// counts itself in `*stats` while it runs.
inline aio::Task<Page> fetch(std::string url, double latency, FetchStats* stats) {
  ++stats->started;
  ++stats->in_flight;
  stats->peak = std::max(stats->peak, stats->in_flight);
  co_await aio::sleep(latency);
  --stats->in_flight;
  co_return Page{std::move(url), latency};
}

/// Fetches every URL concurrently with at most `limit` in flight; the result
/// follows the order of `urls`. Throws std::invalid_argument when `limit` < 1.
aio::Task<std::vector<Page>> fetch_limited(std::vector<std::string> urls,
                                           std::vector<double> latencies, int limit,
                                           FetchStats* stats);

/// Fetches the URLs one after the other, in the order of `urls`.
aio::Task<std::vector<Page>> fetch_sequential(std::vector<std::string> urls,
                                              std::vector<double> latencies, FetchStats* stats);

}  // namespace e04
