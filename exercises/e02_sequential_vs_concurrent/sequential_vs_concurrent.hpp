#pragma once
/// \file sequential_vs_concurrent.hpp
/// Exercise E2 (chapter 1): ten items, one at a time and all at once.
///
/// `process_item` stands in for work that spends its time waiting: it takes
/// `seconds` to process one item, then returns the item squared. Write the
/// same job twice:
///
/// - `process_sequentially` awaits the items one after another, in order;
/// - `process_concurrently` starts them all together and waits for them all.
///
/// Both return the results in the order of `items`. Then write `compare`,
/// which runs the first version and then the second, times each one on the
/// loop's clock, and reports how many times faster the concurrent one was.
///
/// One at a time, the waits add up: the job takes the sum of the items'
/// times. Together, they overlap: the job takes as long as the slowest item.
///
/// Hints:
/// - A `for` loop with a `co_await` in its body waits for each item before it
///   even starts the next.
/// - `aio::gather` over a vector of coroutines runs them all as tasks and
///   hands back their results in the vector's order.
/// - `aio::get_running_loop().time()` (or `aio::perf_counter()`, the same
///   clock) read before and after an await tells how long the await took.

#include <aio/aio.hpp>
#include <vector>

namespace e02 {

/// One piece of work: its value, and how long processing it takes.
struct Item {
  int value = 0;
  double seconds = 0;
};

/// A pretend job: waits `seconds`, then returns `item * item`.
inline aio::Task<int> process_item(int item, double seconds) {
  co_await aio::sleep(seconds);
  const int square = item * item;
  co_return square;
}

/// Processes the items one after another; the results follow `items`.
aio::Task<std::vector<int>> process_sequentially(std::vector<Item> items);

/// Processes every item at the same time; the results follow `items`.
aio::Task<std::vector<int>> process_concurrently(std::vector<Item> items);

/// What `compare` measured.
struct Comparison {
  std::vector<int> results;       ///< the results, in the order of `items`
  double sequential_seconds = 0;  ///< how long process_sequentially took
  double concurrent_seconds = 0;  ///< how long process_concurrently took
  double speedup = 0;             ///< sequential_seconds / concurrent_seconds
};

/// Runs process_sequentially, then process_concurrently (never both at once),
/// timing each. `items` must not be empty, and must not take zero time.
aio::Task<Comparison> compare(std::vector<Item> items);

}  // namespace e02
