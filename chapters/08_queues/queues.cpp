/// Chapter 8: Queues and pipelines.
///
/// A queue connects tasks that produce work with tasks that consume it: a
/// consumer waits for the next item without polling, a bounded queue makes a
/// fast producer wait for a slow consumer, and task_done/join tell when every
/// item has been handled. The sections build pipelines of producers and
/// consumers, compare a queue with a list guarded by a lock, and show the
/// priority and LIFO variants.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

namespace {

double since(double start) {
  return aio::perf_counter() - start;
}

// What the tasks share (a queue, a lock, a list) is a local of the coroutine
// that starts them and waits for them all, so they may hold it by reference:
// it outlives them.

//! [queue_processing]
aio::Task<> produce_numbers(aio::Queue<int>& queue, double start) {
  for (int i = 0; i < 5; ++i) {
    fmt::print("[{:.1f}s] Producing {}\n", since(start), i);
    co_await queue.put(i);
    co_await aio::sleep(0.5);
  }
}

aio::Task<> consume_numbers(aio::Queue<int>& queue, std::string name, double start) {
  // A consumer never returns by itself: it waits for the next item forever,
  // and whoever started it cancels it once the work is done.
  while (true) {
    const int item = co_await queue.get();
    fmt::print("[{:.1f}s] {} processing {}\n", since(start), name, item);
    co_await aio::sleep(1);
    // One task_done per get: join() waits until every item put has been
    // marked done, not merely taken off the queue.
    queue.task_done();
  }
}

aio::Task<> process_queue() {
  const double start = aio::perf_counter();
  aio::Queue<int> queue;
  auto producer = aio::create_task(produce_numbers(queue, start));
  std::vector<aio::Task<>> consumers;
  consumers.push_back(aio::create_task(consume_numbers(queue, "Consumer-1", start)));
  consumers.push_back(aio::create_task(consume_numbers(queue, "Consumer-2", start)));
  // A fixed sleep before cancelling the consumers would be a guess: too
  // short and it cuts off work in progress, too long and it wastes time.
  // join() returns the moment the last item is marked done. Wait for the
  // producer first: join() alone could return in a gap between two puts,
  // when everything put so far happens to be done.
  co_await producer;
  co_await queue.join();
  fmt::print("[{:.1f}s] All items processed\n", since(start));
  for (auto& consumer : consumers) consumer.cancel();
  // Wait for the cancellations to land, so no task is left half-finished.
  co_await aio::gather(aio::return_exceptions, consumers);
  std::vector<bool> cancelled;
  for (const auto& consumer : consumers) cancelled.push_back(consumer.cancelled());
  fmt::print("Consumers cancelled: {}\n", py::repr(cancelled));
}

void queue_processing() {
  aio::run(process_queue());
}
//! [queue_processing]

//! [bounded_sentinel]
// std::nullopt is the sentinel, as None is in Python: a value no real item
// can take.
using MaybeItem = std::optional<std::string>;

aio::Task<> produce_items(aio::Queue<MaybeItem>& queue, std::string name, int count,
                          int consumers) {
  for (int i = 0; i < count; ++i) {
    std::string item = fmt::format("{}-item-{}", name, i);
    co_await queue.put(item);
    fmt::print("Produced: {}\n", item);
    co_await aio::sleep(0.05);
  }
  // One sentinel per consumer: each consumer stops at the first it gets.
  for (int i = 0; i < consumers; ++i) co_await queue.put(std::nullopt);
}

aio::Task<std::vector<std::string>> consume_items(aio::Queue<MaybeItem>& queue, std::string name) {
  std::vector<std::string> processed;
  while (true) {
    MaybeItem item = co_await queue.get();
    if (!item) {
      // The sentinel was put, so it counts for join() like any item.
      queue.task_done();
      break;
    }
    fmt::print("{} consumed: {}\n", name, *item);
    co_await aio::sleep(0.1);  // the work an item takes
    processed.push_back(*item);
    queue.task_done();
  }
  co_return processed;
}

aio::Task<> sentinel_pipeline() {
  const double start = aio::perf_counter();
  // maxsize bounds the items waiting: put() waits while ten are queued.
  aio::Queue<MaybeItem> queue(10);
  auto producer = aio::create_task(produce_items(queue, "P1", 8, /*consumers=*/2));
  std::vector<aio::Task<std::vector<std::string>>> consumers;
  consumers.push_back(aio::create_task(consume_items(queue, "C1")));
  consumers.push_back(aio::create_task(consume_items(queue, "C2")));
  co_await producer;
  // The sentinels end the consumers, so awaiting them is enough: no cancel.
  const auto results = co_await aio::gather(consumers);
  const std::vector<std::string> names = {"C1", "C2"};
  std::size_t total = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    fmt::print("{} consumed {} items: {}\n", names[i], results[i].size(), py::repr(results[i]));
    total += results[i].size();
  }
  fmt::print("Consumed {} items in {:.2f}s\n", total, since(start));
}

