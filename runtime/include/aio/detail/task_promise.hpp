#pragma once
/// \file detail/task_promise.hpp
/// TaskPromise<T>: the promise type of Task<T>, what makes a function that
/// returns Task<T> a coroutine. It adds the result slot to TaskBase and
/// decides where control goes when the coroutine starts and ends.

#include <coroutine>
#include <cstddef>
#include <source_location>
#include <utility>

#include "aio/detail/frame_allocator.hpp"
#include "aio/detail/future_core.hpp"
#include "aio/detail/handle_access.hpp"
#include "aio/detail/task_core.hpp"

namespace aio {

template <class T>
class Task;

namespace detail {

/// `return_value` and `return_void` may not both exist in a promise, so each
/// kind of coroutine gets the one it needs from this base.
template <class T>
struct ReturnChannel : ResultSlot<T> {
  template <class U = T>
  void return_value(U&& returned) {
    this->value.emplace(std::forward<U>(returned));
  }
};
template <>
struct ReturnChannel<void> : ResultSlot<void> {
  void return_void() noexcept {}
};

template <class T>
class TaskPromise final : public TaskBase, public ReturnChannel<T> {
 public:
  // GCC evaluates this default argument at the coroutine's own definition, so
  // the promise learns the function's name for "never awaited" warnings.
  explicit TaskPromise(std::source_location where = std::source_location::current()) noexcept
      : TaskBase(where.function_name()) {}

  Task<T> get_return_object() noexcept { return HandleAccess::make<Task<T>>(*this); }

  /// Coroutines start suspended, like Python's: nothing runs until awaited.
  std::suspend_always initial_suspend() const noexcept { return {}; }

  /// At the end, an inline coroutine hands control straight back to its awaiter.
  auto final_suspend() noexcept {
    struct Finish {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<TaskPromise> done) noexcept {
        done.promise().mark_closed();
        if (done.promise().is_being_destroyed()) return std::noop_coroutine();
        std::coroutine_handle<> next = done.promise().continuation();
        return next ? next : std::noop_coroutine();
      }
      void await_resume() const noexcept {}
    };
    return Finish{};
  }

  void unhandled_exception() noexcept { catch_escaped_exception(); }

  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }

 protected:
  std::coroutine_handle<> coroutine() const noexcept override {
    return std::coroutine_handle<TaskPromise>::from_promise(const_cast<TaskPromise&>(*this));
  }
  void destroy() noexcept override {
    report_unretrieved_exception();
    destroy_frame();
  }
};

}  // namespace detail
}  // namespace aio
