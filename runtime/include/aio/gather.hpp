#pragma once
/// \file gather.hpp
/// `aio::gather`: run awaitables concurrently and collect their results in
/// argument order (`asyncio.gather`).
///
/// - Coroutines are scheduled as tasks, in argument order.
/// - The first exception (a child cancelled on its own counts as CancelledError)
///   fails the gather at once; the other children keep running.
/// - Cancelling the gather cancels every child that is not done; the awaiter
///   then gets CancelledError even if every child swallowed its cancellation.
/// - With `aio::return_exceptions`, errors become Outcome values instead.

#include <cstddef>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "aio/future.hpp"
#include "aio/outcome.hpp"
#include "aio/task.hpp"

namespace aio {

/// Tag for gather's `return_exceptions=True` form.
struct ReturnExceptions {};
/// Pass it first for `return_exceptions=True`:
/// `aio::gather(aio::return_exceptions, a(), b())`.
inline constexpr ReturnExceptions return_exceptions{};

namespace detail {

/// The future a gather returns. `Children` is a tuple or a vector of Task
/// handles; `collect` turns finished children into the result R.
template <class R, class Children, class Collect>
class GatheringFuture final : public FutureCore<R> {
 public:
  GatheringFuture(EventLoop& loop, Children children, bool return_exceptions, Collect collect)
      : FutureCore<R>(&loop),
        children_(std::move(children)),
        collect_(std::move(collect)),
        return_exceptions_(return_exceptions) {}

  std::string describe_future() const override { return "_GatheringFuture"; }

  /// Registers on every distinct child; a gather of nothing is done at once.
  void start() {
    // Python's gather skips a repeated argument; a mark on each task finds
    // repeats in one pass, and is cleared again before anything can run.
    std::vector<TaskBase*> distinct;  // in argument order
    distinct.reserve(children_size());
    for_each_child([&](TaskBase& child) {
      if (!child.mark_visited()) distinct.push_back(&child);
    });
    for (TaskBase* child : distinct) child->clear_visited();
    watchers_ = std::make_unique<Watcher[]>(distinct.size());
    pending_ = distinct.size();
    if (pending_ == 0) {
      this->value.emplace(collect_(children_));
      this->complete(FutureState::finished);
      return;
    }
    for (std::size_t i = 0; i < distinct.size(); ++i) {
      watchers_[i].gather = this;
      watchers_[i].child = distinct[i];
      distinct[i]->add_done_callback(watchers_[i]);
    }
  }

  /// Cancels the children, not the gather itself: it finishes when they do.
  bool cancel(const std::string& message) override {
    if (this->done()) return false;
    bool any = false;
    for_each_child([&](TaskBase& child) { any = child.cancel(message) || any; });
    if (any) cancel_requested_ = true;
    return any;
  }

 private:
  struct Watcher final : Callback {
    GatheringFuture* gather = nullptr;
    TaskBase* child = nullptr;
    void run() override { gather->on_child_done(*child); }
    void retain() noexcept override { gather->retain(); }
    void release() noexcept override { gather->release(); }
  };

  std::size_t children_size() const {
    if constexpr (requires { children_.size(); }) {
      return children_.size();
    } else {
      return std::tuple_size_v<Children>;
    }
  }

  template <class Visit>
  void for_each_child(Visit visit) {
    if constexpr (requires { children_.size(); }) {
      for (auto& child : children_) visit(child.core());
    } else {
      std::apply([&](auto&... child) { (visit(child.core()), ...); }, children_);
    }
  }

  void on_child_done(TaskBase& child) {
    --pending_;
    if (this->done()) {
      if (!child.cancelled()) child.exception();  // seen: no "never retrieved" report
      return;
    }
    if (!return_exceptions_) {
      if (child.cancelled() || child.error()) {
        if (!child.cancelled()) child.exception();
        this->set_exception(child.error());
        return;
      }
    }
    if (pending_ > 0) return;
    if (cancel_requested_) {
      this->set_exception(std::make_exception_ptr(CancelledError()));
      return;
    }
    this->value.emplace(collect_(children_));
    this->complete(FutureState::finished);
  }

