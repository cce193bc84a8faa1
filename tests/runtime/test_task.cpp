// aio::Task: coroutines awaited inline or scheduled as tasks; when a task takes its steps;
// names; cancellation as a request delivered at the next suspension; coroutine states; and the
// warnings for a coroutine never awaited and an exception never retrieved.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

aio::Task<void> note(Recorder* log, std::string text) {
  log->add(text);
  co_return;
}

aio::Task<void> nap(double seconds) {
  co_await aio::sleep(seconds);
}

// ---- when tasks run -----------------------------------------------------------------------

aio::Task<void> create_then_yield(Recorder* log) {
  aio::Task<void> child = aio::create_task(note(log, "child runs"));
  log->add("create_task returned");
  co_await aio::sleep(0);
  log->add("main resumes");
}

// async def child(): print("child runs")
// async def main():
//     t = asyncio.create_task(child()); print("create_task returned")
//     await asyncio.sleep(0); print("main resumes")
// asyncio.run(main())                      # create_task returned / child runs / main resumes
TEST(Task, FirstStepRunsOnALaterIterationNeverInsideCreateTask) {
  Recorder log;
  aio::run(create_then_yield(&log));
  EXPECT_EQ(log.events(), (Events{"create_task returned", "child runs", "main resumes"}));
}

aio::Task<void> two_steps(Recorder* log, std::string name) {
  log->add(name + " starts");
  co_await aio::sleep(0);
  log->add(name + " resumes");
}

aio::Task<void> start_three(Recorder* log) {
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"}) tasks.push_back(aio::create_task(two_steps(log, name)));
  for (auto& task : tasks) co_await task;
}

// async def step(name):
//     print(name, "starts"); await asyncio.sleep(0); print(name, "resumes")
// async def main():
//     tasks = [asyncio.create_task(step(n)) for n in "abc"]
//     for t in tasks: await t
// asyncio.run(main())          # a starts / b starts / c starts / a resumes / b resumes / c resumes
TEST(Task, TasksStartInCreationOrder) {
  Recorder log;
  aio::run(start_three(&log));
  EXPECT_EQ(log.events(),
            (Events{"a starts", "b starts", "c starts", "a resumes", "b resumes", "c resumes"}));
}

aio::Task<int> helper_in_task(Recorder* log) {
  log->add("helper in " + aio::current_task()->get_name());
  co_return 2;
}

aio::Task<void> await_inline(Recorder* log) {
  aio::get_running_loop().call_soon(log->note("callback"));
  const int value = co_await helper_in_task(log);
  log->add("got " + std::to_string(value));
  co_await aio::sleep(0);
}

// async def helper():
//     print("helper in", asyncio.current_task().get_name()); return 2
// async def main():
//     asyncio.get_running_loop().call_soon(print, "callback")
//     print("got", await helper()); await asyncio.sleep(0)
// asyncio.run(main())                      # helper in Task-1 / got 2 / callback
TEST(Task, AwaitingACoroutineRunsItInlineInTheSameTask) {
  Recorder log;
  aio::detail::reset_task_counter();
  aio::run(await_inline(&log));
  EXPECT_EQ(log.events(), (Events{"helper in Task-1", "got 2", "callback"}));
}

aio::Task<int> one() {
  co_return 1;
}

aio::Task<void> await_twice(Recorder* log) {
  aio::Task<int> coro = one();
  co_await coro;
  try {
    co_await coro;
  } catch (const aio::RuntimeError& error) {
    log->add(error.what());
  }
}

// async def helper(): return 1
// async def main():
//     c = helper(); await c
//     try: await c
//     except RuntimeError as e: print(e)
// asyncio.run(main())                      # cannot reuse already awaited coroutine
TEST(Task, AwaitingACoroutineTwiceIsAnError) {
  Recorder log;
  aio::run(await_twice(&log));
  EXPECT_EQ(log.events(), (Events{"cannot reuse already awaited coroutine"}));
}

aio::Task<void> noop() {
  co_return;
}

aio::Task<void> name_tasks(Recorder* log) {
  aio::Task<void> a = aio::create_task(noop());
  aio::Task<void> b = aio::create_task(noop(), "worker");
  aio::Task<void> c = aio::create_task(noop());
  c.set_name("renamed");
  aio::Task<void> d = aio::create_task(noop());
  log->add(aio::current_task()->get_name() + " " + a.get_name() + " " + b.get_name() + " " +
           c.get_name() + " " + d.get_name());
  co_await aio::gather(a, b, c, d);
}

