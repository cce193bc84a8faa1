#pragma once
/// \file detail/loop_core.hpp
/// LoopCore: the parts of an event loop that futures, tasks and timers use,
/// behind the loop's public face (event_loop.hpp). It holds the ready queue,
/// the timer heap, the selector, the task running now and the head of the
/// list of pending tasks, and says how a callback joins the queue or the
/// heap. EventLoop inherits it privately; the runtime reaches it through one
/// door, `detail::core(loop)`, so none of it is a loop's public API.

#include <cstdint>

#include "aio/detail/callback.hpp"
#include "aio/detail/ready_queue.hpp"
#include "aio/detail/selector.hpp"
#include "aio/detail/timer_heap.hpp"
#include "aio/errors.hpp"

namespace aio {

class EventLoop;

namespace detail {

class TaskBase;

/// What a future holds of its loop. A future can outlive its loop: a Future
/// kept after aio::run returned, a task handle kept after its loop closed.
/// Python keeps such a loop object alive, closed; here the loop is gone. So a
/// future points to this small block instead, which points to the loop while
/// the loop exists and to nothing afterwards, and lives as long as a future
/// points to it. A future that finds nothing there reports "Event loop is
/// closed" instead of reaching into freed memory, and no later loop, even one
/// at the same address, is ever taken for its own.
class LoopAnchor {
 public:
  /// The loop, or nullptr once it is gone.
  EventLoop* loop() const noexcept { return loop_; }
  void retain() noexcept { ++references_; }
  void release() noexcept {
    if (--references_ == 0) delete this;
  }

 private:
  friend class LoopCore;
  explicit LoopAnchor(EventLoop& loop) noexcept : loop_(&loop) {}
  EventLoop* loop_;
  int references_ = 1;  // the loop's own
};

/// The ends of a loop's list of pending tasks. The links are in the tasks
/// (task_core.hpp), which add, remove and visit themselves: the loop holds
/// the list without knowing a task's layout.
struct PendingTasks {
  TaskBase* first = nullptr;
  TaskBase* last = nullptr;
};

/// Detaches every pending task of a closing loop (task.cpp): each says it
/// was destroyed pending, and the cycles between it and its futures are
/// broken, as Python's garbage collector breaks them.
void abandon_pending_tasks(PendingTasks& tasks) noexcept;

class LoopCore {
 public:
  LoopCore(const LoopCore&) = delete;
  LoopCore& operator=(const LoopCore&) = delete;

  /// What the futures of this loop hold of it.
  LoopAnchor& anchor() const noexcept { return *anchor_; }
  bool is_closed() const noexcept { return closed_; }

  /// Puts `callback` at the end of the ready queue, holding a reference to it.
  void schedule(Callback& callback) {
    if (closed_) return;  // a closed loop runs nothing more
    callback.retain();
    ready_.push(callback);
  }
  /// schedule(), handing the ready queue a reference the caller holds.
  void schedule_owned(Callback& callback) {
    if (closed_) {
      callback.release();
      return;
    }
    ready_.push(callback);
  }
  /// Arms `node` in the timer heap for `when`.
  void schedule_timer(Callback& node, double when) {
    if (closed_) return;
    timers_.push(node, when);
  }
  /// Disarms `node` if it waits in the timer heap; its entry is dropped later.
  void cancel_timer(Callback& node) noexcept {
    if (node.armed_sequence == 0) return;  // already fired, or never armed
    node.armed_sequence = 0;
    timers_.note_cancelled();
  }

  /// The task whose step is running now, or nullptr between steps.
  TaskBase* current_task() const noexcept { return current_task_; }
  /// Marks `task` as running for the duration of its step.
  void enter_task(TaskBase& task) {
    if (current_task_ != nullptr) {
      throw RuntimeError("Cannot enter a task while another task is being executed");
    }
    current_task_ = &task;
  }
  /// Marks the end of the running task's step.
  void leave_task() noexcept { current_task_ = nullptr; }

  /// Every task of the loop that is not done yet, in creation order.
  PendingTasks& pending_tasks() noexcept { return pending_tasks_; }

 protected:
  /// `self` is the loop this is the core of, for its anchor.
  explicit LoopCore(EventLoop& self) : anchor_(new LoopAnchor(self)) {}
  /// Tells the futures that outlive the loop that it is gone.
  ~LoopCore() {
    anchor_->loop_ = nullptr;
    anchor_->release();
  }

  LoopAnchor* anchor_;
  ReadyQueue ready_;
  TimerHeap timers_;
  Selector selector_;
  TaskBase* current_task_ = nullptr;
  PendingTasks pending_tasks_;
  bool closed_ = false;
};

}  // namespace detail
}  // namespace aio
