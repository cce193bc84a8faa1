// aio::Queue, aio::LifoQueue and aio::PriorityQueue: the order items come out in; maxsize,
// full() and empty(); the nowait errors; task_done() and join(); getters and putters served
// first in, first out, a woken waiter that finds nothing waiting again at the back; what a
// cancelled get or put does (no item lost, none inserted); move-only items; whole traces of
// producers and consumers cancelled at random, against CPython's; how each kind of queue
// names itself; and what a queue destroyed while tasks wait on it does.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include "aio/queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

// ---- the order items come out in ----------------------------------------------------------

template <class Q>
aio::Task<void> put_312_get_three(Recorder* log, std::string name) {
  Q queue;
  for (int item : {3, 1, 2}) queue.put_nowait(item);
  std::string got = name;
  for (int i = 0; i < 3; ++i) got += " " + std::to_string(co_await queue.get());
  log->add(got);
}

aio::Task<void> three_orders(Recorder* log) {
  co_await put_312_get_three<aio::Queue<int>>(log, "Queue");
  co_await put_312_get_three<aio::LifoQueue<int>>(log, "LifoQueue");
  co_await put_312_get_three<aio::PriorityQueue<int>>(log, "PriorityQueue");
}

// async def main():
//     for q in (asyncio.Queue(), asyncio.LifoQueue(), asyncio.PriorityQueue()):
//         for x in (3, 1, 2): q.put_nowait(x)
//         print(type(q).__name__, [await q.get() for _ in range(3)])
// asyncio.run(main())     # Queue [3, 1, 2] / LifoQueue [2, 1, 3] / PriorityQueue [1, 2, 3]
TEST(Queue, FifoLifoAndPriorityOrders) {
  Recorder log;
  aio::run(three_orders(&log));
  EXPECT_EQ(log.events(), (Events{"Queue 3 1 2", "LifoQueue 2 1 3", "PriorityQueue 1 2 3"}));
}

// async def main():
//     q = asyncio.PriorityQueue(); counter = itertools.count()    # import itertools
//     for priority, name in [(2, "b1"), (1, "a1"), (2, "b2"), (1, "a2"), (0, "z"), (2, "b3")]:
//         q.put_nowait((priority, next(counter), name))
//     print([q.get_nowait()[2] for _ in range(q.qsize())])
// asyncio.run(main())                      # ['z', 'a1', 'a2', 'b1', 'b2', 'b3']
//
// Python needs the counter: heapq does not keep equal priorities in arrival order. aio's
// PriorityQueue does, so comparing the priority alone gives the same order.
TEST(Queue, PriorityQueueKeepsArrivalOrderAmongEqualPriorities) {
  struct ByPriority {
    bool operator()(const std::pair<int, std::string>& a,
                    const std::pair<int, std::string>& b) const {
      return a.first < b.first;
    }
  };
  aio::PriorityQueue<std::pair<int, std::string>, ByPriority> queue;
  for (const auto& [priority, name] : std::vector<std::pair<int, std::string>>{
           {2, "b1"}, {1, "a1"}, {2, "b2"}, {1, "a2"}, {0, "z"}, {2, "b3"}}) {
    queue.put_nowait({priority, name});
  }
  std::vector<std::string> names;
  while (!queue.empty()) names.push_back(queue.get_nowait().second);
  EXPECT_EQ(names, (std::vector<std::string>{"z", "a1", "a2", "b1", "b2", "b3"}));
}

TEST(Queue, PriorityQueueTakesAComparator) {
  aio::PriorityQueue<int, std::greater<int>> largest_first;
  for (int item : {3, 1, 2}) largest_first.put_nowait(item);
  EXPECT_EQ(largest_first.get_nowait(), 3);
  EXPECT_EQ(largest_first.get_nowait(), 2);
  EXPECT_EQ(largest_first.get_nowait(), 1);
}

template <class Q>
aio::Task<void> ordered_getter(Recorder* log, Q* queue, std::string name) {
  const int item = co_await queue->get();
  log->add(name + " got " + std::to_string(item));
}

template <class Q>
aio::Task<void> two_getters_then_two_puts(Recorder* log) {
  Q queue;
  aio::Task<void> a = aio::create_task(ordered_getter(log, &queue, "a"));
  aio::Task<void> b = aio::create_task(ordered_getter(log, &queue, "b"));
  co_await aio::sleep(0);
  queue.put_nowait(5);
  queue.put_nowait(1);  // the first put woke a, which runs after both
  co_await a;
  co_await b;
}

aio::Task<void> woken_getters_take_by_queue_order(Recorder* log) {
  co_await two_getters_then_two_puts<aio::PriorityQueue<int>>(log);
  co_await two_getters_then_two_puts<aio::LifoQueue<int>>(log);
}

// async def getter(q, name):
//     print(name, "got", await q.get())
// async def main():
//     for q in (asyncio.PriorityQueue(), asyncio.LifoQueue()):
//         a = asyncio.create_task(getter(q, "a")); b = asyncio.create_task(getter(q, "b"))
//         await asyncio.sleep(0)
//         q.put_nowait(5); q.put_nowait(1)  # the first put wakes a, which runs after both
//         await asyncio.gather(a, b)
// asyncio.run(main())                      # a got 1 / b got 5 / a got 1 / b got 5
//
// A woken getter takes whatever the queue gives when it runs, not the item that woke it.
TEST(Queue, AWokenGetterTakesTheItemTheQueueOrderGivesWhenItRuns) {
  Recorder log;
  aio::run(woken_getters_take_by_queue_order(&log));
  EXPECT_EQ(log.events(), (Events{"a got 1", "b got 5", "a got 1", "b got 5"}));
}

