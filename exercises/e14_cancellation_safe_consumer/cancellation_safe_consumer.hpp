#pragma once
/// \file cancellation_safe_consumer.hpp
/// Exercise E14 (chapter 9): a consumer that can be cancelled at any moment.
///
/// Write `consume`: it takes items from `queue` one at a time, processes each
/// with `process`, then notes it in `ledger->finished` and calls
/// `queue.task_done()`. It runs until it is cancelled.
///
/// A cancellation can come while it processes an item. Then, before it ends:
///
/// - it calls `queue.task_done()` for that item too, or `queue.join()` would
///   wait for ever for an item nobody is working on;
/// - it notes the item in `ledger->unfinished`, so that whoever cancelled it
///   can retry the item: it was taken off the queue, and is not lost;
/// - it lets the aio::CancelledError go on, so the task ends cancelled. A
///   consumer that catches the cancellation and carries on, or returns
///   normally, cannot be stopped.
///
/// (Why a list rather than putting the item back into the queue? A put may
/// have to wait on a bounded queue, right while the task is being cancelled,
/// and the item put back would count as new work that join() waits for, with
/// no consumer left to do it.)
///
/// Hints:
/// - The cancellation comes out of the co_await in progress as an
///   aio::CancelledError: out of `queue.get()`, where no item is taken yet
///   and there is nothing to undo, or out of `process`, with an item in hand.
/// - `catch (const aio::CancelledError&) { ...; throw; }` handles it and sends
///   the same exception on. Everything in that catch block is plain code; a
///   co_await could not go there anyway (GCC 12 does not allow it).
/// - task_done() counts items taken, not items that succeeded.

#include <aio/aio.hpp>
#include <string>
#include <vector>

namespace e14 {

/// How long `process` takes with one item.
inline constexpr double process_seconds = 1.0;

/// The work one item takes.
inline aio::Task<> process([[maybe_unused]] std::string item) {
  co_await aio::sleep(process_seconds);
}

/// What `consume` has done with the items it took.
struct Ledger {
  std::vector<std::string> finished;    ///< processed to the end, in order
  std::vector<std::string> unfinished;  ///< taken, but cancelled before the end: to retry
};

/// Takes items from `queue` and processes them, one at a time, until it is
/// cancelled; notes each item in `*ledger`. Ends cancelled, never returns.
aio::Task<> consume(aio::Queue<std::string>& queue, Ledger* ledger);

}  // namespace e14