  Children children_;
  Collect collect_;
  std::unique_ptr<Watcher[]> watchers_;
  std::size_t pending_ = 0;
  bool return_exceptions_;
  bool cancel_requested_ = false;
};

/// A finished child's contribution to the results.
template <class T>
ValueOrNone<T> value_of(Task<T>& child) {
  if constexpr (std::is_void_v<T>) {
    child.result();
    return {};
  } else {
    return child.result();
  }
}

template <class T>
Outcome<T> outcome_of(Task<T>& child) {
  if (child.cancelled()) return Outcome<T>::from_error(child.core().error());
  if (auto error = child.exception()) return Outcome<T>::from_error(error);
  return Outcome<T>::from_value(value_of(child));
}

template <class T>
Task<T> ensure_task(Task<T> awaitable) {
  if (!awaitable.promise().is_task()) return create_task(std::move(awaitable));
  return awaitable;
}

template <class R, class Children, class Collect>
Future<R> start_gather(Children children, bool return_exceptions, Collect collect) {
  auto* gathering = new GatheringFuture<R, Children, Collect>(
      get_running_loop(), std::move(children), return_exceptions, std::move(collect));
  Future<R> result(*gathering);
  gathering->start();
  return result;
}

}  // namespace detail

/// Runs the tasks concurrently; the result is a tuple in argument order.
/// (The braces matter: they create the tasks left to right, as Python does.)
template <class... Ts>
Future<std::tuple<ValueOrNone<Ts>...>> gather(Task<Ts>... awaitables) {
  using Result = std::tuple<ValueOrNone<Ts>...>;
  return detail::start_gather<Result>(
      std::tuple<Task<Ts>...>{detail::ensure_task(std::move(awaitables))...}, false,
      [](auto& children) {
        return std::apply([](auto&... child) { return Result{detail::value_of(child)...}; },
                          children);
      });
}

/// As above, with each result an Outcome: errors are returned, not raised.
template <class... Ts>
Future<std::tuple<Outcome<Ts>...>> gather(ReturnExceptions, Task<Ts>... awaitables) {
  using Result = std::tuple<Outcome<Ts>...>;
  return detail::start_gather<Result>(
      std::tuple<Task<Ts>...>{detail::ensure_task(std::move(awaitables))...}, true,
      [](auto& children) {
        return std::apply([](auto&... child) { return Result{detail::outcome_of(child)...}; },
                          children);
      });
}

/// Runs every task of a range concurrently; results in the same order.
template <class T>
Future<std::vector<ValueOrNone<T>>> gather(std::vector<Task<T>> awaitables) {
  for (auto& awaitable : awaitables) awaitable = detail::ensure_task(std::move(awaitable));
  return detail::start_gather<std::vector<ValueOrNone<T>>>(
      std::move(awaitables), false, [](std::vector<Task<T>>& children) {
        std::vector<ValueOrNone<T>> results;
        results.reserve(children.size());
        for (auto& child : children) results.push_back(detail::value_of(child));
        return results;
      });
}

/// As above, with each result an Outcome: errors are returned, not raised.
template <class T>
Future<std::vector<Outcome<T>>> gather(ReturnExceptions, std::vector<Task<T>> awaitables) {
  for (auto& awaitable : awaitables) awaitable = detail::ensure_task(std::move(awaitable));
  return detail::start_gather<std::vector<Outcome<T>>>(
      std::move(awaitables), true, [](std::vector<Task<T>>& children) {
        std::vector<Outcome<T>> results;
        results.reserve(children.size());
        for (auto& child : children) results.push_back(detail::outcome_of(child));
        return results;
      });
}

}  // namespace aio
