// Cancellation injected into the exercise tests, for tools/inject_cancellation.py
// --gtest: with AIO_CANCEL_AT=K in the environment, the K-th suspension of any
// task cancels the main task of the aio::run in progress (the test then fails
// with CancelledError, and must do so without a crash, leak or hang); with
// AIO_COUNT_SUSPENSIONS=1 the program prints on standard error how many
// suspensions its tests made. Without either, it does nothing.
#include <fmt/core.h>

#include <aio/aio.hpp>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "cancel_injection.hpp"

namespace {

struct FromEnvironment {
  chapter::CancelInjection injection;
  bool count = false;
  std::optional<aio::Timeline> timeline;

  FromEnvironment() {
    const char* cancel_at = std::getenv("AIO_CANCEL_AT");
    count = std::getenv("AIO_COUNT_SUSPENSIONS") != nullptr;
    if (cancel_at != nullptr) {
      const std::string_view number = cancel_at;
      const auto [end, error] =
          std::from_chars(number.data(), number.data() + number.size(), injection.cancel_at);
      if (error != std::errc() || end != number.data() + number.size()) {
        fmt::print(stderr, "error: AIO_CANCEL_AT needs a suspension number, not '{}'\n", number);
        std::exit(2);
      }
    }
    if (!count && injection.cancel_at == 0) return;
    timeline.emplace();
    timeline->observe([this](const aio::detail::TaskBase& task, aio::TaskEventKind kind) {
      injection.observe(task, kind);
    });
  }

  ~FromEnvironment() {
    if (count) fmt::print(stderr, "suspensions: {}\n", injection.suspensions);
  }
};

FromEnvironment from_environment;

}  // namespace
