#include "aio/future.hpp"

#include <fmt/core.h>

#include <utility>

namespace aio::detail {

bool FutureBase::cancel(const std::optional<std::string>& message) {
  exception_retrieved_ = true;
  if (done()) return false;
  mark_cancelled(std::make_exception_ptr(CancelledError(message)));
  return true;
}

std::exception_ptr FutureBase::make_cancelled_error() {
  // A future's CancelledError carries its message on every retrieval; CPython
  // makes a new one each time, and one with the same message is no different.
  if (cancelled()) return exception_;
  return std::make_exception_ptr(CancelledError());
}

std::optional<std::string> FutureBase::cancel_message() const {
  if (!cancelled()) return std::nullopt;
  try {
    std::rethrow_exception(exception_);
  } catch (const CancelledError& error) {
    return error.args();
  }
}

void FutureBase::set_exception(std::exception_ptr error) {
  throw_if_done();
  if (!error) throw std::invalid_argument("set_exception needs an exception");
  exception_ = std::move(error);
  exception_retrieved_ = false;
  complete(FutureState::finished);
}

std::exception_ptr FutureBase::exception() {
  if (cancelled()) std::rethrow_exception(make_cancelled_error());
  if (!done()) throw InvalidStateError("Exception is not set.");
  exception_retrieved_ = true;
  return exception_;
}

void FutureBase::check_result() {
  if (cancelled()) std::rethrow_exception(make_cancelled_error());
  if (!done()) throw InvalidStateError("Result is not set.");
  exception_retrieved_ = true;
  if (exception_) std::rethrow_exception(exception_);
  if (value_moved_out_) {
    throw InvalidStateError(fmt::format(
        "the result of {} was moved to its first awaiter: a move-only result can be taken once",
        describe_future()));
  }
}

void FutureBase::throw_loop_closed() {
  throw RuntimeError("Event loop is closed");
}

void FutureBase::add_done_callback(Callback& callback) {
  if (done()) {
    core(loop()).schedule(callback);
    return;
  }
  callback.retain();
  if (last_callback_ == nullptr) {
    callback.next_in_list = &callback;  // a ring of one
  } else {
    callback.next_in_list = last_callback_->next_in_list;
    last_callback_->next_in_list = &callback;
  }
  last_callback_ = &callback;
}

void FutureBase::add_borrowing_done_callback(Callback& callback) {
  add_done_callback(callback);
  if (done()) {
    core(loop()).schedule(*this);  // scheduled at once: keep this alive behind it
  } else {
    has_borrowing_callback_ = true;
  }
}

void FutureBase::clear_done_callbacks() noexcept {
  remove_done_callbacks_if([](const Callback&) { return true; });
}

void FutureBase::throw_if_done() const {
  if (done()) throw InvalidStateError("invalid state: the future is already done");
}

void FutureBase::complete(FutureState final_state) {
  state_ = final_state;
  // Never inline: each callback runs in a later iteration, in registration order.
  // The list's references move to the ready queue. (On a closed loop they are
  // released, which may free this future: no member is read after that.)
  EventLoop* const loop = anchor_->loop();
  if (loop == nullptr) {
    // The loop is gone: nothing will ever run the callbacks.
    has_borrowing_callback_ = false;
    clear_done_callbacks();
    return;
  }
  Callback* const last = std::exchange(last_callback_, nullptr);
  if (last == nullptr) return;
  // Queued behind the callbacks, the future outlives them (the queue holds a
  // reference), so those that point to it without owning it find it there.
  const bool keep_alive = has_borrowing_callback_;
  has_borrowing_callback_ = false;
  if (keep_alive) retain();
  Callback* next = last->next_in_list;  // the first one added
  for (;;) {
    Callback& callback = *next;
    next = callback.next_in_list;
    callback.next_in_list = nullptr;
    core(*loop).schedule_owned(callback);
    if (&callback == last) break;
  }
  if (keep_alive) core(*loop).schedule_owned(*this);
}

void FutureBase::mark_cancelled(std::exception_ptr cancelled_error) {
  exception_ = std::move(cancelled_error);
  complete(FutureState::cancelled);
}

void FutureBase::report_unretrieved_exception() const noexcept {
  if (exception_retrieved_ || state_ != FutureState::finished || !exception_) return;
  try {
    fmt::print(stderr, "{} exception was never retrieved: {}\n", describe_future(),
               describe_error(exception_));
  } catch (...) {
  }
}

}  // namespace aio::detail
