#pragma once
/// \file errors.hpp
/// The exceptions asyncio raises, with the same names and the same roles.

#include <exception>
#include <stdexcept>
#include <string>

namespace aio {

/// Raised inside a task at the await where its cancellation is delivered.
///
/// In Python, CancelledError derives from BaseException, not Exception, so
/// `except Exception` does not swallow a cancellation. The C++ counterpart keeps
/// that property: it does not derive from std::exception, so
/// `catch (const std::exception&)` lets it through while `catch (...)` does not.
class CancelledError {
 public:
  /// A cancellation carrying `message` (what `task.cancel(message)` passes on).
  explicit CancelledError(std::string message = {}) : message_(std::move(message)) {}
  /// The message given to `cancel(msg)`, empty when there was none.
  const std::string& message() const noexcept { return message_; }
  /// The message as a C string, as std::exception::what gives it.
  const char* what() const noexcept { return message_.c_str(); }

 private:
  std::string message_;
};

/// Raised when an operation runs past its deadline (asyncio.TimeoutError).
class TimeoutError : public std::runtime_error {
 public:
  /// A TimeoutError with `message`; asyncio's own have none.
  explicit TimeoutError(const std::string& message = {}) : std::runtime_error(message) {}
};

/// A future or task was asked for something its state does not allow, such as
/// its result before it is done (asyncio.InvalidStateError).
class InvalidStateError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// The API was misused: no running loop, a loop run inside a running loop, a task
/// awaiting itself (Python's RuntimeError in those places).
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// True when `error` holds a CancelledError.
bool is_cancelled_error(const std::exception_ptr& error) noexcept;

/// The message of the exception in `error`, as Python's `str(exc)` gives it.
std::string error_message(const std::exception_ptr& error);

/// The exception's type and message, for reports: "std::runtime_error: boom".
std::string describe_error(const std::exception_ptr& error);

}  // namespace aio
