/// Chapter 10: Errors and resilience.
///
/// How an exception travels out of concurrent code, how to let each task
/// report its own failure, and two patterns that keep a program going when a
/// service misbehaves: retry with exponential backoff, and a circuit breaker.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

// Exceptions named after the Python ones the twin raises; what() holds the
// message Python's str(error) prints.
struct ValueError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ConnectionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace {

double since(double start) {
  return aio::perf_counter() - start;
}

//! [exception_propagation]
aio::Task<std::string> reliable_task(std::string task_id) {
  co_await aio::sleep(0.5);
  co_return "Success from " + task_id;
}

aio::Task<std::string> unreliable_task(std::string task_id, double failure_rate) {
  co_await aio::sleep(0.5);
  // The seeded random source makes "random" failures the same on every run.
  if (aio::default_random().random() < failure_rate) {
    throw ValueError(fmt::format("Task {} failed randomly!", task_id));
  }
  co_return "Success from " + task_id;
}

aio::Task<> propagation() {
  fmt::print("gather() without return_exceptions: the first error is raised\n");
  try {
    const auto [r1, u1, r2] =
        co_await aio::gather(reliable_task("R1"), unreliable_task("U1", 1.0), reliable_task("R2"));
    fmt::print("  all completed: {}\n", py::repr(std::vector<std::string>{r1, u1, r2}));
  } catch (const ValueError& error) {
    fmt::print("  gather() raised: {}\n", error.what());
  }

  fmt::print("gather() with return_exceptions=True: errors come back as results\n");
  std::vector<aio::Task<std::string>> tasks;
  for (int i = 2; i < 7; ++i) tasks.push_back(unreliable_task(fmt::format("U{}", i), 0.5));
  const auto results = co_await aio::gather(aio::return_exceptions, std::move(tasks));
  int failed = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].has_error()) {
      ++failed;
      fmt::print("  task {}: failed - {}\n", i + 1, aio::error_message(results[i].error()));
    } else {
      fmt::print("  task {}: {}\n", i + 1, results[i].value());
    }
  }
  fmt::print("  {} succeeded, {} failed\n", static_cast<int>(results.size()) - failed, failed);
}

void exception_propagation() {
  aio::run(propagation());
}
//! [exception_propagation]

//! [individual_handling]
aio::Task<std::string> monitored_task(std::string task_id, bool should_fail) {
  try {
    co_await aio::sleep(0.3);
    if (should_fail) throw std::runtime_error(fmt::format("Task {} encountered an error", task_id));
    co_return "Result from " + task_id;
  } catch (const aio::CancelledError&) {
    fmt::print("  {}: cancelled\n", task_id);
    throw;  // a cancelled task must stay cancelled
  }
}

aio::Task<> handle_each() {
  std::vector<aio::Task<std::string>> tasks;
  tasks.push_back(aio::create_task(monitored_task("T1", false)));
  tasks.push_back(aio::create_task(monitored_task("T2", true)));
  tasks.push_back(aio::create_task(monitored_task("T3", false)));
  tasks.push_back(aio::create_task(monitored_task("T4", true)));
  // Awaiting each task in its own try keeps one failure from hiding the
  // others: every task reports its own outcome.
  int succeeded = 0;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    try {
      const std::string result = co_await tasks[i];
      ++succeeded;
      fmt::print("  task {}: {}\n", i + 1, result);
    } catch (const std::runtime_error& error) {
      fmt::print("  task {}: error - {}\n", i + 1, error.what());
    }
  }
  fmt::print("{} of {} tasks succeeded\n", succeeded, tasks.size());
}

void individual_handling() {
  aio::run(handle_each());
}
//! [individual_handling]

//! [backoff_schedule]
void backoff_schedule() {
  // Errata: a "backoff" of backoff ** (attempt - 1) with backoff=1 is 1 for
  // every attempt; the wait never grows. Exponential backoff doubles it.
  fmt::print("attempt  1 ** (attempt - 1)  0.5 * 2 ** (attempt - 1)\n");
  for (int attempt = 1; attempt < 6; ++attempt) {
    const int flat = 1;  // 1 to any power
    const double doubled = 0.5 * static_cast<double>(1 << (attempt - 1));
    fmt::print("{:7}  {:18}  {:24.1f}\n", attempt, flat, doubled);
  }
}
//! [backoff_schedule]

//! [retry_with_backoff]
using Operation = std::function<aio::Task<std::string>(int)>;

// Retryable... lists the exception types worth retrying, like the twin's
// retry_on tuple; any other exception propagates at once.
template <class... Retryable>
aio::Task<std::string> retry(Operation operation, int max_attempts = 4, double base_delay = 0.1) {
  const double start = aio::perf_counter();
  for (int attempt = 1;; ++attempt) {
    double wait = 0.0;
    try {
      co_return co_await operation(attempt);
    } catch (const std::exception& error) {
      const bool retryable = (... || (dynamic_cast<const Retryable*>(&error) != nullptr));
      // Other exception types are bugs, not hiccups: rethrow them untouched.
      if (!retryable) throw;
      if (attempt == max_attempts) {
        fmt::print("  [{:.3f}s] attempt {} failed: {}; giving up\n", since(start), attempt,
                   error.what());
        throw;
      }
      const double delay = base_delay * static_cast<double>(1 << (attempt - 1));
      // Jitter spreads out clients that failed together, so they do not all
      // retry at the same instant.
      wait = delay + aio::default_random().uniform(0, delay * 0.1);
      fmt::print("  [{:.3f}s] attempt {} failed: {}; waiting {:.3f}s\n", since(start), attempt,
                 error.what(), wait);
    }
    // C++ cannot co_await inside a catch block, so the wait happens here.
    co_await aio::sleep(wait);
  }
}

