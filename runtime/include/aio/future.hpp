#pragma once
/// \file future.hpp
/// Future<T>: a result that will exist later. Tasks, gather and sleep are all
/// built on the same rules: a future is pending, then finished (with a value or
/// an exception) or cancelled, exactly once; its done callbacks are never called
/// inline but scheduled on the loop, in the order they were added.

#include <coroutine>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "aio/callback.hpp"
#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/frame_allocator.hpp"

namespace aio {

template <class T>
class Future;

namespace detail {

enum class FutureState : std::uint8_t { pending, finished, cancelled };

/// Everything about a future that does not depend on its value type.
///
/// A future is a Callback, though only a task gives run() a meaning: a task is
/// a future that the loop also runs, and one base class gives it one vtable
/// pointer, not two (tasks are the runtime's most numerous objects).
class FutureBase : public Callback {
 public:
  /// A future of `loop`.
  explicit FutureBase(EventLoop& loop) noexcept { bind_loop(loop); }

  /// The future's loop. Throws RuntimeError "Event loop is closed" when the
  /// loop is gone (Python's loop would still exist, closed).
  EventLoop& loop() const {
    EventLoop* loop = anchor_->loop();
    if (loop == nullptr) throw_loop_closed();
    return *loop;
  }
  /// Whether this future belongs to `loop`; never to a loop that took the
  /// address of its own, gone, loop.
  bool belongs_to(const EventLoop& loop) const noexcept { return anchor_ == &loop.anchor(); }
  bool done() const noexcept { return state_ != FutureState::pending; }
  bool cancelled() const noexcept { return state_ == FutureState::cancelled; }

  /// Cancels a pending future and schedules its callbacks (`Future.cancel`).
  /// Tasks override it: for them cancelling is a request.
  virtual bool cancel(const std::optional<std::string>& message);

  /// Finishes the future with `error` (`Future.set_exception`).
  void set_exception(std::exception_ptr error);

  /// The future's exception, or nullptr after a value (`Future.exception`).
  /// Throws InvalidStateError while pending and CancelledError when cancelled.
  std::exception_ptr exception();

  /// The stored exception (or CancelledError), without marking it retrieved.
  const std::exception_ptr& error() const noexcept { return exception_; }

  /// Throws unless a value is available: InvalidStateError while pending,
  /// CancelledError when cancelled, the stored exception when there is one.
  void check_result();

  /// The CancelledError to raise for this future (`_make_cancelled_error`):
  /// when it is cancelled, the error it was cancelled with; otherwise a new
  /// one with the cancel message, if any (gather asks this of a child that
  /// swallowed its cancellation). Tasks hand their saved error out only once.
  virtual std::exception_ptr make_cancelled_error();
  /// Python's `_cancel_message`: the message of a cancelled future's error, or
  /// nothing. gather(return_exceptions) reports a cancelled child with it.
  virtual std::optional<std::string> cancel_message() const;
  /// Whether awaiting this done future raises CancelledError: it was
  /// cancelled, or finished with a CancelledError (a cancelled gather does).
  bool raises_cancelled_error() const noexcept {
    return cancelled() || (exception_ && is_cancelled_error(exception_));
  }

  /// Registers `callback` to be scheduled when the future is done; if it is done
  /// already, schedules it now.
  void add_done_callback(Callback& callback);
  /// add_done_callback for a callback that points to this future without
  /// owning it (DoneCallback): once the future has scheduled it, the future
  /// keeps itself alive until the callback ran, by queueing itself right
  /// behind it. A future's run() does nothing; a done task's step returns at
  /// once; what keeps them alive is the queue's reference.
  void add_borrowing_done_callback(Callback& callback);
  /// Unregisters `callback`; returns whether it was registered.
  bool remove_done_callback(Callback& callback) noexcept {
    return remove_done_callbacks_if([&](const Callback& each) { return &each == &callback; }) > 0;
  }
  /// Unregisters every callback for which `matches(callback)` holds; returns
  /// how many it removed.
  template <class Matches>
  int remove_done_callbacks_if(Matches matches) noexcept;
  /// Unregisters every callback (a loop abandoning its pending tasks).
  void clear_done_callbacks() noexcept;

  /// Asked when a task this future woke is about to resume: true when the
  /// future, pending again, keeps the task waiting (see QueuedWait).
  virtual bool wait_again() { return false; }

  // Handles, the loop and done-callback lists share a future by counting
  // references; the last one frees it.
  void retain() noexcept final { ++references_; }
  void release() noexcept final {
    if (--references_ == 0) destroy();
  }
  /// Only a task is ever scheduled: any other future has no step to run.
  void run() override {}

