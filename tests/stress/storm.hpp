#pragma once
/// \file storm.hpp
/// The harness of the cancellation storms. A storm runs a few worker tasks
/// over one primitive; each round a worker uses the primitive directly or
/// through a combinator (gather, TaskGroup, wait, as_completed, shield), and
/// each use waits plainly, under wait_for or in a timeout scope. A chaos task
/// cancels workers and the tasks they spawned at random moments. Everything
/// random comes from one aio::Random seeded with the storm's seed, and the
/// loop runs on the virtual clock, so a seed replays exactly.
///
/// The primitive's model (a "resource": LockStorm, QueueStorm...) counts what
/// the tasks hold and wait for, and states the invariants: after every task
/// step where it matters, at every idle moment of the loop (IdleProbe), and at
/// the end (nothing lost, nothing stranded).
///
/// A resource R provides:
///   int workers, primaries       how many workers; the first `primaries` run
///                                `rounds` rounds, the others run until the
///                                storm closes (they may wait forever
///                                legitimately: a consumer of an empty queue)
///   Task<void> unit(Storm*, int) one use of the primitive by worker `index`
///   void check_idle(Storm&)      the invariants of an idle loop
///   Task<void> finish(Storm*)    the checks once every task has finished

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace aio_stress {

/// Every delay in a storm is a whole number of ticks. The idle probe fires half
/// a tick after each tick, when nothing else can be due (see IdleProbe).
inline constexpr double tick = 0.001;

/// How many seeds a storm runs: AIO_STRESS_SEEDS when set (the long mode),
/// otherwise `ci_seeds`, a count small enough for every CI run.
inline int seed_count(int ci_seeds) {
  const char* text = std::getenv("AIO_STRESS_SEEDS");
  return text != nullptr ? std::atoi(text) : ci_seeds;
}

/// What the storms of one test did, over all its seeds; printed at the end, so
/// a run shows how much it exercised.
struct Totals {
  long seeds = 0;
  long cancellations = 0;
  long timeouts = 0;
  long uses = 0;
  long idle_checks = 0;

  void print(const char* name) const {
    fmt::print(
        "[  storm   ] {}: {} seeds, {} uses, {} cancellations, {} timeouts, {} idle checks\n", name,
        seeds, uses, cancellations, timeouts, idle_checks);
  }
};

/// The state of one storm: its random source, its tasks, its counts.
class Storm {
 public:
  Storm(std::uint64_t seed, Totals& totals) : rng(seed), totals_(&totals) {}

  aio::Random rng;
  /// The rounds each primary worker runs.
  int rounds = 12;
  /// Set once the primaries are done: the other workers stop.
  bool closing = false;
  /// The workers, which the chaos task cancels.
  std::vector<aio::Task<void>> workers;
  /// Every task a round created: the chaos task cancels these too, and each
  /// must finish.
  std::vector<aio::Task<void>> spawned;

  /// `percent` chances in a hundred.
  bool chance(int percent) { return rng.randbelow(100) < percent; }
  /// A delay of `low` to `high` ticks, both included.
  double delay(int low, int high) { return static_cast<double>(rng.randint(low, high)) * tick; }
  /// Holds what was acquired for a while: no time (one loop iteration) or a few ticks.
  aio::SleepAwaiter hold() { return aio::sleep(delay(0, 3)); }

  /// Records a failure, once per storm (an idle check would otherwise repeat
  /// it at every tick).
  void check(bool holds, const std::string& what) {
    if (holds || failed_) return;
    failed_ = true;
    ADD_FAILURE() << what << " (loop time " << aio::get_running_loop().time() << ")";
  }

  /// Schedules `coroutine` as a task the storm keeps track of.
  aio::Task<void> spawn(aio::Task<void> coroutine) {
    aio::Task<void> task = aio::create_task(std::move(coroutine));
    spawned.push_back(task);
    return task;
  }

  /// Awaits `body` plainly, under wait_for, in a with_timeout scope or in an
  /// inline timeout scope, as the dice say. Returns false when it timed out.
  aio::Task<bool> bounded(aio::Task<void> body) {
    try {
      switch (rng.randbelow(4)) {
        case 0:
          co_await std::move(body);
          break;
        case 1:
          co_await aio::wait_for(std::move(body), delay(0, 4));
          break;
        case 2:
          co_await aio::with_timeout(delay(0, 4), std::move(body));
          break;
        default:
          co_await in_scope(delay(0, 4), std::move(body));
          break;
      }
    } catch (const aio::TimeoutError&) {
      ++totals_->timeouts;
      co_return false;
    }
    co_return true;
  }

  void count_cancellation() { ++totals_->cancellations; }
  void count_use() { ++totals_->uses; }
  void count_idle_check() { ++totals_->idle_checks; }

 private:
  /// `async with asyncio.timeout(delay): await body`, the scope written inline.
  static aio::Task<void> in_scope(double delay, aio::Task<void> body) {
    aio::Timeout scope = aio::timeout(delay);
    std::exception_ptr error;
    try {
      co_await std::move(body);
    } catch (...) {
      error = std::current_exception();
    }
    if (error) scope.exit(error);
    scope.exit();
  }

  Totals* totals_;
  bool failed_ = false;
};

/// Calls `check` at every idle moment of the loop: when no callback is ready
/// and the loop would wait for its next timer. Every delay of a storm is a
/// whole number of ticks, so every task step and timer runs on a tick; the
/// probe's timer, half a tick later, runs alone, after whatever happened on
/// that tick has settled, and before the next tick.
class IdleProbe {
 public:
  explicit IdleProbe(std::function<void()> check) : check_(std::move(check)) {
    arm(aio::get_running_loop().time() + tick / 2);
  }
  IdleProbe(const IdleProbe&) = delete;
  IdleProbe& operator=(const IdleProbe&) = delete;
  ~IdleProbe() { handle_->cancel(); }

 private:
  void arm(double when) {
    handle_ = aio::get_running_loop().call_at(when, [this, when] {
      check_();
      arm(when + tick);
    });
  }

  std::function<void()> check_;
  std::optional<aio::TimerHandle> handle_;
};

/// Cancels a random worker or spawned task that is still running, at random
/// moments (the same tick or a later one), until the storm closes.
inline aio::Task<void> chaos(Storm* storm) {
  while (!storm->closing) {
    // Mostly sleep(0): cancellations then land between the steps of one tick,
    // between a wake-up and the step of the task it woke.
    co_await aio::sleep(storm->chance(70) ? 0.0 : storm->delay(1, 2));
    std::vector<aio::Task<void>>& pool =
        storm->spawned.empty() || storm->chance(60) ? storm->workers : storm->spawned;
    aio::Task<void>& target = pool[static_cast<std::size_t>(storm->rng.randbelow(pool.size()))];
    if (!target.done() && target.cancel()) storm->count_cancellation();
  }
}

/// One round of a worker: one use of the resource, or two or three at once
/// under a combinator. Uses that a combinator leaves running (wait,
/// as_completed and shield cancel nothing) finish on their own.
template <class Resource>
aio::Task<void> round(Storm* storm, Resource* resource, int index) {
  auto use = [&] {
    return storm->spawn(resource->unit(storm, index));
  };
  // Two uses as a vector (built here, not from a braced list inside the
  // coroutine, whose backing array GCC 12 cannot put in the frame).
  auto two_uses = [&] {
    std::vector<aio::Task<void>> uses;
    uses.push_back(use());
    uses.push_back(use());
    return uses;
  };
  switch (storm->rng.randbelow(6)) {
    case 0:
      co_await resource->unit(storm, index);
      break;
    case 1:
      co_await aio::gather(two_uses());
      break;
    case 2: {
      aio::TaskGroup group;
      std::exception_ptr error;
      try {
        for (int i = 0; i < 3; ++i)
          storm->spawned.push_back(group.create_task(resource->unit(storm, index)));
        co_await aio::sleep(storm->delay(0, 2));
      } catch (...) {
        error = std::current_exception();
      }
      co_await group.join(error);
      break;
    }
    case 3: {
      // FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED.
      const auto when = static_cast<aio::ReturnWhen>(storm->rng.randbelow(3));
      co_await aio::wait(two_uses(), storm->delay(0, 4), when);
      break;
    }
    case 4:
      for (auto next : aio::as_completed(two_uses(), storm->delay(0, 4))) {
        try {
          co_await std::move(next);
        } catch (const aio::TimeoutError&) {
          break;
        }
      }
      break;
    default:
      co_await aio::shield(use());
      break;
  }
}

/// A worker: rounds until its count is done (a primary) or the storm closes.
/// A cancellation ends the round, not the worker: it withdraws the requests
/// and goes on, so the storm keeps its pressure.
template <class Resource>
aio::Task<void> worker(Storm* storm, Resource* resource, int index) {
  const bool primary = index < resource->primaries;
  for (int done = 0; primary ? done < storm->rounds : !storm->closing; ++done) {
    try {
      co_await round(storm, resource, index);
      // At least a tick between rounds, so a worker whose uses need not wait
      // (a set Event) lets the clock move.
      co_await aio::sleep(storm->delay(1, 2));
    } catch (const aio::CancelledError&) {
      if (storm->closing) co_return;
      std::optional<aio::TaskRef> self = aio::current_task();
      while (self->cancelling() > 0) self->uncancel();
    }
  }
}

/// Waits up to a virtual second for `tasks`; a task still running then is
/// stranded (every wait in a storm is a few ticks at most).
inline aio::Task<void> expect_finished(Storm* storm, std::vector<aio::Task<void>> tasks,
                                       const char* what) {
  if (tasks.empty()) co_return;
  auto [done, pending] = co_await aio::wait(std::move(tasks), 1.0);
  storm->check(pending.empty(), std::to_string(pending.size()) + " " + what + " stranded");
}

/// The whole storm: workers and chaos, the idle probe throughout, then the
/// checks that nothing was stranded and the resource's final checks.
template <class Resource>
aio::Task<void> storm_main(Storm* storm, Resource* resource) {
  IdleProbe probe([storm, resource] {
    storm->count_idle_check();
    resource->check_idle(*storm);
  });
  for (int index = 0; index < resource->workers; ++index) {
    storm->workers.push_back(aio::create_task(worker(storm, resource, index)));
  }
  aio::Task<void> striker = aio::create_task(chaos(storm));
  co_await expect_finished(
      storm,
      std::vector<aio::Task<void>>(storm->workers.begin(),
                                   storm->workers.begin() + resource->primaries),
      "primary workers");

  // Close: the other workers stop, and what they spawned: a consumer may wait
  // for an item forever, legitimately.
  storm->closing = true;
  for (aio::Task<void>& task : storm->workers) task.cancel();
  for (aio::Task<void>& task : storm->spawned) task.cancel();
  co_await expect_finished(storm, storm->workers, "workers");
  co_await expect_finished(storm, std::vector<aio::Task<void>>(1, striker), "chaos tasks");
  co_await expect_finished(storm, storm->spawned, "spawned tasks");
  for (aio::Task<void>& task : storm->workers) {
    storm->check(!task.done() || task.cancelled() || !task.exception(), "a worker failed");
  }
  for (aio::Task<void>& task : storm->spawned) {
    storm->check(!task.done() || task.cancelled() || !task.exception(), "a spawned task failed");
  }
  resource->check_idle(*storm);
  co_await resource->finish(storm);
  storm->check(aio::all_tasks().size() == 1, "tasks left behind");
}

/// Runs the storm of a fresh `Resource` for each seed, and prints the totals.
/// Stops at the first seed that fails, which the failure names.
template <class Resource>
void run_storms(const char* name, int ci_seeds) {
  Totals totals;
  const int seeds = seed_count(ci_seeds);
  for (int seed = 1; seed <= seeds; ++seed) {
    SCOPED_TRACE(std::string(name) + " seed " + std::to_string(seed));
    Storm storm(static_cast<std::uint64_t>(seed), totals);
    Resource resource;
    aio::run(storm_main(&storm, &resource));
    ++totals.seeds;
    if (testing::Test::HasFailure()) break;
  }
  totals.print(name);
}

}  // namespace aio_stress
