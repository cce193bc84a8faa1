// E6: retry with exponential backoff.
#include <stdexcept>
#include <string>

#include "exercise_test.hpp"
#include "retry.hpp"

namespace {

using e06::ConnectionError;
using e06::FlakyService;
using e06::retry;
using e06::retry_on;
using exercise_test::same_time;
using exercise_test::seconds_taken;

// An error that no test asks retry to retry (Python's ValueError).
struct ValueError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

aio::Task<std::string> rejected_request(int& calls) {
  ++calls;
  co_await aio::sleep(0.3);
  throw ValueError("bad request");
}

TEST(E06Retry, ReturnsAtOnceWhenTheFirstAttemptSucceeds) {
  FlakyService service(0, 0.25);  // never fails
  std::string result;
  const double elapsed = seconds_taken(
      [&] { result = aio::run(retry(service.operation(), 3, 1.0, retry_on<ConnectionError>())); });

  EXPECT_EQ(result, "answer from attempt 1")
      << "retry should return what the first attempt returned";
  EXPECT_EQ(service.calls(), 1) << "a first attempt that succeeds should be the only one";
  EXPECT_NEAR(elapsed, 0.25, same_time)
      << "retry should take only the 0.25 s of the one attempt, with no wait; it took " << elapsed
      << " s";
}

TEST(E06Retry, WaitsBackoffThenTwiceThenFourTimesBetweenAttempts) {
  for (double backoff : {1.0, 0.5}) {
    FlakyService service(3, 0.1);  // attempts 1 to 3 fail, attempt 4 succeeds
    std::string result;
    const double elapsed = seconds_taken([&] {
      result = aio::run(retry(service.operation(), 4, backoff, retry_on<ConnectionError>()));
    });

    EXPECT_EQ(result, "answer from attempt 4")
        << "with backoff " << backoff << ", the fourth attempt succeeds and its answer should "
        << "be returned";
    ASSERT_EQ(service.calls(), 4) << "with backoff " << backoff << ", three failed attempts "
                                  << "should be followed by a fourth";
    double expected_wait = backoff;
    for (std::size_t k = 0; k < 3; ++k) {
      const double wait = service.started()[k + 1] - service.failed()[k];
      EXPECT_NEAR(wait, expected_wait, same_time)
          << "with backoff " << backoff << ", attempt " << k + 2 << " should start "
          << expected_wait << " s after attempt " << k + 1 << " failed (the wait doubles each "
          << "time); it started " << wait << " s after";
      expected_wait *= 2;
    }
    const double expected = 4 * 0.1 + 7 * backoff;
    EXPECT_NEAR(elapsed, expected, same_time)
        << "with backoff " << backoff << ", four attempts of 0.1 s and waits of " << backoff << ", "
        << 2 * backoff << " and " << 4 * backoff << " s should take " << expected
        << " s; retry took " << elapsed << " s";
  }
}

TEST(E06Retry, GivesUpAfterMaxAttemptsAndThrowsTheLastError) {
  FlakyService service(10, 0.1);  // down for longer than retry keeps trying
  std::string message;
  const double elapsed = seconds_taken([&] {
    try {
      aio::run(retry(service.operation(), 3, 1.0, retry_on<ConnectionError>()));
    } catch (const ConnectionError& error) {
      message = error.what();
    }
  });

  EXPECT_EQ(message, "attempt 3 failed")
      << "after the last attempt fails, retry should throw that attempt's error, not an "
      << "earlier one (and not return)";
  EXPECT_EQ(service.calls(), 3) << "max_attempts is 3, so there should be exactly 3 attempts";
  EXPECT_NEAR(elapsed, 3 * 0.1 + 1 + 2, same_time)
      << "three attempts of 0.1 s with waits of 1 and 2 s between them take 3.3 s; there is "
      << "no wait after the last attempt. retry took " << elapsed << " s";
}

TEST(E06Retry, ThrowsAnErrorItIsNotToldToRetryAtOnce) {
  int calls = 0;
  std::string message;
  const double elapsed = seconds_taken([&] {
    try {
      aio::run(retry([&calls] { return rejected_request(calls); }, 5, 1.0,
                     retry_on<ConnectionError, aio::TimeoutError>()));
    } catch (const ValueError& error) {
      message = error.what();
    }
  });

  EXPECT_EQ(message, "bad request")
      << "a ValueError is not in retry_on<ConnectionError, aio::TimeoutError>, so retry should "
      << "throw it unchanged";
  EXPECT_EQ(calls, 1) << "an error that is not retryable should not be retried";
  EXPECT_NEAR(elapsed, 0.3, same_time)
      << "retry should give up after the one 0.3 s attempt, with no wait; it took " << elapsed
      << " s";
}

TEST(E06Retry, AsksRetryableAboutEachError) {
  FlakyService service(5, 0.1);
  // Retries the first failure, not the second.
  const e06::Retryable first_only = [](const std::exception& error) {
    return std::string(error.what()) == "attempt 1 failed";
  };
  std::string message;
  const double elapsed = seconds_taken([&] {
    try {
      aio::run(retry(service.operation(), 5, 1.0, first_only));
    } catch (const ConnectionError& error) {
      message = error.what();
    }
  });

  EXPECT_EQ(message, "attempt 2 failed")
      << "retryable accepts only the first failure, so retry should stop at the second and "
      << "throw its error";
  EXPECT_EQ(service.calls(), 2) << "retry should make one more attempt after the first failure "
                                << "and none after the second";
  EXPECT_NEAR(elapsed, 2 * 0.1 + 1, same_time)
      << "two attempts of 0.1 s with a 1 s wait between them take 1.2 s; retry took " << elapsed
      << " s";
}

TEST(E06Retry, RejectsFewerThanOneAttempt) {
  for (int max_attempts : {0, -1}) {
    FlakyService service(0, 0.1);
    EXPECT_THROW(
        aio::run(retry(service.operation(), max_attempts, 1.0, retry_on<ConnectionError>())),
        std::invalid_argument)
        << "max_attempts = " << max_attempts << " should be rejected with std::invalid_argument";
    EXPECT_EQ(service.calls(), 0) << "max_attempts = " << max_attempts
                                  << " allows no attempt, so the service should not be called";
  }
}

aio::Task<bool> times_out(FlakyService& service, double limit) {
  try {
    co_await aio::wait_for(retry(service.operation(), 10, 1.0, retry_on<ConnectionError>()), limit);
  } catch (const aio::TimeoutError&) {
    co_return true;
  }
  co_return false;
}

TEST(E06Retry, StopsWhenCancelled) {
  // Attempts of 0.1 s start at 0, 1.1 and 3.2 s. A wait_for cancels the retry
  // at 2.5 s, while it waits to try a third time, or at 3.25 s, in the middle
  // of the third attempt.
  struct Case {
    double limit;
    int attempts;
    const char* when;
  };
  for (const Case& c : {Case{2.5, 2, "while waiting for another attempt"},
                        Case{3.25, 3, "in the middle of an attempt"}}) {
    FlakyService service(10, 0.1);
    bool timed_out = false;
    const double elapsed =
        seconds_taken([&] { timed_out = aio::run(times_out(service, c.limit)); });

    EXPECT_TRUE(timed_out) << "wait_for(retry(...), " << c.limit << ") should throw "
                           << "TimeoutError when it cancels retry " << c.when;
    EXPECT_NEAR(elapsed, c.limit, same_time)
        << "cancelled " << c.when << ", retry should stop at once, at " << c.limit
        << " s, but it went on until " << elapsed << " s (was the cancellation caught and "
        << "retried?)";
    EXPECT_EQ(service.calls(), c.attempts)
        << "no attempt should start after retry was cancelled " << c.when;
  }
}

}  // namespace