void bounded_sentinel() {
  aio::run(sentinel_pipeline());
}
//! [bounded_sentinel]

//! [backpressure]
aio::Task<> fast_producer(aio::Queue<int>& queue, int count, double start) {
  for (int item = 0; item < count; ++item) {
    if (queue.full()) {
      fmt::print("[{:.2f}s] producer: queue full ({}/{}), waiting to put {}\n", since(start),
                 queue.qsize(), queue.maxsize(), item);
    }
    co_await queue.put(item);  // waits while the queue is full
    fmt::print("[{:.2f}s] producer: put {}\n", since(start), item);
  }
  fmt::print("[{:.2f}s] producer: done\n", since(start));
}

aio::Task<> slow_consumer(aio::Queue<int>& queue, double start) {
  while (true) {
    const int item = co_await queue.get();
    fmt::print("[{:.2f}s] consumer: got {}, {} waiting\n", since(start), item, queue.qsize());
    co_await aio::sleep(0.5);
    queue.task_done();
  }
}

aio::Task<> bounded_pipeline() {
  const double start = aio::perf_counter();
  // Two slots: the producer can run at most two items ahead of the consumer.
  // Unbounded, it would pile up every item in memory before the consumer
  // had finished the first.
  aio::Queue<int> queue(2);
  const int count = 6;
  auto producer = aio::create_task(fast_producer(queue, count, start));
  auto consumer = aio::create_task(slow_consumer(queue, start));
  co_await producer;
  co_await queue.join();
  const double elapsed = since(start);
  consumer.cancel();
  co_await aio::gather(aio::return_exceptions, consumer);
  // The pipeline runs at the pace of its slowest stage.
  fmt::print("{} items in {:.2f}s: {:.1f} items/s\n", count, elapsed, count / elapsed);
}

void backpressure() {
  aio::run(bounded_pipeline());
}
//! [backpressure]

//! [load_shedding]
aio::Task<std::vector<int>> shedding_producer(aio::Queue<int>& queue, int count, double start) {
  std::vector<int> dropped;
  for (int item = 0; item < count; ++item) {
    try {
      // Never waits: a full queue throws at once instead.
      queue.put_nowait(item);
    } catch (const aio::QueueFull&) {
      fmt::print("[{:.2f}s] producer: queue full, dropped {}\n", since(start), item);
      dropped.push_back(item);
    }
    co_await aio::sleep(0.25);
  }
  co_return dropped;
}

/// Everything queued right now, without waiting for more.
std::vector<int> take_all(aio::Queue<int>& queue) {
  std::vector<int> batch;
  while (true) {
    try {
      batch.push_back(queue.get_nowait());
    } catch (const aio::QueueEmpty&) {
      return batch;
    }
  }
}

