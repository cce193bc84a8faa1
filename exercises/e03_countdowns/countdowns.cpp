// Exercise E3: your answer goes here. The task is in countdowns.hpp.
#include "countdowns.hpp"

#include "todo.hpp"

namespace e03 {

aio::Task<> countdown([[maybe_unused]] std::string name, [[maybe_unused]] int start,
                      [[maybe_unused]] double delay, [[maybe_unused]] Log* log) {
  exercise::todo("E3: write one line per number, waiting after each, then the lift-off line");
}

aio::Task<> run_countdowns([[maybe_unused]] std::vector<Countdown> countdowns,
                           [[maybe_unused]] Log* log) {
  exercise::todo("E3: run every countdown as a task and wait until they have all lifted off");
}

}  // namespace e03