// ---- sizes and the nowait errors ----------------------------------------------------------

// async def main():
//     q = asyncio.Queue(2)
//     print(q.maxsize, q.qsize(), q.empty(), q.full())
//     q.put_nowait("a"); print(q.qsize(), q.empty(), q.full())
//     q.put_nowait("b"); print(q.qsize(), q.empty(), q.full())
//     u = asyncio.Queue()
//     for i in range(1000): u.put_nowait(i)
//     print(u.maxsize, u.qsize(), u.full())
// asyncio.run(main())       # 2 0 True False / 1 False False / 2 False True / 0 1000 False
TEST(Queue, MaxsizeFullAndEmpty) {
  Recorder log;
  aio::Queue<std::string> queue(2);
  const auto state = [&] {
    return std::to_string(queue.qsize()) + " " + python_bool(queue.empty()) + " " +
           python_bool(queue.full());
  };
  log.add(std::to_string(queue.maxsize()) + " " + state());
  queue.put_nowait("a");
  log.add(state());
  queue.put_nowait("b");
  log.add(state());
  aio::Queue<int> unbounded;
  for (int i = 0; i < 1000; ++i) unbounded.put_nowait(i);
  log.add(std::to_string(unbounded.maxsize()) + " " + std::to_string(unbounded.qsize()) + " " +
          python_bool(unbounded.full()));
  EXPECT_EQ(log.events(),
            (Events{"2 0 True False", "1 False False", "2 False True", "0 1000 False"}));
}

// async def main():
//     q = asyncio.Queue(1)
//     try: q.get_nowait()
//     except asyncio.QueueEmpty as e: print("QueueEmpty", repr(str(e)))
//     q.put_nowait("a")
//     try: q.put_nowait("b")
//     except asyncio.QueueFull as e: print("QueueFull", repr(str(e)))
//     print(q.qsize(), q.get_nowait())
// asyncio.run(main())                      # QueueEmpty '' / QueueFull '' / 1 a
TEST(Queue, NowaitOperationsThrowQueueEmptyAndQueueFull) {
  Recorder log;
  aio::Queue<std::string> queue(1);
  try {
    (void)queue.get_nowait();
  } catch (const aio::QueueEmpty& error) {
    log.add("QueueEmpty '" + std::string(error.what()) + "'");
  }
  queue.put_nowait("a");
  try {
    queue.put_nowait("b");
  } catch (const aio::QueueFull& error) {
    log.add("QueueFull '" + std::string(error.what()) + "'");
  }
  const std::size_t size = queue.qsize();  // before get_nowait: operands of + run in any order
  log.add(std::to_string(size) + " " + queue.get_nowait());
  EXPECT_EQ(log.events(), (Events{"QueueEmpty ''", "QueueFull ''", "1 a"}));
  static_assert(std::is_base_of_v<std::runtime_error, aio::QueueEmpty>);
  static_assert(std::is_base_of_v<std::runtime_error, aio::QueueFull>);
}

// ---- task_done and join -------------------------------------------------------------------

aio::Task<void> task_done_too_often(Recorder* log) {
  aio::Queue<std::string> queue;
  co_await queue.join();
  log->add("join with nothing put returns at once");
  try {
    queue.task_done();
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError: ") + error.what());
  }
  queue.put_nowait("a");
  (void)queue.get_nowait();
  queue.task_done();
  try {
    queue.task_done();
  } catch (const std::invalid_argument& error) {
    log->add(std::string("ValueError: ") + error.what());
  }
}

// async def main():
//     q = asyncio.Queue()
//     await q.join(); print("join with nothing put returns at once")
//     try: q.task_done()
//     except ValueError as e: print("ValueError:", e)
//     q.put_nowait("a"); q.get_nowait(); q.task_done()
//     try: q.task_done()
//     except ValueError as e: print("ValueError:", e)
// asyncio.run(main())
// # join with nothing put returns at once / ValueError: task_done() called too many times (x2)
TEST(Queue, TaskDoneCalledTooManyTimesThrows) {
  Recorder log;
  aio::run(task_done_too_often(&log));
  EXPECT_EQ(log.events(), (Events{"join with nothing put returns at once",
                                  "ValueError: task_done() called too many times",
                                  "ValueError: task_done() called too many times"}));
}

aio::Task<void> slow_worker(Recorder* log, aio::Queue<std::string>* queue) {
  for (;;) {
    std::string item = co_await queue->get();
    co_await aio::sleep(0.1);
    log->add("done " + item);
    queue->task_done();
  }
}

aio::Task<void> joiner(Recorder* log, aio::Queue<std::string>* queue, std::string name) {
  co_await queue->join();
  log->add(name + " joined");
}

aio::Task<void> join_after_work(Recorder* log) {
  aio::Queue<std::string> queue;
  for (const char* item : {"a", "b", "c"}) queue.put_nowait(item);
  aio::Task<void> worker = aio::create_task(slow_worker(log, &queue));
  aio::Task<void> first_joiner = aio::create_task(joiner(log, &queue, "j1"));
  co_await aio::sleep(0);
  co_await queue.join();
  log->add("main joined");
  co_await first_joiner;
  worker.cancel();
  try {
    co_await worker;
  } catch (const aio::CancelledError&) {
  }
}