  /// Names the future as Python's repr names its class ("Future",
  /// "_GatheringFuture", a task's repr), or, for a primitive's waiter, by
  /// what it waits for ("Lock.acquire()"): in the "exception was never
  /// retrieved" report, and on timelines, for what a task waits on.
  virtual std::string describe_future() const { return "Future"; }

  /// Whether finishing this future now would drop callbacks, its loop being
  /// closed or gone. Python's Future raises RuntimeError "Event loop is
  /// closed" then (from `loop.call_soon`), after the future is done; Future's
  /// set_result, set_exception and cancel do the same (throw_loop_closed).
  bool would_drop_callbacks() const noexcept {
    if (last_callback_ == nullptr) return false;
    const EventLoop* loop = anchor_->loop();
    return loop == nullptr || loop->is_closed();
  }
  /// Throws RuntimeError "Event loop is closed".
  [[noreturn]] static void throw_loop_closed();

 protected:
  /// A task's loop is known only when it starts (bind_loop).
  FutureBase() noexcept = default;
  /// Frees the callbacks still registered: they never run.
  virtual ~FutureBase() {
    clear_done_callbacks();
    if (anchor_ != nullptr) anchor_->release();
  }
  /// Makes this future one of `loop`'s.
  void bind_loop(EventLoop& loop) noexcept {
    anchor_ = &loop.anchor();
    anchor_->retain();
  }
  /// Frees the object when the last reference goes.
  virtual void destroy() noexcept = 0;

  void throw_if_done() const;
  /// Moves to `final_state` (the outcome is already stored) and schedules the
  /// done callbacks.
  void complete(FutureState final_state);
  void mark_cancelled(std::exception_ptr cancelled_error);
  /// Pending again, for a waiter that goes back in line.
  void reopen() noexcept { state_ = FutureState::pending; }
  /// Reports an exception nobody looked at; called as the future is freed.
  void report_unretrieved_exception() const noexcept;

  LoopAnchor* anchor_ = nullptr;
  /// The error of a failed future, or the CancelledError of a cancelled one.
  std::exception_ptr exception_;
  /// The done callbacks form a ring through their next_in_list links: the
  /// last one added points back to the first, so one pointer finds both ends.
  Callback* last_callback_ = nullptr;
  int references_ = 0;
  // Bits, so that a task's own bits fit in what is left of this word.
  FutureState state_ : 2 = FutureState::pending;
  bool exception_retrieved_ : 1 = true;
  bool visited_ : 1 = false;                 // see mark_visited
  bool value_moved_out_ : 1 = false;         // see take_result
  bool has_borrowing_callback_ : 1 = false;  // see add_borrowing_done_callback

 public:
  /// A scratch mark for an algorithm that must notice a future it has seen
  /// (gather and wait skipping repeated arguments): returns whether the future
  /// was marked already, and marks it. The algorithm clears every mark it set
  /// before it returns or throws.
  bool mark_visited() noexcept {
    const bool seen = visited_;
    visited_ = true;
    return seen;
  }
  void clear_visited() noexcept { visited_ = false; }

  /// Marks a move-only value as taken by an awaiter: check_result() refuses
  /// it from then on (see take_result).
  void mark_value_moved_out() noexcept { value_moved_out_ = true; }
};

template <class Matches>
int FutureBase::remove_done_callbacks_if(Matches matches) noexcept {
  // The ring is walked once from its first callback; `previous` trails
  // `current` so a match can be unlinked. Removed callbacks are released
  // only after the walk: a release may free this future.
  int count = 0;
  Callback* removed = nullptr;
  if (last_callback_ != nullptr) {
    Callback* const last = last_callback_;
    Callback* previous = last;
    Callback* current = last->next_in_list;
    for (;;) {
      const bool at_end = current == last;
      Callback* const next = current->next_in_list;
      if (matches(*current)) {
        if (current == previous) {
          last_callback_ = nullptr;  // it was the only one left
        } else {
          previous->next_in_list = next;
          if (current == last_callback_) last_callback_ = previous;
        }
        current->next_in_list = removed;
        removed = current;
        ++count;
      } else {
        previous = current;
      }
      if (at_end) break;
      current = next;
    }
  }
  while (removed != nullptr) {
    Callback* const next = removed->next_in_list;
    removed->next_in_list = nullptr;
    removed->release();
    removed = next;
  }
  return count;
}

/// Storage for the value of a Future<T> or Task<T>; nothing for void.
template <class T>
struct ResultSlot {
  std::optional<T> value;
};
template <>
struct ResultSlot<void> {};

/// The shared state behind a Future<T> handle.
template <class T>
class FutureCore : public FutureBase, public ResultSlot<T> {
 public:
  using FutureBase::FutureBase;

