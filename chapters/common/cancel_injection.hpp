#pragma once
/// \file cancel_injection.hpp
/// Cancellation injected at every await, a safety net: a program is run once
/// per suspension point k and its main task cancelled at the k-th, and every
/// run must end cleanly, with no crash, leak or hang
/// (tools/inject_cancellation.py drives it). The chapter harness takes it as
/// --count-suspensions and --cancel-at K; the exercise tests as the
/// environment variables AIO_COUNT_SUSPENSIONS and AIO_CANCEL_AT.

#include <aio/aio.hpp>
#include <cstdint>

namespace chapter {

/// Counts the suspensions of every task in every loop of the thread, 1, 2, ...,
/// so that a main task awaiting one gather is still cut at each of its
/// children's awaits. At the `cancel_at`-th it cancels the main task: the
/// oldest task still pending in the loop of the task that suspended, which is
/// the task aio::run or run_until_complete made of main.
///
///     aio::Timeline timeline;
///     chapter::CancelInjection injection{k};
///     timeline.observe([&](const auto& task, auto kind) { injection.observe(task, kind); });
struct CancelInjection {
  std::uint64_t cancel_at = 0;    ///< the suspension to cancel at; 0: never
  std::uint64_t suspensions = 0;  ///< how many happened so far
  bool cancelled = false;         ///< whether the cancellation reached a pending main task

  /// What the timeline's observer calls at each task event.
  void observe(const aio::detail::TaskBase& task, aio::TaskEventKind kind) {
    if (kind != aio::TaskEventKind::suspended || ++suspensions != cancel_at) return;
    // The oldest task not done is the section's main task.
    aio::TaskRef main = aio::all_tasks().front();
    // The observer runs inside the task's step, so the cancellation waits for
    // the next loop iteration; the reference keeps main alive until then.
    task.loop().call_soon([this, main]() mutable {
      if (main.cancel()) cancelled = true;
    });
  }
};

}  // namespace chapter