// async def worker(q):
//     while True:
//         item = await q.get(); await asyncio.sleep(0.1); print("done", item); q.task_done()
// async def joiner(q, name):
//     await q.join(); print(name, "joined")
// async def main():
//     q = asyncio.Queue()
//     for item in "abc": q.put_nowait(item)
//     w = asyncio.create_task(worker(q)); j = asyncio.create_task(joiner(q, "j1"))
//     await asyncio.sleep(0)
//     await q.join(); print("main joined")
//     await j; w.cancel()
// asyncio.run(main())         # done a / done b / done c / j1 joined / main joined
TEST(Queue, JoinWaitsUntilEveryItemIsMarkedDone) {
  Recorder log;
  aio::run(join_after_work(&log));
  EXPECT_EQ(log.events(), (Events{"done a", "done b", "done c", "j1 joined", "main joined"}));
}

aio::Task<void> joiner_reporting(Recorder* log, aio::Queue<std::string>* queue, std::string name) {
  co_await queue->join();
  log->add(name + " joined, unfinished: " + std::to_string(queue->unfinished_tasks()));
}

aio::Task<void> joiners_woken_together(Recorder* log) {
  aio::Queue<std::string> queue;
  queue.put_nowait("job");
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"j1", "j2", "j3"}) {
    tasks.push_back(aio::create_task(joiner_reporting(log, &queue, name)));
  }
  co_await aio::sleep(0);
  (void)queue.get_nowait();
  queue.task_done();         // wakes every joiner
  queue.put_nowait("next");  // ...which still return: they were woken
  for (auto& task : tasks) co_await task;
}

// async def joiner(q, name):
//     await q.join(); print(name, "joined, unfinished:", q._unfinished_tasks)
// async def main():
//     q = asyncio.Queue(); q.put_nowait("job")
//     tasks = [asyncio.create_task(joiner(q, n)) for n in ("j1", "j2", "j3")]
//     await asyncio.sleep(0)
//     q.get_nowait(); q.task_done()     # wakes every joiner
//     q.put_nowait("next")              # ...which still return: they were woken
//     await asyncio.gather(*tasks)
// asyncio.run(main())
// # j1 joined, unfinished: 1 / j2 joined, unfinished: 1 / j3 joined, unfinished: 1
TEST(Queue, TaskDoneWakesEveryJoinerInOrderAndTheyReturnEvenIfItemsArrive) {
  Recorder log;
  aio::run(joiners_woken_together(&log));
  EXPECT_EQ(log.events(), (Events{"j1 joined, unfinished: 1", "j2 joined, unfinished: 1",
                                  "j3 joined, unfinished: 1"}));
}

aio::Task<void> cancellable_joiner(Recorder* log, aio::Queue<std::string>* queue,
                                   std::string name) {
  try {
    co_await queue->join();
    log->add(name + " joined");
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
    throw;
  }
}

aio::Task<void> cancel_a_joiner(Recorder* log) {
  aio::Queue<std::string> queue;
  queue.put_nowait("job");
  aio::Task<void> a = aio::create_task(cancellable_joiner(log, &queue, "a"));
  aio::Task<void> b = aio::create_task(cancellable_joiner(log, &queue, "b"));
  co_await aio::sleep(0);
  a.cancel();
  co_await aio::sleep(0);
  (void)queue.get_nowait();
  queue.task_done();
  co_await b;
  log->add(python_bool(a.cancelled()));
}

// async def joiner(q, name):
//     try: await q.join(); print(name, "joined")
//     except asyncio.CancelledError: print(name, "cancelled"); raise
// async def main():
//     q = asyncio.Queue(); q.put_nowait("job")
//     a = asyncio.create_task(joiner(q, "a")); b = asyncio.create_task(joiner(q, "b"))
//     await asyncio.sleep(0)
//     a.cancel()
//     await asyncio.sleep(0)
//     q.get_nowait(); q.task_done()
//     await b; print(a.cancelled())
// asyncio.run(main())                      # a cancelled / b joined / True
TEST(Queue, CancellingAJoinLeavesTheOtherJoiners) {
  Recorder log;
  aio::run(cancel_a_joiner(&log));
  EXPECT_EQ(log.events(), (Events{"a cancelled", "b joined", "True"}));
}

// ---- waiting: first in, first out ---------------------------------------------------------

aio::Task<void> waiting_getter(Recorder* log, aio::Queue<int>* queue, std::string name) {
  log->add(name + " waits");
  const int item = co_await queue->get();
  log->add(name + " got " + std::to_string(item));
}

aio::Task<void> getters_in_line(Recorder* log) {
  aio::Queue<int> queue;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"}) {
    tasks.push_back(aio::create_task(waiting_getter(log, &queue, name)));
  }
  co_await aio::sleep(0);
  for (int item : {1, 2, 3}) queue.put_nowait(item);
  log->add("put 3 items");
  for (auto& task : tasks) co_await task;
}

// async def getter(q, name):
//     print(name, "waits"); print(name, "got", await q.get())
// async def main():
//     q = asyncio.Queue()
//     tasks = [asyncio.create_task(getter(q, n)) for n in "abc"]
//     await asyncio.sleep(0)
//     for item in (1, 2, 3): q.put_nowait(item)
//     print("put 3 items")
//     await asyncio.gather(*tasks)
// asyncio.run(main())
// # a waits / b waits / c waits / put 3 items / a got 1 / b got 2 / c got 3
TEST(Queue, GettersAreServedFirstInFirstOut) {
  Recorder log;
  aio::run(getters_in_line(&log));
  EXPECT_EQ(log.events(), (Events{"a waits", "b waits", "c waits", "put 3 items", "a got 1",
                                  "b got 2", "c got 3"}));
}

aio::Task<void> waiting_putter(Recorder* log, aio::Queue<std::string>* queue, std::string name) {
  log->add(name + " waits");
  co_await queue->put(name);
  log->add(name + " put");
}

