#include "aio/errors.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

namespace aio {
namespace {

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

}  // namespace

const std::string& CancelledError::message() const noexcept {
  static const std::string none;
  return message_ ? *message_ : none;
}

std::exception_ptr cause_of(const std::exception& error) noexcept {
  const auto* nested = dynamic_cast<const std::nested_exception*>(&error);
  return nested != nullptr ? nested->nested_ptr() : nullptr;
}

bool is_cancelled_error(const std::exception_ptr& error) noexcept {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError&) {
    return true;
  } catch (...) {
    return false;
  }
}

std::string error_message(const std::exception_ptr& error) {
  if (!error) return {};
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError& cancelled) {
    return cancelled.message();
  } catch (const std::exception& exception) {
    return exception.what();
  } catch (...) {
    return "unknown exception";
  }
}

std::string describe_error(const std::exception_ptr& error) {
  if (!error) return "no exception";
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError& cancelled) {
    return "aio::CancelledError: " + cancelled.message();
  } catch (const std::exception& exception) {
    return demangle(typeid(exception).name()) + ": " + exception.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace aio
