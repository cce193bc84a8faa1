// E9: an event bus whose subscribers each get a deadline.
#include <stdexcept>
#include <string>
#include <vector>

#include "event_bus.hpp"
#include "exercise_test.hpp"

namespace {

using e09::Delivery;
using e09::EventBus;
using e09::failer;
using e09::replier;
using e09::Status;
using exercise_test::same_time;
using exercise_test::seconds_taken;

const char* name_of(Status status) {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::timed_out:
      return "timed_out";
    case Status::failed:
      return "failed";
  }
  return "?";
}

// Publishes once and returns the deliveries; `elapsed` gets the time it took.
std::vector<Delivery> publish(EventBus& bus, const std::string& topic, const std::string& message,
                              double timeout, double& elapsed) {
  std::vector<Delivery> deliveries;
  elapsed = seconds_taken([&] { deliveries = aio::run(bus.publish(topic, message, timeout)); });
  return deliveries;
}

void expect_answer(const std::vector<Delivery>& deliveries, std::size_t i,
                   const std::string& answer) {
  ASSERT_LT(i, deliveries.size());
  EXPECT_EQ(deliveries[i].status, Status::ok)
      << "subscriber " << i << " answered in time, so its delivery should be ok, not "
      << name_of(deliveries[i].status);
  EXPECT_EQ(deliveries[i].answer, answer)
      << "delivery " << i << " should hold the answer of subscriber " << i
      << " (deliveries follow the order of subscription)";
}

TEST(E09EventBus, RunsTheSubscribersConcurrently) {
  EventBus bus;
  bus.subscribe("orders", replier("a", 1.5));
  bus.subscribe("orders", replier("b", 0.5));
  bus.subscribe("orders", replier("c", 1.0));

  double elapsed = 0;
  const std::vector<Delivery> deliveries = publish(bus, "orders", "hello", 2.0, elapsed);

  EXPECT_NEAR(elapsed, 1.5, same_time)
      << "subscribers taking 1.5, 0.5 and 1.0 s should run together, so publish should take "
      << "1.5 s (the slowest), not 3 s (the sum); it took " << elapsed << " s";
  ASSERT_EQ(deliveries.size(), 3u) << "three subscribers should give three deliveries";
  // They finish in the order b, c, a; the deliveries follow the subscriptions.
  expect_answer(deliveries, 0, "a got hello");
  expect_answer(deliveries, 1, "b got hello");
  expect_answer(deliveries, 2, "c got hello");
}

TEST(E09EventBus, ASlowSubscriberTimesOutAlone) {
  EventBus bus;
  bus.subscribe("orders", replier("a", 0.5));
  bus.subscribe("orders", replier("slow", 5.0));
  bus.subscribe("orders", replier("c", 1.0));

  double elapsed = 0;
  const std::vector<Delivery> deliveries = publish(bus, "orders", "hello", 2.0, elapsed);

  EXPECT_NEAR(elapsed, 2.0, same_time)
      << "with a subscriber that needs 5 s and a timeout of 2 s, publish should return when "
      << "the timeout expires, at 2 s; it took " << elapsed << " s";
  ASSERT_EQ(deliveries.size(), 3u) << "three subscribers should give three deliveries";
  expect_answer(deliveries, 0, "a got hello");
  EXPECT_EQ(deliveries[1].status, Status::timed_out)
      << "the subscriber needing 5 s should time out after 2 s; its delivery is "
      << name_of(deliveries[1].status);
  expect_answer(deliveries, 2, "c got hello");
}

aio::Task<std::string> note_finish(std::vector<std::string>& finished, std::string name,
                                   double seconds) {
  co_await aio::sleep(seconds);
  finished.push_back(name);
  co_return name;
}

aio::Task<std::size_t> publish_then_wait(EventBus& bus) {
  co_await bus.publish("orders", "hello", 2.0);
  // Everything the bus started should be over: only this task is left.
  const std::size_t running = aio::all_tasks().size();
  co_await aio::sleep(10);  // long enough for the slow subscriber to finish, were it running
  co_return running;
}

