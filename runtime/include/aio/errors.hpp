#pragma once
/// \file errors.hpp
/// The exceptions asyncio raises, with the same names and the same roles.

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

namespace aio {

/// Raised inside a task at the await where its cancellation is delivered.
///
/// In Python, CancelledError derives from BaseException, not Exception, so
/// `except Exception` does not swallow a cancellation. The C++ counterpart keeps
/// that property: it does not derive from std::exception, so
/// `catch (const std::exception&)` lets it through while `catch (...)` does not.
///
/// Python tells `CancelledError()` (`args == ()`, what `cancel()` with no
/// message raises) from `CancelledError('')` (`args == ('',)`, what
/// `cancel('')` raises, and what `gather(return_exceptions=True)` reports for
/// a cancelled task). The message is a std::optional to keep that difference.
class CancelledError {
 public:
  /// A cancellation carrying `message` (what `task.cancel(message)` passes
  /// on); no message by default, as `task.cancel()` gives.
  explicit CancelledError(std::optional<std::string> message = std::nullopt)
      : message_(std::move(message)) {}
  /// The message given to `cancel(msg)`, or nothing for `cancel()`: Python's
  /// `args` holds the message, or is empty.
  const std::optional<std::string>& args() const noexcept { return message_; }
  /// The message, empty when there was none (Python's `str(error)`).
  const std::string& message() const noexcept;
  /// The message as a C string, as std::exception::what gives it.
  const char* what() const noexcept { return message().c_str(); }

 private:
  std::optional<std::string> message_;
};

/// Raised when an operation runs past its deadline (asyncio.TimeoutError).
///
/// wait_for and timeout scopes raise it in place of the CancelledError that
/// stopped the work, and keep that error as its cause, as Python's
/// `raise TimeoutError from exc` sets `__cause__`:
///
///     except TimeoutError as error:            } catch (const aio::TimeoutError& error) {
///         print(repr(error.__cause__))           std::exception_ptr cause = aio::cause_of(error);
///
/// The cause is C++'s std::nested_exception: a TimeoutError made while an
/// exception is being handled (in a catch block) nests that exception, and
/// `std::rethrow_if_nested(error)` throws it again.
class TimeoutError : public std::runtime_error, public std::nested_exception {
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

/// An argument of the wrong kind, such as a coroutine where only tasks are
/// accepted (Python's TypeError).
class TypeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// An argument of the right kind with a value that is not accepted, such as
/// an empty set of tasks (Python's ValueError).
class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The API was misused: no running loop, a loop run inside a running loop, a task
/// awaiting itself (Python's RuntimeError in those places).
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The cause of `error` (Python's `__cause__`): the exception it nests, or
/// nullptr when it has none.
std::exception_ptr cause_of(const std::exception& error) noexcept;

/// True when `error` holds a CancelledError.
bool is_cancelled_error(const std::exception_ptr& error) noexcept;

/// The message of the exception in `error`, as Python's `str(exc)` gives it.
std::string error_message(const std::exception_ptr& error);

/// The exception's type and message, for reports: "std::runtime_error: boom".
std::string describe_error(const std::exception_ptr& error);

}  // namespace aio
