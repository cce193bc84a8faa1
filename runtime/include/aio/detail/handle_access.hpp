#pragma once
/// \file detail/handle_access.hpp
/// The door from a handle (Future, Task, TaskRef, CallbackId) to the state
/// it refers to. A program sees only the handles' asyncio API; the runtime's
/// own parts, which link futures, tasks and callbacks together, need the
/// states behind them, and reach them here, in one named place.

namespace aio::detail {

struct HandleAccess {
  /// The state `handle` refers to: a FutureCore, a TaskPromise, a TaskBase or
  /// a Callback.
  template <class Handle>
  static auto& state(const Handle& handle) noexcept {
    return handle.state();
  }
  /// A new handle to `state`, holding a reference to it.
  template <class Handle, class State>
  static Handle make(State& state) noexcept {
    return Handle(state);
  }
};

/// HandleAccess::state, as the runtime writes it: `state_of(task)`.
template <class Handle>
auto& state_of(const Handle& handle) noexcept {
  return HandleAccess::state(handle);
}

}  // namespace aio::detail
