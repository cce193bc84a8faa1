#pragma once
/// \file countdowns.hpp
/// Exercise E3 (chapter 4): three countdowns, interleaved.
///
/// Write `countdown`: it counts down from `start` to 1, writing one line per
/// number to the log ("A: 3", "A: 2", "A: 1" for a countdown named A that
/// starts at 3) and waiting `delay` seconds after each line. After the wait
/// that follows the last number it writes "A: lift-off!". A countdown from 3
/// thus takes 3 * delay seconds, and one from 0 writes only its lift-off line.
///
/// Then write `run_countdowns`: it runs several countdowns at the same time,
/// each as a task of its own, and returns once every one has lifted off. Their
/// lines interleave in the log in the order they happen. Lines due at the same
/// moment come in the order the countdowns were started, which is the order
/// of `countdowns`.
///
/// Run together, the countdowns take as long as the longest one alone, not
/// the sum of them all.
///
/// Hints:
/// - `aio::create_task` schedules a coroutine to run on its own; its first
///   line is written once the creating coroutine gives the loop a turn, at
///   its next co_await.
/// - A task that was created must also be awaited (or gathered): otherwise
///   `run_countdowns` returns while the countdowns are still going.
/// - A coroutine copies its parameters into its frame, which lives as long as
///   the coroutine runs. That is why `name` is a std::string taken by value:
///   the copy cannot dangle. The log is passed by pointer on purpose: every
///   countdown must write to the caller's one log, which outlives them all.

#include <aio/aio.hpp>
#include <string>
#include <vector>

namespace e03 {

/// The lines the countdowns write, in the order they write them.
using Log = std::vector<std::string>;

/// One countdown: its name, the number it starts from, and the wait after
/// each of its lines.
struct Countdown {
  std::string name;
  int start = 0;
  double delay = 0;
};

/// Writes "name: start" ... "name: 1" to `*log`, waiting `delay` seconds
/// after each, then "name: lift-off!".
aio::Task<> countdown(std::string name, int start, double delay, Log* log);

/// Runs every countdown at the same time, as tasks, and returns when all of
/// them have lifted off.
aio::Task<> run_countdowns(std::vector<Countdown> countdowns, Log* log);

}  // namespace e03
