// Seeded cancellation storms over every primitive (storm.hpp runs them). Each
// model below counts what its tasks hold and wait for, and checks:
//   - at every use: mutual exclusion, the permits in use never above the count;
//   - at every idle moment: nothing (lock, permit, item, slot, notification,
//     set flag, finished join) is free while a task still waits for it, the
//     lost wake-up a woken-then-cancelled waiter could cause;
//   - at the end: every task finished, every permit back, every item put came
//     out once and in the queue's order, unfinished_tasks and join() agree.
//
// CI runs a few seeds per primitive; AIO_STRESS_SEEDS=2000 runs many (README,
// Tests). A failure names its seed, and the same seed replays exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "storm.hpp"

namespace {

using aio_stress::run_storms;
using aio_stress::Storm;
using aio_stress::tick;

/// Releases what the running task holds, through `release`, when the hold
/// ends, normally or by an exception (the `finally:` of `async with`).
template <class Release>
aio::Task<void> hold_then(Storm* storm, Release release) {
  try {
    co_await storm->hold();
  } catch (...) {
    release();
    throw;
  }
  release();
}

// ---- Lock, Semaphore, BoundedSemaphore ------------------------------------------------------

/// `capacity` permits (a Lock is a one-permit case) that workers take and give back.
template <class Primitive, int capacity>
struct PermitStorm {
  int workers = 6;
  int primaries = 6;
  Primitive primitive = make();
  int holders = 0;  // tasks holding a permit
  int waiting = 0;  // tasks inside acquire()

  static Primitive make() {
    if constexpr (capacity == 1) {
      return Primitive();
    } else {
      return Primitive(capacity);
    }
  }

  aio::Task<void> acquire(Storm* storm) {
    ++waiting;
    try {
      co_await primitive.acquire();
    } catch (...) {
      --waiting;
      throw;
    }
    --waiting;
    ++holders;
    storm->check(holders <= capacity, std::to_string(holders) + " holders of " +
                                          std::to_string(capacity) + " permit(s)");
  }

  void release() {
    --holders;
    primitive.release();
  }

  aio::Task<void> critical(Storm* storm) {
    co_await acquire(storm);
    co_await hold_then(storm, [this] { release(); });
  }

  /// The whole critical section under the dice's timeout, or only the acquire.
  aio::Task<void> unit(Storm* storm, int) {
    storm->count_use();
    if (storm->chance(50)) {
      co_await storm->bounded(critical(storm));
    } else if (co_await storm->bounded(acquire(storm))) {
      co_await hold_then(storm, [this] { release(); });
    }
  }

  void check_idle(Storm& storm) {
    storm.check(waiting == 0 || holders == capacity,
                std::to_string(waiting) + " task(s) wait while " +
                    std::to_string(capacity - holders) + " permit(s) are free");
    storm.check(primitive.locked() == (holders == capacity || waiting > 0),
                "locked() disagrees with the holders and waiters");
  }

  /// Every permit is back: `capacity` acquires succeed at once, and no more.
  aio::Task<void> finish(Storm* storm) {
    storm->check(holders == 0 && waiting == 0, "permits still held or awaited");
    for (int i = 0; i < capacity; ++i) {
      try {
        co_await aio::with_timeout(tick, acquire(storm));
      } catch (const aio::TimeoutError&) {
        storm->check(false, "a permit was lost");
      }
    }
    storm->check(primitive.locked(), "a permit was added");
    for (int i = 0; i < capacity; ++i) release();
    if constexpr (std::is_same_v<Primitive, aio::BoundedSemaphore>) {
      bool refused = false;
      try {
        primitive.release();
      } catch (const std::invalid_argument&) {
        refused = true;
      }
      storm->check(refused, "BoundedSemaphore accepted a release above its bound");
    }
  }
};

TEST(Storm, LockKeepsMutualExclusionAndLosesNoWakeUp) {
  run_storms<PermitStorm<aio::Lock, 1>>("Lock", 150);
}

TEST(Storm, SemaphoreNeitherLosesNorAddsAPermit) {
  run_storms<PermitStorm<aio::Semaphore, 2>>("Semaphore", 150);
}

TEST(Storm, BoundedSemaphoreNeitherLosesNorAddsAPermit) {
  run_storms<PermitStorm<aio::BoundedSemaphore, 3>>("BoundedSemaphore", 150);
}

// ---- Condition ------------------------------------------------------------------------------

/// Producers add a token and notify (one waiter, or all); consumers wait until
/// a token is there and take it. A notification lost to a cancelled waiter
/// shows as a consumer waiting, at an idle moment, beside a token nobody holds
/// the lock to take.
struct ConditionStorm {
  int workers = 6;
  int primaries = 3;  // the producers; the consumers wait for tokens until the storm closes
  aio::Condition cond;
  int tokens = 0;
  int produced = 0;
  int consumed = 0;
  int holders = 0;    // tasks holding the lock (outside wait())
  int acquirers = 0;  // tasks inside acquire()
  int waiters = 0;    // tasks inside wait()