aio::Task<std::string> recovers_on_third(int attempt) {
  co_await aio::sleep(0.05);
  if (attempt < 3) throw ConnectionError("API unavailable");
  co_return fmt::format("Success on attempt {}", attempt);
}

aio::Task<std::string> bad_request(int attempt) {
  co_await aio::sleep(0.05);
  throw ValueError(fmt::format("invalid request (attempt {})", attempt));
}

aio::Task<std::string> always_down(int attempt) {
  co_await aio::sleep(0.05);
  throw ConnectionError(fmt::format("still down (attempt {})", attempt));
}

aio::Task<> retries() {
  fmt::print("A service that recovers:\n");
  const std::string result = co_await retry<ConnectionError>(recovers_on_third);
  fmt::print("  result: {}\n", result);

  fmt::print("An error that is not retried:\n");
  try {
    co_await retry<ConnectionError>(bad_request);
  } catch (const ValueError& error) {
    fmt::print("  propagated at once: {}\n", error.what());
  }

  fmt::print("A service that stays down:\n");
  try {
    co_await retry<ConnectionError, aio::TimeoutError>(always_down);
  } catch (const ConnectionError& error) {
    fmt::print("  last error re-raised: {}\n", error.what());
  }
}

void retry_with_backoff() {
  aio::run(retries());
}
//! [retry_with_backoff]

//! [circuit_breaker]
struct CircuitOpenError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Stops calling a failing service, then probes it with one trial call.
class CircuitBreaker {
 public:
  CircuitBreaker(int failure_threshold, double recovery_timeout)
      : failure_threshold_(failure_threshold),
        recovery_timeout_(recovery_timeout),
        start_(aio::get_running_loop().time()) {}

  aio::Task<std::string> call(std::function<aio::Task<std::string>()> operation) {
    auto& loop = aio::get_running_loop();
    if (state_ == "open") {
      // Open: fail fast, without touching the service, until the recovery
      // timeout has passed on the loop's clock.
      if (loop.time() - opened_at_ < recovery_timeout_) {
        throw CircuitOpenError("circuit open: call rejected");
      }
      move_to("half-open");
    }
    if (state_ == "half-open") {
      // Half-open: exactly one trial call decides; others are rejected.
      if (trial_running_) throw CircuitOpenError("circuit half-open: trial in progress");
      trial_running_ = true;
    }
    std::string result;
    try {
      result = co_await operation();
    } catch (const std::exception&) {
      trial_running_ = false;
      ++failures_;
      if (state_ == "half-open" || failures_ >= failure_threshold_) {
        opened_at_ = loop.time();
        move_to("open");
      }
      throw;
    }
    trial_running_ = false;
    failures_ = 0;
    if (state_ == "half-open") move_to("closed");
    co_return result;
  }

 private:
  void move_to(const std::string& state) {
    const double elapsed = aio::get_running_loop().time() - start_;
    fmt::print("  [{:.1f}s] circuit {} -> {}\n", elapsed, state_, state);
    state_ = state;
  }

  int failure_threshold_;
  double recovery_timeout_;
  std::string state_ = "closed";
  int failures_ = 0;
  double opened_at_ = 0.0;
  bool trial_running_ = false;
  double start_;
};

aio::Task<std::string> flaky_service(int call_id, double start) {
  co_await aio::sleep(0.1);
  // The service is down for its first 2.5 seconds, then healthy.
  if (since(start) < 2.5) throw ConnectionError(fmt::format("service call {} failed", call_id));
  co_return fmt::format("service result {}", call_id);
}

aio::Task<> drive_breaker() {
  const double start = aio::perf_counter();
  CircuitBreaker breaker(3, 0.9);
  for (int call_id = 1; call_id < 16; ++call_id) {
    try {
      const std::string result =
          co_await breaker.call([call_id, start] { return flaky_service(call_id, start); });
      fmt::print("  [{:.1f}s] call {}: {}\n", since(start), call_id, result);
    } catch (const ConnectionError& error) {
      fmt::print("  [{:.1f}s] call {}: {}\n", since(start), call_id, error.what());
    } catch (const CircuitOpenError& error) {
      fmt::print("  [{:.1f}s] call {}: {}\n", since(start), call_id, error.what());
    }
    co_await aio::sleep(0.2);
  }
}

void circuit_breaker() {
  aio::run(drive_breaker());
}
//! [circuit_breaker]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 10: Errors and resilience",
                       {{"exception_propagation", exception_propagation},
                        {"individual_handling", individual_handling},
                        {"backoff_schedule", backoff_schedule},
                        {"retry_with_backoff", retry_with_backoff},
                        {"circuit_breaker", circuit_breaker}});
}
