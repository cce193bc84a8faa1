#pragma once
/// \file detail/gathering.hpp
/// The future that gather returns: it watches its children, collects their
/// results in argument order, and cancels them when it is cancelled, as
/// CPython's `_GatheringFuture` and the `_done_callback` of `gather` do.

#include <cstddef>
#include <functional>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "aio/ensure_future.hpp"
#include "aio/future.hpp"
#include "aio/outcome.hpp"
#include "aio/task.hpp"

namespace aio::detail {

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
    const std::size_t count = children_size();
    if (count == 0) {
      this->value.emplace(collect_(children_));
      this->complete(FutureState::finished);
      return;
    }
    // One watcher per distinct child, in argument order. Python's gather
    // skips a repeated argument (its dict of futures). A repeat is a child
    // whose newest done callback is already one of these watchers: between
    // its first registration and the repeat, nothing else can register on
    // it, so looking at the newest callback alone is exact.
    watchers_ = std::make_unique<Watcher[]>(count);
    const Callback* const first = &watchers_[0];
    const Callback* const end = first + count;
    for_each_child([&](FutureBase& child) {
      last_child_ = &child;
      const Callback* newest = child.newest_done_callback();
      if (newest != nullptr && std::less_equal<>{}(first, newest) && std::less<>{}(newest, end)) {
        return;  // a repeat
      }
      Watcher& watcher = watchers_[pending_++];
      watcher.gather = this;
      watcher.child = &child;
      child.add_done_callback(watcher);
    });
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
      for (auto& child : children_) visit(state_of(child));
    } else {
      std::apply([&](auto&... child) { (visit(state_of(child)), ...); }, children_);
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
        std::make_exception_ptr(CancelledError(state_of(child).cancel_message().value_or(""))));
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
  Future<R> result = HandleAccess::make<Future<R>>(*gathering);
  gathering->start();
  return result;
}

}  // namespace aio::detail
