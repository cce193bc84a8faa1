#pragma once
/// \file all_tasks.hpp
/// `aio::all_tasks()`: the tasks of the running loop that are not done yet
/// (`asyncio.all_tasks`), the running task included.
///
/// Python returns a set of Task objects. The tasks here have different result
/// types, so the C++ returns a vector of TaskRef (task.hpp), a handle that
/// forgets the result type. The vector is in creation order (a set has no
/// order to speak of).

#include <string>
#include <utility>
#include <vector>

#include "aio/event_loop.hpp"
#include "aio/task.hpp"

namespace aio {

/// The running loop's tasks that are not done, in creation order. Throws
/// RuntimeError when no loop is running.
inline std::vector<TaskRef> all_tasks() {
  std::vector<TaskRef> tasks;
  detail::for_each_pending_task(get_running_loop(), [&](detail::TaskBase& task) {
    if (!task.done()) tasks.push_back(detail::HandleAccess::make<TaskRef>(task));
  });
  return tasks;
}

}  // namespace aio