aio::Task<void> putters_in_line(Recorder* log) {
  aio::Queue<std::string> queue(1);
  queue.put_nowait("x");
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"}) {
    tasks.push_back(aio::create_task(waiting_putter(log, &queue, name)));
  }
  co_await aio::sleep(0);
  for (int i = 0; i < 4; ++i) {
    log->add("got " + co_await queue.get());
    co_await aio::sleep(0);
  }
  for (auto& task : tasks) co_await task;
}

// async def putter(q, name):
//     print(name, "waits"); await q.put(name); print(name, "put")
// async def main():
//     q = asyncio.Queue(1); q.put_nowait("x")
//     tasks = [asyncio.create_task(putter(q, n)) for n in "abc"]
//     await asyncio.sleep(0)
//     for _ in range(4): print("got", await q.get()); await asyncio.sleep(0)
//     await asyncio.gather(*tasks)
// asyncio.run(main())
// # a waits / b waits / c waits / got x / a put / got a / b put / got b / c put / got c
TEST(Queue, PuttersAreServedFirstInFirstOut) {
  Recorder log;
  aio::run(putters_in_line(&log));
  EXPECT_EQ(log.events(), (Events{"a waits", "b waits", "c waits", "got x", "a put", "got a",
                                  "b put", "got b", "c put", "got c"}));
}

aio::Task<void> quiet_putter(Recorder* log, aio::Queue<std::string>* queue, std::string name) {
  co_await queue->put(name);
  log->add(name + " put");
}

aio::Task<void> woken_putter_finds_queue_full(Recorder* log) {
  aio::Queue<std::string> queue(1);
  queue.put_nowait("x");
  aio::Task<void> a = aio::create_task(quiet_putter(log, &queue, "a"));
  aio::Task<void> b = aio::create_task(quiet_putter(log, &queue, "b"));
  co_await aio::sleep(0);
  log->add("got " + queue.get_nowait());  // wakes a
  queue.put_nowait("y");                  // the queue is full again before a runs
  co_await aio::sleep(0);                 // a finds it full and waits again, behind b
  log->add("got " + queue.get_nowait());  // wakes b, first in line now
  co_await aio::sleep(0);
  log->add("got " + queue.get_nowait());  // wakes a
  co_await aio::sleep(0);
  log->add("got " + queue.get_nowait());
  co_await a;
  co_await b;
}

// async def putter(q, name):
//     await q.put(name); print(name, "put")
// async def main():
//     q = asyncio.Queue(1); q.put_nowait("x")
//     a = asyncio.create_task(putter(q, "a")); b = asyncio.create_task(putter(q, "b"))
//     await asyncio.sleep(0)
//     print("got", q.get_nowait())      # wakes a
//     q.put_nowait("y")                 # the queue is full again before a runs
//     await asyncio.sleep(0)            # a finds it full and waits again, behind b
//     print("got", q.get_nowait())      # wakes b, first in line now
//     await asyncio.sleep(0)
//     print("got", q.get_nowait())      # wakes a
//     await asyncio.sleep(0)
//     print("got", q.get_nowait())
//     await asyncio.gather(a, b)
// asyncio.run(main())         # got x / got y / b put / got b / a put / got a
TEST(Queue, AWokenPutterThatFindsTheQueueFullWaitsAgainAtTheBack) {
  Recorder log;
  aio::run(woken_putter_finds_queue_full(&log));
  EXPECT_EQ(log.events(), (Events{"got x", "got y", "b put", "got b", "a put", "got a"}));
}

aio::Task<void> quiet_getter(Recorder* log, aio::Queue<int>* queue, std::string name) {
  const int item = co_await queue->get();
  log->add(name + " got " + std::to_string(item));
}

aio::Task<void> woken_getter_finds_queue_empty(Recorder* log) {
  aio::Queue<int> queue;
  aio::Task<void> a = aio::create_task(quiet_getter(log, &queue, "a"));
  aio::Task<void> b = aio::create_task(quiet_getter(log, &queue, "b"));
  co_await aio::sleep(0);
  queue.put_nowait(1);                                          // wakes a
  log->add("main took " + std::to_string(queue.get_nowait()));  // ...but main takes the item first
  co_await aio::sleep(0);  // a finds the queue empty and waits again, behind b
  queue.put_nowait(2);
  queue.put_nowait(3);
  co_await a;
  co_await b;
}

// async def getter(q, name):
//     print(name, "got", await q.get())
// async def main():
//     q = asyncio.Queue()
//     a = asyncio.create_task(getter(q, "a")); b = asyncio.create_task(getter(q, "b"))
//     await asyncio.sleep(0)
//     q.put_nowait(1)                     # wakes a
//     print("main took", q.get_nowait())  # ...but main takes the item first
//     await asyncio.sleep(0)              # a finds the queue empty and waits again, behind b
//     q.put_nowait(2); q.put_nowait(3)
//     await asyncio.gather(a, b)
// asyncio.run(main())                      # main took 1 / b got 2 / a got 3
TEST(Queue, AWokenGetterThatFindsTheQueueEmptyWaitsAgainAtTheBack) {
  Recorder log;
  aio::run(woken_getter_finds_queue_empty(&log));
  EXPECT_EQ(log.events(), (Events{"main took 1", "b got 2", "a got 3"}));
}

aio::Task<void> get_and_put_without_waiting(Recorder* log) {
  aio::Queue<int> queue(1);
  queue.put_nowait(1);
  aio::get_running_loop().call_soon(log->note("callback"));
  log->add("got " + std::to_string(co_await queue.get()));
  queue.task_done();
  co_await queue.put(2);
  log->add("put 2");
  (void)queue.get_nowait();
  queue.task_done();
  co_await queue.join();
  log->add("joined");
  co_await aio::sleep(0);
}

