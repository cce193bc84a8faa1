// Exercise E8, a reference answer.
#include "scoped_timer.hpp"

#include <utility>

namespace e08 {

ScopedTimer::ScopedTimer(std::function<void(double seconds)> report)
    : report_(std::move(report)), start_(aio::perf_counter()) {}

// Runs where the block ends, whether it ends normally or by an exception:
// that is what makes the timer measure exactly its block.
ScopedTimer::~ScopedTimer() {
  if (report_) report_(elapsed());
}

double ScopedTimer::elapsed() const {
  return aio::perf_counter() - start_;
}

aio::Task<std::vector<Response>> call_one_by_one(std::vector<double> latencies) {
  // Each await finishes before the next call starts: the latencies add up.
  std::vector<Response> responses;
  for (std::size_t i = 0; i < latencies.size(); ++i) {
    responses.push_back(co_await api_call(static_cast<int>(i), latencies[i]));
  }
  co_return responses;
}

aio::Task<std::vector<Response>> call_all_at_once(std::vector<double> latencies) {
  // gather makes every call a task, so all the waits overlap.
  std::vector<aio::Task<Response>> calls;
  for (std::size_t i = 0; i < latencies.size(); ++i) {
    calls.push_back(api_call(static_cast<int>(i), latencies[i]));
  }
  co_return co_await aio::gather(std::move(calls));
}

aio::Task<Comparison> compare(std::vector<double> latencies) {
  Comparison result;
  {
    // The timer's block is the only thing between its construction and its
    // destruction, so it measures the calls and nothing else.
    ScopedTimer timer([&result](double seconds) { result.one_by_one_seconds = seconds; });
    result.one_by_one = co_await call_one_by_one(latencies);
  }
  {
    ScopedTimer timer([&result](double seconds) { result.all_at_once_seconds = seconds; });
    result.all_at_once = co_await call_all_at_once(latencies);
  }
  co_return result;
}

}  // namespace e08
