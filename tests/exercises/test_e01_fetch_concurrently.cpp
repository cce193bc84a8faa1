// E1: fetch five pages at once.
#include <fmt/core.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "exercise_test.hpp"
#include "fetch_concurrently.hpp"

namespace {

using exercise_test::same_time;
using exercise_test::seconds_taken;

const std::vector<std::string> urls = {
    "https://example.com/a", "https://example.com/b", "https://example.com/c",
    "https://example.com/d", "https://example.com/e",
};

// Latencies between 0.2 and 1.0 s, as the exercise states, from a fixed seed.
std::vector<double> random_latencies(std::uint64_t seed) {
  aio::Random random(seed);
  std::vector<double> latencies;
  for (std::size_t i = 0; i < urls.size(); ++i) latencies.push_back(random.uniform(0.2, 1.0));
  return latencies;
}

TEST(E01FetchConcurrently, TakesAsLongAsTheSlowestFetchNotTheSum) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const std::vector<double> latencies = random_latencies(seed);
    const double slowest = *std::max_element(latencies.begin(), latencies.end());
    const double sum = std::accumulate(latencies.begin(), latencies.end(), 0.0);

    const double elapsed = seconds_taken([&] { aio::run(e01::fetch_all(urls, latencies)); });

    EXPECT_NEAR(elapsed, slowest, same_time) << fmt::format(
        "fetch_all should take as long as its slowest fetch ({:.3f} s), since all five wait at "
        "the same time; it took {:.3f} s (the sum is {:.3f} s)",
        slowest, elapsed, sum);
  }
}

TEST(E01FetchConcurrently, ReturnsThePagesInUrlOrder) {
  // The first URL is the slowest and the last the quickest, so the pages
  // finish in reverse order; the result must still follow `urls`.
  const std::vector<double> latencies = {1.0, 0.8, 0.6, 0.4, 0.2};

  const std::vector<e01::Page> pages = aio::run(e01::fetch_all(urls, latencies));

  ASSERT_EQ(pages.size(), urls.size()) << "fetch_all should return one page per URL";
  for (std::size_t i = 0; i < urls.size(); ++i) {
    EXPECT_EQ(pages[i].url, urls[i]) << "page " << i << " should be the page of urls[" << i
                                     << "], whatever order the fetches finish in";
    EXPECT_EQ(pages[i].latency, latencies[i]) << "page " << i << " should carry its own latency";
  }
}

TEST(E01FetchConcurrently, FetchesNothingWhenGivenNoUrls) {
  const double elapsed = seconds_taken([] {
    const std::vector<e01::Page> pages = aio::run(e01::fetch_all({}, {}));
    EXPECT_TRUE(pages.empty()) << "no URLs should give no pages";
  });
  EXPECT_NEAR(elapsed, 0.0, same_time) << "fetching no URLs should take no time";
}

}  // namespace