  aio::Task<void> acquire(Storm* storm) {
    ++acquirers;
    try {
      co_await cond.acquire();
    } catch (...) {
      --acquirers;
      throw;
    }
    --acquirers;
    ++holders;
    storm->check(holders == 1, "two tasks hold the condition's lock");
  }

  void release() {
    --holders;
    cond.release();
  }

  /// wait(), plainly or in a timeout scope (a timeout is a spurious wake-up:
  /// the lock is held again either way). Not under wait_for: a cancellation
  /// that reaches wait_for in the iteration its inner wait() finishes is
  /// dropped, and wait_for returns normally (CPython 3.11 does the same, so
  /// that an inner acquire that succeeded is not lost); then a consumer meant
  /// to stop at the storm's end waits on for a notification nobody sends.
  aio::Task<void> wait(Storm* storm) {
    --holders;
    ++waiters;
    std::exception_ptr error;
    try {
      if (storm->chance(50)) {
        co_await cond.wait();
      } else {
        co_await aio::with_timeout(storm->delay(0, 4), cond.wait());
      }
    } catch (const aio::TimeoutError&) {
    } catch (...) {
      error = std::current_exception();
    }
    --waiters;
    ++holders;
    storm->check(holders == 1 && cond.locked(),
                 "wait() ended without the lock held by its task alone");
    if (error) std::rethrow_exception(error);
  }

  aio::Task<void> produce(Storm* storm) {
    co_await acquire(storm);
    ++tokens;
    ++produced;
    if (storm->chance(70)) {
      cond.notify();
    } else {
      cond.notify_all();
    }
    co_await hold_then(storm, [this] { release(); });
  }

  aio::Task<void> consume(Storm* storm) {
    co_await acquire(storm);
    std::exception_ptr error;
    try {
      while (tokens == 0) co_await wait(storm);
      --tokens;
      ++consumed;
      co_await storm->hold();
    } catch (...) {
      error = std::current_exception();
    }
    release();
    if (error) std::rethrow_exception(error);
  }

  aio::Task<void> unit(Storm* storm, int index) {
    storm->count_use();
    // if/else, not ?: (GCC 12 destroys a ?: temporary held across co_await twice).
    if (index < primaries) {
      co_await storm->bounded(produce(storm));
    } else {
      co_await storm->bounded(consume(storm));
    }
  }

  void check_idle(Storm& storm) {
    storm.check(acquirers == 0 || cond.locked(), "a task waits for a free lock");
    storm.check(cond.locked() == (holders > 0), "locked() disagrees with the holders");
    storm.check(cond.locked() || waiters == 0 || tokens == 0,
                std::to_string(waiters) + " consumer(s) wait beside " + std::to_string(tokens) +
                    " token(s) and a free lock: a notification was lost");
  }

