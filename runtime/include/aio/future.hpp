#pragma once
/// \file future.hpp
/// Future<T>: a result that will exist later. Tasks, gather and sleep are all
/// built on the same rules: a future is pending, then finished (with a value or
/// an exception) or cancelled, exactly once; its done callbacks are never called
/// inline but scheduled on the loop, in the order they were added.

#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "aio/detail/future_core.hpp"
#include "aio/detail/handle_access.hpp"
#include "aio/detail/task_core.hpp"
#include "aio/event_loop.hpp"

namespace aio {

namespace detail {

/// Suspends the running task until a future is done; Future and Task share it.
template <class T, class Handle>
class FutureAwaiter {
 public:
  explicit FutureAwaiter(Handle handle) noexcept : handle_(std::move(handle)) {}

  // Awaiting a future that is already done does not suspend.
  bool await_ready() const noexcept { return state_of(handle_).done(); }
  void await_suspend(std::coroutine_handle<> suspended) {
    running_task().wait_on(state_of(handle_), suspended);
    suspended_ = true;
  }
  T await_resume() {
    if (suspended_) running_task().deliver_pending_cancel(state_of(handle_));
    return take_result<T>(state_of(handle_));
  }

 private:
  Handle handle_;
  bool suspended_ = false;
};

}  // namespace detail

/// Identifies a done callback so it can be removed again. It holds a reference:
/// were the callback freed while an id survives, a new callback could take its
/// address and a stale id would remove that one instead.
class CallbackId {
 public:
  /// Another id for the same callback.
  CallbackId(const CallbackId& other) noexcept : CallbackId(*other.callback_) {}
  /// Makes this id stand for `other`'s callback.
  CallbackId& operator=(CallbackId other) noexcept {
    std::swap(callback_, other.callback_);
    return *this;
  }
  ~CallbackId() { callback_->release(); }

 private:
  friend struct detail::HandleAccess;
  // add_done_callback makes the id, holding a reference to the callback.
  explicit CallbackId(detail::Callback& callback) noexcept : callback_(&callback) {
    callback_->retain();
  }
  detail::Callback& state() const noexcept { return *callback_; }

  detail::Callback* callback_;
};

/// A result that is set later, by a callback, a task or another coroutine
/// (`asyncio.Future`). Copies share one state.
template <class T = void>
class Future {
 public:
  /// A pending future on the running loop.
  Future() : Future(get_running_loop()) {}
  /// A pending future on `loop` (`loop.create_future()`).
  explicit Future(EventLoop& loop) : Future(*new detail::FutureCore<T>(loop)) {}
  /// Another handle to the same future.
  Future(const Future& other) noexcept : core_(other.core_) { core_->retain(); }
  /// Makes this handle refer to `other`'s future.
  Future& operator=(Future other) noexcept {
    std::swap(core_, other.core_);
    return *this;
  }
  ~Future() { core_->release(); }

  /// Finishes the future with `result` and schedules its callbacks
  /// (`Future.set_result`). Throws InvalidStateError when it is done already.
  template <class U = T>
  requires(!std::is_void_v<U>) void set_result(U&& result) {
    const bool drops = core_->would_drop_callbacks();
    core_->set_result(std::forward<U>(result));
    if (drops) detail::FutureBase::throw_loop_closed();
  }
  /// The same for a Future<void>, which finishes without a value.
  void set_result() requires std::is_void_v<T> {
    const bool drops = core_->would_drop_callbacks();
    core_->set_result();
    if (drops) detail::FutureBase::throw_loop_closed();
  }
  /// Finishes the future with the exception `error` and schedules its
  /// callbacks (`Future.set_exception`). Throws InvalidStateError when it is
  /// done already.
  void set_exception(std::exception_ptr error) {
    const bool drops = core_->would_drop_callbacks();
    core_->set_exception(std::move(error));
    if (drops) detail::FutureBase::throw_loop_closed();
  }
  /// The same with an exception object: `future.set_exception(MyError("..."))`.
  template <class E>
  void set_exception(E error) {
    set_exception(std::make_exception_ptr(std::move(error)));
  }

  /// Cancels the future and schedules its callbacks (`Future.cancel`); its
  /// awaiters get CancelledError with `message`. False when it is done already.
  bool cancel(const std::optional<std::string>& message = std::nullopt) {
    const bool drops = core_->would_drop_callbacks();
    const bool cancelled = core_->cancel(message);
    if (cancelled && drops) detail::FutureBase::throw_loop_closed();
    return cancelled;
  }
  /// Whether the future has a value, an exception or was cancelled (`Future.done`).
  bool done() const noexcept { return core_->done(); }
  /// Whether the future was cancelled (`Future.cancelled`).
  bool cancelled() const noexcept { return core_->cancelled(); }

  /// The value; throws as `Future.result()` raises.
  decltype(auto) result() const {
    core_->check_result();
    if constexpr (!std::is_void_v<T>) return static_cast<const T&>(*core_->value);
  }
  /// The exception the future was finished with, or nullptr after a value
  /// (`Future.exception`). Throws InvalidStateError while it is pending and
  /// CancelledError when it was cancelled.
  std::exception_ptr exception() const { return core_->exception(); }

  /// Calls `function(future)` (or `function()`) in a later iteration once the
  /// future is done.
  template <class F>
  CallbackId add_done_callback(F function) {
    return detail::HandleAccess::make<CallbackId>(
        *detail::add_user_callback<Future>(*core_, std::move(function)));
  }
  /// Removes a callback added with add_done_callback; returns how many were removed.
  int remove_done_callback(CallbackId id) noexcept {
    return core_->remove_done_callback(detail::state_of(id)) ? 1 : 0;
  }
  /// Removes every registration of the plain function `function`, as
  /// `Future.remove_done_callback(fn)` does; returns how many it removed.
  template <class F>
  requires std::is_function_v<F>
  int remove_done_callback(F* function) noexcept {
    return detail::remove_user_callbacks<Future>(*core_, function);
  }

  /// `co_await future`: suspends until the future is done, then returns its
  /// value or rethrows its exception (`await future`).
  detail::FutureAwaiter<T, Future> operator co_await() const noexcept;

 private:
  friend struct detail::HandleAccess;
  // Shares an existing state (gather returns its gathering future this way).
  explicit Future(detail::FutureCore<T>& core) noexcept : core_(&core) { core_->retain(); }
  detail::FutureCore<T>& state() const noexcept { return *core_; }

  detail::FutureCore<T>* core_;
};

template <class T>
detail::FutureAwaiter<T, Future<T>> Future<T>::operator co_await() const noexcept {
  return detail::FutureAwaiter<T, Future<T>>(*this);
}

}  // namespace aio
