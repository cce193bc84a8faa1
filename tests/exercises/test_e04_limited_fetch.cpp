// E4: fetch fifty pages, at most ten at a time.
#include <fmt/core.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exercise_test.hpp"
#include "limited_fetch.hpp"

namespace {

using exercise_test::run_with_deadline;
using exercise_test::same_time;
using exercise_test::seconds_taken;

std::vector<std::string> make_urls(int count) {
  std::vector<std::string> urls;
  for (int i = 0; i < count; ++i) urls.push_back("https://example.com/page/" + std::to_string(i));
  return urls;
}

const std::vector<std::string> fifty_urls = make_urls(50);
const std::vector<double> one_second_each(50, 1.0);

TEST(E04LimitedFetch, NeverHasMoreThanTheLimitInFlight) {
  for (int limit : {10, 3, 7}) {
    e04::FetchStats stats;
    run_with_deadline(e04::fetch_limited(fifty_urls, one_second_each, limit, &stats));

    EXPECT_LE(stats.peak, limit) << "with a limit of " << limit << ", at most " << limit
                                 << " fetches should be in flight at once; " << stats.peak
                                 << " were";
    EXPECT_EQ(stats.started, 50) << "each of the 50 URLs should be fetched exactly once; "
                                 << stats.started << " fetches were started";
    EXPECT_EQ(stats.in_flight, 0) << "every fetch should have finished when fetch_limited returns; "
                                  << stats.in_flight << " were still in flight";
  }
}

TEST(E04LimitedFetch, UsesTheWholeLimit) {
  for (int limit : {10, 3, 7}) {
    e04::FetchStats stats;
    run_with_deadline(e04::fetch_limited(fifty_urls, one_second_each, limit, &stats));

    EXPECT_EQ(stats.peak, limit) << "with a limit of " << limit << " and 50 URLs, " << limit
                                 << " fetches should run at once most of the time; the most in "
                                 << "flight at once was " << stats.peak;
  }
}

TEST(E04LimitedFetch, ReturnsThePagesInUrlOrder) {
  // Random latencies, so the fetches finish in an order of their own; the
  // pages must follow `urls` all the same.
  aio::Random random(4);
  std::vector<double> latencies;
  for (int i = 0; i < 50; ++i) latencies.push_back(random.uniform(0.2, 1.0));
  e04::FetchStats stats;

  const std::vector<e04::Page> pages =
      run_with_deadline(e04::fetch_limited(fifty_urls, latencies, 10, &stats));

  ASSERT_EQ(pages.size(), fifty_urls.size()) << "fetch_limited should return one page per URL";
  for (std::size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].url, fifty_urls[i])
        << "page " << i << " should be the page of urls[" << i
        << "], whatever order the fetches finish in; it is " << pages[i].url;
    EXPECT_EQ(pages[i].latency, latencies[i]) << "page " << i << " should carry its own latency";
  }
}

TEST(E04LimitedFetch, TakesOneSecondPerRound) {
  // Fifty one-second fetches, ten at a time, are five rounds; seven at a time,
  // eight rounds (the last one has a single fetch).
  struct Case {
    int limit;
    double rounds;
  };
  for (const Case& c : {Case{10, 5.0}, Case{7, 8.0}, Case{50, 1.0}, Case{100, 1.0}}) {
    e04::FetchStats stats;
    const double elapsed = seconds_taken([&] {
      run_with_deadline(e04::fetch_limited(fifty_urls, one_second_each, c.limit, &stats));
    });

    EXPECT_NEAR(elapsed, c.rounds, same_time)
        << "50 fetches of 1 s with at most " << c.limit << " at once should take " << c.rounds
        << " s (" << c.rounds << " rounds); they took " << elapsed << " s";
  }
}

TEST(E04LimitedFetch, SequentialTakesTheSumOfTheLatencies) {
  e04::FetchStats stats;
  std::vector<e04::Page> pages;
  const double elapsed = seconds_taken([&] {
    pages = run_with_deadline(e04::fetch_sequential(fifty_urls, one_second_each, &stats));
  });

  EXPECT_NEAR(elapsed, 50.0, same_time)
      << "50 fetches of 1 s one after the other should take 50 s; they took " << elapsed << " s";
  EXPECT_EQ(stats.peak, 1) << "fetch_sequential should have one fetch in flight at a time; "
                           << stats.peak << " were in flight at once";
  EXPECT_EQ(stats.started, 50) << "each of the 50 URLs should be fetched exactly once; "
                               << stats.started << " fetches were started";
  ASSERT_EQ(pages.size(), fifty_urls.size()) << "fetch_sequential should return one page per URL";
  for (std::size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].url, fifty_urls[i])
        << "page " << i << " should be the page of urls[" << i << "]; it is " << pages[i].url;
  }
}

TEST(E04LimitedFetch, RejectsALimitBelowOne) {
  for (int limit : {0, -1, -10}) {
    e04::FetchStats stats;
    EXPECT_THROW(run_with_deadline(e04::fetch_limited(fifty_urls, one_second_each, limit, &stats)),
                 std::invalid_argument)
        << "a limit of " << limit << " should be refused with std::invalid_argument";
    EXPECT_EQ(stats.started, 0) << "a refused limit (" << limit << ") should fetch nothing; "
                                << stats.started << " fetches were started";
  }
}

}  // namespace
