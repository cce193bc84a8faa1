/// Chapter 7: Synchronization primitives.
///
/// Tasks share one thread, so no two ever run at the same instant; yet a task
/// that awaits in the middle of an update lets every other task run in the
/// gap. The primitives here close such gaps (Lock), signal that something
/// happened (Event), cap how many tasks do something at once (Semaphore),
/// wait for a state to become true (Condition) and gather a group at a
/// meeting point (Barrier). Python's `async with lock:` is written
/// `auto held = co_await lock.scoped();` here: the guard releases when it
/// goes out of scope, however the scope is left.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

namespace {

double since(double start) {
  return aio::perf_counter() - start;
}

// The primitives are passed by reference: they cannot be copied, and each one
// lives in the coroutine that awaits every task using it, so it outlives them.

//! [lock_counter]
struct Counter {
  int value = 0;
};

aio::Task<> increment(Counter& counter, aio::Lock& lock) {
  auto held = co_await lock.scoped();
  // Read, wait, write back: the lock keeps every other increment out of the
  // gap, so none of them reads the same old value.
  const int current = counter.value;
  co_await aio::sleep(0.001);
  counter.value = current + 1;
}

aio::Task<> count_to_ten() {
  Counter counter;
  aio::Lock lock;
  const double start = aio::perf_counter();
  std::vector<aio::Task<>> increments;
  for (int i = 0; i < 10; ++i) increments.push_back(increment(counter, lock));
  co_await aio::gather(std::move(increments));
  fmt::print("Counter: {}\n", counter.value);
  // The price: the ten waits ran one after another, not at once.
  fmt::print("10 increments took {:.3f}s\n", since(start));
}

void lock_counter() {
  aio::run(count_to_ten());
}
//! [lock_counter]

//! [lost_update]
class SharedCounter {
 public:
  aio::Task<> unsafe_increment(std::string worker) { co_await read_wait_write(std::move(worker)); }

  aio::Task<> safe_increment(std::string worker) {
    auto held = co_await lock_.scoped();  // one worker at a time in the read-wait-write
    co_await read_wait_write(std::move(worker));
  }

  int value() const { return value_; }
  const std::vector<std::string>& log() const { return log_; }

 private:
  aio::Task<> read_wait_write(std::string worker) {
    const int old_value = value_;
    // While this task waits, every other worker runs and reads the same old
    // value: the co_await is where the race happens.
    co_await aio::sleep(0.01);
    value_ = old_value + 1;
    log_.push_back(fmt::format("{}: {} -> {}", worker, old_value, value_));
  }

  int value_ = 0;
  aio::Lock lock_;
  std::vector<std::string> log_;
};

aio::Task<> ten_workers(bool use_lock) {
  SharedCounter counter;
  const char* prefix = use_lock ? "S" : "U";
  const double start = aio::perf_counter();
  std::vector<aio::Task<>> workers;
  for (int i = 0; i < 10; ++i) {
    std::string name = fmt::format("{}{}", prefix, i);
    workers.push_back(use_lock ? counter.safe_increment(name) : counter.unsafe_increment(name));
  }
  co_await aio::gather(std::move(workers));
  const char* label = use_lock ? "With the lock:   " : "Without the lock:";
  fmt::print("{} 10 increments -> {} ({} lost) in {:.2f}s\n", label, counter.value(),
             10 - counter.value(), since(start));
  fmt::print("  last three writes:\n");
  const auto& log = counter.log();
  for (std::size_t i = log.size() - 3; i < log.size(); ++i) fmt::print("    {}\n", log[i]);
}

void lost_update() {
  aio::run(ten_workers(false));
  aio::run(ten_workers(true));
}
//! [lost_update]

//! [lock_fairness]
aio::Task<> regular(std::string name, aio::Lock& lock, std::vector<std::string>& turns) {
  for (int turn = 0; turn < 3; ++turn) {
    auto held = co_await lock.scoped();
    turns.push_back(name);
    co_await aio::sleep(0.1);
    // `held` releases here. Straight back to acquire(): the lock is free for
    // an instant, but the others are already waiting, so this task queues
    // behind them.
  }
}

aio::Task<> take_turns() {
  aio::Lock lock;
  std::vector<std::string> turns;
  co_await aio::gather(regular("A", lock, turns), regular("B", lock, turns),
                       regular("C", lock, turns));
  fmt::print("Turns: {}\n", py::repr(turns));
}

void lock_fairness() {
  aio::run(take_turns());
}
//! [lock_fairness]

//! [event_signal]
aio::Task<> waiter(std::string name, aio::Event& event, double start) {
  fmt::print("[{:.1f}s] {}: waiting for the event\n", since(start), name);
  co_await event.wait();
  fmt::print("[{:.1f}s] {}: event received\n", since(start), name);
}

aio::Task<> notifier(aio::Event& event, double start) {
  co_await aio::sleep(1);
  fmt::print("[{:.1f}s] notifier: setting the event\n", since(start));
  event.set();  // wakes every waiter at once
}

aio::Task<> signal_waiters() {
  const double start = aio::perf_counter();
  aio::Event event;
  co_await aio::gather(waiter("waiter 1", event, start), waiter("waiter 2", event, start),
                       notifier(event, start));
  // An event is a flag, not a pulse: it stays set, so a late waiter passes at
  // once, until someone clears it.
  co_await waiter("late waiter", event, start);
  event.clear();
  fmt::print("after clear(): is_set() = {}\n", py::repr(event.is_set()));
}

void event_signal() {
  aio::run(signal_waiters());
}
//! [event_signal]

//! [event_pipeline]
/// A producer and processors that coordinate with three events.
class Pipeline {
 public:
  explicit Pipeline(int item_count) : item_count_(item_count) {}

