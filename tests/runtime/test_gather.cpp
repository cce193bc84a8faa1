// aio::gather: results in argument order, the first error raised at once, cancellation in both
// directions, return_exceptions, and the edge cases (nothing to gather, one task twice).
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

/// Python's repr of a list of strings: ['a', 'b'].
std::string python_list(const std::vector<std::string>& items) {
  std::string text = "[";
  for (const std::string& item : items) {
    if (text.size() > 1) text += ", ";
    text += "'" + item + "'";
  }
  return text + "]";
}

aio::Task<void> note(Recorder* log, std::string text) {
  log->add(text);
  co_return;
}

aio::Task<std::string> after(Recorder* log, double delay, std::string value) {
  log->add("start " + value);
  co_await aio::sleep(delay);
  log->add("done " + value);
  co_return value;
}

aio::Task<void> gather_three(Recorder* log) {
  auto [slow, fast, mid] = co_await aio::gather(after(log, 0.3, "slow"), after(log, 0.1, "fast"),
                                                after(log, 0.2, "mid"));
  log->add(python_list({slow, fast, mid}));
}

// async def after(delay, value):
//     print("start", value); await asyncio.sleep(delay); print("done", value); return value
// async def main():
//     print(await asyncio.gather(after(0.3, "slow"), after(0.1, "fast"), after(0.2, "mid")))
// asyncio.run(main())
// prints: start slow / start fast / start mid / done fast / done mid / done slow /
//         ['slow', 'fast', 'mid']
TEST(Gather, ChildrenStartInArgumentOrderAndResultsComeInArgumentOrder) {
  Recorder log;
  aio::run(gather_three(&log));
  EXPECT_EQ(log.events(), (Events{"start slow", "start fast", "start mid", "done fast", "done mid",
                                  "done slow", "['slow', 'fast', 'mid']"}));
}

aio::Task<void> gather_vector(Recorder* log) {
  std::vector<aio::Task<std::string>> children;
  children.push_back(after(log, 0.3, "slow"));
  children.push_back(after(log, 0.1, "fast"));
  children.push_back(after(log, 0.2, "mid"));
  log->add(python_list(co_await aio::gather(std::move(children))));
}

// The same program with a list: asyncio.gather(*[after(...), ...]).
TEST(Gather, VectorOfTasksGivesResultsInTheSameOrder) {
  Recorder log;
  aio::run(gather_vector(&log));
  EXPECT_EQ(log.events(), (Events{"start slow", "start fast", "start mid", "done fast", "done mid",
                                  "done slow", "['slow', 'fast', 'mid']"}));
}

aio::Task<void> nothing() {
  co_await aio::sleep(0);
}

aio::Task<int> three() {
  co_return 3;
}

aio::Task<void> gather_void(Recorder* log) {
  std::tuple<std::monostate, int> results = co_await aio::gather(nothing(), three());
  log->add(fmt::format("[None, {}]", std::get<1>(results)));
}

// async def nothing(): await asyncio.sleep(0)
// async def num(): return 3
// async def main(): print(await asyncio.gather(nothing(), num()))
// asyncio.run(main())                      # [None, 3]
TEST(Gather, VoidChildrenContributeMonostate) {
  Recorder log;
  aio::run(gather_void(&log));
  EXPECT_EQ(log.events(), (Events{"[None, 3]"}));
}

// ---- errors -------------------------------------------------------------------------------

aio::Task<void> fail_after(double delay) {
  co_await aio::sleep(delay);
  throw std::runtime_error("boom");
}

aio::Task<void> work(Recorder* log, double delay) {
  co_await aio::sleep(delay);
  log->add(fmt::format("sibling finished at {}", delay));
}

aio::Task<void> first_error(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  const double t0 = loop.time();
  try {
    co_await aio::gather(work(log, 0.05), fail_after(0.1), fail_after(0.2), work(log, 0.3));
  } catch (const std::runtime_error& error) {
    log->add(fmt::format("main caught {} at {:.2f}", error.what(), loop.time() - t0));
  }
  co_await aio::sleep(0.5);
}

