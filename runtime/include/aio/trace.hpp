#pragma once
/// \file trace.hpp
/// Timelines: what every task did and when, recorded on request and written as
/// Chrome trace-event JSON (for Perfetto) or as an SVG Gantt chart.
///
/// A task's life is a sequence of steps: it runs until it awaits something,
/// waits, runs again. On a timeline each task gets a row of running and
/// waiting spans, so it shows at a glance whether tasks waited one after the
/// other or at the same time. Recording is off unless a Timeline exists; off,
/// it costs the runtime one predictable branch at each step.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace aio {

class Timeline;

namespace detail {
class TaskBase;
}  // namespace detail

/// What happened to a task.
enum class TaskEventKind : std::uint8_t {
  created,    ///< create_task scheduled it; its first step is queued
  started,    ///< its first step began
  suspended,  ///< it awaits something (the event's detail says what) and waits
  resumed,    ///< a later step began
  finished,   ///< it returned
  failed,     ///< an exception escaped it (the detail describes it)
  cancelled   ///< it ended cancelled, possibly before its first step
};

/// "created", "started", "suspended", "resumed", "finished", "failed" or "cancelled".
const char* to_string(TaskEventKind kind) noexcept;

namespace detail {
/// Adds an event to the timeline recording in this thread (see trace()).
void record_event(const TaskBase& task, TaskEventKind kind, std::string_view detail);
}  // namespace detail

/// One thing that happened to one task.
struct TaskEvent {
  /// Seconds since the timeline began recording. On the virtual clock, which
  /// starts at 0, a timeline begun at the start of the program reads loop time.
  double time;
  /// The task: an index into Timeline::task_names().
  std::size_t task;
  /// What happened.
  TaskEventKind kind;
  /// For `suspended`, what the task awaits: "sleep(0.5)", "sleep(0)" (a bare
  /// yield), the name of a task, or "Future". For `failed`, the error.
  std::string detail;
};

/// Records what the tasks of this thread do while it exists, every loop's
/// tasks alike, until stop().
///
///     aio::Timeline timeline;
///     aio::run(main());
///     timeline.stop();
///     write(file, timeline.to_svg());
///
/// One timeline records at a time. Times come from the loop clock, so on the
/// virtual clock a timeline is exact and the same on every run.
class Timeline {
 public:
  /// Starts recording; throws RuntimeError if another timeline is recording.
  Timeline();
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  /// Stops recording; what was recorded stays.
  void stop() noexcept;
  /// Whether it is still recording.
  bool recording() const noexcept;

  /// Every event, in the order they happened.
  const std::vector<TaskEvent>& events() const noexcept { return events_; }
  /// The name of each task, in the order the timeline first saw them.
  const std::vector<std::string>& task_names() const noexcept { return names_; }

  /// A timeline keeps the first `max_tasks` tasks it sees; it ignores the rest.
  static constexpr std::size_t max_tasks = 1000;
  /// Whether more than max_tasks tasks ran, so some were not recorded.
  bool more_tasks() const noexcept { return more_tasks_; }

  /// The timeline in Chrome's trace-event format (open it in Perfetto or
  /// chrome://tracing): one track per task, a complete event for each running
  /// and each waiting span, instant events for created, finished, failed and
  /// cancelled.
  std::string to_json() const;

  /// The timeline as a self-contained SVG Gantt chart, 800 pixels wide: one row
  /// per task, running and waiting spans in two colours, each wait labelled
  /// with what it awaits where the label fits, loop seconds along the axis.
  std::string to_svg() const;

  /// What observe() calls at each event.
  using Observer = std::function<void(const detail::TaskBase& task, TaskEventKind kind)>;
  /// Calls `observer` at every event from now on, as it happens and before it
  /// is recorded, even for tasks past max_tasks: how a tool reacts to what the
  /// tasks do without a hook of its own on the task-switch path (the chapter
  /// harness's --cancel-at counts suspensions with it). The observer runs in
  /// the middle of a task's step, so it must not resume, cancel or destroy a
  /// task there; it may schedule a callback on the task's loop to do so.
  void observe(Observer observer) { observer_ = std::move(observer); }

 private:
  friend void detail::record_event(const detail::TaskBase&, TaskEventKind, std::string_view);
  void record(const detail::TaskBase& task, TaskEventKind kind, std::string_view detail);

  double origin_;
  std::vector<TaskEvent> events_;
  std::vector<std::string> names_;
  bool more_tasks_ = false;
  Observer observer_;
  // Tasks that may record again; a finished task's address can be reused.
  std::unordered_map<const detail::TaskBase*, std::size_t> live_;
};

namespace detail {
/// The timeline recording in this thread, or nullptr (the usual case).
extern constinit thread_local Timeline* recording_timeline;

/// What the task code calls at each event of a task: one call, which costs
/// one predictable branch when no timeline records. `detail` is a string, or
/// a function that makes one, called only while a timeline records (so a
/// sleep's "sleep(0.5)" is not formatted for nothing).
template <class Detail = std::string_view>
void trace(const TaskBase& task, TaskEventKind kind, Detail&& detail = {}) {
  if (recording_timeline == nullptr) [[likely]] {
    return;
  }
  if constexpr (std::is_invocable_v<Detail&>) {
    record_event(task, kind, detail());
  } else {
    record_event(task, kind, detail);
  }
}
}  // namespace detail

}  // namespace aio
