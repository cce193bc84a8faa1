#pragma once
/// \file recorder.hpp
/// What the runtime tests share. A test program records what happens, in the
/// order it happens, and the test compares the whole sequence with the lines
/// the equivalent Python program prints under CPython 3.11.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "aio/clock.hpp"
#include "aio/errors.hpp"
#include "aio/event_loop.hpp"

namespace aio_test {

/// The tests always run on the virtual clock: CTest sets AIO_CLOCK=virtual, and
/// this makes a test program run by hand behave the same (and just as fast).
inline const bool virtual_clock_selected = [] {
  aio::use_clock(aio::ClockKind::virtual_);
  return true;
}();

using Events = std::vector<std::string>;

/// Collects events. Coroutines get it by pointer (coroutine parameters are
/// taken by value), callbacks through note().
class Recorder {
 public:
  void add(std::string event) { events_.push_back(std::move(event)); }

  /// A callback that records `event` when it runs: `loop.call_soon(log.note("a"))`
  /// is the C++ for `loop.call_soon(print, "a")`.
  auto note(std::string event) {
    return [this, event = std::move(event)] {
      add(event);
    };
  }

  const Events& events() const noexcept { return events_; }

 private:
  Events events_;
};

/// Loop time elapsed since `start`, rounded to a tenth as `round(x, 1)` prints it.
inline std::string tenths_since(double start) {
  const double elapsed = aio::get_running_loop().time() - start;
  const int tenths = static_cast<int>(elapsed * 10 + 0.5);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

/// A bool as Python prints it.
inline std::string python_bool(bool value) {
  return value ? "True" : "False";
}

/// Names as Python prints a list of strings: ['a', 'b'].
inline std::string python_list(const std::vector<std::string>& names) {
  std::string text = "[";
  for (const std::string& name : names) {
    if (text.size() > 1) text += ", ";
    text += '\'';  // appended piece by piece: GCC 12 warns wrongly on "'" + name + "'" at -O3
    text += name;
    text += '\'';
  }
  return text + "]";
}

/// A CancelledError's `args` as Python prints them: () or ('message',).
inline std::string python_args(const aio::CancelledError& error) {
  if (!error.args()) return "()";
  std::string text = "('";
  text += *error.args();
  return text + "',)";
}

/// The same for the CancelledError in `error`; "not a CancelledError" otherwise.
inline std::string python_args(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const aio::CancelledError& cancelled) {
    return python_args(cancelled);
  } catch (...) {
    return "not a CancelledError";
  }
}

/// Counts its own destruction, once however often it is moved. Captured by a
/// callback, or passed to a coroutine (parameters are the last thing a frame
/// destroys), it tells a test that the callback or the frame was freed.
class CountsDestruction {
 public:
  explicit CountsDestruction(int* counter) noexcept : counter_(counter) {}
  CountsDestruction(const CountsDestruction&) = delete;
  CountsDestruction& operator=(const CountsDestruction&) = delete;
  CountsDestruction(CountsDestruction&& other) noexcept
      : counter_(std::exchange(other.counter_, nullptr)) {}
  CountsDestruction& operator=(CountsDestruction&&) = delete;
  ~CountsDestruction() {
    if (counter_ != nullptr) ++*counter_;
  }

 private:
  int* counter_;
};

/// Runs `body` and returns what it wrote to standard error.
template <class Body>
std::string capture_stderr(Body body) {
  testing::internal::CaptureStderr();
  body();
  return testing::internal::GetCapturedStderr();
}

}  // namespace aio_test
