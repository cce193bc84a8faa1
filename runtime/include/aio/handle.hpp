#pragma once
/// \file handle.hpp
/// Handle and TimerHandle: what `call_soon`, `call_later` and `call_at` return,
/// so the caller can cancel the callback before it runs.

#include <utility>

#include "aio/detail/function_handle.hpp"

namespace aio {

/// A callback scheduled with `call_soon`. Cancelling it before it runs means it
/// never runs, even if it is already in this iteration's ready queue.
class Handle {
 public:
  /// A handle to the scheduled callback `state` (call_soon makes it).
  explicit Handle(detail::FunctionHandle* state) noexcept : state_(state) { state_->retain(); }
  /// Another handle to the same callback.
  Handle(const Handle& other) noexcept : Handle(other.state_) {}
  /// Makes this handle refer to `other`'s callback.
  Handle& operator=(Handle other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~Handle() { state_->release(); }

  /// Cancels the callback: if it has not run yet, it never will (`Handle.cancel`).
  void cancel() noexcept { state_->cancel(); }
  /// Whether cancel() was called (`Handle.cancelled`).
  bool cancelled() const noexcept { return state_->cancelled(); }

 protected:
  /// The scheduled callback, shared with the loop.
  detail::FunctionHandle* state_;
};

/// A callback scheduled with `call_later` or `call_at`.
class TimerHandle : public Handle {
 public:
  /// Handle's constructors (call_later and call_at make timer handles).
  using Handle::Handle;
  /// The loop time at which the callback is due.
  double when() const noexcept { return state_->when(); }
};

}  // namespace aio