// async def noop(): pass
// async def main():
//     a = asyncio.create_task(noop()); b = asyncio.create_task(noop(), name="worker")
//     c = asyncio.create_task(noop()); c.set_name("renamed"); d = asyncio.create_task(noop())
//     print(asyncio.current_task().get_name(), a.get_name(), b.get_name(), c.get_name(),
//           d.get_name())
//     await asyncio.gather(a, b, c, d)
// asyncio.run(main())                      # Task-1 Task-2 worker renamed Task-5
// A named task uses up a number too: asyncio.create_task names it after creating it.
TEST(Task, DefaultNamesAreTaskNCountingNamedTasksToo) {
  Recorder log;
  aio::detail::reset_task_counter();
  aio::run(name_tasks(&log));
  EXPECT_EQ(log.events(), (Events{"Task-1 Task-2 worker renamed Task-5"}));
}

aio::Task<void> rename_to_empty(Recorder* log) {
  aio::Task<void> task = aio::create_task(noop());
  task.set_name("");
  log->add("[" + task.get_name() + "]");
  co_await task;
}

// async def main():
//     t = asyncio.create_task(noop()); t.set_name("")
//     print(f"[{t.get_name()}]"); await t
// asyncio.run(main())                      # []
TEST(Task, AnEmptyNameIsANameNotTheDefault) {
  Recorder log;
  aio::run(rename_to_empty(&log));
  EXPECT_EQ(log.events(), (Events{"[]"}));
}

aio::Task<void> inspect_pending(Recorder* log) {
  aio::Task<void> t = aio::create_task(nap(0.1));
  try {
    t.result();
  } catch (const aio::InvalidStateError& error) {
    log->add(error.what());
  }
  try {
    t.exception();
  } catch (const aio::InvalidStateError& error) {
    log->add(error.what());
  }
  co_await t;
}

// async def main():
//     t = asyncio.create_task(asyncio.sleep(0.1))
//     for f in (t.result, t.exception):
//         try: f()
//         except asyncio.InvalidStateError as e: print(e)
//     await t
// asyncio.run(main())                      # Result is not set. / Exception is not set.
TEST(Task, ResultOfAPendingTaskIsInvalidState) {
  Recorder log;
  aio::run(inspect_pending(&log));
  EXPECT_EQ(log.events(), (Events{"Result is not set.", "Exception is not set."}));
}

// ---- awaiting tasks -----------------------------------------------------------------------

aio::Task<void> await_done_task(Recorder* log) {
  aio::Task<int> t = aio::create_task(one());
  co_await aio::sleep(0);  // t finishes
  aio::Task<void> other = aio::create_task(note(log, "other task runs"));
  aio::current_task()->cancel("");
  const int value = co_await t;  // done: no suspension, no CancelledError
  log->add("awaited " + std::to_string(value));
  try {
    co_await aio::sleep(0);
  } catch (const aio::CancelledError&) {
    log->add("cancelled at the next suspension");
  }
  co_await other;
}

// async def value(): return 1
// async def note(text): print(text)
// async def main():
//     t = asyncio.create_task(value())
//     await asyncio.sleep(0)
//     other = asyncio.create_task(note("other task runs"))
//     asyncio.current_task().cancel()
//     print("awaited", await t)
//     try: await asyncio.sleep(0)
//     except asyncio.CancelledError: print("cancelled at the next suspension")
//     await other
// asyncio.run(main())      # awaited 1 / other task runs / cancelled at the next suspension
TEST(Task, AwaitingADoneTaskDoesNotSuspendNorDeliverAPendingCancellation) {
  Recorder log;
  aio::run(await_done_task(&log));
  EXPECT_EQ(log.events(),
            (Events{"awaited 1", "other task runs", "cancelled at the next suspension"}));
}

aio::Task<void> fail_after_a_step() {
  co_await aio::sleep(0);
  throw std::runtime_error("boom");
}

aio::Task<void> await_failing(Recorder* log) {
  aio::Task<void> t = aio::create_task(fail_after_a_step());
  t.add_done_callback([log](aio::Task<void>& done) {
    log->add("callback: " + aio::describe_error(done.exception()));
  });
  try {
    co_await t;
  } catch (const std::runtime_error& error) {
    log->add(std::string("main caught ") + error.what());
  }
  log->add(python_bool(t.done()) + " " + python_bool(t.cancelled()));
  co_await aio::sleep(0);
}

