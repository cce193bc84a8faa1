// Exercise E10, a reference answer.
#include "call_every.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>
#include <utility>

namespace e10 {

struct Repeating::State {
  State(aio::EventLoop& on, double every, std::function<void()> function)
      : loop(&on), start(on.time()), interval(every), callback(std::move(function)) {}

  aio::EventLoop* loop;
  double start;  // loop time when call_every was called: the grid's origin
  double interval;
  std::function<void()> callback;
  int calls = 0;
  bool cancelled = false;
  std::optional<aio::TimerHandle> next;  // the call that is due next
};

namespace {

void schedule_next(const std::shared_ptr<Repeating::State>& state) {
  // Call k is due at start + k * interval, computed afresh each time: neither
  // a slow callback nor a late loop moves the later calls. call_later(interval)
  // from here would add every such delay to all the calls after it.
  const double when = state->start + (state->calls + 1) * state->interval;
  // The function holds the state weakly: the state holds the function's
  // TimerHandle, and two strong references would keep each other alive.
  std::weak_ptr<Repeating::State> weak = state;
  state->next = state->loop->call_at(when, [weak] {
    const std::shared_ptr<Repeating::State> alive = weak.lock();
    if (!alive || alive->cancelled) return;  // every handle gone, or cancelled
    ++alive->calls;
    alive->callback();
    // The callback may have cancelled the repeats; then there is no next call.
    if (!alive->cancelled) schedule_next(alive);
  });
}

}  // namespace

void Repeating::cancel() {
  if (state_->cancelled) return;
  state_->cancelled = true;
  if (state_->next) state_->next->cancel();
}

bool Repeating::cancelled() const {
  return state_->cancelled;
}

int Repeating::calls() const {
  return state_->calls;
}

Repeating call_every(aio::EventLoop& loop, double interval, std::function<void()> callback) {
  // Written as !(interval > 0) so that NaN, which compares false with
  // everything, is refused too.
  if (!(interval > 0)) {
    throw std::invalid_argument(
        fmt::format("call_every: interval must be positive, got {}", interval));
  }
  auto state = std::make_shared<Repeating::State>(loop, interval, std::move(callback));
  schedule_next(state);
  return Repeating(std::move(state));
}

}  // namespace e10