aio::Task<> shed_load() {
  const double start = aio::perf_counter();
  aio::Queue<int> queue(3);
  auto producer = aio::create_task(shedding_producer(queue, 10, start));
  // The consumer wakes once a second and takes a whole batch.
  std::vector<int> handled;
  while (!(producer.done() && queue.empty())) {
    co_await aio::sleep(1);
    const std::vector<int> batch = take_all(queue);
    fmt::print("[{:.2f}s] consumer: batch {}\n", since(start), py::repr(batch));
    handled.insert(handled.end(), batch.begin(), batch.end());
  }
  const std::vector<int> dropped = co_await producer;
  fmt::print("handled {}, dropped {}\n", py::repr(handled), py::repr(dropped));
}

void load_shedding() {
  // When waiting is worse than losing an item (live measurements, say),
  // the producer drops what does not fit instead of slowing down.
  aio::run(shed_load());
}
//! [load_shedding]

//! [lock_pipeline]
aio::Task<> add_under_lock(aio::Lock& lock, std::deque<std::string>& shared, int producer_id) {
  for (int i = 0; i < 3; ++i) {
    std::string item = fmt::format("P{}-Item{}", producer_id, i);
    {
      auto held = co_await lock.scoped();
      shared.push_back(item);
      fmt::print("Producer {} added: {}\n", producer_id, item);
    }
    co_await aio::sleep(0.1);  // the work between two items
  }
}

aio::Task<std::vector<std::string>> process_under_lock(aio::Lock& lock,
                                                       std::deque<std::string>& shared,
                                                       std::size_t expected) {
  std::vector<std::string> processed;
  int empty_polls = 0;
  // The processor must be told how many items to expect: nothing else says
  // when the producers are finished.
  while (processed.size() < expected) {
    std::optional<std::string> item;
    {
      auto held = co_await lock.scoped();
      if (!shared.empty()) {
        item = std::move(shared.front());
        shared.pop_front();
      }
    }
    if (!item) {
      // Nothing there: all it can do is look again a little later. (15 ms:
      // never at the instant a producer adds, so the count is exact.)
      ++empty_polls;
      co_await aio::sleep(0.015);
      continue;
    }
    // The slow part runs outside the lock, so producers are not held up.
    co_await aio::sleep(0.02);
    processed.push_back(*item);
    fmt::print("Processed: {} (#{})\n", *item, processed.size());
  }
  fmt::print("The processor found the list empty {} times\n", empty_polls);
  co_return processed;
}

aio::Task<> locked_pipeline() {
  const double start = aio::perf_counter();
  aio::Lock lock;
  std::deque<std::string> shared;
  const auto results =
      co_await aio::gather(add_under_lock(lock, shared, 1), add_under_lock(lock, shared, 2),
                           add_under_lock(lock, shared, 3), process_under_lock(lock, shared, 9));
  const std::vector<std::string>& processed = std::get<3>(results);
  fmt::print("{} items processed in {:.2f}s\n", processed.size(), since(start));
}

void lock_pipeline() {
  aio::run(locked_pipeline());
}
//! [lock_pipeline]

//! [queue_pipeline]
aio::Task<> add_to_queue(aio::Queue<std::string>& queue, int producer_id) {
  for (int i = 0; i < 3; ++i) {
    std::string item = fmt::format("P{}-Item{}", producer_id, i);
    // No lock: put and get change the queue without suspending halfway, and
    // only one task runs at a time, so no task sees it half-changed.
    co_await queue.put(item);
    fmt::print("Producer {} added: {}\n", producer_id, item);
    co_await aio::sleep(0.1);
  }
}

aio::Task<> process_from_queue(aio::Queue<std::string>& queue,
                               std::vector<std::string>& processed) {
  int wakeups = 0;
  try {
    while (true) {
      // get() sleeps until an item is there: no polling.
      std::string item = co_await queue.get();
      ++wakeups;
      co_await aio::sleep(0.02);
      processed.push_back(item);
      fmt::print("Processed: {} (#{})\n", item, processed.size());
      queue.task_done();
    }
  } catch (const aio::CancelledError&) {
    // Cancellation is how this loop ends: report, then let it propagate.
    fmt::print("The processor woke {} times, once per item\n", wakeups);
    throw;
  }
}