  template <class U = T>
  requires(!std::is_void_v<U>) void set_result(U&& result) {
    throw_if_done();
    this->value.emplace(std::forward<U>(result));
    complete(FutureState::finished);
  }
  void set_result() requires std::is_void_v<T> {
    throw_if_done();
    complete(FutureState::finished);
  }

  static void* operator new(std::size_t size) { return allocate_recycled(size); }
  static void operator delete(void* core, std::size_t size) noexcept { free_recycled(core, size); }

 protected:
  void destroy() noexcept override {
    report_unretrieved_exception();
    delete this;
  }
};

/// The value of a finished future or task, or its exception thrown.
///
/// Every awaiter of a task gets the same value, as every awaiter in Python
/// gets the same object: a copy each. A move-only value cannot be shared, so
/// the first awaiter takes it and any later one, or a later result(), gets
/// InvalidStateError saying so (never a moved-from value).
template <class T, class Core>
T take_result(Core& core) {
  core.check_result();
  if constexpr (std::is_copy_constructible_v<T>) {
    return *core.value;
  } else if constexpr (!std::is_void_v<T>) {
    core.mark_value_moved_out();
    return std::move(*core.value);
  }
}

/// A done callback a user added (`future.add_done_callback(fn)`): calls
/// `fn(future)`, or `fn()`, with a Handle (a Future or Task) to its future.
///
/// It points to its future without owning it. The future owns the callback
/// (through its list), and a callback owning the future would close a cycle:
/// a future dropped unfinished, with a callback, would never be freed.
/// (Python's garbage collector breaks such cycles; C++ has none.) The pointer
/// stays valid: the future frees the callbacks in its list when it goes, and
/// once it has scheduled callbacks of this kind it keeps itself alive until
/// they ran (FutureBase::add_borrowing_done_callback).
template <class Handle, class Core, class F>
class DoneCallback final : public Callback {
 public:
  DoneCallback(Core& future, F function) : future_(&future), function_(std::move(function)) {}
  /// Whether this callback calls the plain function `function`.
  bool calls(F function) const noexcept { return function_ == function; }
  void run() override {
    try {
      if constexpr (std::is_invocable_v<F&, Handle&>) {
        Handle handle(*future_);
        function_(handle);
      } else {
        function_();
      }
    } catch (...) {
      report_callback_exception(std::current_exception());
    }
  }
  void retain() noexcept override { ++references_; }
  void release() noexcept override {
    if (--references_ == 0) delete this;
  }

 private:
  ~DoneCallback() = default;
  Core* future_;
  F function_;
  int references_ = 0;
};

/// Registers a user callback on `future`, returning an id for removal. The
/// callback gets a Handle to `future` (Core is the state that Handle wraps).
template <class Handle, class Core, class F>
Callback* add_user_callback(Core& future, F function) {
  auto* callback = new DoneCallback<Handle, Core, F>(future, std::move(function));
  try {
    future.add_borrowing_done_callback(*callback);
  } catch (...) {
    // Refused (a done future of a closed loop), so held by nothing: a
    // reference taken and dropped frees it.
    callback->retain();
    callback->release();
    throw;
  }
  return callback;
}

/// Removes every registration of the plain function `function` from `future`
/// (Python compares callbacks by equality, which C++ has for functions only).
template <class Handle, class Core, class F>
int remove_user_callbacks(Core& future, F* function) noexcept {
  return future.remove_done_callbacks_if([function](Callback& callback) {
    auto* user = dynamic_cast<DoneCallback<Handle, Core, F*>*>(&callback);
    return user != nullptr && user->calls(function);
  });
}

/// Suspends the running task until `core` is done; shared by Future and Task.
template <class T, class Handle>
class FutureAwaiter;

}  // namespace detail

/// Identifies a done callback so it can be removed again. It holds a reference:
/// were the callback freed while an id survives, a new callback could take its
/// address and a stale id would remove that one instead.
class CallbackId {
 public:
  /// An id for `callback`, holding a reference to it (add_done_callback makes it).
  explicit CallbackId(detail::Callback* callback) noexcept : callback_(callback) {
    callback_->retain();
  }
  /// Another id for the same callback.
  CallbackId(const CallbackId& other) noexcept : CallbackId(other.callback_) {}
  /// Makes this id stand for `other`'s callback.
  CallbackId& operator=(CallbackId other) noexcept {
    std::swap(callback_, other.callback_);
    return *this;
  }
  ~CallbackId() { callback_->release(); }
  /// The callback this id stands for (runtime internals).
  detail::Callback* get() const noexcept { return callback_; }