  aio::Task<void> finish(Storm* storm) {
    storm->check(holders == 0 && acquirers == 0 && waiters == 0,
                 "the lock is still held or awaited");
    storm->check(produced == consumed + tokens, "tokens were lost or duplicated");
    co_return;
  }
};

TEST(Storm, ConditionLosesNoNotification) {
  run_storms<ConditionStorm>("Condition", 150);
}

// ---- Event ----------------------------------------------------------------------------------

/// One worker sets and clears the flag; the others wait for it.
struct EventStorm {
  int workers = 5;
  int primaries = 1;  // the setter
  aio::Event event;
  int waiting = 0;

  aio::Task<void> wait(Storm* storm) {
    ++waiting;
    bool result = false;
    try {
      result = co_await event.wait();
    } catch (...) {
      --waiting;
      throw;
    }
    --waiting;
    storm->check(result, "Event.wait() returned false");
  }

  aio::Task<void> unit(Storm* storm, int index) {
    storm->count_use();
    if (index < primaries) {
      co_await aio::sleep(storm->delay(0, 3));
      if (storm->chance(50)) {
        event.set();
      } else {
        event.clear();
      }
    } else {
      co_await storm->bounded(wait(storm));
    }
  }

  void check_idle(Storm& storm) {
    storm.check(!event.is_set() || waiting == 0, "a task waits for a set Event");
  }

  aio::Task<void> finish(Storm* storm) {
    storm->check(waiting == 0, "a task still waits for the Event");
    co_return;
  }
};

TEST(Storm, EventWakesEveryWaiter) {
  run_storms<EventStorm>("Event", 150);
}

// ---- Barrier --------------------------------------------------------------------------------

/// Workers meet at a barrier of three; one worker resets or aborts it now and
/// then (and resets a broken one), so rounds also break.
struct BarrierStorm {
  static constexpr int parties = 3;
  int workers = 7;
  int primaries = 1;  // the resetter
  aio::Barrier barrier{parties};
  int waiting = 0;  // tasks inside wait()

  aio::Task<void> wait(Storm* storm) {
    ++waiting;
    int index = -1;
    try {
      index = co_await barrier.wait();
    } catch (const aio::BrokenBarrierError&) {
    } catch (...) {
      --waiting;
      throw;
    }
    --waiting;
    storm->check(index >= -1 && index < parties, "arrival index " + std::to_string(index));
    // A broken barrier refuses at once: let the clock move.
    if (index == -1) co_await aio::sleep(tick);
  }

  aio::Task<void> unit(Storm* storm, int index) {
    storm->count_use();
    if (index >= primaries) {
      co_await storm->bounded(wait(storm));
    } else if (barrier.broken() || storm->chance(20)) {
      co_await barrier.reset();
    } else if (storm->chance(10)) {
      co_await barrier.abort();
    } else {
      co_await aio::sleep(storm->delay(1, 3));
    }
  }

  void check_idle(Storm& storm) {
    if (barrier.broken()) return;
    storm.check(barrier.n_waiting() == waiting, std::to_string(waiting) +
                                                    " task(s) in wait() but n_waiting() is " +
                                                    std::to_string(barrier.n_waiting()));
    storm.check(waiting < parties, "a full round still waits");
  }

  /// The barrier still works: after a reset, one round of `parties` passes.
  aio::Task<void> finish(Storm* storm) {
    storm->check(waiting == 0, "a task still waits at the barrier");
    co_await barrier.reset();
    std::vector<aio::Task<int>> round;
    for (int i = 0; i < parties; ++i) round.push_back(aio::create_task(barrier.wait()));
    auto [done, pending] = co_await aio::wait(round, 1.0);
    storm->check(pending.empty(), "a full round did not pass");
    for (auto& task : pending) task.cancel();
    co_await aio::wait(round);
  }
};

TEST(Storm, BarrierLetsEveryFullRoundPass) {
  run_storms<BarrierStorm>("Barrier", 150);
}

// ---- Queue, LifoQueue, PriorityQueue --------------------------------------------------------

/// What a queue of `Queue` holds, kept beside it: which item must come out next.
template <class Queue>
struct Model {
  std::deque<int> items;