// async def main():
//     q = asyncio.Queue(1); q.put_nowait(1)
//     asyncio.get_running_loop().call_soon(print, "callback")
//     print("got", await q.get()); q.task_done()
//     await q.put(2); print("put 2")
//     q.get_nowait(); q.task_done()
//     await q.join(); print("joined")
//     await asyncio.sleep(0)
// asyncio.run(main())                      # got 1 / put 2 / joined / callback
TEST(Queue, GetPutAndJoinDoNotSuspendWhenTheyNeedNotWait) {
  Recorder log;
  aio::run(get_and_put_without_waiting(&log));
  EXPECT_EQ(log.events(), (Events{"got 1", "put 2", "joined", "callback"}));
}

// ---- cancellation -------------------------------------------------------------------------

aio::Task<void> cancellable_getter(Recorder* log, aio::Queue<int>* queue, std::string name) {
  try {
    const int item = co_await queue->get();
    log->add(name + " got " + std::to_string(item));
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
    throw;
  }
}

aio::Task<void> cancel_waiting_get(Recorder* log) {
  aio::Queue<int> queue;
  aio::Task<void> a = aio::create_task(cancellable_getter(log, &queue, "a"));
  aio::Task<void> b = aio::create_task(cancellable_getter(log, &queue, "b"));
  co_await aio::sleep(0);
  a.cancel();
  co_await aio::sleep(0);
  queue.put_nowait(1);
  co_await aio::sleep(0);
  log->add(python_bool(a.cancelled()) + " " + python_bool(b.done()) + " " +
           std::to_string(queue.qsize()));
}

// async def getter(q, name):
//     try: print(name, "got", await q.get())
//     except asyncio.CancelledError: print(name, "cancelled"); raise
// async def main():
//     q = asyncio.Queue()
//     a = asyncio.create_task(getter(q, "a")); b = asyncio.create_task(getter(q, "b"))
//     await asyncio.sleep(0)
//     a.cancel()
//     await asyncio.sleep(0)
//     q.put_nowait(1)
//     await asyncio.sleep(0)
//     print(a.cancelled(), b.done(), q.qsize())
// asyncio.run(main())                      # a cancelled / b got 1 / True True 0
TEST(Queue, ACancelledWaitingGetLeavesTheLine) {
  Recorder log;
  aio::run(cancel_waiting_get(&log));
  EXPECT_EQ(log.events(), (Events{"a cancelled", "b got 1", "True True 0"}));
}

aio::Task<void> cancel_woken_get(Recorder* log) {
  aio::Queue<int> queue;
  aio::Task<void> a = aio::create_task(cancellable_getter(log, &queue, "a"));
  aio::Task<void> b = aio::create_task(cancellable_getter(log, &queue, "b"));
  co_await aio::sleep(0);
  queue.put_nowait(1);     // wakes a
  a.cancel();              // ...which is cancelled before it runs
  co_await aio::sleep(0);  // a passes the wake-up on to b
  log->add("main " + std::to_string(queue.qsize()));
  co_await aio::sleep(0);
  log->add("main " + std::to_string(queue.qsize()) + " " + python_bool(a.cancelled()) + " " +
           python_bool(b.done()));
}

// async def getter(q, name):
//     try: print(name, "got", await q.get())
//     except asyncio.CancelledError: print(name, "cancelled"); raise
// async def main():
//     q = asyncio.Queue()
//     a = asyncio.create_task(getter(q, "a")); b = asyncio.create_task(getter(q, "b"))
//     await asyncio.sleep(0)
//     q.put_nowait(1)                   # wakes a
//     a.cancel()                        # ...which is cancelled before it runs
//     await asyncio.sleep(0)            # a passes the wake-up on to b
//     print("main", q.qsize())
//     await asyncio.sleep(0)
//     print("main", q.qsize(), a.cancelled(), b.done())
// asyncio.run(main())              # a cancelled / main 1 / b got 1 / main 0 True True
TEST(Queue, AGetCancelledAfterItWasWokenPassesTheItemToTheNextGetter) {
  Recorder log;
  aio::run(cancel_woken_get(&log));
  EXPECT_EQ(log.events(), (Events{"a cancelled", "main 1", "b got 1", "main 0 True True"}));
}

aio::Task<void> cancellable_putter(Recorder* log, aio::Queue<std::string>* queue,
                                   std::string item) {
  try {
    co_await queue->put(item);
    log->add("put " + item);
  } catch (const aio::CancelledError&) {
    log->add("put of " + item + " cancelled");
    throw;
  }
}

aio::Task<void> cancel_waiting_put(Recorder* log) {
  aio::Queue<std::string> queue(1);
  queue.put_nowait("x");
  aio::Task<void> a = aio::create_task(cancellable_putter(log, &queue, "a"));
  co_await aio::sleep(0);
  a.cancel();
  co_await aio::sleep(0);
  std::string got = queue.get_nowait();
  log->add(got + " " + std::to_string(queue.qsize()) + " " + python_bool(a.cancelled()));
  co_await aio::sleep(0);
  log->add(std::to_string(queue.qsize()));
}

// async def putter(q, item):
//     try: await q.put(item); print("put", item)
//     except asyncio.CancelledError: print("put of", item, "cancelled"); raise
// async def main():
//     q = asyncio.Queue(1); q.put_nowait("x")
//     a = asyncio.create_task(putter(q, "a"))
//     await asyncio.sleep(0)
//     a.cancel()
//     await asyncio.sleep(0)
//     print(q.get_nowait(), q.qsize(), a.cancelled())
//     await asyncio.sleep(0)
//     print(q.qsize())
// asyncio.run(main())                      # put of a cancelled / x 0 True / 0
TEST(Queue, ACancelledWaitingPutInsertsNothing) {
  Recorder log;
  aio::run(cancel_waiting_put(&log));
  EXPECT_EQ(log.events(), (Events{"put of a cancelled", "x 0 True", "0"}));
}

