#pragma once
/// \file outcome.hpp
/// Outcome<T>: what `gather(return_exceptions, ...)` gives for each awaitable,
/// its value or the exception it ended with (a cancellation included), where
/// Python puts either in the same list.

#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

#include "aio/errors.hpp"

namespace aio {

/// A void awaitable contributes this placeholder to gather's results (Python's None).
template <class T>
using ValueOrNone = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

/// One result of `gather(aio::return_exceptions, ...)`: the awaitable's value,
/// or the exception it ended with, CancelledError included. Python puts
/// either straight into the result list; C++ needs one type for both.
template <class T>
class Outcome {
 public:
  /// An outcome holding `value`.
  static Outcome from_value(ValueOrNone<T> value) { return Outcome(std::move(value)); }
  /// An outcome holding the exception `error`.
  static Outcome from_error(std::exception_ptr error) { return Outcome(std::move(error)); }

  /// Whether the awaitable returned a value.
  bool has_value() const noexcept { return state_.index() == 0; }
  /// Whether it ended with an exception (a cancellation included).
  bool has_error() const noexcept { return !has_value(); }
  /// Whether it was cancelled: `isinstance(r, asyncio.CancelledError)`.
  bool is_cancelled() const noexcept { return has_error() && is_cancelled_error(error()); }

  /// The value; rethrows the error when there is none.
  const ValueOrNone<T>& value() const {
    if (has_error()) std::rethrow_exception(error());
    return std::get<0>(state_);
  }
  /// The error, or nullptr when there is a value.
  std::exception_ptr error() const noexcept {
    return has_error() ? std::get<1>(state_) : std::exception_ptr{};
  }

 private:
  explicit Outcome(ValueOrNone<T> value) : state_(std::in_place_index<0>, std::move(value)) {}
  explicit Outcome(std::exception_ptr error) : state_(std::in_place_index<1>, std::move(error)) {}

  std::variant<ValueOrNone<T>, std::exception_ptr> state_;
};

}  // namespace aio