TEST(E09EventBus, ATimedOutSubscriberIsStoppedNotLeftRunning) {
  std::vector<std::string> finished;
  EventBus bus;
  bus.subscribe("orders", [&finished](std::string) { return note_finish(finished, "fast", 0.5); });
  bus.subscribe("orders", [&finished](std::string) { return note_finish(finished, "slow", 5); });

  const std::size_t running = aio::run(publish_then_wait(bus));

  EXPECT_EQ(running, 1u) << "once publish returns, no subscriber should still be running "
                         << "(found " << running - 1 << " task(s) besides the test's own)";
  EXPECT_EQ(finished, (std::vector<std::string>{"fast"}))
      << "the subscriber that timed out should have been cancelled, so it never finishes";
}

TEST(E09EventBus, AFailingSubscriberDoesNotStopTheOthers) {
  EventBus bus;
  bus.subscribe("orders", replier("a", 1.0));
  bus.subscribe("orders", failer("b", 0.2));
  bus.subscribe("orders", replier("c", 1.5));

  double elapsed = 0;
  const std::vector<Delivery> deliveries = publish(bus, "orders", "hello", 2.0, elapsed);

  EXPECT_NEAR(elapsed, 1.5, same_time)
      << "the failure at 0.2 s should not end publish early: it should wait for the others "
      << "until 1.5 s; it took " << elapsed << " s";
  ASSERT_EQ(deliveries.size(), 3u) << "three subscribers should give three deliveries";
  expect_answer(deliveries, 0, "a got hello");
  EXPECT_EQ(deliveries[1].status, Status::failed)
      << "the subscriber that threw should count as failed; its delivery is "
      << name_of(deliveries[1].status);
  ASSERT_TRUE(deliveries[1].error) << "a failed delivery should hold the error thrown";
  EXPECT_EQ(aio::error_message(deliveries[1].error), "b failed")
      << "the failed delivery should hold the subscriber's own error";
  expect_answer(deliveries, 2, "c got hello");
}

TEST(E09EventBus, ATopicWithoutSubscribersGivesNothingAtOnce) {
  EventBus bus;
  bus.subscribe("orders", replier("a", 1.0));

  double elapsed = -1;
  const std::vector<Delivery> deliveries = publish(bus, "payments", "hello", 2.0, elapsed);

  EXPECT_TRUE(deliveries.empty()) << "nobody subscribed to \"payments\", so publishing there "
                                  << "should give no deliveries; it gave " << deliveries.size();
  EXPECT_NEAR(elapsed, 0.0, same_time)
      << "publishing to a topic without subscribers should return at once; it took " << elapsed
      << " s";
}

TEST(E09EventBus, EachPublishReachesOnlyTheTopicsSubscribers) {
  EventBus bus;
  bus.subscribe("orders", replier("clerk", 0.5));
  bus.subscribe("payments", replier("bank", 0.3));
  bus.subscribe("payments", replier("audit", 0.7));

  double elapsed = 0;
  std::vector<Delivery> deliveries = publish(bus, "payments", "first", 2.0, elapsed);
  ASSERT_EQ(deliveries.size(), 2u) << "\"payments\" has two subscribers; the \"orders\" one "
                                   << "should not receive its messages";
  expect_answer(deliveries, 0, "bank got first");
  expect_answer(deliveries, 1, "audit got first");
  EXPECT_NEAR(elapsed, 0.7, same_time) << "the \"payments\" subscribers take 0.3 and 0.7 s "
                                       << "together; publish took " << elapsed << " s";

  deliveries = publish(bus, "payments", "second", 2.0, elapsed);
  ASSERT_EQ(deliveries.size(), 2u) << "a second publish should reach the same two subscribers";
  expect_answer(deliveries, 0, "bank got second");
  expect_answer(deliveries, 1, "audit got second");

  deliveries = publish(bus, "orders", "third", 2.0, elapsed);
  ASSERT_EQ(deliveries.size(), 1u) << "\"orders\" has one subscriber";
  expect_answer(deliveries, 0, "clerk got third");
}

}  // namespace