// async def fail(delay):
//     await asyncio.sleep(delay); raise ValueError("boom")
// async def work(delay):
//     await asyncio.sleep(delay); print("sibling finished at", delay)
// async def main():
//     loop = asyncio.get_running_loop(); t0 = loop.time()
//     try: await asyncio.gather(work(0.05), fail(0.1), fail(0.2), work(0.3))
//     except ValueError as e: print("main caught", e, "at", f"{loop.time() - t0:.2f}")
//     await asyncio.sleep(0.5)
// asyncio.run(main())
// prints: sibling finished at 0.05 / main caught boom at 0.10 / sibling finished at 0.3
// The second failure is retrieved by the gather: no "exception was never retrieved".
TEST(Gather, FirstErrorIsRaisedAtOnceWhileTheSiblingsKeepRunning) {
  Recorder log;
  const std::string errors = aio_test::capture_stderr([&] { aio::run(first_error(&log)); });
  EXPECT_EQ(log.events(), (Events{"sibling finished at 0.05", "main caught boom at 0.10",
                                  "sibling finished at 0.3"}));
  EXPECT_EQ(errors, "");
}

// ---- cancellation -------------------------------------------------------------------------

aio::Task<std::string> sleeping_child(Recorder* log, std::string name, bool swallow) {
  try {
    co_await aio::sleep(1);
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
    if (!swallow) throw;
  }
  co_return name;
}

aio::Task<void> cancel_gathers(Recorder* log) {
  for (const bool swallow : {false, true}) {
    auto g = aio::gather(sleeping_child(log, "a", swallow), sleeping_child(log, "b", swallow));
    co_await aio::sleep(0);
    log->add("cancel() -> " + python_bool(g.cancel()));
    try {
      co_await g;
      log->add("results");
    } catch (const aio::CancelledError&) {
      log->add("awaiter gets CancelledError " + python_bool(g.cancelled()));
    }
  }
}

// async def child(name, swallow):
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError:
//         print(name, "cancelled")
//         if not swallow: raise
//     return name
// async def main():
//     for swallow in (False, True):
//         g = asyncio.gather(child("a", swallow), child("b", swallow))
//         await asyncio.sleep(0); print("cancel() ->", g.cancel())
//         try: print(await g)
//         except asyncio.CancelledError: print("awaiter gets CancelledError", g.cancelled())
// asyncio.run(main())
// prints, twice: cancel() -> True / a cancelled / b cancelled / awaiter gets CancelledError False
TEST(Gather, CancellingTheGatherCancelsEveryChildEvenIfTheySwallowIt) {
  Recorder log;
  aio::run(cancel_gathers(&log));
  const Events once{"cancel() -> True", "a cancelled", "b cancelled",
                    "awaiter gets CancelledError False"};
  Events twice = once;
  twice.insert(twice.end(), once.begin(), once.end());
  EXPECT_EQ(log.events(), twice);
}

aio::Task<void> cancel_unstarted(Recorder* log) {
  auto g = aio::gather(note(log, "a body runs"), note(log, "b body runs"));
  g.cancel();
  try {
    co_await g;
  } catch (const aio::CancelledError&) {
    log->add("CancelledError");
  }
}

// async def child(name): print(name, "body runs")
// async def main():
//     g = asyncio.gather(child("a"), child("b")); g.cancel()
//     try: await g
//     except asyncio.CancelledError: print("CancelledError")
// asyncio.run(main())                      # CancelledError
TEST(Gather, CancellingBeforeTheChildrenStartMeansTheyNeverRun) {
  Recorder log;
  aio::run(cancel_unstarted(&log));
  EXPECT_EQ(log.events(), (Events{"CancelledError"}));
}

aio::Task<void> gather_cancel_messages(Recorder* log) {
  for (const bool swallow : {false, true}) {
    auto g = aio::gather(sleeping_child(log, "a", swallow), sleeping_child(log, "b", swallow));
    co_await aio::sleep(0);
    g.cancel("stop");
    try {
      co_await g;
    } catch (const aio::CancelledError& error) {
      log->add("'" + error.message() + "'");
    }
  }
}

