// Exercise E4: your answer goes here. The task is in limited_fetch.hpp.
#include "limited_fetch.hpp"

#include "todo.hpp"

namespace e04 {

aio::Task<std::vector<Page>> fetch_limited([[maybe_unused]] std::vector<std::string> urls,
                                           [[maybe_unused]] std::vector<double> latencies,
                                           [[maybe_unused]] int limit,
                                           [[maybe_unused]] FetchStats* stats) {
  exercise::todo("E4: fetch every URL with at most `limit` in flight, pages in URL order");
}

aio::Task<std::vector<Page>> fetch_sequential([[maybe_unused]] std::vector<std::string> urls,
                                              [[maybe_unused]] std::vector<double> latencies,
                                              [[maybe_unused]] FetchStats* stats) {
  exercise::todo("E4: fetch the URLs one after the other");
}

}  // namespace e04
