// The ready queue on its own (aio::detail::ReadyQueue): first in, first out,
// also when the ring has wrapped around and must grow, and a timer's expiry
// comes out marked as one.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "aio/detail/ready_queue.hpp"

namespace {

using aio::detail::ReadyQueue;

/// A callback that only identifies itself; the queue's references are not
/// counted here (the loop's tests cover them).
class Step final : public aio::detail::Callback {
 public:
  void run() override {}
  void retain() noexcept override {}
  void release() noexcept override {}
};

TEST(ReadyQueue, PopsInPushOrderAcrossWrapAroundAndGrowth) {
  std::vector<Step> steps(300);
  ReadyQueue queue;
  std::deque<const Step*> expected;
  std::size_t next = 0;
  // Keep 40 entries queued while cycling through the first ring of 64 slots
  // several times, so the head has moved well into the ring...
  for (; next < 40; ++next) {
    queue.push(steps[next]);
    expected.push_back(&steps[next]);
  }
  for (int round = 0; round < 150; ++round) {
    ASSERT_EQ(&queue.pop().callback, expected.front());
    expected.pop_front();
    queue.push(steps[next % steps.size()]);
    expected.push_back(&steps[next % steps.size()]);
    ++next;
  }
  // ...then fill it past its capacity twice: growing must unwrap it in order.
  for (int more = 0; more < 200; ++more, ++next) {
    queue.push(steps[next % steps.size()]);
    expected.push_back(&steps[next % steps.size()]);
  }
  ASSERT_EQ(queue.size(), expected.size());
  while (!queue.empty()) {
    const ReadyQueue::Entry entry = queue.pop();
    EXPECT_EQ(&entry.callback, expected.front());
    EXPECT_FALSE(entry.expired);
    expected.pop_front();
  }
  EXPECT_TRUE(expected.empty());
}

TEST(ReadyQueue, MarksATimersExpiryAndNotAPlainStep) {
  Step sleeper;
  ReadyQueue queue;
  queue.push(sleeper);
  queue.push_expired(sleeper);
  queue.push(sleeper);
  EXPECT_FALSE(queue.pop().expired);
  const ReadyQueue::Entry expiry = queue.pop();
  EXPECT_EQ(&expiry.callback, &sleeper) << "the mark must not change the address";
  EXPECT_TRUE(expiry.expired);
  EXPECT_FALSE(queue.pop().expired);
  EXPECT_TRUE(queue.empty());
}

}  // namespace
