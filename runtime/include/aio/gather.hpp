#pragma once
/// \file gather.hpp
/// `aio::gather`: run awaitables concurrently and collect their results in
/// argument order (`asyncio.gather`).
///
/// - Each argument goes through ensure_future, in argument order: tasks and
///   futures are awaited as they are, coroutines and other awaitables
///   (`event.wait()`...) are scheduled as tasks.
/// - The first exception (a child cancelled on its own counts as CancelledError)
///   fails the gather at once; the other children keep running.
/// - Cancelling the gather cancels every child that is not done; the awaiter
///   then gets CancelledError even if every child swallowed its cancellation.
/// - With `aio::return_exceptions`, errors become Outcome values instead; a
///   cancelled child is a new CancelledError with an empty message (CPython's
///   `CancelledError('')`), not the error that cancelled it.

#include <cstddef>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "aio/ensure_future.hpp"
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

/// The future a gather returns. `Children` is a tuple or a vector of Task and
/// Future handles; `collect` turns finished children into the result R.
template <class R, class Children, class Collect>
class GatheringFuture final : public FutureCore<R> {
 public:
  GatheringFuture(EventLoop& loop, Children children, bool return_exceptions, Collect collect)
      : FutureCore<R>(loop),
        children_(std::move(children)),
        collect_(std::move(collect)),
        return_exceptions_(return_exceptions) {}

  std::string describe_future() const override { return "_GatheringFuture"; }

  /// Registers on every distinct child; a gather of nothing is done at once.
  void start() {
    // Python's gather skips a repeated argument; a mark on each task finds
    // repeats in one pass, and is cleared again before anything can run.
    std::vector<FutureBase*> distinct;  // in argument order
    distinct.reserve(children_size());
    for_each_child([&](FutureBase& child) {
      if (!child.mark_visited()) distinct.push_back(&child);
      last_child_ = &child;
    });
    for (FutureBase* child : distinct) child->clear_visited();
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
  bool cancel(const std::optional<std::string>& message) override {
    if (this->done()) return false;
    bool any = false;
    for_each_child([&](FutureBase& child) { any = child.cancel(message) || any; });
    if (any) cancel_requested_ = true;
    return any;
  }

 private:
  struct Watcher final : Callback {
    GatheringFuture* gather = nullptr;
    FutureBase* child = nullptr;
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

  /// CPython's `_done_callback`.
  void on_child_done(FutureBase& child) {
    --pending_;
    if (this->done()) {
      if (!child.cancelled()) child.exception();  // seen: no "never retrieved" report
      return;
    }
    if (!return_exceptions_) {
      if (child.cancelled()) {
        // The child's own CancelledError, handed over to the awaiter.
        this->set_exception(child.make_cancelled_error());
        return;
      }
      if (std::exception_ptr error = child.exception()) {
        this->set_exception(std::move(error));
        return;
      }
    }
    if (pending_ > 0) return;
    if (cancel_requested_) {
      // The awaiter gets CancelledError even if every child swallowed its
      // request. CPython takes it from `fut._make_cancelled_error()`, and its
      // `fut` is by then the last child in argument order: that child's own
      // error if it was cancelled, else one with its pending cancel message.
      this->set_exception(last_child_->make_cancelled_error());
      return;
    }
    this->value.emplace(collect_(children_));
    this->complete(FutureState::finished);
  }

  Children children_;
  Collect collect_;
  std::unique_ptr<Watcher[]> watchers_;
  FutureBase* last_child_ = nullptr;  // the last argument (a repeat, maybe)
  std::size_t pending_ = 0;
  bool return_exceptions_;
  bool cancel_requested_ = false;
};

/// A finished child's contribution to the results.
template <class Handle>
ValueOrNone<handle_value_t<Handle>> value_of(Handle& child) {
  if constexpr (std::is_void_v<handle_value_t<Handle>>) {
    child.result();
    return {};
  } else {
    return child.result();
  }
}

template <class Handle>
Outcome<handle_value_t<Handle>> outcome_of(Handle& child) {
  using Result = Outcome<handle_value_t<Handle>>;
  if (child.cancelled()) {
    // CPython: `CancelledError('' if fut._cancel_message is None else
    // fut._cancel_message)`. A task's message went when it ended cancelled.
    return Result::from_error(
        std::make_exception_ptr(CancelledError(child.core().cancel_message().value_or(""))));
  }
  if (auto error = child.exception()) return Result::from_error(error);
  return Result::from_value(value_of(child));
}

/// ensure_future for every element, in order; a vector of tasks is reused.
template <class A>
std::vector<ensured_future_t<A>> ensure_futures(std::vector<A> awaitables) {
  if constexpr (std::is_same_v<A, ensured_future_t<A>>) {
    for (auto& awaitable : awaitables) awaitable = ensure_future(std::move(awaitable));
    return awaitables;
  } else {
    std::vector<ensured_future_t<A>> futures;
    futures.reserve(awaitables.size());
    for (auto& awaitable : awaitables) futures.push_back(ensure_future(std::move(awaitable)));
    return futures;
  }
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

/// Runs the awaitables concurrently; the result is a tuple in argument order.
/// (The braces matter: they create the tasks left to right, as Python does.)
template <Awaitable... As>
Future<std::tuple<ValueOrNone<await_result_t<As>>...>> gather(As... awaitables) {
  using Result = std::tuple<ValueOrNone<await_result_t<As>>...>;
  return detail::start_gather<Result>(
      std::tuple<ensured_future_t<As>...>{ensure_future(std::move(awaitables))...}, false,
      [](auto& children) {
        return std::apply([](auto&... child) { return Result{detail::value_of(child)...}; },
                          children);
      });
}

/// As above, with each result an Outcome: errors are returned, not raised.
template <Awaitable... As>
Future<std::tuple<Outcome<await_result_t<As>>...>> gather(ReturnExceptions, As... awaitables) {
  using Result = std::tuple<Outcome<await_result_t<As>>...>;
  return detail::start_gather<Result>(
      std::tuple<ensured_future_t<As>...>{ensure_future(std::move(awaitables))...}, true,
      [](auto& children) {
        return std::apply([](auto&... child) { return Result{detail::outcome_of(child)...}; },
                          children);
      });
}

/// Runs every awaitable of a range concurrently; results in the same order.
template <Awaitable A>
Future<std::vector<ValueOrNone<await_result_t<A>>>> gather(std::vector<A> awaitables) {
  using Child = ensured_future_t<A>;
  return detail::start_gather<std::vector<ValueOrNone<await_result_t<A>>>>(
      detail::ensure_futures(std::move(awaitables)), false, [](std::vector<Child>& done) {
        std::vector<ValueOrNone<await_result_t<A>>> results;
        results.reserve(done.size());
        for (auto& child : done) results.push_back(detail::value_of(child));
        return results;
      });
}

/// As above, with each result an Outcome: errors are returned, not raised.
template <Awaitable A>
Future<std::vector<Outcome<await_result_t<A>>>> gather(ReturnExceptions,
                                                       std::vector<A> awaitables) {
  using Child = ensured_future_t<A>;
  return detail::start_gather<std::vector<Outcome<await_result_t<A>>>>(
      detail::ensure_futures(std::move(awaitables)), true, [](std::vector<Child>& done) {
        std::vector<Outcome<await_result_t<A>>> results;
        results.reserve(done.size());
        for (auto& child : done) results.push_back(detail::outcome_of(child));
        return results;
      });
}

}  // namespace aio