  aio::Task<std::vector<std::string>> coordinator() {
    say("Coordinator: starting the producer and 3 processors");
    auto producer_task = aio::create_task(producer());
    std::vector<aio::Task<>> processors;
    for (int n = 1; n <= 3; ++n) processors.push_back(aio::create_task(processor(n)));
    co_await aio::sleep(0.5);  // let everyone get ready
    say("Coordinator: sending the start signal");
    start_signal_.set();
    co_await all_processed_.wait();
    say("Coordinator: all work completed");
    co_await producer_task;
    co_await aio::gather(processors);
    co_return processed_;
  }

 private:
  void say(const std::string& text) const { fmt::print("[{:.2f}s] {}\n", since(start_), text); }

  aio::Task<> producer() {
    say("Producer: waiting for the start signal");
    co_await start_signal_.wait();
    for (int i = 0; i < item_count_; ++i) {
      std::string item = fmt::format("Data-{}", i);
      items_.push_back(item);
      say("Producer: generated " + item);
      co_await aio::sleep(0.2);
    }
    say("Producer: all data generated, setting data_ready");
    data_ready_.set();
  }

  aio::Task<> processor(int number) {
    say(fmt::format("Processor {}: waiting for data", number));
    // An event carries no data, only "it happened": here, that all the items
    // exist. (A queue, in chapter 8, lets processing start sooner.)
    co_await data_ready_.wait();
    while (!items_.empty()) {
      // No co_await between the test and the pop: no other processor can take
      // the item in between.
      std::string item = items_.front();
      items_.erase(items_.begin());
      co_await aio::sleep(aio::default_random().uniform(0.1, 0.3));
      processed_.push_back(fmt::format("{} by P{}", item, number));
      say(fmt::format("Processor {}: finished {}", number, item));
    }
    say(fmt::format("Processor {}: no more items", number));
    if (static_cast<int>(processed_.size()) == item_count_) {
      say(fmt::format("Processor {}: everything processed, setting all_processed", number));
      all_processed_.set();
    }
  }