aio::Task<void> cancel_woken_put(Recorder* log) {
  aio::Queue<std::string> queue(1);
  queue.put_nowait("x");
  aio::Task<void> a = aio::create_task(cancellable_putter(log, &queue, "a"));
  aio::Task<void> b = aio::create_task(cancellable_putter(log, &queue, "b"));
  co_await aio::sleep(0);
  log->add("got " + queue.get_nowait());  // wakes a
  a.cancel();                             // ...which is cancelled before it runs
  co_await aio::sleep(0);                 // a passes the free slot on to b
  log->add("main " + std::to_string(queue.qsize()));
  co_await aio::sleep(0);
  const std::size_t size = queue.qsize();
  log->add("main " + std::to_string(size) + " " + queue.get_nowait() + " " +
           python_bool(a.cancelled()));
}

// async def putter(q, item):
//     try: await q.put(item); print("put", item)
//     except asyncio.CancelledError: print("put of", item, "cancelled"); raise
// async def main():
//     q = asyncio.Queue(1); q.put_nowait("x")
//     a = asyncio.create_task(putter(q, "a")); b = asyncio.create_task(putter(q, "b"))
//     await asyncio.sleep(0)
//     print("got", q.get_nowait())      # wakes a
//     a.cancel()                        # ...which is cancelled before it runs
//     await asyncio.sleep(0)            # a passes the free slot on to b
//     print("main", q.qsize())
//     await asyncio.sleep(0)
//     print("main", q.qsize(), q.get_nowait(), a.cancelled())
// asyncio.run(main())     # got x / put of a cancelled / main 0 / put b / main 1 b True
TEST(Queue, APutCancelledAfterItWasWokenPassesTheSlotToTheNextPutter) {
  Recorder log;
  aio::run(cancel_woken_put(&log));
  EXPECT_EQ(log.events(),
            (Events{"got x", "put of a cancelled", "main 0", "put b", "main 1 b True"}));
}

// ---- move-only items ----------------------------------------------------------------------

using Box = std::unique_ptr<int>;

aio::Task<void> box_getter(Recorder* log, aio::Queue<Box>* queue) {
  Box box = co_await queue->get();
  log->add("got " + std::to_string(*box));
}

aio::Task<void> box_putter(Recorder* log, aio::Queue<Box>* queue, int value) {
  co_await queue->put(std::make_unique<int>(value));
  log->add("put " + std::to_string(value));
}

aio::Task<void> move_only_items(Recorder* log) {
  aio::Queue<Box> queue(1);
  aio::Task<void> getter = aio::create_task(box_getter(log, &queue));
  co_await aio::sleep(0);
  co_await queue.put(std::make_unique<int>(1));  // handed to the waiting getter
  co_await getter;
  queue.put_nowait(std::make_unique<int>(2));
  aio::Task<void> putter = aio::create_task(box_putter(log, &queue, 3));
  co_await aio::sleep(0);  // the putter waits: the queue is full
  log->add("got " + std::to_string(*co_await queue.get()));
  co_await putter;
  log->add("got " + std::to_string(*queue.get_nowait()));
}

// async def getter(q): print("got", await q.get())
// async def putter(q, value): await q.put(value); print("put", value)
// async def main():
//     q = asyncio.Queue(1)
//     g = asyncio.create_task(getter(q))
//     await asyncio.sleep(0)
//     await q.put(1); await g
//     q.put_nowait(2)
//     p = asyncio.create_task(putter(q, 3))
//     await asyncio.sleep(0)
//     print("got", await q.get()); await p
//     print("got", q.get_nowait())
// asyncio.run(main())                      # got 1 / got 2 / put 3 / got 3
TEST(Queue, MoveOnlyItemsPassThroughWaitingGettersAndPutters) {
  Recorder log;
  aio::run(move_only_items(&log));
  EXPECT_EQ(log.events(), (Events{"got 1", "got 2", "put 3", "got 3"}));
}

TEST(Queue, MoveOnlyItemsInLifoAndPriorityQueues) {
  struct ByValue {
    bool operator()(const Box& a, const Box& b) const { return *a < *b; }
  };
  aio::LifoQueue<Box> lifo;
  aio::PriorityQueue<Box, ByValue> priority;
  for (int value : {3, 1, 2}) {
    lifo.put_nowait(std::make_unique<int>(value));
    priority.put_nowait(std::make_unique<int>(value));
  }
  std::vector<int> from_lifo;
  std::vector<int> from_priority;
  while (!lifo.empty()) from_lifo.push_back(*lifo.get_nowait());
  while (!priority.empty()) from_priority.push_back(*priority.get_nowait());
  EXPECT_EQ(from_lifo, (std::vector<int>{2, 1, 3}));
  EXPECT_EQ(from_priority, (std::vector<int>{1, 2, 3}));
}

// ---- many producers and consumers, with cancellations ------------------------------------

aio::Task<void> random_producer(aio::Queue<std::string>* queue, std::string name, aio::Random* rng,
                                std::vector<std::string>* log) {
  for (int i = 0; i < 4; ++i) {
    for (auto n = rng->randint(0, 2); n > 0; --n) co_await aio::sleep(0);
    const std::string item = name + std::to_string(i);
    try {
      co_await queue->put(item);
    } catch (const aio::CancelledError&) {
      log->push_back(item + "x");
      throw;
    }
    log->push_back("+" + item);
  }
}

