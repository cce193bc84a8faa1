#pragma once
/// \file exercise_test.hpp
/// What the exercise tests share: the virtual clock, and timing a run on it.

#include <gtest/gtest.h>

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <stdexcept>
#include <utility>

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

}  // namespace exercise_test
