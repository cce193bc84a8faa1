// E2: ten items, one at a time and all at once.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "exercise_test.hpp"
#include "sequential_vs_concurrent.hpp"

namespace {

using exercise_test::same_time;
using exercise_test::seconds_taken;

// Ten items, 1 to 10, each taking between 0.1 and 0.5 s, from a fixed seed.
std::vector<e02::Item> random_items(std::uint64_t seed) {
  aio::Random random(seed);
  std::vector<e02::Item> items;
  for (int value = 1; value <= 10; ++value) items.push_back({value, random.uniform(0.1, 0.5)});
  return items;
}

double sum_of_times(const std::vector<e02::Item>& items) {
  double sum = 0;
  for (const e02::Item& item : items) sum += item.seconds;
  return sum;
}

double longest_time(const std::vector<e02::Item>& items) {
  double longest = 0;
  for (const e02::Item& item : items) longest = std::max(longest, item.seconds);
  return longest;
}

std::vector<int> squares(const std::vector<e02::Item>& items) {
  std::vector<int> result;
  for (const e02::Item& item : items) result.push_back(item.value * item.value);
  return result;
}

TEST(E02SequentialVsConcurrent, SequentialTakesTheSumOfTheItemTimes) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const std::vector<e02::Item> items = random_items(seed);
    const double sum = sum_of_times(items);

    const double elapsed = seconds_taken([&] { aio::run(e02::process_sequentially(items)); });

    EXPECT_NEAR(elapsed, sum, same_time)
        << "process_sequentially should wait for one item after another, taking the sum of "
        << "their times (" << sum << " s); it took " << elapsed << " s";
  }
}

TEST(E02SequentialVsConcurrent, ConcurrentTakesAsLongAsTheSlowestItemNotTheSum) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const std::vector<e02::Item> items = random_items(seed);
    const double longest = longest_time(items);
    const double sum = sum_of_times(items);

    const double elapsed = seconds_taken([&] { aio::run(e02::process_concurrently(items)); });

    EXPECT_NEAR(elapsed, longest, same_time)
        << "process_concurrently should wait for all the items at once, taking as long as the "
        << "slowest (" << longest << " s); it took " << elapsed << " s (the sum is " << sum
        << " s)";
  }
}

TEST(E02SequentialVsConcurrent, BothReturnTheResultsInItemOrder) {
  // The first item is the slowest and the last the quickest, so processed
  // together they finish in reverse order; the results must still follow
  // the items.
  std::vector<e02::Item> items;
  for (int value = 1; value <= 10; ++value) items.push_back({value, 0.1 * (11 - value)});
  const std::vector<int> expected = squares(items);

  const std::vector<int> one_by_one = aio::run(e02::process_sequentially(items));
  const std::vector<int> all_at_once = aio::run(e02::process_concurrently(items));

  EXPECT_EQ(one_by_one, expected)
      << "process_sequentially should return each item squared, in the order of the items";
  EXPECT_EQ(all_at_once, expected)
      << "process_concurrently should return each item squared, in the order of the items, "
      << "whatever order they finish in";
}

TEST(E02SequentialVsConcurrent, NoItemsGiveNoResultsAndTakeNoTime) {
  std::vector<int> one_by_one = {-1};
  std::vector<int> all_at_once = {-1};

  const double elapsed = seconds_taken([&] {
    one_by_one = aio::run(e02::process_sequentially({}));
    all_at_once = aio::run(e02::process_concurrently({}));
  });

  EXPECT_TRUE(one_by_one.empty()) << "process_sequentially of no items should return no results";
  EXPECT_TRUE(all_at_once.empty()) << "process_concurrently of no items should return no results";
  EXPECT_NEAR(elapsed, 0.0, same_time)
      << "processing no items should take no time; it took " << elapsed << " s";
}

TEST(E02SequentialVsConcurrent, CompareTimesEachVersionAndComputesTheSpeedup) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const std::vector<e02::Item> items = random_items(seed);
    const double sum = sum_of_times(items);
    const double longest = longest_time(items);

    e02::Comparison comparison;
    const double elapsed = seconds_taken([&] { comparison = aio::run(e02::compare(items)); });

    EXPECT_EQ(comparison.results, squares(items))
        << "compare should report each item squared, in the order of the items";
    EXPECT_NEAR(comparison.sequential_seconds, sum, same_time)
        << "sequential_seconds should be the sum of the item times (" << sum << " s); it is "
        << comparison.sequential_seconds << " s";
    EXPECT_NEAR(comparison.concurrent_seconds, longest, same_time)
        << "concurrent_seconds should be the slowest item's time (" << longest << " s); it is "
        << comparison.concurrent_seconds << " s";
    EXPECT_NEAR(comparison.speedup, sum / longest, same_time)
        << "speedup should be sequential_seconds / concurrent_seconds (" << sum / longest
        << "); it is " << comparison.speedup;
    EXPECT_NEAR(elapsed, sum + longest, same_time)
        << "compare should run the two versions one after the other, taking " << sum + longest
        << " s in all; it took " << elapsed << " s";
  }
}

TEST(E02SequentialVsConcurrent, TenItemsOfATenthOfASecondAreTenTimesFasterTogether) {
  std::vector<e02::Item> items;
  for (int value = 0; value < 10; ++value) items.push_back({value, 0.1});

  const e02::Comparison comparison = aio::run(e02::compare(items));

  EXPECT_NEAR(comparison.sequential_seconds, 1.0, same_time)
      << "ten items of 0.1 s one after another should take 1.0 s; they took "
      << comparison.sequential_seconds << " s";
  EXPECT_NEAR(comparison.concurrent_seconds, 0.1, same_time)
      << "ten items of 0.1 s at the same time should take 0.1 s; they took "
      << comparison.concurrent_seconds << " s";
  EXPECT_NEAR(comparison.speedup, 10.0, 1e-9)
      << "the concurrent version should be ten times faster; the speedup is " << comparison.speedup;
}

}  // namespace
