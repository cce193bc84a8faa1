#include "aio/trace.hpp"

#include <optional>
#include <string_view>
#include <vector>

#include "aio/clock.hpp"
#include "aio/errors.hpp"
#include "aio/task.hpp"
#include "trace_pieces.hpp"

namespace aio {

namespace detail {
constinit thread_local Timeline* recording_timeline = nullptr;
}  // namespace detail

namespace {

bool is_end(TaskEventKind kind) noexcept {
  return kind == TaskEventKind::finished || kind == TaskEventKind::failed ||
         kind == TaskEventKind::cancelled;
}

}  // namespace

std::vector<std::vector<detail::Piece>> detail::pieces_by_task(const Timeline& timeline) {
  const std::vector<TaskEvent>& events = timeline.events();
  std::vector<std::vector<Piece>> pieces(timeline.task_names().size());
  std::vector<std::optional<Piece>> open(pieces.size());  // the span each task is in
  auto close = [&](std::size_t task, double time) {
    if (!open[task]) return;
    open[task]->end = time;
    pieces[task].push_back(*open[task]);
    open[task].reset();
  };
  for (const TaskEvent& event : events) {
    switch (event.kind) {
      case TaskEventKind::created:
        pieces[event.task].push_back(
            {Piece::Kind::instant, event.kind, event.time, event.time, event.detail});
        break;
      case TaskEventKind::started:
      case TaskEventKind::resumed:
        close(event.task, event.time);
        open[event.task] = Piece{Piece::Kind::running, event.kind, event.time, event.time, {}};
        break;
      case TaskEventKind::suspended:
        close(event.task, event.time);
        open[event.task] =
            Piece{Piece::Kind::waiting, event.kind, event.time, event.time, event.detail};
        break;
      case TaskEventKind::finished:
      case TaskEventKind::failed:
      case TaskEventKind::cancelled:
        close(event.task, event.time);
        pieces[event.task].push_back(
            {Piece::Kind::instant, event.kind, event.time, event.time, event.detail});
        break;
    }
  }
  // Tasks still waiting when recording stopped wait to the end of the timeline.
  const double last = events.empty() ? 0.0 : events.back().time;
  for (std::size_t task = 0; task < open.size(); ++task) close(task, last);
  return pieces;
}

const char* to_string(TaskEventKind kind) noexcept {
  switch (kind) {
    case TaskEventKind::created:
      return "created";
    case TaskEventKind::started:
      return "started";
    case TaskEventKind::suspended:
      return "suspended";
    case TaskEventKind::resumed:
      return "resumed";
    case TaskEventKind::finished:
      return "finished";
    case TaskEventKind::failed:
      return "failed";
    case TaskEventKind::cancelled:
      return "cancelled";
  }
  return "unknown";
}

Timeline::Timeline() : origin_(perf_counter()) {
  if (detail::recording_timeline != nullptr) {
    throw RuntimeError("another aio::Timeline is already recording in this thread");
  }
  detail::recording_timeline = this;
}

Timeline::~Timeline() {
  stop();
}

void Timeline::stop() noexcept {
  if (detail::recording_timeline == this) detail::recording_timeline = nullptr;
}

bool Timeline::recording() const noexcept {
  return detail::recording_timeline == this;
}

void detail::record_event(const TaskBase& task, TaskEventKind kind, std::string_view detail) {
  recording_timeline->record(task, kind, detail);
}

void Timeline::record(const detail::TaskBase& task, TaskEventKind kind, std::string_view detail) {
  if (observer_) observer_(task, kind);
  const double now = perf_counter() - origin_;
  auto found = live_.find(&task);
  std::size_t index = 0;
  if (kind == TaskEventKind::created || found == live_.end()) {
    // A new task, or one that existed before recording began.
    if (names_.size() == max_tasks) {
      more_tasks_ = true;  // a timeline of thousands of rows would be unreadable and huge
      return;
    }
    index = names_.size();
    names_.push_back(task.name());
    live_.insert_or_assign(&task, index);
  } else {
    index = found->second;
    names_[index] = task.name();  // set_name may have renamed it
  }
  events_.push_back({now, index, kind, std::string(detail)});
  if (is_end(kind)) live_.erase(&task);
}

}  // namespace aio