  void put(int item) { items.push_back(item); }
  /// Takes the item the queue's order gives out next.
  int take() {
    auto next = items.begin();
    if constexpr (std::is_same_v<Queue, aio::LifoQueue<int>>) {
      next = items.end() - 1;
    } else if constexpr (std::is_same_v<Queue, aio::PriorityQueue<int>>) {
      next = std::min_element(items.begin(), items.end());
    }
    const int item = *next;
    items.erase(next);
    return item;
  }
};

/// Producers put numbered items into a small queue, consumers take them and
/// mark them done, a joiner waits for join(). Beside the queue runs its model:
/// each item taken must be the one the model says.
template <class Queue>
struct QueueStorm {
  int workers = 7;
  int primaries = 3;  // the producers; 3 to 5 consume, 6 joins
  Queue queue{2};
  Model<Queue> model;
  int next_item = 0;
  int taken = 0;
  int putters = 0;  // tasks inside put()
  int getters = 0;  // tasks inside get()
  int joiners = 0;  // tasks inside join()

  aio::Task<void> put() {
    // Descending for the PriorityQueue, so its order differs from arrival order.
    const int item = std::is_same_v<Queue, aio::PriorityQueue<int>> ? -next_item : next_item;
    ++next_item;
    ++putters;
    try {
      co_await queue.put(item);
    } catch (...) {
      --putters;
      throw;
    }
    --putters;
    model.put(item);
  }

  aio::Task<void> get(Storm* storm) {
    ++getters;
    int item = 0;
    try {
      item = co_await queue.get();
    } catch (...) {
      --getters;
      throw;
    }
    --getters;
    ++taken;
    if (model.items.empty()) {
      storm->check(false, "item " + std::to_string(item) + " came out, but none was in");
    } else {
      const int expected = model.take();
      storm->check(item == expected, "item " + std::to_string(item) + " came out instead of " +
                                         std::to_string(expected));
    }
    co_await hold_then(storm, [this] { queue.task_done(); });
  }

  aio::Task<void> join() {
    ++joiners;
    try {
      co_await queue.join();
    } catch (...) {
      --joiners;
      throw;
    }
    --joiners;
  }

  aio::Task<void> unit(Storm* storm, int index) {
    storm->count_use();
    if (index < primaries) {
      co_await storm->bounded(put());
    } else if (index < workers - 1) {
      co_await storm->bounded(get(storm));
    } else {
      co_await storm->bounded(join());
    }
  }

  void check_idle(Storm& storm) {
    storm.check(queue.qsize() == model.items.size(),
                "qsize() disagrees with the items put and taken");
    storm.check(queue.empty() || getters == 0, "a getter waits beside an item");
    storm.check(queue.full() || putters == 0, "a putter waits beside a free slot");
    storm.check(queue.unfinished_tasks() > 0 || joiners == 0,
                "join() waits with no unfinished task");
  }

  /// Takes what is left; then every item put came out once and join() returns.
  aio::Task<void> finish(Storm* storm) {
    storm->check(putters == 0 && getters == 0 && joiners == 0, "a task still waits on the queue");
    while (!queue.empty()) {
      const int item = queue.get_nowait();
      storm->check(!model.items.empty() && item == model.take(),
                   "the items left are not the model's");
      ++taken;
      queue.task_done();
    }
    storm->check(model.items.empty(), "items were lost");
    storm->check(queue.unfinished_tasks() == 0,
                 "unfinished_tasks() is " + std::to_string(queue.unfinished_tasks()));
    try {
      co_await aio::with_timeout(tick, queue.join());
    } catch (const aio::TimeoutError&) {
      storm->check(false, "join() waits on a finished queue");
    }
  }
};

TEST(Storm, QueueDeliversEveryItemOnceInOrder) {
  run_storms<QueueStorm<aio::Queue<int>>>("Queue", 100);
}

TEST(Storm, LifoQueueDeliversEveryItemOnceInOrder) {
  run_storms<QueueStorm<aio::LifoQueue<int>>>("LifoQueue", 50);
}

TEST(Storm, PriorityQueueDeliversEveryItemOnceInOrder) {
  run_storms<QueueStorm<aio::PriorityQueue<int>>>("PriorityQueue", 50);
}

}  // namespace
