#pragma once
/// \file fetch_concurrently.hpp
/// Exercise E1 (chapter 5): fetch five pages at once.
///
/// `fetch_page` stands in for a download that takes `latency` seconds. Write
/// `fetch_all`: it fetches every URL concurrently, `latencies[i]` being the
/// latency of `urls[i]`, and returns the pages in the order of `urls`.
///
/// Awaited one after another, five fetches take the sum of their latencies.
/// Started together, they take as long as the slowest one alone.
///
/// Hints:
/// - Calling `fetch_page` only creates a coroutine; nothing runs until it is
///   awaited or scheduled.
/// - `aio::gather` over a vector of coroutines runs them all as tasks and hands
///   back their results in the vector's order, whatever order they finish in.

#include <aio/aio.hpp>
#include <string>
#include <vector>

namespace e01 {

struct Page {
  std::string url;
  double latency = 0;
};

/// A pretend download: waits `latency` seconds, then returns the page.
inline aio::Task<Page> fetch_page(std::string url, double latency) {
  co_await aio::sleep(latency);
  co_return Page{std::move(url), latency};
}

/// Fetches every page concurrently; the result follows the order of `urls`.
aio::Task<std::vector<Page>> fetch_all(std::vector<std::string> urls,
                                       std::vector<double> latencies);

}  // namespace e01