aio::Task<void> random_consumer(aio::Queue<std::string>* queue, std::string name, aio::Random* rng,
                                std::vector<std::string>* log) {
  for (;;) {
    for (auto n = rng->randint(0, 2); n > 0; --n) co_await aio::sleep(0);
    std::string item;
    try {
      item = co_await queue->get();
    } catch (const aio::CancelledError&) {
      log->push_back(name + "x");
      throw;
    }
    log->push_back(name + ":" + item);
    if (rng->random() < 0.3) {
      try {
        std::string extra = queue->get_nowait();
        log->push_back(name + "n:" + extra);
      } catch (const aio::QueueEmpty&) {
      }
    }
  }
}

aio::Task<std::string> producers_and_consumers(std::uint64_t seed) {
  aio::Random rng(seed);
  std::vector<std::string> log;
  aio::Queue<std::string> queue(1);
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"P", "Q", "R"}) {
    tasks.push_back(aio::create_task(random_producer(&queue, name, &rng, &log), name));
  }
  for (const char* name : {"a", "b", "c"}) {
    tasks.push_back(aio::create_task(random_consumer(&queue, name, &rng, &log), name));
  }
  for (int i = 0; i < 30; ++i) {
    co_await aio::sleep(0);
    if (rng.random() < 0.25) {
      aio::Task<void> victim = rng.choice(tasks);
      if (!victim.done()) {
        log.push_back("!" + victim.get_name());
        victim.cancel();
      }
    }
  }
  for (auto& task : tasks) task.cancel();
  co_await aio::gather(aio::return_exceptions, tasks);
  std::string left = "left=";
  for (bool first = true; !queue.empty(); first = false) {
    left += (first ? "" : ",") + queue.get_nowait();
  }
  log.push_back(left);
  std::string trace;
  for (const auto& event : log) trace += (trace.empty() ? "" : " ") + event;
  co_return trace;
}

// Whole traces at once: three producers and three consumers on a Queue(1), each taking a
// random number of extra turns before every put and get (and a consumer sometimes trying a
// get_nowait right after its get), while main cancels tasks at random. aio::Random draws the
// same numbers as Python's random, so every decision is the same in both languages, and the
// traces agree only if every wake-up does. Each of the three seeds below makes, in CPython,
// a woken getter wait again, a woken putter wait again, a woken getter and a woken putter
// cancelled before they ran (each passes its wake-up on).
//
// async def producer(q, name, rng, log):
//     for i in range(4):
//         for _ in range(rng.randint(0, 2)): await asyncio.sleep(0)
//         item = f"{name}{i}"
//         try: await q.put(item)
//         except asyncio.CancelledError: log.append(f"{item}x"); raise
//         log.append(f"+{item}")
// async def consumer(q, name, rng, log):
//     while True:
//         for _ in range(rng.randint(0, 2)): await asyncio.sleep(0)
//         try: item = await q.get()
//         except asyncio.CancelledError: log.append(f"{name}x"); raise
//         log.append(f"{name}:{item}")
//         if rng.random() < 0.3:
//             try: log.append(f"{name}n:{q.get_nowait()}")
//             except asyncio.QueueEmpty: pass
// async def main(seed):                                        # import random, sys
//     rng = random.Random(seed); log = []
//     q = asyncio.Queue(1)
//     tasks = [asyncio.create_task(producer(q, n, rng, log), name=n) for n in "PQR"]
//     tasks += [asyncio.create_task(consumer(q, n, rng, log), name=n) for n in "abc"]
//     for _ in range(30):
//         await asyncio.sleep(0)
//         if rng.random() < 0.25:
//             victim = rng.choice(tasks)
//             if not victim.done(): log.append(f"!{victim.get_name()}"); victim.cancel()
//     for t in tasks: t.cancel()
//     await asyncio.gather(*tasks, return_exceptions=True)
//     left = []
//     while not q.empty(): left.append(q.get_nowait())
//     log.append("left=" + ",".join(left))
//     print(" ".join(log))
// asyncio.run(main(int(sys.argv[1])))      # seeds 75, 100 and 164 print the strings below
TEST(Queue, ProducersAndConsumersWithRandomCancellationsTraceAsInPython) {
  EXPECT_EQ(aio::run(producers_and_consumers(75)),
            "+P0 a:P0 +Q0 a:Q0 +P1 b:P1 +R0 c:R0 +P2 b:P2 +Q1 a:Q1 +R1 a:R1 +P3 b:P3 +Q2 c:Q2 "
            "!a +Q3 !b bx c:Q3 !R R2x cx left=");
  EXPECT_EQ(aio::run(producers_and_consumers(100)),
            "+P0 b:P0 +R0 c:R0 !c +P1 a:P1 +Q0 !R b:Q0 R1x +P2 b:P2 +Q1 b:Q1 +Q2 !a ax b:Q2 "
            "!Q Q3x +P3 b:P3 bx left=");
  EXPECT_EQ(aio::run(producers_and_consumers(164)),
            "+P0 a:P0 !b +P1 a:P1 bx +R0 a:R0 +P2 c:P2 !R +Q0 R1x a:Q0 +Q1 a:Q1 !P P3x +Q2 !c "
            "cx a:Q2 +Q3 a:Q3 ax left=");
}

// ---- how each kind of queue names itself --------------------------------------------------

template <class Q>
aio::Task<typename Q::value_type> get_one(Q* queue) {
  co_return co_await queue->get();
}

template <class Q>
aio::Task<void> put_one(Q* queue, typename Q::value_type item) {
  co_await queue->put(std::move(item));
}

