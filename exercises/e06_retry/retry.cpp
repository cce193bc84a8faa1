// Exercise E6: your answer goes here. The task is in retry.hpp.
#include "retry.hpp"

#include "todo.hpp"

namespace e06 {

aio::Task<std::string> retry([[maybe_unused]] Operation operation,
                             [[maybe_unused]] int max_attempts, [[maybe_unused]] double backoff,
                             [[maybe_unused]] Retryable retryable) {
  exercise::todo("E6: retry the operation with exponential backoff on the retryable errors");
}

}  // namespace e06
