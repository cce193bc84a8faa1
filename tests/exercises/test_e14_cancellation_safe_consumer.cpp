// E14: a consumer that can be cancelled at any moment.
#include <fmt/core.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cancellation_safe_consumer.hpp"
#include "exercise_test.hpp"

namespace {

using exercise_test::run_with_deadline;
using exercise_test::same_time;

/// What the test sees once it has cancelled the consumer.
struct AfterCancel {
  e14::Ledger ledger;
  bool ended = false;      // the consumer ended within 10 s of the cancel
  bool cancelled = false;  // ... and ended cancelled
  double ended_at = -1;    // when it ended, in seconds since the start
  std::size_t left_in_queue = 0;
  std::size_t unfinished_tasks = 0;  // the queue's count of items not marked done
  bool joined = false;  // join() returned once the items left were taken and marked done
  double joined_at = -1;
};

aio::Task<> watch_consumer(aio::Queue<std::string>& queue, std::vector<std::string> items,
                           double cancel_at, AfterCancel& seen) {
  const double start = aio::perf_counter();
  for (std::string& item : items) queue.put_nowait(std::move(item));
  auto consumer = aio::create_task(e14::consume(queue, &seen.ledger));

  co_await aio::sleep(cancel_at);
  consumer.cancel();
  std::vector<aio::Task<>> waiting_for;
  waiting_for.push_back(consumer);
  co_await aio::wait(std::move(waiting_for), 10.0);  // 10 s at most: it may not end at all
  seen.ended = consumer.done();
  seen.cancelled = consumer.cancelled();
  seen.ended_at = aio::perf_counter() - start;
  seen.left_in_queue = queue.qsize();
  seen.unfinished_tasks = queue.unfinished_tasks();

  // What is still queued was never taken: the test takes it and marks it
  // done, so join() has only the consumer's items to wait for.
  while (!queue.empty()) {
    queue.get_nowait();
    queue.task_done();
  }
  try {
    co_await aio::wait_for(queue.join(), 1.0);
    seen.joined = true;
  } catch (const aio::TimeoutError&) {
    seen.joined = false;
  }
  seen.joined_at = aio::perf_counter() - start;
}

/// Queues `items`, starts the consumer, cancels it `cancel_at` seconds later,
/// and looks at what it left behind. The queue and the ledger the consumer
/// uses live here, outside the run: should the watching task be cancelled
/// midway (the inject label does that), the consumer runs on until aio::run
/// cancels it as it shuts down, and must still find them.
AfterCancel cancel_consumer_at(std::vector<std::string> items, double cancel_at) {
  aio::Queue<std::string> queue;
  AfterCancel seen;
  run_with_deadline(watch_consumer(queue, std::move(items), cancel_at, seen));
  return seen;
}

// Five items of 1 s each: a and b are finished by 2 s, and the cancel at
// 2.5 s comes halfway through c; d and e were never taken.
const std::vector<std::string> five_items = {"a", "b", "c", "d", "e"};

TEST(E14CancellationSafeConsumer, EndsCancelledAtTheMomentOfTheCancel) {
  const AfterCancel seen = cancel_consumer_at(five_items, 2.5);

  ASSERT_TRUE(seen.ended) << "cancelled at 2.5 s, the consumer should end; 10 s later it was "
                          << "still running";
  EXPECT_TRUE(seen.cancelled)
      << "the consumer should let the CancelledError go on and end cancelled; it ended "
      << "without it (it caught the cancellation, or failed)";
  EXPECT_NEAR(seen.ended_at, 2.5, same_time)
      << "the consumer should end at 2.5 s, when it is cancelled, not finish its item first; "
      << "it ended at " << seen.ended_at << " s";
}

TEST(E14CancellationSafeConsumer, MarksTheItemInHandDone) {
  const AfterCancel seen = cancel_consumer_at(five_items, 2.5);

  EXPECT_EQ(seen.left_in_queue, 2u)
      << "d and e, never taken, should still be queued; " << seen.left_in_queue << " items are";
  EXPECT_EQ(seen.unfinished_tasks, 2u)
      << "a, b and c (cancelled in the middle) should all be marked done with task_done(), "
      << "leaving only d and e unfinished; the queue counts " << seen.unfinished_tasks;
  EXPECT_TRUE(seen.joined) << "once d and e are taken and marked done, join() should return at "
                           << "once; it was still waiting 1 s later";
}

TEST(E14CancellationSafeConsumer, HandsTheUnfinishedItemOverForRetry) {
  const AfterCancel seen = cancel_consumer_at(five_items, 2.5);

  EXPECT_EQ(seen.ledger.unfinished, std::vector<std::string>{"c"})
      << "c, in hand when the cancel came, should be in ledger.unfinished, alone";
}

TEST(E14CancellationSafeConsumer, RecordsTheFinishedItemsExactlyOnce) {
  const AfterCancel seen = cancel_consumer_at(five_items, 2.5);

  EXPECT_EQ(seen.ledger.finished, (std::vector<std::string>{"a", "b"}))
      << "a and b, finished before the cancel, should be in ledger.finished once each, in order; "
      << "c, cut off, should not be";
}

TEST(E14CancellationSafeConsumer, LetsJoinReturnWhenTheLastItemIsCutOff) {
  // Three items: c is the last one, and it is cut off at 2.5 s.
  const AfterCancel seen = cancel_consumer_at({"a", "b", "c"}, 2.5);

  EXPECT_TRUE(seen.joined)
      << "with every item taken and c cut off, join() should return at once; it was still "
      << "waiting 1 s later (was task_done() called for c?)";
  EXPECT_NEAR(seen.joined_at, 2.5, same_time)
      << "join() should return at 2.5 s, right after the cancel; it returned at " << seen.joined_at
      << " s";
}

TEST(E14CancellationSafeConsumer, CancelledWhileWaitingForAnItemHasNothingToUndo) {
  // Three items take 3 s; at 3.5 s the consumer waits on the empty queue.
  const AfterCancel seen = cancel_consumer_at({"a", "b", "c"}, 3.5);

  EXPECT_TRUE(seen.ended && seen.cancelled)
      << "cancelled while it waits for an item, the consumer should end cancelled";
  EXPECT_EQ(seen.ledger.finished, (std::vector<std::string>{"a", "b", "c"}))
      << "a, b and c should be in ledger.finished once each, in order";
  EXPECT_TRUE(seen.ledger.unfinished.empty())
      << "cancelled with no item in hand, the consumer should note nothing as unfinished; it "
      << "noted " << seen.ledger.unfinished.size() << " items";
  EXPECT_EQ(seen.unfinished_tasks, 0u)
      << "every item was processed and should be marked done; the queue counts "
      << seen.unfinished_tasks << " unfinished";
}

}  // namespace
