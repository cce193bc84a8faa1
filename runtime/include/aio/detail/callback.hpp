#pragma once
/// \file detail/callback.hpp
/// What the event loop runs: callbacks, from its ready queue now or from its
/// timer heap at a deadline. Internal machinery; programs use Handle, Future
/// and Task instead.

#include <cstdint>
#include <string>

namespace aio::detail {

/// Something the loop can run: a user callback, a task's next step, a gather's
/// bookkeeping. Reference counted, because the ready queue, the timer heap and
/// a future's done-callback list must keep what they will run alive.
///
/// A callback sits in at most one future's done-callback list at a time, so the
/// list threads through the callbacks themselves and never allocates.
///
/// A callback can also wait in the timer heap; when its deadline passes the
/// loop moves it to the ready queue, as CPython moves a TimerHandle. Cancelling
/// a timer does not search the heap: it only forgets which heap entry is live
/// (`armed_sequence = 0`). The stale entry is dropped when it reaches the top,
/// or when the loop compacts a heap that is mostly stale.
class Callback {
 public:
  virtual void run() = 0;
  virtual void retain() noexcept = 0;
  virtual void release() noexcept = 0;
  /// What the loop does when the deadline has passed and the callback's turn
  /// in the ready queue comes: run it. A sleeping task only wakes up instead,
  /// so the same object can wait in the heap and take steps from the queue.
  virtual void expire() { run(); }
  /// Names the callback in the loop's reports (a slow callback, for instance).
  virtual std::string describe() const { return "<callback>"; }

  Callback* next_in_list = nullptr;  ///< Link in a future's done-callback list.
  /// Sequence number of the heap entry that is live for this callback; 0: none.
  std::uint64_t armed_sequence = 0;

 protected:
  Callback() = default;
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() = default;
};

}  // namespace aio::detail
