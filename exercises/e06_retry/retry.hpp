#pragma once
/// \file retry.hpp
/// Exercise E6 (chapter 10): retry with exponential backoff.
///
/// A remote call can fail for a moment and work a little later. Write `retry`:
/// it calls `operation` for a first attempt and, while an attempt throws an
/// error that `retryable` accepts, waits and tries again, up to `max_attempts`
/// attempts in all. It returns the value of the first attempt that succeeds.
///
/// - The wait doubles every time: `backoff` seconds after the first failure,
///   twice that after the second, four times after the third (1, 2 and 4 s for
///   a backoff of 1 s). No wait follows the last attempt.
/// - When the last attempt fails as well, retry throws that last error.
/// - An error `retryable` does not accept is thrown at once, with no further
///   attempt: a request the service rejects will be rejected again.
/// - `max_attempts` below 1 is a mistake of the caller: throw
///   std::invalid_argument before any attempt.
///
/// (A well-known example waits `backoff ** (attempt - 1)` seconds. With a
/// backoff of 1 that is 1 s every time: the wait never grows.)
///
/// Hints:
/// - A coroutine can be awaited only once, which is why `operation` is a
///   function: every call of it makes a fresh coroutine, one per attempt.
/// - C++ cannot co_await inside a catch block: decide in the catch block, and
///   sleep after it.
/// - `throw;` inside a catch block rethrows the error being handled, type and
///   message intact.
/// - aio::CancelledError is not a std::exception, so a catch of
///   `const std::exception&` lets a cancellation through: a cancelled retry
///   stops at once, as it should.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace e06 {

/// One attempt: each call returns a new coroutine to await.
using Operation = std::function<aio::Task<std::string>()>;

/// Decides whether an error is worth another attempt.
using Retryable = std::function<bool(const std::exception& error)>;

/// A Retryable that accepts the listed exception types and the types derived
/// from them, like Python's `except (ConnectionError, TimeoutError):`
/// `retry_on<ConnectionError, aio::TimeoutError>()`.
template <class... Errors>
Retryable retry_on() {
  return [](const std::exception& error) {
    return (... || (dynamic_cast<const Errors*>(&error) != nullptr));
  };
}

/// What a service that is down for a moment throws (Python's ConnectionError).
struct ConnectionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Calls `operation` until an attempt succeeds, `retryable` rejects its error,
/// or `max_attempts` attempts have failed; waits `backoff * 2^(k-1)` seconds
/// after failed attempt k.
aio::Task<std::string> retry(Operation operation, int max_attempts, double backoff,
                             Retryable retryable);

/// A pretend service to try `retry` on: every call takes `seconds`, and the
/// first `failures` calls throw ConnectionError("attempt N failed"); the calls
/// after them answer "answer from attempt N". It notes the loop time at which
/// each call starts and each failure happens.
class FlakyService {
 public:
  FlakyService(int failures, double seconds) : failures_(failures), seconds_(seconds) {}

  /// An Operation calling this service (which must outlive the retry).
  Operation operation() {
    return [this] {
      return call();
    };
  }

  int calls() const { return static_cast<int>(started_.size()); }
  const std::vector<double>& started() const { return started_; }
  const std::vector<double>& failed() const { return failed_; }

 private:
  aio::Task<std::string> call() {
    started_.push_back(aio::perf_counter());
    const int attempt = calls();
    co_await aio::sleep(seconds_);
    if (attempt <= failures_) {
      failed_.push_back(aio::perf_counter());
      throw ConnectionError(fmt::format("attempt {} failed", attempt));
    }
    co_return fmt::format("answer from attempt {}", attempt);
  }

  int failures_;
  double seconds_;
  std::vector<double> started_;
  std::vector<double> failed_;
};

}  // namespace e06