// async def fail():
//     await asyncio.sleep(0); raise ValueError("boom")
// async def main():
//     t = asyncio.create_task(fail())
//     t.add_done_callback(lambda t: print("callback:", repr(t.exception())))
//     try: await t
//     except ValueError as e: print("main caught", e)
//     print(t.done(), t.cancelled()); await asyncio.sleep(0)
// asyncio.run(main())      # callback: ValueError('boom') / main caught boom / True False
TEST(Task, ErrorReachesDoneCallbacksAndTheAwaiterInRegistrationOrder) {
  Recorder log;
  aio::run(await_failing(&log));
  EXPECT_EQ(log.events(),
            (Events{"callback: std::runtime_error: boom", "main caught boom", "True False"}));
}

std::string before_colon(const std::string& text) {
  return text.substr(0, text.find(':'));
}

aio::Task<std::string> narcissus(Recorder* log, const std::optional<aio::Task<std::string>>* self) {
  try {
    co_await **self;
  } catch (const aio::RuntimeError& error) {
    log->add(before_colon(error.what()));
  }
  co_return "survived";
}

aio::Task<void> await_self(Recorder* log) {
  std::optional<aio::Task<std::string>> self;
  self.emplace(aio::create_task(narcissus(log, &self)));
  log->add(co_await *self);
}

// async def narcissus():
//     try: await asyncio.current_task()
//     except RuntimeError as e: print(str(e).split(":")[0])
//     return "survived"
// async def main(): print(await asyncio.create_task(narcissus()))
// asyncio.run(main())                      # Task cannot await on itself / survived
TEST(Task, ATaskAwaitingItselfGetsRuntimeError) {
  Recorder log;
  aio::run(await_self(&log));
  EXPECT_EQ(log.events(), (Events{"Task cannot await on itself", "survived"}));
}

// ---- cancellation -------------------------------------------------------------------------

aio::Task<void> cancellable_child(Recorder* log) {
  log->add("child starts");
  try {
    co_await aio::sleep(1);
  } catch (const aio::CancelledError&) {
    log->add("child sees CancelledError");
    throw;
  }
}

aio::Task<void> cancel_child(Recorder* log) {
  aio::Task<void> t = aio::create_task(cancellable_child(log));
  co_await aio::sleep(0);
  const bool requested = t.cancel();
  log->add(python_bool(requested) + " " + std::to_string(t.cancelling()) + " " +
           python_bool(t.done()));
  try {
    co_await t;
  } catch (const aio::CancelledError&) {
    log->add("main sees CancelledError");
  }
  log->add(python_bool(t.cancelled()) + " " + python_bool(t.cancel()));
}

// async def child():
//     print("child starts")
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: print("child sees CancelledError"); raise
// async def main():
//     t = asyncio.create_task(child()); await asyncio.sleep(0)
//     print(t.cancel(), t.cancelling(), t.done())
//     try: await t
//     except asyncio.CancelledError: print("main sees CancelledError")
//     print(t.cancelled(), t.cancel())
// asyncio.run(main())
// prints: child starts / True 1 False / child sees CancelledError / main sees CancelledError /
//         True False
TEST(Task, CancelIsARequestDeliveredWhereTheTaskWaits) {
  Recorder log;
  aio::run(cancel_child(&log));
  EXPECT_EQ(log.events(), (Events{"child starts", "True 1 False", "child sees CancelledError",
                                  "main sees CancelledError", "True False"}));
}

aio::Task<void> yielding_child(Recorder* log) {
  log->add("step 1");
  try {
    co_await aio::sleep(0);
  } catch (const aio::CancelledError&) {
    log->add("cancelled at the await it was suspended in");
    throw;
  }
  log->add("never printed");
}

aio::Task<void> cancel_queued_step(Recorder* log) {
  aio::Task<void> t = aio::create_task(yielding_child(log));
  co_await aio::sleep(0);  // the child ran step 1; its next step is queued
  t.cancel();
  try {
    co_await t;
  } catch (const aio::CancelledError&) {
    log->add("main: " + python_bool(t.cancelled()));
  }
}

