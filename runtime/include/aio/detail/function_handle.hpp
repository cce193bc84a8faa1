#pragma once
/// \file detail/function_handle.hpp
/// FunctionHandle: a user's function scheduled with call_soon, call_later or
/// call_at, as the loop keeps it. The Handle and TimerHandle that the caller
/// gets back (handle.hpp) share it with the loop.

#include <functional>
#include <utility>

#include "aio/detail/callback.hpp"

namespace aio {

class EventLoop;

namespace detail {

/// A user callback scheduled on the loop, shared by the loop and the Handle.
class FunctionHandle final : public Callback {
 public:
  FunctionHandle(EventLoop& loop, std::function<void()> function, double when)
      : loop_(&loop), function_(std::move(function)), when_(when) {}

  void run() override;
  void retain() noexcept override { ++references_; }
  void release() noexcept override {
    if (--references_ == 0) delete this;
  }

  void cancel() noexcept;
  bool cancelled() const noexcept { return cancelled_; }
  double when() const noexcept { return when_; }

 private:
  ~FunctionHandle() = default;

  EventLoop* loop_;
  std::function<void()> function_;
  double when_;
  int references_ = 0;
  bool cancelled_ = false;
};

}  // namespace detail
}  // namespace aio