// child() as above (it prints "a cancelled" and re-raises unless it swallows)
// async def main():
//     for swallow in (False, True):
//         g = asyncio.gather(child("a", swallow), child("b", swallow))
//         await asyncio.sleep(0); g.cancel("stop")
//         try: await g
//         except asyncio.CancelledError as e: print(repr(str(e)))
// asyncio.run(main())
// prints: a cancelled / b cancelled / 'stop' / a cancelled / b cancelled / ''
// A child's own CancelledError carries the message; when every child swallowed it, the
// gather makes a new CancelledError without one.
TEST(Gather, CancelMessageReachesTheAwaiterOnlyThroughACancelledChild) {
  Recorder log;
  aio::run(gather_cancel_messages(&log));
  EXPECT_EQ(log.events(),
            (Events{"a cancelled", "b cancelled", "'stop'", "a cancelled", "b cancelled", "''"}));
}

aio::Task<void> gathering_parent(Recorder* log) {
  try {
    co_await aio::gather(sleeping_child(log, "a", false), sleeping_child(log, "b", false));
  } catch (const aio::CancelledError&) {
    log->add("parent cancelled");
    throw;
  }
}

aio::Task<void> cancel_parent(Recorder* log) {
  aio::Task<void> parent = aio::create_task(gathering_parent(log));
  co_await aio::sleep(0.1);
  parent.cancel();
  try {
    co_await parent;
  } catch (const aio::CancelledError&) {
    log->add("main: " + python_bool(parent.cancelled()));
  }
}

// async def child(name):
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: print(name, "cancelled"); raise
// async def parent():
//     try: await asyncio.gather(child("a"), child("b"))
//     except asyncio.CancelledError: print("parent cancelled"); raise
// async def main():
//     p = asyncio.create_task(parent()); await asyncio.sleep(0.1); p.cancel()
//     try: await p
//     except asyncio.CancelledError: print("main:", p.cancelled())
// asyncio.run(main())      # a cancelled / b cancelled / parent cancelled / main: True
TEST(Gather, CancellingTheAwaiterCancelsTheGatherAndItsChildren) {
  Recorder log;
  aio::run(cancel_parent(&log));
  EXPECT_EQ(log.events(), (Events{"a cancelled", "b cancelled", "parent cancelled", "main: True"}));
}

aio::Task<std::string> named_nap(Recorder* log, std::string name, double delay) {
  co_await aio::sleep(delay);
  log->add(name + " finished");
  co_return name;
}

aio::Task<void> child_cancelled_alone(Recorder* log) {
  aio::Task<std::string> a = aio::create_task(named_nap(log, "a", 1));
  aio::Task<std::string> b = aio::create_task(named_nap(log, "b", 0.5));
  aio::get_running_loop().call_later(0.1, [a]() mutable { a.cancel(); });
  try {
    co_await aio::gather(a, b);
  } catch (const aio::CancelledError&) {
    log->add("main gets CancelledError; main cancelled? " +
             std::to_string(aio::current_task()->cancelling()));
  }
  co_await aio::sleep(1);
  log->add(python_bool(a.cancelled()) + " " + b.result());
}

// async def nap(name, delay):
//     await asyncio.sleep(delay); print(name, "finished"); return name
// async def main():
//     a = asyncio.create_task(nap("a", 1)); b = asyncio.create_task(nap("b", 0.5))
//     asyncio.get_running_loop().call_later(0.1, a.cancel)
//     try: await asyncio.gather(a, b)
//     except asyncio.CancelledError:
//         print("main gets CancelledError; main cancelled?", asyncio.current_task().cancelling())
//     await asyncio.sleep(1); print(a.cancelled(), b.result())
// asyncio.run(main())
// prints: main gets CancelledError; main cancelled? 0 / b finished / True b
TEST(Gather, ChildCancelledOnItsOwnCountsAsCancelledError) {
  Recorder log;
  aio::run(child_cancelled_alone(&log));
  EXPECT_EQ(log.events(),
            (Events{"main gets CancelledError; main cancelled? 0", "b finished", "True b"}));
}

