#pragma once
/// \file callback.hpp
/// What the event loop runs: callbacks in its ready queue and timer nodes in its
/// heap. Internal machinery; programs use Handle, Future and Task instead.

#include <cstdint>
#include <string>

namespace aio::detail {

/// Something the loop can run from its ready queue: a user callback, a task's
/// next step, a gather's bookkeeping. Reference counted, because the ready queue
/// and a future's done-callback list must keep what they will run alive.
///
/// A callback sits in at most one future's done-callback list at a time, so the
/// list threads through the callbacks themselves and never allocates.
class Callback {
 public:
  virtual void run() = 0;
  virtual void retain() noexcept = 0;
  virtual void release() noexcept = 0;
  /// Names the callback in the loop's reports (a slow callback, for instance).
  virtual std::string describe() const { return "<callback>"; }

  Callback* next_in_list = nullptr;  ///< Link in a future's done-callback list.

 protected:
  Callback() = default;
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() = default;
};

/// A callback that can wait in the timer heap. When its deadline passes the loop
/// moves it to the ready queue, as CPython moves a TimerHandle.
///
/// Cancelling a timer does not search the heap: it only forgets which heap entry
/// is live (`armed_sequence = 0`). The stale entry is dropped when it reaches the
/// top, or when the loop compacts a heap that is mostly stale.
class TimerNode : public Callback {
 public:
  /// What the loop does when the deadline has passed and the node's turn in
  /// the ready queue comes: run it. A sleeping task only wakes up instead, so
  /// the same object can wait in the heap and take steps from the ready queue.
  virtual void expire() { run(); }

  /// Sequence number of the heap entry that is live for this node; 0: none.
  std::uint64_t armed_sequence = 0;

 protected:
  ~TimerNode() = default;
};

}  // namespace aio::detail