template <class Q>
aio::Task<void> get_while_empty(Q* queue) {
  aio::Task<typename Q::value_type> getter = aio::create_task(get_one(queue));
  co_await aio::sleep(0);
  queue->put_nowait(1);
  co_await getter;
}

// The error of a queue that made a task wait on one loop and is then waited on in another.
template <class Q>
std::string bound_to_another_loop() {
  Q queue;
  aio::run(get_while_empty(&queue));
  try {
    aio::run(get_while_empty(&queue));
  } catch (const aio::RuntimeError& error) {
    return error.what();
  }
  return "no error";
}

// async def get_while_empty(q):
//     getter = asyncio.create_task(q.get()); await asyncio.sleep(0)
//     q.put_nowait(1); await getter
// for q in (asyncio.Queue(), asyncio.LifoQueue(), asyncio.PriorityQueue()):
//     asyncio.run(get_while_empty(q))
//     try: asyncio.run(get_while_empty(q))
//     except RuntimeError as e: print(re.sub(" at [^>]*", "", str(e)))      # import re
// prints: <Queue> is bound to a different event loop / <LifoQueue> is bound to a different
// event loop / <PriorityQueue> is bound to a different event loop
// (the regular expression cuts the address and sizes out of the repr; the C++ names the
// class aio::LifoQueue, as it names aio::Lock)
TEST(Queue, EachKindNamesItsOwnClassWhenBoundToAnotherLoop) {
  EXPECT_EQ(bound_to_another_loop<aio::Queue<int>>(),
            "<aio::Queue> is bound to a different event loop");
  EXPECT_EQ(bound_to_another_loop<aio::LifoQueue<int>>(),
            "<aio::LifoQueue> is bound to a different event loop");
  EXPECT_EQ(bound_to_another_loop<aio::PriorityQueue<int>>(),
            "<aio::PriorityQueue> is bound to a different event loop");
}

template <class Q>
aio::Task<void> wait_to_get_then_to_put() {
  Q queue(1);
  aio::Task<int> getter = aio::create_task(get_one(&queue), "getter");
  co_await aio::sleep(0);  // the getter waits: the queue is empty
  queue.put_nowait(1);
  co_await getter;
  queue.put_nowait(2);
  aio::Task<void> putter = aio::create_task(put_one(&queue, 3), "putter");
  co_await aio::sleep(0);  // the putter waits: the queue is full
  (void)queue.get_nowait();
  co_await putter;
}

// What the getter and the putter wait for, as a timeline of them shows it.
template <class Q>
Events waits_on_a_timeline() {
  aio::Timeline timeline;
  aio::run(wait_to_get_then_to_put<Q>());
  timeline.stop();
  Events result;
  for (const aio::TaskEvent& event : timeline.events()) {
    const std::string& task = timeline.task_names()[event.task];
    if (event.kind == aio::TaskEventKind::suspended && (task == "getter" || task == "putter")) {
      result.push_back(task + " " + event.detail);
    }
  }
  return result;
}

// No Python twin: Python draws no timelines. The label names the queue the task awaits, so
// the chart of a PriorityQueue does not read as if a plain Queue were involved.
TEST(Queue, EachKindNamesItsOwnClassOnATimeline) {
  EXPECT_EQ(waits_on_a_timeline<aio::Queue<int>>(),
            (Events{"getter Queue.get()", "putter Queue.put()"}));
  EXPECT_EQ(waits_on_a_timeline<aio::LifoQueue<int>>(),
            (Events{"getter LifoQueue.get()", "putter LifoQueue.put()"}));
  EXPECT_EQ(waits_on_a_timeline<aio::PriorityQueue<int>>(),
            (Events{"getter PriorityQueue.get()", "putter PriorityQueue.put()"}));
}

// ---- a queue destroyed while tasks wait on it ---------------------------------------------

aio::Task<void> leave_getter_waiting(Recorder* log) {
  aio::Queue<int> queue;
  aio::Task<void> getter = aio::create_task(cancellable_getter(log, &queue, "getter"));
  co_await aio::sleep(0);
  log->add("main returns");
}  // the queue goes; aio::run then cancels the getter, which must not touch it

// No Python twin: in Python the waiting getter keeps the queue alive. Run under the
// sanitizers, this shows the cancelled getter does not read the destroyed queue.
TEST(Queue, AGetterCancelledAfterItsQueueWasDestroyedDoesNotTouchIt) {
  Recorder log;
  aio::run(leave_getter_waiting(&log));
  EXPECT_EQ(log.events(), (Events{"main returns", "getter cancelled"}));
}

aio::Task<void> getter_reporting_errors(Recorder* log, aio::Queue<int>* queue) {
  try {
    log->add("got " + std::to_string(co_await queue->get()));
  } catch (const aio::RuntimeError& error) {
    log->add(std::string("RuntimeError: ") + error.what());
  }
}

aio::Task<void> wake_getter_then_return(Recorder* log) {
  aio::Queue<int> queue;
  aio::Task<void> getter = aio::create_task(getter_reporting_errors(log, &queue));
  co_await aio::sleep(0);
  queue.put_nowait(1);  // wakes the getter, which runs after the queue is gone
  log->add("main returns");
}

// No Python twin either. A getter woken by a queue that is then destroyed before the getter
// runs cannot take its item: it gets RuntimeError instead of reading freed memory.
TEST(Queue, AGetterWokenByAQueueDestroyedSinceGetsRuntimeError) {
  Recorder log;
  aio::run(wake_getter_then_return(&log));
  EXPECT_EQ(log.events(),
            (Events{"main returns",
                    "RuntimeError: aio primitive destroyed while a task was waiting on it"}));
}

}  // namespace
