#pragma once
/// \file producers_consumers.hpp
/// Exercise E5 (chapter 8): three producers, two consumers, one bounded queue.
///
/// Producers make items and put them into a queue; consumers take them out
/// and process them. Write the three parts:
///
/// - `produce` makes `count` items with `make_item` (producer number
///   `producer`, items numbered from 0) and puts each into the queue.
/// - `consume` takes slots from the queue until it takes a sentinel
///   (std::nullopt). It processes each item with `process_item` and returns
///   the items it processed, in order. It calls `queue.task_done()` for every
///   slot it takes, the sentinel included, so that `queue.join()` works.
/// - `run_pipeline` creates an aio::Queue<Slot> of at most `queue_limit`
///   slots, runs `producer_count` producers (numbered 1, 2, 3) and
///   `consumer_count` consumers together, and, once every producer is done,
///   puts one sentinel per consumer so that each of them stops. It returns a
///   Report: what each consumer processed, how many items that makes, the
///   loop time the whole run took, and the throughput (items per second).
///
/// Put every slot, items and sentinels alike, with `put_watched`: it records
/// how full the queue got, which the tests check.
///
/// Hints:
/// - `aio::Queue<Slot> queue(20)` makes put() wait while 20 slots are
///   queued: producers faster than the consumers are slowed down to their
///   pace instead of piling up items.
/// - Start the consumers with aio::create_task before waiting for the
///   producers, or the producers fill the queue and wait for ever.
/// - A sentinel stops one consumer, so n consumers need n sentinels, put
///   after the last item.
/// - Time the run with aio::perf_counter(): on the loop's clock the report
///   is exact.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace e05 {

/// What goes through the queue: an item, or std::nullopt, the sentinel that
/// tells a consumer to stop.
using Slot = std::optional<std::string>;

inline constexpr int producer_count = 3;
inline constexpr int consumer_count = 2;
inline constexpr std::size_t queue_limit = 20;

/// How much work the run has, and how long each piece takes.
struct Workload {
  int items_per_producer = 20;
  double make_seconds = 0.1;     ///< a producer's time to make one item
  double process_seconds = 0.5;  ///< a consumer's time to process one item
};

/// What `put_watched` records.
struct QueueWatch {
  int items_put = 0;
  int sentinels_put = 0;
  std::size_t peak = 0;  ///< the most slots the queue ever held
};

/// What `run_pipeline` reports.
struct Report {
  /// One list per consumer: the items it processed, in the order it did.
  std::vector<std::vector<std::string>> consumed;
  int items = 0;          ///< items processed by all the consumers together
  double seconds = 0;     ///< loop time from the start until every consumer stopped
  double throughput = 0;  ///< items per second: items / seconds
};

/// Makes item `number` of producer `producer`, "P<producer>-<number>", taking
/// `seconds`.
inline aio::Task<std::string> make_item(int producer, int number, double seconds) {
  co_await aio::sleep(seconds);
  co_return fmt::format("P{}-{}", producer, number);
}

/// Processes one item, taking `seconds`.
inline aio::Task<> process_item([[maybe_unused]] std::string item, double seconds) {
  co_await aio::sleep(seconds);
}

/// Puts `slot` into `queue`, waiting while it is full, and records it in
/// `*watch` with the queue's size afterwards.
inline aio::Task<> put_watched(aio::Queue<Slot>& queue, Slot slot, QueueWatch* watch) {
  const bool sentinel = !slot.has_value();
  co_await queue.put(std::move(slot));
  ++(sentinel ? watch->sentinels_put : watch->items_put);
  watch->peak = std::max(watch->peak, queue.qsize());
}

/// Makes `count` items, each taking `make_seconds`, and puts them into
/// `queue` with `put_watched`. Puts no sentinel.
aio::Task<> produce(aio::Queue<Slot>& queue, int producer, int count, double make_seconds,
                    QueueWatch* watch);

/// Processes items from `queue`, each taking `process_seconds`, until it
/// takes a sentinel; returns the items in the order it processed them.
aio::Task<std::vector<std::string>> consume(aio::Queue<Slot>& queue, double process_seconds);

/// Runs 3 producers and 2 consumers over a queue of at most 20 slots, then
/// stops the consumers with sentinels, and reports.
aio::Task<Report> run_pipeline(Workload workload, QueueWatch* watch);

}  // namespace e05
