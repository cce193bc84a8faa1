// Exercise E1, a reference answer.
#include "fetch_concurrently.hpp"

#include <utility>

namespace e01 {

aio::Task<std::vector<Page>> fetch_all(std::vector<std::string> urls,
                                       std::vector<double> latencies) {
  // Each call makes a coroutine; gather turns every one into a task, so all
  // the waits overlap, and returns the results in the order they were given.
  std::vector<aio::Task<Page>> fetches;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    fetches.push_back(fetch_page(std::move(urls[i]), latencies[i]));
  }
  co_return co_await aio::gather(std::move(fetches));
}

}  // namespace e01