// async def child():
//     print("step 1")
//     try: await asyncio.sleep(0)
//     except asyncio.CancelledError: print("cancelled at the await it was suspended in"); raise
//     print("never printed")
// async def main():
//     t = asyncio.create_task(child()); await asyncio.sleep(0); t.cancel()
//     try: await t
//     except asyncio.CancelledError: print("main:", t.cancelled())
// asyncio.run(main())      # step 1 / cancelled at the await it was suspended in / main: True
TEST(Task, CancellingATaskWhoseStepIsQueuedRaisesAtItsSuspendedAwait) {
  Recorder log;
  aio::run(cancel_queued_step(&log));
  EXPECT_EQ(log.events(),
            (Events{"step 1", "cancelled at the await it was suspended in", "main: True"}));
}

aio::Task<void> cancels_itself_then_waits(Recorder* log) {
  aio::current_task()->cancel("");
  log->add("still running after cancel()");
  try {
    co_await aio::sleep(1);
  } catch (const aio::CancelledError&) {
    log->add("delivered at the next await");
    throw;
  }
}

aio::Task<void> await_self_cancelled(Recorder* log) {
  aio::Task<void> t = aio::create_task(cancels_itself_then_waits(log));
  try {
    co_await t;
  } catch (const aio::CancelledError&) {
    log->add("main: " + python_bool(t.cancelled()));
  }
}

// async def child():
//     asyncio.current_task().cancel(); print("still running after cancel()")
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: print("delivered at the next await"); raise
// async def main():
//     t = asyncio.create_task(child())
//     try: await t
//     except asyncio.CancelledError: print("main:", t.cancelled())
// asyncio.run(main())
// prints: still running after cancel() / delivered at the next await / main: True
TEST(Task, CancelRequestedWhileRunningIsDeliveredAtTheNextAwait) {
  Recorder log;
  aio::run(await_self_cancelled(&log));
  EXPECT_EQ(log.events(),
            (Events{"still running after cancel()", "delivered at the next await", "main: True"}));
}

aio::Task<std::string> stubborn() {
  try {
    co_await aio::sleep(1);
  } catch (const aio::CancelledError&) {
    co_return "kept going";
  }
  co_return "slept";
}

aio::Task<void> cancel_stubborn(Recorder* log) {
  aio::Task<std::string> t = aio::create_task(stubborn());
  co_await aio::sleep(0);
  t.cancel();
  const std::string value = co_await t;
  log->add(value + " " + python_bool(t.cancelled()) + " " + std::to_string(t.cancelling()));
}

// async def stubborn():
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: return "kept going"
// async def main():
//     t = asyncio.create_task(stubborn()); await asyncio.sleep(0); t.cancel()
//     print(await t, t.cancelled(), t.cancelling())
// asyncio.run(main())                      # kept going False 1
TEST(Task, TaskThatCatchesCancelledErrorAndReturnsEndsWithThatValue) {
  Recorder log;
  aio::run(cancel_stubborn(&log));
  EXPECT_EQ(log.events(), (Events{"kept going False 1"}));
}

aio::Task<int> quitter() {
  aio::current_task()->cancel("");
  co_return 5;
}

aio::Task<void> await_quitter(Recorder* log) {
  aio::Task<int> t = aio::create_task(quitter());
  try {
    co_await t;
    log->add("returned a value");
  } catch (const aio::CancelledError&) {
    log->add("cancelled " + python_bool(t.cancelled()));
  }
}

// async def quitter():
//     asyncio.current_task().cancel(); return 5
// async def main():
//     t = asyncio.create_task(quitter())
//     try: await t
//     except asyncio.CancelledError: print("cancelled", t.cancelled())
// asyncio.run(main())                      # cancelled True
TEST(Task, TaskThatCancelsItselfThenReturnsEndsCancelled) {
  Recorder log;
  aio::run(await_quitter(&log));
  EXPECT_EQ(log.events(), (Events{"cancelled True"}));
}

aio::Task<void> cancel_before_start(Recorder* log) {
  aio::Task<void> coro = note(log, "body runs");
  aio::Task<void> t = aio::create_task(coro);
  t.cancel();
  try {
    co_await t;
  } catch (const aio::CancelledError&) {
    log->add("cancelled " + python_bool(t.cancelled()) + " " +
             aio::to_string(coro.coroutine_state()));
  }
}

