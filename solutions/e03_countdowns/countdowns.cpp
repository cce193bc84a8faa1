// Exercise E3, a reference answer.
#include "countdowns.hpp"

#include <fmt/format.h>

#include <utility>

namespace e03 {

aio::Task<> countdown(std::string name, int start, double delay, Log* log) {
  for (int number = start; number > 0; --number) {
    log->push_back(fmt::format("{}: {}", name, number));
    // Only this countdown waits here; the loop runs the others meanwhile.
    co_await aio::sleep(delay);
  }
  log->push_back(fmt::format("{}: lift-off!", name));
}

aio::Task<> run_countdowns(std::vector<Countdown> countdowns, Log* log) {
  // Create every task first: each is scheduled at once, in this order, and
  // they all start at the first co_await below. Awaiting them one by one
  // then only collects them; it does not run them one by one.
  std::vector<aio::Task<>> tasks;
  tasks.reserve(countdowns.size());
  for (Countdown& each : countdowns) {
    tasks.push_back(aio::create_task(countdown(std::move(each.name), each.start, each.delay, log)));
  }
  for (aio::Task<>& task : tasks) co_await task;
}

}  // namespace e03
