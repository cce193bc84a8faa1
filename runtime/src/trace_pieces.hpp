#pragma once
// Internal to the runtime: what trace_json.cpp and trace_svg.cpp share, so
// the two formats read a recording the same way (defined in trace.cpp).

#include <cstdint>
#include <string_view>
#include <vector>

#include "aio/trace.hpp"

namespace aio::detail {

// What both formats draw: a task's running and waiting spans, and the
// instants of its creation and its end, in time order.
struct Piece {
  enum class Kind : std::uint8_t { running, waiting, instant };
  Kind kind;
  TaskEventKind event;  // which instant
  double begin;
  double end;
  std::string_view detail;  // what a wait awaits, or a failure's error
};

// Each task's pieces, indexed as Timeline::task_names(); the details view the
// timeline's events, so the timeline must outlive them.
std::vector<std::vector<Piece>> pieces_by_task(const Timeline& timeline);

}  // namespace aio::detail
