#include "aio/clock.hpp"

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <thread>

namespace aio {
namespace {

std::optional<ClockKind> chosen_kind;
double virtual_now = 0.0;

ClockKind kind_from_environment() {
  const char* value = std::getenv("AIO_CLOCK");
  return value != nullptr && std::string_view(value) == "virtual" ? ClockKind::virtual_
                                                                  : ClockKind::real;
}

}  // namespace

ClockKind clock_kind() {
  if (!chosen_kind) chosen_kind = kind_from_environment();
  return *chosen_kind;
}

void use_clock(ClockKind kind) {
  chosen_kind = kind;
}

double perf_counter() {
  if (clock_kind() == ClockKind::virtual_) return virtual_now;
  const auto since_boot = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_boot).count();
}

void blocking_sleep(double seconds) {
  if (seconds <= 0) return;
  if (clock_kind() == ClockKind::virtual_) {
    detail::advance_virtual_clock(seconds);
  } else {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
}

namespace detail {
// The addition is the same one Python's virtual loop performs (time += timeout),
// so both languages land on bit-identical times.
void advance_virtual_clock(double seconds) {
  if (seconds > 0) virtual_now += seconds;
}
}  // namespace detail

}  // namespace aio
