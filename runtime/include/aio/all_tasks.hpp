#pragma once
/// \file all_tasks.hpp
/// `aio::all_tasks()`: the tasks of the running loop that are not done yet
/// (`asyncio.all_tasks`), the running task included.
///
/// Python returns a set of Task objects. The tasks here have different result
/// types, so the C++ returns a vector of TaskRef, a handle that forgets the
/// result type but keeps the task alive and can name, inspect and cancel it.
/// The vector is in creation order (a set has no order to speak of).

#include <string>
#include <utility>
#include <vector>

#include "aio/event_loop.hpp"
#include "aio/task.hpp"

namespace aio {

/// A task of any result type. Copies share the task and keep it alive.
class TaskRef {
 public:
  explicit TaskRef(detail::TaskBase& task) noexcept : task_(&task) { task_->add_ref(); }
  template <class T>
  TaskRef(const Task<T>& task) noexcept : TaskRef(task.core()) {}  // NOLINT: implicit on purpose
  TaskRef(const TaskRef& other) noexcept : TaskRef(*other.task_) {}
  TaskRef& operator=(TaskRef other) noexcept {
    std::swap(task_, other.task_);
    return *this;
  }
  ~TaskRef() { task_->drop_ref(); }

  std::string get_name() const { return task_->name(); }
  bool done() const noexcept { return task_->done(); }
  bool cancelled() const noexcept { return task_->cancelled(); }
  bool cancel(const std::string& message = {}) { return task_->cancel(message); }
  int cancelling() const noexcept { return task_->cancelling(); }
  CoroutineState coroutine_state() const noexcept { return task_->coroutine_state(); }
  detail::TaskBase& core() const noexcept { return *task_; }

  /// The same task (Python compares tasks by identity).
  friend bool operator==(const TaskRef& a, const TaskRef& b) noexcept { return a.task_ == b.task_; }

 private:
  detail::TaskBase* task_;
};

/// The running loop's tasks that are not done, in creation order. Throws
/// RuntimeError when no loop is running.
inline std::vector<TaskRef> all_tasks() {
  std::vector<TaskRef> tasks;
  get_running_loop().for_each_pending_task([&](detail::TaskBase& task) {
    if (!task.done()) tasks.emplace_back(task);
  });
  return tasks;
}

}  // namespace aio