// ---- return_exceptions --------------------------------------------------------------------

aio::Task<int> ok() {
  co_await aio::sleep(0.1);
  co_return 1;
}

aio::Task<int> bad() {
  throw std::runtime_error("boom");
  co_return 0;
}

aio::Task<void> long_nap() {
  co_await aio::sleep(1);
}

template <class T>
std::string describe(const aio::Outcome<T>& outcome) {
  if (outcome.is_cancelled())
    return "CancelledError('" + aio::error_message(outcome.error()) + "')";
  if (outcome.has_error()) return aio::describe_error(outcome.error());
  if constexpr (std::is_void_v<T>) {
    return "None";
  } else {
    return std::to_string(outcome.value());
  }
}

aio::Task<void> collect_outcomes(Recorder* log) {
  aio::Task<void> c = aio::create_task(long_nap());
  aio::get_running_loop().call_later(0.05, [c]() mutable { c.cancel(); });
  auto [first, second, third] = co_await aio::gather(aio::return_exceptions, ok(), bad(), c);
  log->add(describe(first));
  log->add(describe(second));
  log->add(describe(third));
}

// async def ok(): await asyncio.sleep(0.1); return 1
// async def bad(): raise ValueError("boom")
// async def main():
//     c = asyncio.create_task(asyncio.sleep(1))
//     asyncio.get_running_loop().call_later(0.05, c.cancel)
//     for r in await asyncio.gather(ok(), bad(), c, return_exceptions=True): print(repr(r))
// asyncio.run(main())                      # 1 / ValueError('boom') / CancelledError('')
TEST(Gather, ReturnExceptionsPutsErrorsAndCancellationsInTheResults) {
  Recorder log;
  aio::run(collect_outcomes(&log));
  EXPECT_EQ(log.events(), (Events{"1", "std::runtime_error: boom", "CancelledError('')"}));
}

aio::Task<void> cancel_return_exceptions_gather(Recorder* log) {
  auto g = aio::gather(aio::return_exceptions, sleeping_child(log, "a", false),
                       sleeping_child(log, "b", false));
  co_await aio::sleep(0);
  g.cancel();
  try {
    co_await g;
    log->add("results");
  } catch (const aio::CancelledError&) {
    log->add("awaiter gets CancelledError");
  }
}

// async def child(name):
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: print(name, "cancelled"); raise
// async def main():
//     g = asyncio.gather(child("a"), child("b"), return_exceptions=True)
//     await asyncio.sleep(0); g.cancel()
//     try: print(await g)
//     except asyncio.CancelledError: print("awaiter gets CancelledError")
// asyncio.run(main())      # a cancelled / b cancelled / awaiter gets CancelledError
TEST(Gather, CancellingAReturnExceptionsGatherStillRaisesCancelledError) {
  Recorder log;
  aio::run(cancel_return_exceptions_gather(&log));
  EXPECT_EQ(log.events(), (Events{"a cancelled", "b cancelled", "awaiter gets CancelledError"}));
}

aio::Task<void> collect_vector_outcomes(Recorder* log) {
  std::vector<aio::Task<int>> children;
  children.push_back(bad());
  children.push_back(ok());
  for (const auto& outcome : co_await aio::gather(aio::return_exceptions, std::move(children))) {
    log->add(describe(outcome));
  }
}

// ok() and bad() as above
// async def main(): print(await asyncio.gather(*[bad(), ok()], return_exceptions=True))
// asyncio.run(main())                      # [ValueError('boom'), 1]
TEST(Gather, ReturnExceptionsWithAVectorKeepsArgumentOrder) {
  Recorder log;
  aio::run(collect_vector_outcomes(&log));
  EXPECT_EQ(log.events(), (Events{"std::runtime_error: boom", "1"}));
}

// ---- edge cases ---------------------------------------------------------------------------

aio::Task<void> gather_nothing(Recorder* log) {
  aio::Task<void> other = aio::create_task(note(log, "other task"));
  std::tuple<> none = co_await aio::gather();
  static_cast<void>(none);
  log->add("[]");
  std::vector<std::monostate> empty = co_await aio::gather(std::vector<aio::Task<void>>{});
  log->add(empty.empty() ? "[]" : "not empty");
  log->add("after gather");
  co_await aio::sleep(0);
}

