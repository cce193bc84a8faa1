#pragma once
/// \file python_repr.hpp
/// `py::repr(value)`: a value written as Python's repr() writes it, so a chapter
/// can print `['a', 'b']` or `(1, 'x')` exactly as its Python twin does.

#include <fmt/core.h>

#include <aio/errors.hpp>
#include <cmath>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

namespace py {

inline std::string repr(std::string_view text) {
  // Python picks single quotes unless the text holds one and no double quote.
  const bool use_double =
      text.find('\'') != std::string_view::npos && text.find('"') == std::string_view::npos;
  const char quote = use_double ? '"' : '\'';
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}
inline std::string repr(const std::string& text) {
  return repr(std::string_view(text));
}
inline std::string repr(const char* text) {
  return repr(std::string_view(text));
}
inline std::string repr(bool value) {
  return value ? "True" : "False";
}
inline std::string repr(std::monostate) {
  return "None";
}

template <class T>
requires std::is_integral_v<T> std::string repr(T value) {
  return fmt::format("{}", value);
}

/// Shortest text that reads back as the same double, with Python's ".0".
inline std::string repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

template <class T>
std::string repr(const std::optional<T>& value) {
  return value ? repr(*value) : "None";
}

template <class T>
std::string repr(const std::vector<T>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + repr(items[i]);
  return out + "]";
}

template <class... Ts>
std::string repr(const std::tuple<Ts...>& items) {
  std::string out = "(";
  std::size_t index = 0;
  std::apply([&](const auto&... item) { ((out += (index++ ? ", " : "") + repr(item)), ...); },
             items);
  return out + (sizeof...(Ts) == 1 ? ",)" : ")");
}

/// `CancelledError()` or `CancelledError('message')`: Python's repr tells no
/// message from an empty one.
inline std::string repr(const aio::CancelledError& error) {
  return "CancelledError(" + (error.args() ? repr(*error.args()) : std::string()) + ")";
}

/// An exception as Python's repr writes it, for the asyncio errors a chapter
/// prints (`None` when there is none, as for a missing `__cause__`).
inline std::string repr(const std::exception_ptr& error) {
  if (!error) return "None";
  try {
    std::rethrow_exception(error);
  } catch (const aio::CancelledError& cancelled) {
    return repr(cancelled);
  } catch (const aio::TimeoutError& timeout) {
    return "TimeoutError(" + (*timeout.what() ? repr(timeout.what()) : std::string()) + ")";
  } catch (const std::exception& other) {
    return "Exception(" + repr(other.what()) + ")";
  }
}

template <class K, class V>
std::string repr(const std::map<K, V>& items) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : items) {
    out += (first ? "" : ", ") + repr(key) + ": " + repr(value);
    first = false;
  }
  return out + "}";
}

}  // namespace py
