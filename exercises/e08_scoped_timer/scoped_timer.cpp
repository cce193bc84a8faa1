// Exercise E8: your answer goes here. The task is in scoped_timer.hpp.
#include "scoped_timer.hpp"

#include "todo.hpp"

namespace e08 {

ScopedTimer::ScopedTimer([[maybe_unused]] std::function<void(double seconds)> report) {
  exercise::todo("E8: start the timer (and report the elapsed time in ~ScopedTimer)");
}

// A destructor must not throw, so this one has no todo: the constructor's
// stands for both.
ScopedTimer::~ScopedTimer() {}

double ScopedTimer::elapsed() const {
  exercise::todo("E8: return the seconds since the timer started");
}

aio::Task<std::vector<Response>> call_one_by_one([[maybe_unused]] std::vector<double> latencies) {
  exercise::todo("E8: await the calls one after another");
}

aio::Task<std::vector<Response>> call_all_at_once([[maybe_unused]] std::vector<double> latencies) {
  exercise::todo("E8: run the calls concurrently");
}

aio::Task<Comparison> compare([[maybe_unused]] std::vector<double> latencies) {
  exercise::todo("E8: time call_one_by_one and call_all_at_once with a ScopedTimer each");
}

}  // namespace e08
