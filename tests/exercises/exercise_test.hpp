#pragma once
/// \file exercise_test.hpp
/// What the exercise tests share: the virtual clock, and timing a run on it.

#include <gtest/gtest.h>

#include <aio/aio.hpp>
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

/// Two times on the virtual clock are equal when they differ by rounding only.
constexpr double same_time = 1e-9;

}  // namespace exercise_test