aio::Task<> queued_pipeline() {
  const double start = aio::perf_counter();
  aio::Queue<std::string> queue;
  std::vector<std::string> processed;
  auto processor = aio::create_task(process_from_queue(queue, processed));
  co_await aio::gather(add_to_queue(queue, 1), add_to_queue(queue, 2), add_to_queue(queue, 3));
  // No item count to agree on in advance: join() knows when all are done.
  co_await queue.join();
  processor.cancel();
  co_await aio::gather(aio::return_exceptions, processor);
  fmt::print("{} items processed in {:.2f}s\n", processed.size(), since(start));
}

void queue_pipeline() {
  aio::run(queued_pipeline());
}
//! [queue_pipeline]

//! [priority_queue]
using Job = std::tuple<int, int, std::string>;  // (priority, number, name)

aio::Task<> run_jobs(aio::PriorityQueue<Job>& queue, double start) {
  while (true) {
    const auto [priority, number, name] = co_await queue.get();
    fmt::print("[{:.2f}s] running {} (priority {}, #{})\n", since(start), py::repr(name), priority,
               number);
    co_await aio::sleep(0.1);
    queue.task_done();
  }
}

aio::Task<> prioritized() {
  const double start = aio::perf_counter();
  aio::PriorityQueue<Job> queue;
  // The counter breaks ties between equal priorities: first come, first
  // served. Python's heap keeps no order among equals, so Python code needs
  // it; aio::PriorityQueue already serves equals in arrival order, and the
  // counter stays to number the jobs as the Python twin does.
  int counter = 0;
  const std::vector<std::pair<int, std::string>> jobs = {
      {3, "send newsletter"}, {2, "resize images"}, {3, "rebuild index"},
      {1, "charge card"},     {2, "send receipts"},
  };
  for (const auto& [priority, name] : jobs) queue.put_nowait(Job{priority, counter++, name});
  auto worker = aio::create_task(run_jobs(queue, start));
  co_await aio::sleep(0.15);
  // An urgent job arriving later still goes ahead of everything waiting.
  fmt::print("[{:.2f}s] urgent job arrives\n", since(start));
  queue.put_nowait(Job{0, counter++, "refund order"});
  co_await queue.join();
  worker.cancel();
  co_await aio::gather(aio::return_exceptions, worker);
}

void priority_queue() {
  aio::run(prioritized());
}
//! [priority_queue]

//! [lifo_queue]
const std::map<std::string, std::vector<std::string>> tree = {
    {"/", {"/docs", "/src"}},
    {"/docs", {"/docs/guide.md"}},
    {"/src", {"/src/lib", "/src/main.py"}},
    {"/src/lib", {"/src/lib/util.py"}},
};

template <class Queue>
aio::Task<std::vector<std::string>> walk(Queue& queue) {
  std::vector<std::string> visited;
  queue.put_nowait("/");
  while (!queue.empty()) {
    std::string node = co_await queue.get();
    visited.push_back(node);
    if (auto children = tree.find(node); children != tree.end()) {
      for (const std::string& child : children->second) queue.put_nowait(child);
    }
  }
  co_return visited;
}

aio::Task<> fifo_and_lifo() {
  // The same walk: a FIFO queue visits the tree level by level (breadth
  // first), a LIFO queue goes deep first, like a stack.
  aio::Queue<std::string> fifo;
  fmt::print("Queue:     {}\n", py::repr(co_await walk(fifo)));
  aio::LifoQueue<std::string> lifo;
  fmt::print("LifoQueue: {}\n", py::repr(co_await walk(lifo)));
}

void lifo_queue() {
  aio::run(fifo_and_lifo());
}
//! [lifo_queue]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 8: Queues and pipelines",
                       {
                           {"queue_processing", queue_processing},
                           {"bounded_sentinel", bounded_sentinel},
                           {"backpressure", backpressure},
                           {"load_shedding", load_shedding},
                           {"lock_pipeline", lock_pipeline},
                           {"queue_pipeline", queue_pipeline},
                           {"priority_queue", priority_queue},
                           {"lifo_queue", lifo_queue},
                       });
}
