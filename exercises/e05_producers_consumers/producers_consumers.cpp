// Exercise E5: your answer goes here. The task is in producers_consumers.hpp.
#include "producers_consumers.hpp"

#include "todo.hpp"

namespace e05 {

aio::Task<> produce([[maybe_unused]] aio::Queue<Slot>& queue, [[maybe_unused]] int producer,
                    [[maybe_unused]] int count, [[maybe_unused]] double make_seconds,
                    [[maybe_unused]] QueueWatch* watch) {
  exercise::todo("E5: make `count` items and put each into the queue with put_watched");
}

aio::Task<std::vector<std::string>> consume([[maybe_unused]] aio::Queue<Slot>& queue,
                                            [[maybe_unused]] double process_seconds) {
  exercise::todo("E5: process items until a sentinel comes, calling task_done for each slot");
}

aio::Task<Report> run_pipeline([[maybe_unused]] Workload workload,
                               [[maybe_unused]] QueueWatch* watch) {
  exercise::todo("E5: run 3 producers and 2 consumers over a queue of 20, stop them, report");
}

}  // namespace e05
