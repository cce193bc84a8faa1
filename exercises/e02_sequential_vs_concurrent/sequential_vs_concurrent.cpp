// Exercise E2: your answer goes here. The task is in sequential_vs_concurrent.hpp.
#include "sequential_vs_concurrent.hpp"

#include "todo.hpp"

namespace e02 {

aio::Task<std::vector<int>> process_sequentially([[maybe_unused]] std::vector<Item> items) {
  exercise::todo("E2: process the items one after another and return their results in order");
}

aio::Task<std::vector<int>> process_concurrently([[maybe_unused]] std::vector<Item> items) {
  exercise::todo("E2: process all the items at once and return their results in order");
}

aio::Task<Comparison> compare([[maybe_unused]] std::vector<Item> items) {
  exercise::todo("E2: time both versions, one after the other, and compute the speedup");
}

}  // namespace e02
