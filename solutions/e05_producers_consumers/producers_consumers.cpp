// Exercise E5, a reference answer.
#include "producers_consumers.hpp"

#include <utility>

namespace e05 {

aio::Task<> produce(aio::Queue<Slot>& queue, int producer, int count, double make_seconds,
                    QueueWatch* watch) {
  for (int number = 0; number < count; ++number) {
    std::string item = co_await make_item(producer, number, make_seconds);
    // Waits while the queue is full: this is where a fast producer is held
    // back to the consumers' pace.
    co_await put_watched(queue, std::move(item), watch);
  }
}

aio::Task<std::vector<std::string>> consume(aio::Queue<Slot>& queue, double process_seconds) {
  std::vector<std::string> processed;
  while (true) {
    Slot slot = co_await queue.get();
    if (!slot) {
      // The sentinel was put like any item, so it is marked done like one.
      queue.task_done();
      break;
    }
    co_await process_item(*slot, process_seconds);
    processed.push_back(std::move(*slot));
    queue.task_done();
  }
  co_return processed;
}

aio::Task<Report> run_pipeline(Workload workload, QueueWatch* watch) {
  const double start = aio::perf_counter();
  // The queue lives here, and this coroutine awaits every task that uses it.
  aio::Queue<Slot> queue(queue_limit);

  // Consumers first: they wait on the empty queue until the first item comes.
  std::vector<aio::Task<std::vector<std::string>>> consumers;
  for (int i = 0; i < consumer_count; ++i) {
    consumers.push_back(aio::create_task(consume(queue, workload.process_seconds)));
  }
  std::vector<aio::Task<>> producers;
  for (int producer = 1; producer <= producer_count; ++producer) {
    producers.push_back(aio::create_task(
        produce(queue, producer, workload.items_per_producer, workload.make_seconds, watch)));
  }

  // Every item is in the queue once the producers are done; the sentinels go
  // behind them, one per consumer, so no consumer stops while items remain.
  co_await aio::gather(std::move(producers));
  for (int i = 0; i < consumer_count; ++i) co_await put_watched(queue, std::nullopt, watch);

  Report report;
  report.consumed = co_await aio::gather(std::move(consumers));
  report.seconds = aio::perf_counter() - start;
  for (const auto& processed : report.consumed) {
    report.items += static_cast<int>(processed.size());
  }
  report.throughput = report.items / report.seconds;
  co_return report;
}

}  // namespace e05
