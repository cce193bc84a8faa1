#pragma once
/// \file exception_group.hpp
/// aio::ExceptionGroup: several exceptions raised together (Python's
/// ExceptionGroup), and aio::except_star, the C++ counterpart of `except*`.
///
/// A TaskGroup whose children fail raises one ExceptionGroup holding every
/// error. Python takes such a group apart with `except*`; C++ has no such
/// clause, so the handler chain below plays its part, clause for clause:
///
///     try:                                      try {
///         async with asyncio.TaskGroup() as tg:   co_await aio::task_group(body);
///             ...                               } catch (const aio::ExceptionGroup& group) {
///     except* ValueError as eg:                   aio::except_star(group)
///         print(eg)                                   .on<std::invalid_argument>(
///     except* KeyError as eg:                             [](const aio::ExceptionGroup& eg) {
///         for e in eg.exceptions:                           fmt::print("{}\n", eg.what()); })
///             print(e)                                .on<std::out_of_range>(
///                                                         [](const std::out_of_range& e) {
///                                                           fmt::print("{}\n", e.what()); })
///                                                     .rethrow_rest();
///                                               }
///
/// Each `on<E>` takes the exceptions of type E out of what is left, as an
/// `except* E` clause does, and runs its handler: once with the matching part
/// as a group when the handler accepts a `const ExceptionGroup&` (the exact
/// `except*` behaviour), or once per matching exception when it accepts a
/// `const E&`. `rethrow_rest()` ends the chain: whatever no clause matched is
/// raised again as a group with the original message, as Python re-raises it.
/// An exception thrown by a handler leaves the chain at once.
///
/// The lower-level tool is `group.split<E>()`, Python's `eg.split(E)`: it
/// returns the matching part and the rest, each an optional group.

#include <fmt/core.h>

#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace aio {

/// Several exceptions raised together (Python's ExceptionGroup), as a
/// TaskGroup throws them. `catch (const aio::ExceptionGroup& group)` is
/// `except ExceptionGroup`; aio::except_star or split() take the group apart.
class ExceptionGroup : public std::exception {
 public:
  /// A group of `exceptions` under `message` (`ExceptionGroup(message, excs)`).
  ExceptionGroup(std::string message, std::vector<std::exception_ptr> exceptions)
      : message_(std::move(message)),
        exceptions_(std::move(exceptions)),
        text_(fmt::format("{} ({} sub-exception{})", message_, exceptions_.size(),
                          exceptions_.size() == 1 ? "" : "s")) {}

  /// The message alone (`eg.message`).
  const std::string& message() const noexcept { return message_; }
  /// The exceptions, in the order they were raised (`eg.exceptions`).
  const std::vector<std::exception_ptr>& exceptions() const noexcept { return exceptions_; }
  /// Python's `str(eg)`: "unhandled errors in a TaskGroup (2 sub-exceptions)".
  const char* what() const noexcept override { return text_.c_str(); }

  /// The part of the group that matches E, and the rest (`eg.split(E)`). Nested
  /// groups are split too and keep their messages; an empty part is nullopt.
  template <class E>
  std::pair<std::optional<ExceptionGroup>, std::optional<ExceptionGroup>> split() const {
    if (matches<E>(*this)) return {*this, std::nullopt};
    std::vector<std::exception_ptr> matching;
    std::vector<std::exception_ptr> rest;
    for (const std::exception_ptr& error : exceptions_) {
      if (const ExceptionGroup* nested = as_group(error)) {
        auto [nested_matching, nested_rest] = nested->split<E>();
        if (nested_matching) matching.push_back(std::make_exception_ptr(*nested_matching));
        if (nested_rest) rest.push_back(std::make_exception_ptr(*nested_rest));
      } else if (holds<E>(error)) {
        matching.push_back(error);
      } else {
        rest.push_back(error);
      }
    }
    return {part(std::move(matching)), part(std::move(rest))};
  }

  /// The part that matches E alone (`eg.subgroup(E)`).
  template <class E>
  std::optional<ExceptionGroup> subgroup() const {
    return split<E>().first;
  }

 private:
  template <class E>
  static bool matches(const ExceptionGroup& group) {
    if constexpr (std::is_base_of_v<E, ExceptionGroup>) {
      return dynamic_cast<const E*>(&group) != nullptr;
    } else {
      return false;
    }
  }
  template <class E>
  static bool holds(const std::exception_ptr& error) {
    try {
      std::rethrow_exception(error);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  }
  static const ExceptionGroup* as_group(const std::exception_ptr& error) {
    try {
      std::rethrow_exception(error);
    } catch (const ExceptionGroup& group) {
      return &group;  // the exception object lives as long as `error`
    } catch (...) {
      return nullptr;
    }
  }
  std::optional<ExceptionGroup> part(std::vector<std::exception_ptr> exceptions) const {
    if (exceptions.empty()) return std::nullopt;
    return ExceptionGroup(message_, std::move(exceptions));
  }

  std::string message_;
  std::vector<std::exception_ptr> exceptions_;
  std::string text_;
};

/// The `except*` chain over one group; see the top of this file.
class [[nodiscard]] ExceptionGroupHandler {
 public:
  /// A chain over `group`, none of it handled yet (aio::except_star makes it).
  explicit ExceptionGroupHandler(const ExceptionGroup& group) : rest_(group) {}

  /// `except* E`: handles the exceptions of type E that no earlier clause took.
  template <class E, class Handler>
  ExceptionGroupHandler& on(Handler handler) & {
    if (!rest_) return *this;
    auto [matching, rest] = rest_->split<E>();
    rest_ = std::move(rest);
    if (!matching) return *this;
    if constexpr (std::is_invocable_v<Handler&, const ExceptionGroup&>) {
      handler(static_cast<const ExceptionGroup&>(*matching));
    } else {
      for_each<E>(*matching, handler);
    }
    return *this;
  }
  /// The same on a temporary, so `aio::except_star(group).on<E>(...)` chains.
  template <class E, class Handler>
  ExceptionGroupHandler&& on(Handler handler) && {
    return std::move(on<E>(std::move(handler)));
  }

  /// Raises what no clause matched, as one group; does nothing if all matched.
  void rethrow_rest() const {
    if (rest_) throw *rest_;
  }
  /// What no clause matched, for a caller that wants to look at it instead.
  const std::optional<ExceptionGroup>& rest() const noexcept { return rest_; }

 private:
  template <class E, class Handler>
  static void for_each(const ExceptionGroup& group, Handler& handler) {
    for (const std::exception_ptr& error : group.exceptions()) {
      try {
        std::rethrow_exception(error);
      } catch (const ExceptionGroup& nested) {
        for_each<E>(nested, handler);
      } catch (const E& matched) {
        handler(matched);
      }
    }
  }

  std::optional<ExceptionGroup> rest_;
};

/// Starts an `except*` chain over `group`, named after the clauses it stands in
/// for: `aio::except_star(group).on<E1>(...).on<E2>(...).rethrow_rest()` is
/// `except* E1: ...` then `except* E2: ...` on the group being raised.
inline ExceptionGroupHandler except_star(const ExceptionGroup& group) {
  return ExceptionGroupHandler(group);
}

}  // namespace aio
