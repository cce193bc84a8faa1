#pragma once
/// \file as_completed.hpp
/// `aio::as_completed(tasks, timeout)`: the tasks' results in the order the
/// tasks finish (`asyncio.as_completed`, as CPython 3.11 writes it).
///
///     for (auto next : aio::as_completed(tasks, 5.0)) {
///       int value = co_await next;  // the earliest result not yet taken
///     }
///
/// - Each element is a coroutine (a Task<T> not yet scheduled, like the
///   coroutine objects Python's iterator yields). Awaiting it returns the next
///   result to come in, or throws that task's exception; which task it is does
///   not matter, only when it finished. Tasks that finish in the same loop
///   iteration come out in the order they finished.
/// - There are as many elements as distinct tasks. Coroutines that are not
///   tasks yet become tasks, in the order given (Python walks a set).
/// - When `timeout` seconds (if given) pass before every task is done,
///   awaiting each remaining element throws TimeoutError. Nothing is cancelled:
///   the tasks still running keep running.
/// - The tasks are watched from the moment as_completed is called; Python's
///   generator starts when the for loop asks for its first element, which in a
///   for loop is the same moment.
///
/// Inside: the tasks' done callbacks put each finished task in a queue, and
/// each element takes one task out of it. On timeout the callbacks are removed
/// and the queue gets one empty entry (the sentinel) per task still pending.
/// Python's `todo` is a set, from which a finished task is removed by hashing;
/// here it is a vector with a slot per task, and each done callback knows its
/// slot, so a finished task leaves `todo` in constant time too.

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/handle.hpp"
#include "aio/queue.hpp"
#include "aio/task.hpp"
#include "aio/wait.hpp"

namespace aio {

namespace detail {

/// What the done callbacks, the timer and the elements share.
template <class T>
struct AsCompletedState {
  /// A task not finished yet and its done callback.
  struct Pending {
    Task<T> task;
    CallbackId callback;
  };

  Queue<std::optional<Task<T>>> done;        // finished tasks; nullopt: timed out
  std::vector<std::optional<Pending>> todo;  // a slot per task, empty once it finished
  std::size_t pending = 0;                   // the slots not empty (Python's `len(todo)`)
  std::optional<TimerHandle> timeout_handle;

  ~AsCompletedState() {
    if (timeout_handle) timeout_handle->cancel();
    for (auto& slot : todo) {
      if (slot) slot->task.remove_done_callback(slot->callback);
    }
  }

  /// `_on_completion`: the task in slot `index` goes from todo to the queue.
  void on_completion(std::size_t index) {
    if (pending == 0) return;  // the timeout came first
    done.put_nowait(std::move(todo[index]->task));
    todo[index].reset();
    if (--pending == 0 && timeout_handle) timeout_handle->cancel();
  }

  /// `_on_timeout`: one sentinel for every task still pending.
  void on_timeout() {
    for (auto& slot : todo) {
      if (!slot) continue;
      slot->task.remove_done_callback(slot->callback);
      done.put_nowait(std::nullopt);
    }
    todo.clear();
    pending = 0;
  }
};

/// `_wait_for_one`: the next finished task's result.
template <class T>
Task<T> wait_for_one(std::shared_ptr<AsCompletedState<T>> state) {
  std::optional<Task<T>> finished = co_await state->done.get();
  if (!finished) throw TimeoutError();
  co_return co_await *finished;  // the result of a done task, or its exception
}

}  // namespace detail

/// What as_completed returns: a range of `count` coroutines, each awaiting the
/// next result. Iterate it once, with a for loop.
template <class T>
class AsCompleted {
 public:
  /// A range of `count` elements taking their results from `state`
  /// (as_completed makes it).
  AsCompleted(std::shared_ptr<detail::AsCompletedState<T>> state, std::size_t count)
      : state_(std::move(state)), count_(count) {}

  /// An input iterator over the elements; each dereference makes a fresh
  /// coroutine.
  class iterator {
   public:
    /// Each element is a coroutine returning T.
    using value_type = Task<T>;
    /// The distance between two positions (required of an iterator).
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    /// Position `index` in `range`.
    iterator(const AsCompleted* range, std::size_t index) : range_(range), index_(index) {}

    /// A fresh coroutine; awaiting it takes the next finished task.
    Task<T> operator*() const { return detail::wait_for_one(range_->state_); }
    /// Moves to the next element.
    iterator& operator++() {
      ++index_;
      return *this;
    }
    /// Moves to the next element and returns the position before.
    iterator operator++(int) {
      iterator before = *this;
      ++index_;
      return before;
    }
    /// Whether both are at the same position.
    bool operator==(const iterator& other) const { return index_ == other.index_; }

   private:
    const AsCompleted* range_ = nullptr;
    std::size_t index_ = 0;
  };

  /// The first element.
  iterator begin() const { return iterator(this, 0); }
  /// The position after the last element.
  iterator end() const { return iterator(this, count_); }
  /// How many elements there are: one per distinct task.
  std::size_t size() const noexcept { return count_; }

 private:
  std::shared_ptr<detail::AsCompletedState<T>> state_;
  std::size_t count_;
};

/// The results of `tasks` in the order they complete; after `timeout` seconds
/// (nullopt: none) the remaining elements throw TimeoutError.
template <class T>
AsCompleted<T> as_completed(std::vector<Task<T>> tasks, std::optional<double> timeout = {}) {
  EventLoop& loop = get_running_loop();
  auto state = std::make_shared<detail::AsCompletedState<T>>();
  std::vector<Task<T>> distinct = detail::distinct_tasks(std::move(tasks));
  const std::size_t count = distinct.size();
  std::weak_ptr<detail::AsCompletedState<T>> weak = state;
  state->todo.reserve(count);
  for (std::size_t index = 0; index < count; ++index) {
    CallbackId callback = distinct[index].add_done_callback([weak, index] {
      if (auto alive = weak.lock()) alive->on_completion(index);
    });
    state->todo.emplace_back(
        typename detail::AsCompletedState<T>::Pending{std::move(distinct[index]), callback});
  }
  state->pending = count;
  if (count > 0 && timeout) {
    state->timeout_handle.emplace(loop.call_later(*timeout, [weak] {
      if (auto alive = weak.lock()) alive->on_timeout();
    }));
  }
  return AsCompleted<T>(std::move(state), count);
}

}  // namespace aio
