#pragma once
/// \file exercise_test.hpp
/// What the exercise tests share: the virtual clock, and timing a run on it.

#include <gtest/gtest.h>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <aio/aio.hpp>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace exercise_test {

/// Exercise tests always run on the virtual clock: CTest sets AIO_CLOCK=virtual,
/// and this makes a test program run by hand behave the same. Times are exact.
inline const bool virtual_clock_selected = [] {
  aio::use_clock(aio::ClockKind::virtual_);
  return true;
}();

/// Loop-clock seconds that `body` takes (it usually calls aio::run).
template <class Body>
double seconds_taken(Body&& body) {
  const double start = aio::perf_counter();
  std::forward<Body>(body)();
  return aio::perf_counter() - start;
}

/// aio::run(main), with a deadline. A wrong answer can leave a task waiting
/// for ever (a consumer that never gets its sentinel, say); past a deadline far
/// beyond any right answer the run is cancelled, so the test fails instead of
/// hanging. On the virtual clock the deadline costs no real time.
template <class T>
T run_with_deadline(aio::Task<T> main) {
  constexpr double deadline = 1000;
  try {
    return aio::run(aio::wait_for(std::move(main), deadline));
  } catch (const aio::TimeoutError&) {
    throw std::runtime_error(
        fmt::format("still running after {} s of loop time: some task waits for ever", deadline));
  }
}

/// Two times on the virtual clock are equal when they differ by rounding only.
constexpr double same_time = 1e-9;

/// A list on one line for a failure message: `["A: 3", "A: 2"]`, `[1, 2]`.
/// Numbers with a fraction get six significant digits (`%g`), so a time that
/// differs from the one expected by rounding only reads `[0.3, 1.2]`.
template <class T>
std::string shown(const std::vector<T>& items) {
  if constexpr (std::is_floating_point_v<T>) {
    return fmt::format("{::g}", items);
  } else {
    return fmt::format("{}", items);
  }
}

}  // namespace exercise_test