  int item_count_;
  aio::Event start_signal_;
  aio::Event data_ready_;
  aio::Event all_processed_;
  std::vector<std::string> items_;
  std::vector<std::string> processed_;
  double start_ = aio::perf_counter();
};

aio::Task<> run_pipeline() {
  Pipeline pipeline(5);
  const auto results = co_await pipeline.coordinator();
  fmt::print("{} items processed:\n", results.size());
  for (const std::string& item : results) fmt::print("  {}\n", item);
}

void event_pipeline() {
  aio::run(run_pipeline());
}
//! [event_pipeline]

//! [event_timeouts]
aio::Task<> wait_at_most(std::string name, aio::Event& event, double seconds, double start) {
  fmt::print("[{:.1f}s] {}: waiting for the event, at most {:.1f}s\n", since(start), name, seconds);
  try {
    co_await aio::wait_for(event.wait(), seconds);
    fmt::print("[{:.1f}s] {}: event received\n", since(start), name);
  } catch (const aio::TimeoutError&) {
    fmt::print("[{:.1f}s] {}: timed out, gave up waiting\n", since(start), name);
  }
}

aio::Task<> set_later(std::string name, aio::Event& event, double delay, double start) {
  co_await aio::sleep(delay);
  fmt::print("[{:.1f}s] setter: setting {}\n", since(start), name);
  event.set();
}

aio::Task<> quick_and_slow() {
  const double start = aio::perf_counter();
  aio::Event quick;
  aio::Event slow;
  co_await aio::gather(wait_at_most("waiter A", quick, 2.0, start),
                       wait_at_most("waiter B", slow, 2.0, start),
                       set_later("the quick event", quick, 1.0, start),
                       set_later("the slow event", slow, 3.0, start));
  // The timeout ended waiter B's wait, not the setter: the slow event is set
  // all the same, with nobody left waiting for it.
  fmt::print("slow event: is_set() = {}\n", py::repr(slow.is_set()));
}

void event_timeouts() {
  aio::run(quick_and_slow());
}
//! [event_timeouts]

//! [semaphore_limit]
aio::Task<> limited_task(std::string name, aio::Semaphore& semaphore, double start) {
  auto held = co_await semaphore.scoped();  // waits while two others hold it
  fmt::print("[{:.1f}s] {} acquired the semaphore\n", since(start), name);
  co_await aio::sleep(1);
  fmt::print("[{:.1f}s] {} releases it\n", since(start), name);
}

aio::Task<> five_tasks_two_at_a_time() {
  aio::Semaphore semaphore(2);
  const double start = aio::perf_counter();
  std::vector<aio::Task<>> tasks;
  for (int i = 0; i < 5; ++i) {
    tasks.push_back(limited_task(fmt::format("worker {}", i), semaphore, start));
  }
  co_await aio::gather(std::move(tasks));
  fmt::print("5 tasks of 1s, 2 at a time: {:.1f}s\n", since(start));
}

void semaphore_limit() {
  aio::run(five_tasks_two_at_a_time());
}
//! [semaphore_limit]

//! [semaphore_peak]
struct DownloadStats {
  int in_flight = 0;
  int peak = 0;
  int completed = 0;
};

aio::Task<double> download(std::string file_id, double seconds, DownloadStats& stats, double start,
                           bool verbose) {
  // No co_await between reading and writing the counters, so they need no
  // lock: no other task can run in between.
  ++stats.in_flight;
  stats.peak = std::max(stats.peak, stats.in_flight);
  if (verbose) {
    fmt::print("[{:.2f}s] {}: starting ({} in flight)\n", since(start), file_id, stats.in_flight);
  }
  co_await aio::sleep(seconds);  // stands in for the transfer
  --stats.in_flight;
  ++stats.completed;
  if (verbose) fmt::print("[{:.2f}s] {}: done after {:.2f}s\n", since(start), file_id, seconds);
  co_return seconds;
}

aio::Task<double> limited_download(aio::Semaphore& semaphore, std::string file_id, double seconds,
                                   DownloadStats& stats, double start) {
  auto held = co_await semaphore.scoped();
  co_return co_await download(std::move(file_id), seconds, stats, start, true);
}

aio::Task<> compare_downloads() {
  // The same ten durations for both runs, so the comparison is fair.
  std::vector<double> durations;
  for (int i = 0; i < 10; ++i) durations.push_back(aio::default_random().uniform(0.2, 1.0));

  DownloadStats stats;
  aio::Semaphore semaphore(3);
  double start = aio::perf_counter();
  std::vector<aio::Task<double>> limited;
  for (std::size_t i = 0; i < durations.size(); ++i) {
    limited.push_back(
        limited_download(semaphore, fmt::format("file-{}", i + 1), durations[i], stats, start));
  }
  co_await aio::gather(std::move(limited));
  const double limited_time = since(start);

  DownloadStats unlimited;
  start = aio::perf_counter();
  std::vector<aio::Task<double>> all_at_once;
  for (std::size_t i = 0; i < durations.size(); ++i) {
    all_at_once.push_back(
        download(fmt::format("file-{}", i + 1), durations[i], unlimited, start, false));
  }
  co_await aio::gather(std::move(all_at_once));
  const double unlimited_time = since(start);

  fmt::print("Limited to 3: {} downloads in {:.2f}s, peak {} in flight\n", stats.completed,
             limited_time, stats.peak);
  fmt::print("Unlimited:    {} downloads in {:.2f}s, peak {} in flight\n", unlimited.completed,
             unlimited_time, unlimited.peak);
  double sum = 0;
  for (const double seconds : durations) sum += seconds;
  fmt::print("Sum of the durations: {:.2f}s\n", sum);
}

void semaphore_peak() {
  aio::run(compare_downloads());
}
//! [semaphore_peak]

//! [semaphore_fetch]
aio::Task<int> rate_limited_fetch(aio::Semaphore& semaphore, std::string url, double start) {
  auto held = co_await semaphore.scoped();  // at most five requests at any moment
  fmt::print("[{:.2f}s] fetching {}\n", since(start), url);
  co_await aio::sleep(0.5);  // the request
  co_return 200;
}

aio::Task<> fetch_twenty() {
  aio::Semaphore semaphore(5);
  const double start = aio::perf_counter();
  std::vector<aio::Task<int>> fetches;
  for (int i = 0; i < 20; ++i) {
    fetches.push_back(
        rate_limited_fetch(semaphore, fmt::format("https://api.example.com/item/{}", i), start));
  }
  const auto statuses = co_await aio::gather(std::move(fetches));
  // 20 requests, 5 at a time, 0.5 s each: four rounds.
  fmt::print("Fetched {} URLs in {:.2f}s\n", std::count(statuses.begin(), statuses.end(), 200),
             since(start));
}

void semaphore_fetch() {
  aio::run(fetch_twenty());
}
//! [semaphore_fetch]

//! [bounded_semaphore]
aio::Task<> stray_release() {
  aio::Semaphore semaphore(1);
  semaphore.release();  // a bug: released without being acquired
  co_await semaphore.acquire();
  // A Semaphore(1) should be locked now, but the stray release made room for
  // a second holder.
  fmt::print("Semaphore(1) after a stray release, one holder: locked() = {}\n",
             py::repr(semaphore.locked()));

  aio::BoundedSemaphore bounded(1);
  try {
    bounded.release();                            // the same bug, caught where it happens
  } catch (const std::invalid_argument& error) {  // Python's ValueError
    fmt::print("BoundedSemaphore(1), the same release: {}\n", error.what());
  }
}

void bounded_semaphore() {
  aio::run(stray_release());
}
//! [bounded_semaphore]

//! [condition_buffer]
constexpr std::size_t kCapacity = 2;

class BoundedBuffer {
 public:
  explicit BoundedBuffer(double start) : start_(start) {}