// async def body(): print("body runs")
// async def main():
//     coro = body(); t = asyncio.create_task(coro); t.cancel()
//     try: await t
//     except asyncio.CancelledError:
//         print("cancelled", t.cancelled(), inspect.getcoroutinestate(coro))
// asyncio.run(main())                      # cancelled True CORO_CLOSED
TEST(Task, TaskCancelledBeforeItsFirstStepNeverRunsItsBody) {
  Recorder log;
  aio::run(cancel_before_start(&log));
  EXPECT_EQ(log.events(), (Events{"cancelled True CORO_CLOSED"}));
}

aio::Task<std::string> uncancelling_sleeper(Recorder* log) {
  try {
    co_await aio::sleep(1);
  } catch (const aio::CancelledError&) {
    std::optional<aio::TaskRef> self = aio::current_task();
    const int before = self->cancelling();
    const int returned = self->uncancel();
    log->add("in child " + std::to_string(before) + " " + std::to_string(returned) + " " +
             std::to_string(self->cancelling()));
    co_return "done";
  }
  co_return "slept";
}

aio::Task<void> cancel_twice(Recorder* log) {
  aio::Task<std::string> t = aio::create_task(uncancelling_sleeper(log));
  co_await aio::sleep(0);
  const bool first = t.cancel();
  const bool second = t.cancel();
  log->add(python_bool(first) + " " + python_bool(second) + " " + std::to_string(t.cancelling()));
  const std::string value = co_await t;
  log->add(value + " " + std::to_string(t.cancelling()));
}

// async def sleeper():
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError:
//         t = asyncio.current_task()
//         print("in child", t.cancelling(), t.uncancel(), t.cancelling()); return "done"
// async def main():
//     t = asyncio.create_task(sleeper()); await asyncio.sleep(0)
//     print(t.cancel(), t.cancel(), t.cancelling())
//     print(await t, t.cancelling())
// asyncio.run(main())                      # True True 2 / in child 2 1 1 / done 1
TEST(Task, CancellingCountsRequestsAndUncancelWithdrawsOne) {
  Recorder log;
  aio::run(cancel_twice(&log));
  EXPECT_EQ(log.events(), (Events{"True True 2", "in child 2 1 1", "done 1"}));
}

aio::Task<void> inner_sleeper(Recorder* log) {
  try {
    co_await aio::sleep(1);
  } catch (const aio::CancelledError&) {
    log->add("inner cancelled");
    throw;
  }
}

aio::Task<void> outer_awaiter(Recorder* log, aio::Task<void> inner) {
  try {
    co_await inner;
  } catch (const aio::CancelledError&) {
    log->add("outer cancelled");
    throw;
  }
}

aio::Task<void> cancel_outer(Recorder* log) {
  aio::Task<void> inner = aio::create_task(inner_sleeper(log));
  aio::Task<void> outer = aio::create_task(outer_awaiter(log, inner));
  co_await aio::sleep(0);
  outer.cancel();
  co_await aio::gather(aio::return_exceptions, outer, inner);
  log->add(python_bool(inner.cancelled()) + " " + python_bool(outer.cancelled()));
}

// async def inner():
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: print("inner cancelled"); raise
// async def outer(t):
//     try: await t
//     except asyncio.CancelledError: print("outer cancelled"); raise
// async def main():
//     i = asyncio.create_task(inner()); o = asyncio.create_task(outer(i))
//     await asyncio.sleep(0); o.cancel()
//     await asyncio.gather(o, i, return_exceptions=True)
//     print(i.cancelled(), o.cancelled())
// asyncio.run(main())                      # inner cancelled / outer cancelled / True True
TEST(Task, CancellingATaskCancelsTheTaskItAwaits) {
  Recorder log;
  aio::run(cancel_outer(&log));
  EXPECT_EQ(log.events(), (Events{"inner cancelled", "outer cancelled", "True True"}));
}

aio::Task<void> wait_on_future(Recorder* log, aio::Future<void> fut) {
  try {
    co_await fut;
  } catch (const aio::CancelledError& error) {
    log->add("waiter sees '" + error.message() + "'");
    throw;
  }
}

aio::Task<void> cancel_future_waiter(Recorder* log) {
  aio::Future<void> fut;
  aio::Task<void> t = aio::create_task(wait_on_future(log, fut));
  co_await aio::sleep(0);
  t.cancel("why");
  log->add("future cancelled: " + python_bool(fut.cancelled()));
  co_await aio::gather(aio::return_exceptions, t);
  log->add(python_bool(t.cancelled()));
}