 private:
  detail::Callback* callback_;
};

/// A result that is set later, by a callback, a task or another coroutine
/// (`asyncio.Future`). Copies share one state.
template <class T = void>
class Future {
 public:
  /// A pending future on the running loop.
  Future() : Future(get_running_loop()) {}
  /// A pending future on `loop` (`loop.create_future()`).
  explicit Future(EventLoop& loop) : Future(*new detail::FutureCore<T>(loop)) {}
  /// Shares an existing state (gather returns its gathering future this way).
  explicit Future(detail::FutureCore<T>& core) noexcept : core_(&core) { core_->retain(); }
  /// Another handle to the same future.
  Future(const Future& other) noexcept : core_(other.core_) { core_->retain(); }
  /// Makes this handle refer to `other`'s future.
  Future& operator=(Future other) noexcept {
    std::swap(core_, other.core_);
    return *this;
  }
  ~Future() { core_->release(); }

  /// Finishes the future with `result` and schedules its callbacks
  /// (`Future.set_result`). Throws InvalidStateError when it is done already.
  template <class U = T>
  requires(!std::is_void_v<U>) void set_result(U&& result) {
    const bool drops = core_->would_drop_callbacks();
    core_->set_result(std::forward<U>(result));
    if (drops) detail::FutureBase::throw_loop_closed();
  }
  /// The same for a Future<void>, which finishes without a value.
  void set_result() requires std::is_void_v<T> {
    const bool drops = core_->would_drop_callbacks();
    core_->set_result();
    if (drops) detail::FutureBase::throw_loop_closed();
  }
  /// Finishes the future with the exception `error` and schedules its
  /// callbacks (`Future.set_exception`). Throws InvalidStateError when it is
  /// done already.
  void set_exception(std::exception_ptr error) {
    const bool drops = core_->would_drop_callbacks();
    core_->set_exception(std::move(error));
    if (drops) detail::FutureBase::throw_loop_closed();
  }
  /// The same with an exception object: `future.set_exception(MyError("..."))`.
  template <class E>
  void set_exception(E error) {
    set_exception(std::make_exception_ptr(std::move(error)));
  }

  /// Cancels the future and schedules its callbacks (`Future.cancel`); its
  /// awaiters get CancelledError with `message`. False when it is done already.
  bool cancel(const std::optional<std::string>& message = std::nullopt) {
    const bool drops = core_->would_drop_callbacks();
    const bool cancelled = core_->cancel(message);
    if (cancelled && drops) detail::FutureBase::throw_loop_closed();
    return cancelled;
  }
  /// Whether the future has a value, an exception or was cancelled (`Future.done`).
  bool done() const noexcept { return core_->done(); }
  /// Whether the future was cancelled (`Future.cancelled`).
  bool cancelled() const noexcept { return core_->cancelled(); }

  /// The value; throws as `Future.result()` raises.
  decltype(auto) result() const {
    core_->check_result();
    if constexpr (!std::is_void_v<T>) return static_cast<const T&>(*core_->value);
  }
  /// The exception the future was finished with, or nullptr after a value
  /// (`Future.exception`). Throws InvalidStateError while it is pending and
  /// CancelledError when it was cancelled.
  std::exception_ptr exception() const { return core_->exception(); }

  /// Calls `function(future)` (or `function()`) in a later iteration once the
  /// future is done.
  template <class F>
  CallbackId add_done_callback(F function) {
    return CallbackId(detail::add_user_callback<Future>(*core_, std::move(function)));
  }
  /// Removes a callback added with add_done_callback; returns how many were removed.
  int remove_done_callback(CallbackId id) noexcept {
    return core_->remove_done_callback(*id.get()) ? 1 : 0;
  }
  /// Removes every registration of the plain function `function`, as
  /// `Future.remove_done_callback(fn)` does; returns how many it removed.
  template <class F>
  requires std::is_function_v<F>
  int remove_done_callback(F* function) noexcept {
    return detail::remove_user_callbacks<Future>(*core_, function);
  }

  /// `co_await future`: suspends until the future is done, then returns its
  /// value or rethrows its exception (`await future`).
  detail::FutureAwaiter<T, Future> operator co_await() const noexcept;

  /// The shared state (runtime internals).
  detail::FutureCore<T>& core() const noexcept { return *core_; }

 private:
  detail::FutureCore<T>* core_;
};

}  // namespace aio