  aio::Task<> put(int item) {
    const double asked = aio::perf_counter();
    auto held = co_await changed_.scoped();
    // wait_for releases the lock while it waits, and takes it back before it
    // tests the predicate again.
    co_await changed_.wait_for([this] { return items_.size() < kCapacity; });
    items_.push_back(item);
    fmt::print("[{:.1f}s] put {}  -> {}  (waited {:.1f}s)\n", since(start_), item, py::repr(items_),
               since(asked));
    changed_.notify_all();
  }

  aio::Task<int> get() {
    auto held = co_await changed_.scoped();
    co_await changed_.wait_for([this] { return !items_.empty(); });
    const int item = items_.front();
    items_.erase(items_.begin());
    fmt::print("[{:.1f}s] got {}  -> {}\n", since(start_), item, py::repr(items_));
    changed_.notify_all();
    co_return item;
  }

 private:
  std::vector<int> items_;
  aio::Condition changed_;  // owns a lock of its own
  double start_;
};

aio::Task<> fast_producer(BoundedBuffer& buffer, int count) {
  for (int item = 0; item < count; ++item) {
    co_await buffer.put(item);
    co_await aio::sleep(0.1);
  }
}

aio::Task<> slow_consumer(BoundedBuffer& buffer, int count) {
  for (int i = 0; i < count; ++i) {
    co_await buffer.get();
    co_await aio::sleep(0.3);
  }
}

aio::Task<> producer_and_consumer() {
  BoundedBuffer buffer(aio::perf_counter());
  // The producer could put an item every 0.1s, but the buffer holds two: once
  // it is full, the producer moves at the consumer's pace.
  co_await aio::gather(fast_producer(buffer, 6), slow_consumer(buffer, 6));
}

void condition_buffer() {
  aio::run(producer_and_consumer());
}
//! [condition_buffer]

//! [barrier]
aio::Task<> service(std::string name, double setup_seconds, aio::Barrier& barrier, double start) {
  co_await aio::sleep(setup_seconds);
  fmt::print("[{:.1f}s] {} is ready and waits\n", since(start), name);
  const int index = co_await barrier.wait();  // index: the order of arrival, from 0
  fmt::print("[{:.1f}s] {} passes (arrived as number {})\n", since(start), name, index);
}

aio::Task<> start_together() {
  aio::Barrier barrier(3);
  const double start = aio::perf_counter();
  co_await aio::gather(service("database", 0.3, barrier, start),
                       service("cache", 0.1, barrier, start), service("web", 0.2, barrier, start));
  // Everyone has passed, so the barrier is ready for another round.
  fmt::print("after the round: n_waiting = {}, broken = {}\n", barrier.n_waiting(),
             py::repr(barrier.broken()));
}

void barrier() {
  aio::run(start_together());
}
//! [barrier]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 7: Synchronization primitives",
                       {{"lock_counter", lock_counter},
                        {"lost_update", lost_update},
                        {"lock_fairness", lock_fairness},
                        {"event_signal", event_signal},
                        {"event_pipeline", event_pipeline},
                        {"event_timeouts", event_timeouts},
                        {"semaphore_limit", semaphore_limit},
                        {"semaphore_peak", semaphore_peak},
                        {"semaphore_fetch", semaphore_fetch},
                        {"bounded_semaphore", bounded_semaphore},
                        {"condition_buffer", condition_buffer},
                        {"barrier", barrier}});
}