// async def waiter(fut):
//     try: await fut
//     except asyncio.CancelledError as e: print("waiter sees", repr(str(e))); raise
// async def main():
//     fut = asyncio.get_running_loop().create_future()
//     t = asyncio.create_task(waiter(fut)); await asyncio.sleep(0); t.cancel("why")
//     print("future cancelled:", fut.cancelled())
//     await asyncio.gather(t, return_exceptions=True); print(t.cancelled())
// asyncio.run(main())      # future cancelled: True / waiter sees 'why' / True
TEST(Task, CancellingATaskCancelsTheFutureItAwaitsAtOnce) {
  Recorder log;
  aio::run(cancel_future_waiter(&log));
  EXPECT_EQ(log.events(), (Events{"future cancelled: True", "waiter sees 'why'", "True"}));
}

aio::Task<void> cancel_with_message(Recorder* log) {
  aio::Task<void> t = aio::create_task(nap(1));
  co_await aio::sleep(0);
  t.cancel("stop now");
  try {
    co_await t;
  } catch (const aio::CancelledError& error) {
    log->add(error.message());
  }
}

// async def main():
//     t = asyncio.create_task(asyncio.sleep(1)); await asyncio.sleep(0)
//     t.cancel("stop now")
//     try: await t
//     except asyncio.CancelledError as e: print(e)
// asyncio.run(main())                      # stop now
TEST(Task, CancelMessageReachesTheAwaiter) {
  Recorder log;
  aio::run(cancel_with_message(&log));
  EXPECT_EQ(log.events(), (Events{"stop now"}));
}

aio::Task<void> wait_for_future(Recorder* log, aio::Future<int> fut) {
  try {
    const int value = co_await fut;
    log->add("got " + std::to_string(value));
  } catch (const aio::CancelledError&) {
    log->add("cancelled although the future has a result");
  }
}

aio::Task<void> complete_then_cancel(Recorder* log) {
  aio::Future<int> fut;
  aio::Task<void> t = aio::create_task(wait_for_future(log, fut));
  co_await aio::sleep(0);
  fut.set_result(1);
  t.cancel();
  co_await t;
  log->add(python_bool(t.cancelled()) + " " + std::to_string(t.cancelling()));
}

// async def waiter(fut):
//     try: print("got", await fut)
//     except asyncio.CancelledError: print("cancelled although the future has a result")
// async def main():
//     fut = asyncio.get_running_loop().create_future()
//     t = asyncio.create_task(waiter(fut)); await asyncio.sleep(0)
//     fut.set_result(1); t.cancel()
//     await t; print(t.cancelled(), t.cancelling())
// asyncio.run(main())      # cancelled although the future has a result / False 1
TEST(Task, CancelAfterTheAwaitedFutureCompletedStillRaisesAtThatAwait) {
  Recorder log;
  aio::run(complete_then_cancel(&log));
  EXPECT_EQ(log.events(), (Events{"cancelled although the future has a result", "False 1"}));
}

aio::Task<void> inner_coroutine(Recorder* log) {
  try {
    co_await aio::sleep(1);
  } catch (const aio::CancelledError&) {
    log->add("inner sees it");
    throw;
  }
}

aio::Task<void> outer_coroutine(Recorder* log) {
  try {
    co_await inner_coroutine(log);
  } catch (const aio::CancelledError&) {
    log->add("outer sees it");
    throw;
  }
}

aio::Task<void> cancel_nested(Recorder* log) {
  aio::Task<void> t = aio::create_task(outer_coroutine(log));
  co_await aio::sleep(0);
  t.cancel();
  try {
    co_await t;
  } catch (const aio::CancelledError&) {
    log->add("main sees it " + python_bool(t.cancelled()));
  }
}

// async def inner():
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: print("inner sees it"); raise
// async def outer():
//     try: await inner()
//     except asyncio.CancelledError: print("outer sees it"); raise
// async def main():
//     t = asyncio.create_task(outer()); await asyncio.sleep(0); t.cancel()
//     try: await t
//     except asyncio.CancelledError: print("main sees it", t.cancelled())
// asyncio.run(main())      # inner sees it / outer sees it / main sees it True
TEST(Task, CancellationIsRaisedInTheInnermostAwaitedCoroutine) {
  Recorder log;
  aio::run(cancel_nested(&log));
  EXPECT_EQ(log.events(), (Events{"inner sees it", "outer sees it", "main sees it True"}));
}

