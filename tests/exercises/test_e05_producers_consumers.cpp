// E5: three producers, two consumers, one bounded queue.
#include <fmt/core.h>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exercise_test.hpp"
#include "producers_consumers.hpp"

namespace {

using exercise_test::run_with_deadline;
using exercise_test::same_time;
using exercise_test::seconds_taken;

// The producers make 30 items a second and the consumers process 4: without
// a bound, the queue would pile up more than 50 items.
const e05::Workload busy{20, 0.1, 0.5};
// Consumers faster than the producers: the queue is often empty.
const e05::Workload light{4, 0.2, 0.1};

std::vector<std::string> all_items(int items_per_producer) {
  std::vector<std::string> items;
  for (int producer = 1; producer <= 3; ++producer) {
    for (int n = 0; n < items_per_producer; ++n) {
      items.push_back(fmt::format("P{}-{}", producer, n));
    }
  }
  return items;
}

TEST(E05ProducersConsumers, ConsumesEveryItemExactlyOnce) {
  for (const e05::Workload& workload : {busy, light}) {
    e05::QueueWatch watch;
    const e05::Report report = run_with_deadline(e05::run_pipeline(workload, &watch));

    std::map<std::string, int> times_consumed;
    for (const auto& processed : report.consumed) {
      for (const std::string& item : processed) ++times_consumed[item];
    }
    for (const std::string& item : all_items(workload.items_per_producer)) {
      EXPECT_EQ(times_consumed[item], 1)
          << item << " should be consumed exactly once; it was consumed " << times_consumed[item]
          << " times";
      times_consumed.erase(item);
    }
    for (const auto& [item, count] : times_consumed) {
      ADD_FAILURE() << "the consumers processed " << item << " (" << count
                    << " times), which no producer made";
    }
    EXPECT_EQ(watch.items_put, 3 * workload.items_per_producer)
        << "every item should be put with put_watched; " << watch.items_put << " were";
  }
}

TEST(E05ProducersConsumers, StopsEachConsumerWithASentinel) {
  e05::QueueWatch watch;
  const e05::Report report = run_with_deadline(e05::run_pipeline(busy, &watch));

  EXPECT_EQ(report.consumed.size(), 2u)
      << "the report should hold one list per consumer, 2 in all; it holds "
      << report.consumed.size();
  EXPECT_EQ(watch.sentinels_put, 2)
      << "one sentinel per consumer should be put with put_watched, 2 in all; "
      << watch.sentinels_put << " were";
}

TEST(E05ProducersConsumers, AConsumerStopsAtTheSentinelAndMarksEverySlotDone) {
  struct Seen {
    std::vector<std::string> processed;
    bool ended_by_itself = false;
    std::size_t left_in_queue = 0;
    std::size_t unfinished = 0;
  };
  auto consume_alone = []() -> aio::Task<Seen> {
    aio::Queue<e05::Slot> queue;
    queue.put_nowait("a");
    queue.put_nowait("b");
    queue.put_nowait(std::nullopt);
    queue.put_nowait("c");
    auto consumer = aio::create_task(e05::consume(queue, 0.5));
    Seen seen;
    seen.processed = co_await consumer;
    seen.ended_by_itself = consumer.done() && !consumer.cancelled();
    seen.left_in_queue = queue.qsize();
    seen.unfinished = queue.unfinished_tasks();
    co_return seen;
  };

  Seen seen;
  const double elapsed = seconds_taken([&] { seen = run_with_deadline(consume_alone()); });

  EXPECT_EQ(seen.processed, (std::vector<std::string>{"a", "b"}))
      << "with a, b, the sentinel and c queued, consume should process a and b and stop";
  EXPECT_TRUE(seen.ended_by_itself) << "consume should return by itself at the sentinel";
  EXPECT_NEAR(elapsed, 1.0, same_time)
      << "two items of 0.5 s should take 1 s; the consumer took " << elapsed << " s";
  EXPECT_EQ(seen.left_in_queue, 1u) << "consume should leave c, behind the sentinel, in the queue; "
                                    << seen.left_in_queue << " slots are left";
  EXPECT_EQ(seen.unfinished, 1u)
      << "consume should call task_done for a, b and the sentinel, leaving only c unfinished; "
      << seen.unfinished << " slots are unfinished";
}

TEST(E05ProducersConsumers, AProducerPutsItsItemsInOrder) {
  auto produce_alone = []() -> aio::Task<std::vector<std::string>> {
    aio::Queue<e05::Slot> queue;
    e05::QueueWatch watch;
    co_await e05::produce(queue, 2, 5, 0.25, &watch);
    std::vector<std::string> items;
    while (!queue.empty()) {
      e05::Slot slot = queue.get_nowait();
      items.push_back(slot ? *slot : "(sentinel)");
    }
    co_return items;
  };

  std::vector<std::string> items;
  const double elapsed = seconds_taken([&] { items = run_with_deadline(produce_alone()); });

  EXPECT_EQ(items, (std::vector<std::string>{"P2-0", "P2-1", "P2-2", "P2-3", "P2-4"}))
      << "producer 2 making 5 items should queue P2-0 to P2-4, in order, and no sentinel";
  EXPECT_NEAR(elapsed, 1.25, same_time)
      << "5 items of 0.25 s should take 1.25 s; the producer took " << elapsed << " s";
}

TEST(E05ProducersConsumers, TheQueueNeverHoldsMoreThanTwenty) {
  e05::QueueWatch watch;
  run_with_deadline(e05::run_pipeline(busy, &watch));

  EXPECT_LE(watch.peak, 20u) << "the queue should never hold more than 20 slots; it held "
                             << watch.peak;
  // The producers are far faster than the consumers, so the queue fills up.
  EXPECT_EQ(watch.peak, 20u) << "with producers far faster than the consumers, a queue of 20 "
                             << "should fill up; the most it held was " << watch.peak;
}

TEST(E05ProducersConsumers, ReportsTheThroughputOfTheRun) {
  struct Case {
    e05::Workload workload;
    int items;
    double seconds;
  };
  // Busy: the first items are ready at 0.1 s, then each consumer processes 30
  // items of 0.5 s. Light: the last three items are made at 0.8 s, and two
  // consumers need until 1.0 s for them; the sentinels then stop them.
  for (const Case& c : {Case{busy, 60, 15.1}, Case{light, 12, 1.0}}) {
    e05::QueueWatch watch;
    e05::Report report;
    const double elapsed =
        seconds_taken([&] { report = run_with_deadline(e05::run_pipeline(c.workload, &watch)); });

    EXPECT_NEAR(elapsed, c.seconds, same_time)
        << "this run should take " << c.seconds << " s; it took " << elapsed << " s";
    EXPECT_EQ(report.items, c.items)
        << "the report should count " << c.items << " items; it says " << report.items;
    EXPECT_NEAR(report.seconds, elapsed, same_time)
        << "the report should give the loop time of the run, " << elapsed << " s; it says "
        << report.seconds << " s";
    const double throughput = c.items / elapsed;
    EXPECT_NEAR(report.throughput, throughput, 1e-9)
        << "the throughput should be items / seconds = " << throughput << " items/s; it says "
        << report.throughput;
  }
}

TEST(E05ProducersConsumers, BothConsumersShareTheWork) {
  e05::QueueWatch watch;
  const e05::Report report = run_with_deadline(e05::run_pipeline(busy, &watch));

  ASSERT_EQ(report.consumed.size(), 2u) << "the report should hold one list per consumer";
  // Both consumers are busy from the first items to the last, so they take
  // turns and split the 60 items evenly.
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(report.consumed[i].size(), 30u)
        << "with the queue never empty, each consumer should process half of the 60 items; "
        << "consumer " << i << " processed " << report.consumed[i].size();
  }
}

}  // namespace
