// Exercise E6, a reference answer.
#include "retry.hpp"

#include <fmt/core.h>

namespace e06 {

aio::Task<std::string> retry(Operation operation, int max_attempts, double backoff,
                             Retryable retryable) {
  // Checked before the first attempt: with no attempt allowed there would be
  // no result and no error to report.
  if (max_attempts < 1) {
    throw std::invalid_argument(
        fmt::format("max_attempts must be at least 1, not {}", max_attempts));
  }
  double delay = backoff;
  for (int attempt = 1;; ++attempt) {
    try {
      // A fresh coroutine for every attempt: a finished one cannot be awaited again.
      co_return co_await operation();
    } catch (const std::exception& error) {
      // An error not worth retrying, or the last attempt's error, goes to the
      // caller as it is. (A cancellation is no std::exception: it passes by.)
      if (!retryable(error) || attempt == max_attempts) throw;
    }
    // C++ cannot co_await inside a catch block, so the wait comes after it.
    co_await aio::sleep(delay);
    delay *= 2;  // exponential: backoff, 2 * backoff, 4 * backoff, ...
  }
}

}  // namespace e06