// ---- the coroutine ------------------------------------------------------------------------

aio::Task<void> observed(Recorder* log, const std::optional<aio::Task<void>>* self) {
  log->add(aio::to_string((*self)->coroutine_state()));
  co_await aio::sleep(0.1);
}

aio::Task<void> observe_states(Recorder* log) {
  std::optional<aio::Task<void>> coro;
  coro.emplace(observed(log, &coro));
  log->add(aio::to_string(coro->coroutine_state()));
  aio::Task<void> t = aio::create_task(*coro);
  co_await aio::sleep(0);
  log->add(aio::to_string(coro->coroutine_state()));
  co_await t;
  log->add(aio::to_string(coro->coroutine_state()));
}

// coro = None
// async def body():
//     print(inspect.getcoroutinestate(coro)); await asyncio.sleep(0.1)
// async def main():
//     global coro
//     coro = body(); print(inspect.getcoroutinestate(coro))
//     t = asyncio.create_task(coro); await asyncio.sleep(0)
//     print(inspect.getcoroutinestate(coro)); await t
//     print(inspect.getcoroutinestate(coro))
// asyncio.run(main())      # CORO_CREATED / CORO_RUNNING / CORO_SUSPENDED / CORO_CLOSED
TEST(Task, CoroutineStateGoesFromCreatedThroughRunningAndSuspendedToClosed) {
  Recorder log;
  aio::run(observe_states(&log));
  EXPECT_EQ(log.events(),
            (Events{"CORO_CREATED", "CORO_RUNNING", "CORO_SUSPENDED", "CORO_CLOSED"}));
}

aio::Task<void> forgotten() {
  co_return;
}

// async def forgotten(): pass
// forgotten()      # RuntimeWarning: coroutine 'forgotten' was never awaited
TEST(Task, CoroutineDestroyedUnawaitedWarnsOnStderr) {
  const std::string errors = aio_test::capture_stderr([] {
    aio::Task<void> coro = forgotten();
    EXPECT_EQ(coro.coroutine_state(), aio::CoroutineState::created);
  });
  EXPECT_EQ(errors, "RuntimeWarning: coroutine 'forgotten' was never awaited\n");
}

aio::Task<void> close_unawaited(Recorder* log) {
  aio::Task<int> coro = one();
  coro.close();
  log->add(aio::to_string(coro.coroutine_state()));
  coro.close();  // closing again does nothing
  try {
    co_await coro;
  } catch (const aio::RuntimeError& error) {
    log->add(std::string("RuntimeError ") + error.what());
  }
}

// close() on a coroutine that never ran closes it, and no "never awaited" warning follows.
// async def one(): return 1
// async def main():
//     coro = one()
//     coro.close()
//     print(inspect.getcoroutinestate(coro))
//     coro.close()
//     try:
//         await coro
//     except RuntimeError as e:
//         print("RuntimeError", e)
// asyncio.run(main())      # python3 -X dev prints no warning
// CORO_CLOSED
// RuntimeError cannot reuse already awaited coroutine
TEST(Task, ClosingACoroutineThatNeverRanSilencesItsWarning) {
  Recorder log;
  const std::string errors = aio_test::capture_stderr([&] { aio::run(close_unawaited(&log)); });
  EXPECT_EQ(log.events(),
            (Events{"CORO_CLOSED", "RuntimeError cannot reuse already awaited coroutine"}));
  EXPECT_EQ(errors, "");
}

aio::Task<void> close_a_task() {
  aio::Task<int> task = aio::create_task(one());
  EXPECT_THROW(task.close(), aio::TypeError);
  co_await task;
}

TEST(Task, ATaskCannotBeClosedLikeACoroutine) {
  aio::run(close_a_task());
}