// async def note(): print("other task")
// async def main():
//     asyncio.create_task(note())
//     print(await asyncio.gather()); print("after gather"); await asyncio.sleep(0)
// asyncio.run(main())                      # [] / after gather / other task
// An empty gather is done at once, so awaiting it does not suspend.
TEST(Gather, EmptyGatherIsDoneAtOnce) {
  Recorder log;
  aio::run(gather_nothing(&log));
  EXPECT_EQ(log.events(), (Events{"[]", "[]", "after gather", "other task"}));
}

aio::Task<int> runs_once(Recorder* log) {
  log->add("runs once");
  co_await aio::sleep(0.1);
  co_return 7;
}

aio::Task<void> gather_same_task(Recorder* log) {
  aio::Task<int> t = aio::create_task(runs_once(log));
  auto [first, second] = co_await aio::gather(t, t);
  log->add(fmt::format("[{}, {}]", first, second));
}

// async def once():
//     print("runs once"); await asyncio.sleep(0.1); return 7
// async def main():
//     t = asyncio.create_task(once()); print(await asyncio.gather(t, t))
// asyncio.run(main())                      # runs once / [7, 7]
TEST(Gather, SameTaskPassedTwiceFillsBothSlots) {
  Recorder log;
  aio::run(gather_same_task(&log));
  EXPECT_EQ(log.events(), (Events{"runs once", "[7, 7]"}));
}

// ---- any awaitable -------------------------------------------------------------------------

aio::Task<std::string> named_after(std::string name, double delay) {
  co_await aio::sleep(delay);
  co_return name;
}

aio::Task<void> gather_anything(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  aio::Future<std::string> future;
  loop.call_later(0.2, [future]() mutable { future.set_result("future"); });
  aio::Task<std::string> task = aio::create_task(named_after("task", 0.1));
  aio::Event event;
  loop.call_later(0.3, [&event] { event.set(); });
  auto [a, b, c, d, e] = co_await aio::gather(future, task, named_after("coro", 0.05), event.wait(),
                                              aio::sleep(0.1, std::string("slept")));
  log->add("['" + a + "', '" + b + "', '" + c + "', " + python_bool(d) + ", '" + e + "']");

  std::vector<aio::Future<int>> futures(3);
  for (int i = 0; i < 3; ++i) {
    loop.call_later(0.1 * (3 - i), [future = futures[i], i]() mutable { future.set_result(i); });
  }
  std::vector<int> values = co_await aio::gather(futures);
  log->add("[" + std::to_string(values[0]) + ", " + std::to_string(values[1]) + ", " +
           std::to_string(values[2]) + "]");
}

// gather takes what await takes: futures, tasks, coroutines and other awaitables, and a list of
// futures; results in argument order.
// async def work(name, delay):
//     await asyncio.sleep(delay)
//     return name
// async def main():
//     loop = asyncio.get_running_loop()
//     f = loop.create_future(); loop.call_later(0.2, f.set_result, "future")
//     t = asyncio.create_task(work("task", 0.1))
//     ev = asyncio.Event(); loop.call_later(0.3, ev.set)
//     print(await asyncio.gather(f, t, work("coro", 0.05), ev.wait(),
//                                asyncio.sleep(0.1, "slept")))
//     fs = [loop.create_future() for _ in range(3)]
//     for i, fut in enumerate(fs): loop.call_later(0.1 * (3 - i), fut.set_result, i)
//     print(await asyncio.gather(*fs))
// asyncio.run(main())
// ['future', 'task', 'coro', True, 'slept']
// [0, 1, 2]
TEST(Gather, TakesFuturesTasksCoroutinesAndOtherAwaitables) {
  Recorder log;
  aio::run(gather_anything(&log));
  EXPECT_EQ(log.events(), (Events{"['future', 'task', 'coro', True, 'slept']", "[0, 1, 2]"}));
}

}  // namespace
