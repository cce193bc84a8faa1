#include "aio/future.hpp"

#include <fmt/core.h>

namespace aio::detail {

bool FutureBase::cancel(const std::string& message) {
  exception_retrieved_ = true;
  if (done()) return false;
  mark_cancelled(std::make_exception_ptr(CancelledError(message)));
  return true;
}

void FutureBase::set_exception(std::exception_ptr error) {
  throw_if_done();
  if (!error) throw std::invalid_argument("set_exception needs an exception");
  exception_ = std::move(error);
  exception_retrieved_ = false;
  complete(FutureState::finished);
}

std::exception_ptr FutureBase::exception() {
  if (cancelled()) std::rethrow_exception(exception_);
  if (!done()) throw InvalidStateError("Exception is not set.");
  exception_retrieved_ = true;
  return exception_;
}

void FutureBase::check_result() {
  if (cancelled()) std::rethrow_exception(exception_);
  if (!done()) throw InvalidStateError("Result is not set.");
  exception_retrieved_ = true;
  if (exception_) std::rethrow_exception(exception_);
}

void FutureBase::add_done_callback(Callback& callback) {
  if (done()) {
    loop_->schedule(callback);
    return;
  }
  callback.retain();
  callback.next_in_list = nullptr;
  if (last_callback_ != nullptr) {
    last_callback_->next_in_list = &callback;
  } else {
    first_callback_ = &callback;
  }
  last_callback_ = &callback;
}

bool FutureBase::remove_done_callback(Callback& callback) noexcept {
  Callback* previous = nullptr;
  for (Callback* current = first_callback_; current != nullptr; current = current->next_in_list) {
    if (current != &callback) {
      previous = current;
      continue;
    }
    (previous != nullptr ? previous->next_in_list : first_callback_) = current->next_in_list;
    if (last_callback_ == current) last_callback_ = previous;
    current->next_in_list = nullptr;
    current->release();
    return true;
  }
  return false;
}

void FutureBase::clear_done_callbacks() noexcept {
  while (first_callback_ != nullptr) remove_done_callback(*first_callback_);
}

void FutureBase::throw_if_done() const {
  if (done()) throw InvalidStateError("invalid state: the future is already done");
}

void FutureBase::complete(FutureState final_state) {
  state_ = final_state;
  // Never inline: each callback runs in a later iteration, in registration order.
  // The list's references move to the ready queue.
  while (first_callback_ != nullptr) {
    Callback& callback = *first_callback_;
    first_callback_ = callback.next_in_list;
    callback.next_in_list = nullptr;
    loop_->schedule_owned(callback);
  }
  last_callback_ = nullptr;
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