aio::Task<void> task_only_methods_on_a_coroutine() {
  aio::Task<int> coro = one();
  // Python: AttributeError: 'coroutine' object has no attribute 'cancel'. Each of these once
  // misbehaved silently: cancel() returned true and was lost, a done callback never ran and
  // leaked the frame.
  const std::string expected = "one() is a coroutine, not a task: pass it to create_task first";
  auto expect_type_error = [&](auto call) {
    try {
      call();
      ADD_FAILURE() << "no TypeError";
    } catch (const aio::TypeError& error) {
      EXPECT_EQ(error.what(), expected);
    }
  };
  expect_type_error([&] { coro.cancel(); });
  expect_type_error([&] { coro.cancelling(); });
  expect_type_error([&] { coro.uncancel(); });
  expect_type_error([&] { coro.done(); });
  expect_type_error([&] { coro.cancelled(); });
  expect_type_error([&] { coro.result(); });
  expect_type_error([&] { coro.exception(); });
  expect_type_error([&] { coro.get_name(); });
  expect_type_error([&] { coro.set_name("x"); });
  expect_type_error([&] { coro.add_done_callback([] {}); });
  expect_type_error([&] { aio::TaskRef ref(coro); });
  // Still an ordinary coroutine, awaited inline.
  EXPECT_EQ(co_await coro, 1);
}

TEST(Task, TaskOnlyMethodsOnACoroutineThrowTypeError) {
  aio::run(task_only_methods_on_a_coroutine());
}

aio::Task<std::unique_ptr<int>> make_resource() {
  co_await aio::sleep(0.1);
  co_return std::make_unique<int>(7);
}

aio::Task<void> take_resource(Recorder* log, aio::Task<std::unique_ptr<int>> task,
                              std::string name) {
  try {
    std::unique_ptr<int> resource = co_await task;
    log->add(name + " got " + std::to_string(*resource));
  } catch (const aio::InvalidStateError& error) {
    log->add(name + " InvalidStateError " + error.what());
  }
}

aio::Task<void> share_a_move_only_result(Recorder* log) {
  aio::Task<std::unique_ptr<int>> task = aio::create_task(make_resource());
  co_await aio::gather(take_resource(log, task, "a"), take_resource(log, task, "b"));
  try {
    task.result();
  } catch (const aio::InvalidStateError&) {
    log->add("result() InvalidStateError");
  }
}

// Every awaiter of a task gets its result: in Python the same object.
// class Resource: pass
// async def make():
//     await asyncio.sleep(0.1); return Resource()
// async def take(task, name):
//     r = await task
//     print(name, "got", type(r).__name__, id(r) == id(task.result()))
// async def main():
//     t = asyncio.create_task(make())
//     await asyncio.gather(take(t, "a"), take(t, "b"))
// asyncio.run(main())          # a got Resource True / b got Resource True
// A move-only C++ value cannot be shared: the first awaiter takes it, and a later awaiter or
// result() gets InvalidStateError saying so. (It once got a moved-from value, silently.)
TEST(Task, AMoveOnlyResultGoesToTheFirstAwaiterAndLaterOnesAreToldSo) {
  Recorder log;
  aio::detail::reset_task_counter();
  aio::run(share_a_move_only_result(&log));
  EXPECT_EQ(log.events(),
            (Events{"a got 7",
                    "b InvalidStateError the result of <Task 'Task-2' coro=make_resource()> was "
                    "moved to its first awaiter: a move-only result can be taken once",
                    "result() InvalidStateError"}));
}

aio::Task<void> fail_at_once() {
  throw std::runtime_error("boom");
  co_return;
}

aio::Task<void> leave_errors(Recorder* log) {
  {
    aio::Task<void> dropped = aio::create_task(fail_at_once());  // nobody will look at it
  }
  aio::Task<void> seen = aio::create_task(fail_at_once());
  co_await aio::sleep(0.1);
  log->add(aio::describe_error(seen.exception()));
}

// async def fail(): raise ValueError("boom")
// async def main():
//     asyncio.create_task(fail()); seen = asyncio.create_task(fail())
//     await asyncio.sleep(0.1); print(repr(seen.exception()))
// asyncio.run(main())
// stderr: "Task exception was never retrieved" for the first task only; stdout: ValueError('boom')
TEST(Task, ExceptionNeverRetrievedIsReportedWhenTheTaskIsFreed) {
  Recorder log;
  aio::detail::reset_task_counter();
  const std::string errors = aio_test::capture_stderr([&] { aio::run(leave_errors(&log)); });
  EXPECT_EQ(log.events(), (Events{"std::runtime_error: boom"}));
  EXPECT_EQ(errors,
            "<Task 'Task-2' coro=fail_at_once()> exception was never retrieved: "
            "std::runtime_error: boom\n");
}

}  // namespace
