// aio::Timeline: the events a program's tasks go through, in order and at their loop times
// (exact, on the virtual clock), and the two ways of writing them: Chrome trace-event JSON and
// an SVG chart with one row per task.
#include <fmt/core.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;

// One line per event: "time task kind [detail]".
Events lines(const aio::Timeline& timeline) {
  Events result;
  for (const aio::TaskEvent& event : timeline.events()) {
    std::string line = fmt::format("{:g} {} {}", event.time, timeline.task_names()[event.task],
                                   aio::to_string(event.kind));
    if (!event.detail.empty()) line += " " + event.detail;
    result.push_back(line);
  }
  return result;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t found = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++found;
  }
  return found;
}

aio::Task<> sleep_for(double seconds) {
  co_await aio::sleep(seconds);
}

aio::Task<> yield_then_await(aio::Task<> child) {
  co_await aio::sleep(0);
  co_await child;
}

aio::Task<> create_and_await() {
  co_await yield_then_await(aio::create_task(sleep_for(1), "child"));
}

TEST(Timeline, RecordsEveryStepOfEveryTaskInOrder) {
  aio::detail::reset_task_counter();
  aio::Timeline timeline;
  aio::run(create_and_await());
  timeline.stop();
  // The child's first step comes before the parent's second: it was queued first. Awaiting a
  // coroutine (yield_then_await) runs it inside the task, so it adds no task of its own.
  EXPECT_EQ(lines(timeline), (Events{
                                 "0 Task-1 created",
                                 "0 Task-1 started",
                                 "0 child created",
                                 "0 Task-1 suspended sleep(0)",
                                 "0 child started",
                                 "0 child suspended sleep(1)",
                                 "0 Task-1 resumed",
                                 "0 Task-1 suspended child",
                                 "1 child resumed",
                                 "1 child finished",
                                 "1 Task-1 resumed",
                                 "1 Task-1 finished",
                             }));
}

aio::Task<> return_at_once() {
  co_return;
}

aio::Task<> take_lock(aio::Lock* lock) {
  auto held = co_await lock->scoped();
  co_await aio::sleep(1);
}

aio::Task<> two_take_a_lock() {
  aio::Lock lock;
  co_await aio::gather(take_lock(&lock), take_lock(&lock));
}

TEST(Timeline, NamesAWaitOnAPrimitiveByWhatItWaitsFor) {
  aio::detail::reset_task_counter();
  aio::Timeline timeline;
  aio::run(two_take_a_lock());
  timeline.stop();
  const Events events = lines(timeline);
  EXPECT_NE(std::find(events.begin(), events.end(), "0 Task-3 suspended Lock.acquire()"),
            events.end())
      << fmt::format("{}", fmt::join(events, "\n"));
}

aio::Task<> gather_two() {
  co_await aio::gather(sleep_for(0.5), sleep_for(1));
}

aio::Task<> spawn_many(int count) {
  std::vector<aio::Task<>> tasks;
  for (int i = 0; i < count; ++i) tasks.push_back(aio::create_task(return_at_once()));
  co_await aio::gather(std::move(tasks));
}

TEST(Timeline, KeepsTheFirstMaxTasksTasksOnly) {
  aio::Timeline timeline;
  aio::run(spawn_many(static_cast<int>(aio::Timeline::max_tasks) + 10));
  timeline.stop();
  EXPECT_EQ(timeline.task_names().size(), aio::Timeline::max_tasks);
  EXPECT_TRUE(timeline.more_tasks());
  EXPECT_NE(timeline.to_svg().find("over "), std::string::npos);
}

TEST(Timeline, ShowsItsObserverEveryEventEvenPastMaxTasks) {
  aio::Timeline timeline;
  std::size_t created = 0;
  std::size_t suspended = 0;
  timeline.observe([&](const aio::detail::TaskBase&, aio::TaskEventKind kind) {
    created += kind == aio::TaskEventKind::created;
    suspended += kind == aio::TaskEventKind::suspended;
  });
  aio::run(spawn_many(static_cast<int>(aio::Timeline::max_tasks) + 10));
  timeline.stop();
  // main and its tasks; main suspends once, in the gather.
  EXPECT_EQ(created, aio::Timeline::max_tasks + 11);
  EXPECT_EQ(suspended, 1u);
}

TEST(Timeline, NamesAWaitOnAFutureAsPythonNamesItsClass) {
  aio::detail::reset_task_counter();
  aio::Timeline timeline;
  aio::run(gather_two());
  timeline.stop();
  const Events events = lines(timeline);
  EXPECT_NE(std::find(events.begin(), events.end(), "0 Task-1 suspended _GatheringFuture"),
            events.end())
      << fmt::format("{}", fmt::join(events, "\n"));
}

aio::Task<> fail_after(double seconds) {
  co_await aio::sleep(seconds);
  throw std::runtime_error("boom");
}

aio::Task<> cancel_and_fail() {
  aio::Task<> early = aio::create_task(return_at_once(), "early");
  early.cancel();
  aio::Task<> sleeper = aio::create_task(sleep_for(10), "sleeper");
  aio::Task<> failing = aio::create_task(fail_after(0.5), "failing");
  co_await aio::sleep(1);
  sleeper.cancel();
  try {
    co_await sleeper;
  } catch (const aio::CancelledError&) {
  }
  try {
    co_await failing;
  } catch (const std::runtime_error&) {
  }
}

