#include "aio/clock.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <type_traits>

namespace aio {
namespace {

using KindValue = std::underlying_type_t<ClockKind>;
constexpr KindValue not_chosen = -1;

// The choice is the process's, and every loop reads it on each iteration, in
// whatever thread it runs: an atomic, so a loop's first read and a use_clock()
// in another thread do not race. The value is all it carries, so relaxed
// order is enough (and a relaxed load costs what a plain one does).
std::atomic<KindValue> chosen_kind = not_chosen;

// Each thread's own virtual time: see clock.hpp for why.
constinit thread_local double virtual_now = 0.0;

ClockKind kind_from_environment() {
  const char* value = std::getenv("AIO_CLOCK");
  return value != nullptr && std::string_view(value) == "virtual" ? ClockKind::virtual_
                                                                  : ClockKind::real;
}

}  // namespace

ClockKind clock_kind() {
  KindValue kind = chosen_kind.load(std::memory_order_relaxed);
  if (kind == not_chosen) {
    // The first reader decides, unless a use_clock() got there first: then
    // compare_exchange leaves that choice and hands it back in `kind`.
    const auto from_environment = static_cast<KindValue>(kind_from_environment());
    if (chosen_kind.compare_exchange_strong(kind, from_environment, std::memory_order_relaxed)) {
      kind = from_environment;
    }
  }
  return static_cast<ClockKind>(kind);
}

void use_clock(ClockKind kind) {
  chosen_kind.store(static_cast<KindValue>(kind), std::memory_order_relaxed);
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
