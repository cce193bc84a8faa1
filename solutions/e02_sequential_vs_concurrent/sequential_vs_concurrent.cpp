// Exercise E2, a reference answer.
#include "sequential_vs_concurrent.hpp"

#include <utility>

namespace e02 {

aio::Task<std::vector<int>> process_sequentially(std::vector<Item> items) {
  // Each co_await finishes one item before the loop moves on to the next, so
  // the waits happen one after another and add up.
  std::vector<int> results;
  results.reserve(items.size());
  for (const Item& item : items) {
    results.push_back(co_await process_item(item.value, item.seconds));
  }
  co_return results;
}

aio::Task<std::vector<int>> process_concurrently(std::vector<Item> items) {
  // Calling process_item only makes a coroutine; gather runs them all as
  // tasks, so every wait overlaps the others, and keeps the results in order.
  std::vector<aio::Task<int>> jobs;
  jobs.reserve(items.size());
  for (const Item& item : items) jobs.push_back(process_item(item.value, item.seconds));
  co_return co_await aio::gather(std::move(jobs));
}

aio::Task<Comparison> compare(std::vector<Item> items) {
  const aio::EventLoop& loop = aio::get_running_loop();
  Comparison comparison;

  double start = loop.time();
  comparison.results = co_await process_sequentially(items);
  comparison.sequential_seconds = loop.time() - start;

  // Started only once the sequential run is over, so the two timings do not
  // overlap. Both versions give the same results; keep one copy.
  start = loop.time();
  co_await process_concurrently(std::move(items));
  comparison.concurrent_seconds = loop.time() - start;

  comparison.speedup = comparison.sequential_seconds / comparison.concurrent_seconds;
  co_return comparison;
}

}  // namespace e02