TEST(Timeline, RecordsCancellationBeforeAndAfterStartAndFailure) {
  aio::detail::reset_task_counter();
  aio::Timeline timeline;
  aio::run(cancel_and_fail());
  timeline.stop();
  EXPECT_EQ(lines(timeline), (Events{
                                 "0 Task-1 created",
                                 "0 Task-1 started",
                                 "0 early created",
                                 "0 sleeper created",
                                 "0 failing created",
                                 "0 Task-1 suspended sleep(1)",
                                 "0 early cancelled",
                                 "0 sleeper started",
                                 "0 sleeper suspended sleep(10)",
                                 "0 failing started",
                                 "0 failing suspended sleep(0.5)",
                                 "0.5 failing resumed",
                                 "0.5 failing failed std::runtime_error: boom",
                                 "1 Task-1 resumed",
                                 "1 Task-1 suspended sleeper",
                                 "1 sleeper resumed",
                                 "1 sleeper cancelled",
                                 "1 Task-1 resumed",
                                 "1 Task-1 finished",
                             }));
}

TEST(Timeline, RecordsNothingOnceStoppedAndOneRecordsAtATime) {
  aio::Timeline first;
  EXPECT_THROW(aio::Timeline{}, aio::RuntimeError);
  aio::run(sleep_for(0.25));
  first.stop();
  EXPECT_FALSE(first.recording());
  aio::run(sleep_for(0.25));
  EXPECT_EQ(first.events().size(), 5u);  // created, started, suspended, resumed, finished

  aio::Timeline second;  // the first one stopped, so another may record
  EXPECT_TRUE(second.recording());
}

TEST(Timeline, WritesChromeTraceEvents) {
  aio::detail::reset_task_counter();
  aio::Timeline timeline;
  aio::run(sleep_for(0.5));
  timeline.stop();
  // A raw string with a delimiter of its own: the JSON contains )".
  const std::string expected = R"json({"displayTimeUnit":"ms","traceEvents":[
{"ph":"M","pid":1,"tid":0,"name":"process_name","args":{"name":"aio tasks"}},
{"ph":"M","pid":1,"tid":1,"name":"thread_name","args":{"name":"Task-1"}},
{"ph":"M","pid":1,"tid":1,"name":"thread_sort_index","args":{"sort_index":1}},
{"ph":"i","s":"t","pid":1,"tid":1,"ts":0.000,"name":"created"},
{"ph":"X","pid":1,"tid":1,"ts":0.000,"dur":0.000,"name":"running","cat":"running"},
{"ph":"X","pid":1,"tid":1,"ts":0.000,"dur":500000.000,"name":"sleep(0.5)","cat":"waiting"},
{"ph":"X","pid":1,"tid":1,"ts":500000.000,"dur":0.000,"name":"running","cat":"running"},
{"ph":"i","s":"t","pid":1,"tid":1,"ts":500000.000,"name":"finished"}
]}
)json";
  EXPECT_EQ(timeline.to_json(), expected);
}

aio::Task<> named_failure() {
  aio::Task<> task = aio::create_task(fail_after(0), "say \"hi\"\\");
  try {
    co_await task;
  } catch (const std::runtime_error&) {
  }
}

TEST(Timeline, EscapesNamesAndRecordsErrorsInJson) {
  aio::Timeline timeline;
  aio::run(named_failure());
  timeline.stop();
  const std::string json = timeline.to_json();
  EXPECT_NE(json.find(R"("args":{"name":"say \"hi\"\\"})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("name":"failed","args":{"error":"std::runtime_error: boom"}})"),
            std::string::npos)
      << json;
}

aio::Task<> three_sleepers() {
  aio::Task<> named = aio::create_task(sleep_for(3), "<a&b>");  // Task-2, renamed
  co_await aio::gather(sleep_for(1), sleep_for(2), named);      // Task-3 and Task-4
}

TEST(Timeline, DrawsOneRowPerTask) {
  aio::detail::reset_task_counter();
  aio::Timeline timeline;
  aio::run(three_sleepers());
  timeline.stop();
  const std::string svg = timeline.to_svg();
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\"", 0), 0u) << svg;
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(count(svg, "<g class=\"task-row\">"), 4u) << svg;  // main and the three sleepers
  for (const char* name : {">Task-1<", ">&lt;a&amp;b&gt;<", ">Task-3<", ">Task-4<"}) {
    EXPECT_EQ(count(svg, name), 1u) << name;
  }
  for (const char* wait : {">sleep(1)<", ">sleep(2)<", ">sleep(3)<"}) {
    EXPECT_EQ(count(svg, wait), 1u) << wait;  // each wait is labelled inside its bar
  }
  EXPECT_EQ(count(svg, "<script"), 0u);
}

TEST(Timeline, SaysSoWhenNoTaskRan) {
  aio::Timeline timeline;
  aio::blocking_sleep(1);
  timeline.stop();
  EXPECT_TRUE(timeline.events().empty());
  const std::string svg = timeline.to_svg();
  EXPECT_NE(svg.find("No task ran"), std::string::npos) << svg;
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

aio::Task<> many_tasks(int count) {
  std::vector<aio::Task<>> tasks;
  for (int i = 0; i < count; ++i) tasks.push_back(aio::create_task(sleep_for(0)));
  for (aio::Task<>& task : tasks) co_await task;
}

TEST(Timeline, DrawsAtMostThirtyRows) {
  aio::Timeline timeline;
  aio::run(many_tasks(40));
  timeline.stop();
  EXPECT_EQ(timeline.task_names().size(), 41u);
  const std::string svg = timeline.to_svg();
  EXPECT_EQ(count(svg, "<g class=\"task-row\">"), 30u);
  EXPECT_NE(svg.find("and 11 more tasks"), std::string::npos);
}

}  // namespace
