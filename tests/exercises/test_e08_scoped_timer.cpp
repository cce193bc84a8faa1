// E8: time a block; gather against one call after another.
#include <algorithm>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "exercise_test.hpp"
#include "scoped_timer.hpp"

namespace {

using e08::Response;
using e08::ScopedTimer;
using exercise_test::same_time;
using exercise_test::seconds_taken;

// Timers report into this, in the order they report.
struct Reports {
  std::vector<std::string> names;
  std::vector<double> seconds;
  std::function<void(double)> to(std::string name) {
    return [this, name](double s) {
      names.push_back(name);
      seconds.push_back(s);
    };
  }
};

aio::Task<void> sleep_around_a_timed_block(Reports& reports) {
  co_await aio::sleep(0.5);
  {
    ScopedTimer timer(reports.to("block"));
    co_await aio::sleep(1.5);
  }
  co_await aio::sleep(0.25);
}

TEST(E08ScopedTimer, MeasuresExactlyItsBlock) {
  Reports reports;
  aio::run(sleep_around_a_timed_block(reports));

  ASSERT_EQ(reports.seconds.size(), 1u)
      << "the timer should report once, when its block ends; it reported " << reports.seconds.size()
      << " times";
  EXPECT_NEAR(reports.seconds[0], 1.5, same_time)
      << "the block sleeps 1.5 s (with 0.5 s before it and 0.25 s after it), so the timer "
      << "should report 1.5 s; it reported " << reports.seconds[0] << " s";
}

aio::Task<std::vector<double>> read_elapsed_inside_the_block() {
  std::vector<double> readings;
  co_await aio::sleep(2);
  ScopedTimer timer;  // no report: only elapsed() is read
  co_await aio::sleep(0.4);
  readings.push_back(timer.elapsed());
  co_await aio::sleep(0.6);
  readings.push_back(timer.elapsed());
  co_return readings;
}

TEST(E08ScopedTimer, ElapsedIsTheTimeSinceTheTimerStarted) {
  const std::vector<double> readings = aio::run(read_elapsed_inside_the_block());

  ASSERT_EQ(readings.size(), 2u);
  EXPECT_NEAR(readings[0], 0.4, same_time)
      << "elapsed() 0.4 s after the timer started should be 0.4 s; it was " << readings[0];
  EXPECT_NEAR(readings[1], 1.0, same_time)
      << "elapsed() 1.0 s after the timer started should be 1.0 s; it was " << readings[1];
}

aio::Task<void> nested_blocks(Reports& reports) {
  ScopedTimer outer(reports.to("outer"));
  co_await aio::sleep(1);
  {
    ScopedTimer inner(reports.to("inner"));
    co_await aio::sleep(2);
  }
  co_await aio::sleep(0.5);
}

TEST(E08ScopedTimer, NestedTimersEachMeasureTheirOwnBlock) {
  Reports reports;
  aio::run(nested_blocks(reports));

  ASSERT_EQ(reports.names, (std::vector<std::string>{"inner", "outer"}))
      << "the inner block ends first, so its timer should report first, then the outer one";
  EXPECT_NEAR(reports.seconds[0], 2.0, same_time)
      << "the inner block sleeps 2 s; its timer reported " << reports.seconds[0] << " s";
  EXPECT_NEAR(reports.seconds[1], 3.5, same_time)
      << "the outer block takes 1 + 2 + 0.5 = 3.5 s; its timer reported " << reports.seconds[1]
      << " s";
}

aio::Task<void> failing_block(Reports& reports) {
  ScopedTimer timer(reports.to("failing"));
  co_await aio::sleep(0.75);
  throw std::runtime_error("the block failed");
}

TEST(E08ScopedTimer, ReportsEvenWhenTheBlockThrows) {
  Reports reports;
  EXPECT_THROW(aio::run(failing_block(reports)), std::runtime_error)
      << "the block's exception should go on past the timer";

  ASSERT_EQ(reports.seconds.size(), 1u)
      << "the timer should report once when an exception leaves its block; it reported "
      << reports.seconds.size() << " times";
  EXPECT_NEAR(reports.seconds[0], 0.75, same_time)
      << "the block ran 0.75 s before it threw; the timer reported " << reports.seconds[0] << " s";
}

TEST(E08ScopedTimer, AlsoMeasuresCodeOutsideALoop) {
  Reports reports;
  {
    ScopedTimer timer(reports.to("blocking"));
    aio::blocking_sleep(0.3);  // time.sleep: on the virtual clock, time moves on
  }
  ASSERT_EQ(reports.seconds.size(), 1u) << "the timer should report once, when its block ends";
  EXPECT_NEAR(reports.seconds[0], 0.3, same_time)
      << "with no loop running, the timer should still measure the 0.3 s block (read "
      << "aio::perf_counter()); it reported " << reports.seconds[0] << " s";
}

void expect_responses_in_order(const std::vector<Response>& responses,
                               const std::vector<double>& latencies, const std::string& who) {
  ASSERT_EQ(responses.size(), latencies.size()) << who << " should return one response per call";
  for (std::size_t i = 0; i < latencies.size(); ++i) {
    EXPECT_EQ(responses[i], (Response{static_cast<int>(i), latencies[i]}))
        << who << ": response " << i << " should be the answer of api_call(" << i << ", "
        << latencies[i] << "), whatever order the calls finish in";
  }
}

// The first call is the slowest and the last the quickest, so calls made
// together finish in reverse order.
const std::vector<double> falling = {0.9, 0.7, 0.5, 0.3, 0.1};

TEST(E08ScopedTimer, OneByOneTakesTheSumOfTheLatencies) {
  std::vector<Response> responses;
  const double elapsed =
      seconds_taken([&] { responses = aio::run(e08::call_one_by_one(falling)); });

  EXPECT_NEAR(elapsed, 2.5, same_time)
      << "five calls made one after another should take the sum of their latencies, 2.5 s; "
      << "call_one_by_one took " << elapsed << " s";
  expect_responses_in_order(responses, falling, "call_one_by_one");
}

TEST(E08ScopedTimer, AllAtOnceTakesTheLongestLatency) {
  std::vector<Response> responses;
  const double elapsed =
      seconds_taken([&] { responses = aio::run(e08::call_all_at_once(falling)); });

  EXPECT_NEAR(elapsed, 0.9, same_time)
      << "five calls made together should take the longest latency, 0.9 s; call_all_at_once "
      << "took " << elapsed << " s";
  expect_responses_in_order(responses, falling, "call_all_at_once");
}

TEST(E08ScopedTimer, TwentyEqualCallsTogetherAreTwentyTimesFaster) {
  const std::vector<double> latencies(20, 0.5);
  e08::Comparison result;
  const double elapsed = seconds_taken([&] { result = aio::run(e08::compare(latencies)); });

  EXPECT_NEAR(result.one_by_one_seconds, 10.0, same_time)
      << "twenty calls of 0.5 s one after another take 10 s; compare measured "
      << result.one_by_one_seconds << " s";
  EXPECT_NEAR(result.all_at_once_seconds, 0.5, same_time)
      << "twenty calls of 0.5 s together take 0.5 s; compare measured "
      << result.all_at_once_seconds << " s";
  if (result.all_at_once_seconds > 0) {
    const double speedup = result.one_by_one_seconds / result.all_at_once_seconds;
    EXPECT_NEAR(speedup, 20.0, 1e-6) << "making the calls together should be 20 times faster; "
                                     << "compare measured a speedup of " << speedup;
  }
  EXPECT_NEAR(elapsed, 10.5, same_time)
      << "compare should make the calls one by one, then together: 10 + 0.5 s; it took " << elapsed
      << " s";
  expect_responses_in_order(result.one_by_one, latencies, "compare's one_by_one");
  EXPECT_EQ(result.one_by_one, result.all_at_once)
      << "both ways of making the calls should give the same responses";
}

TEST(E08ScopedTimer, RandomLatenciesOneByOneTakeTheSumTogetherTheLongest) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const std::vector<double> latencies = e08::random_latencies(20, seed);
    const double sum = std::accumulate(latencies.begin(), latencies.end(), 0.0);
    const double longest = *std::max_element(latencies.begin(), latencies.end());
    e08::Comparison result;
    const double elapsed = seconds_taken([&] { result = aio::run(e08::compare(latencies)); });

    EXPECT_NEAR(result.one_by_one_seconds, sum, same_time)
        << "seed " << seed << ": one after another, the calls take the sum of the latencies, "
        << sum << " s; compare measured " << result.one_by_one_seconds << " s";
    EXPECT_NEAR(result.all_at_once_seconds, longest, same_time)
        << "seed " << seed << ": together, the calls take the longest latency, " << longest
        << " s; compare measured " << result.all_at_once_seconds << " s";
    EXPECT_NEAR(elapsed, sum + longest, same_time)
        << "seed " << seed << ": compare should take the two measured times together, "
        << sum + longest << " s; it took " << elapsed << " s";
    expect_responses_in_order(result.all_at_once, latencies, "compare's all_at_once");
    EXPECT_EQ(result.one_by_one, result.all_at_once)
        << "seed " << seed << ": both ways of making the calls should give the same responses";
  }
}

}  // namespace
