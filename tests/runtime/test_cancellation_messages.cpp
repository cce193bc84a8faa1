// What a cancellation carries: which message a task sees when several cancel(msg) calls reach
// it, that a cancelled task hands its CancelledError out once, CancelledError() against
// CancelledError(''), the error gather reports for a cancelled child, and the cause of the
// TimeoutError that wait_for and timeout scopes raise.
//
// Each test quotes the Python program whose output it asserts (every program starts with
// `import asyncio`; run them with python3 3.11). The C++ records events where the Python prints
// lines; python_args() prints a CancelledError's args as Python does.
#include <gtest/gtest.h>

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::python_args;
using aio_test::Recorder;

// async def victim():
//     try:
//         await asyncio.sleep(10)
//     except asyncio.CancelledError as e:
//         print("victim got", e.args)
//         raise
aio::Task<void> victim(Recorder* log) {
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError& error) {
    log->add("victim got " + python_args(error));
    throw;
  }
}

/// `await task`, recording the CancelledError it raises.
aio::Task<void> await_cancelled(Recorder* log, aio::Task<void> task, std::string what) {
  try {
    co_await task;
    log->add(what + " returned");
  } catch (const aio::CancelledError& error) {
    log->add(what + " " + python_args(error));
  }
}

// ---- several requests before the task runs ---------------------------------------------------

aio::Task<void> cancel_sleeping_twice(Recorder* log) {
  aio::Task<void> task = aio::create_task(victim(log));
  co_await aio::sleep(0);
  task.cancel("first");
  task.cancel("second");
  log->add("cancelling " + std::to_string(task.cancelling()));
  co_await await_cancelled(log, task, "awaiter got");
}

// The first request cancels the sleep, and its CancelledError is the one the task sees; the
// second only counts.
// async def main():
//     t = asyncio.create_task(victim())
//     await asyncio.sleep(0)
//     t.cancel("first"); t.cancel("second")
//     print("cancelling", t.cancelling())
//     try:
//         await t
//     except asyncio.CancelledError as e:
//         print("awaiter got", e.args)
// asyncio.run(main())
// cancelling 2
// victim got ('first',)
// awaiter got ('first',)
TEST(CancellationMessages, TheFirstRequestsMessageReachesASleepingTask) {
  Recorder log;
  aio::run(cancel_sleeping_twice(&log));
  EXPECT_EQ(log.events(),
            (Events{"cancelling 2", "victim got ('first',)", "awaiter got ('first',)"}));
}

aio::Task<void> wait_on(Recorder* log, aio::Future<void> future) {
  try {
    co_await future;
  } catch (const aio::CancelledError& error) {
    log->add("waiter got " + python_args(error));
    throw;
  }
}

aio::Task<void> cancel_future_waiter_twice(Recorder* log) {
  aio::Future<void> future;
  aio::Task<void> task = aio::create_task(wait_on(log, future));
  co_await aio::sleep(0);
  task.cancel("f1");
  task.cancel("f2");
  co_await await_cancelled(log, task, "awaiter got");
}

// The same for a task that awaits a future.
// fut = asyncio.get_running_loop().create_future()
// async def wait_on():
//     try: await fut
//     except asyncio.CancelledError as e: print("waiter got", e.args); raise
// async def main():
//     t = asyncio.create_task(wait_on()); await asyncio.sleep(0)
//     t.cancel("f1"); t.cancel("f2")
//     try: await t
//     except asyncio.CancelledError as e: print("awaiter got", e.args)
// waiter got ('f1',)
// awaiter got ('f1',)
TEST(CancellationMessages, TheFirstRequestsMessageReachesATaskAwaitingAFuture) {
  Recorder log;
  aio::run(cancel_future_waiter_twice(&log));
  EXPECT_EQ(log.events(), (Events{"waiter got ('f1',)", "awaiter got ('f1',)"}));
}

aio::Task<void> yielder(Recorder* log) {
  try {
    for (;;) co_await aio::sleep(0);
  } catch (const aio::CancelledError& error) {
    log->add("yielder got " + python_args(error));
    throw;
  }
}

aio::Task<void> acquire_lock(Recorder* log, aio::Lock& lock) {
  try {
    co_await lock.acquire();
  } catch (const aio::CancelledError& error) {
    log->add("waiter got " + python_args(error));
    throw;
  }
}

aio::Task<void> get_item(Recorder* log, aio::Queue<int>& queue) {
  try {
    co_await queue.get();
  } catch (const aio::CancelledError& error) {
    log->add("getter got " + python_args(error));
    throw;
  }
}

aio::Task<void> cancel_primitive_waiters_twice(Recorder* log) {
  aio::Lock lock;
  co_await lock.acquire();
  aio::Task<void> waiter = aio::create_task(acquire_lock(log, lock));
  co_await aio::sleep(0);
  waiter.cancel("l1");
  waiter.cancel("l2");
  co_await await_cancelled(log, waiter, "awaiter got");
  aio::Queue<int> queue;
  aio::Task<void> getter = aio::create_task(get_item(log, queue));
  co_await aio::sleep(0);
  getter.cancel("q1");
  getter.cancel("q2");
  co_await await_cancelled(log, getter, "awaiter got");
}

// The same for the waits of the primitives, each a future in CPython.
// async def main():
//     lock = asyncio.Lock(); await lock.acquire()
//     async def waiter():
//         try: await lock.acquire()
//         except asyncio.CancelledError as e: print("waiter got", e.args); raise
//     t = asyncio.create_task(waiter()); await asyncio.sleep(0)
//     t.cancel("l1"); t.cancel("l2")
//     try: await t
//     except asyncio.CancelledError as e: print("awaiter got", e.args)
//     q = asyncio.Queue()
//     async def getter():
//         try: await q.get()
//         except asyncio.CancelledError as e: print("getter got", e.args); raise
//     t = asyncio.create_task(getter()); await asyncio.sleep(0)
//     t.cancel("q1"); t.cancel("q2")
//     try: await t
//     except asyncio.CancelledError as e: print("awaiter got", e.args)
// waiter got ('l1',)
// awaiter got ('l1',)
// getter got ('q1',)
// awaiter got ('q1',)
TEST(CancellationMessages, TheFirstRequestsMessageReachesAPrimitivesWaiter) {
  Recorder log;
  aio::run(cancel_primitive_waiters_twice(&log));
  EXPECT_EQ(log.events(), (Events{"waiter got ('l1',)", "awaiter got ('l1',)", "getter got ('q1',)",
                                  "awaiter got ('q1',)"}));
}

aio::Task<void> cancel_yielder_twice(Recorder* log) {
  aio::Task<void> task = aio::create_task(yielder(log));
  co_await aio::sleep(0);
  task.cancel("y1");
  task.cancel("y2");
  co_await await_cancelled(log, task, "awaiter got");
}

// A task that awaits no future (a bare yield: sleep(0)) keeps the request for its next step,
// and a later request's message replaces an earlier one (CPython's _must_cancel path).
// async def yielder():
//     try:
//         while True: await asyncio.sleep(0)
//     except asyncio.CancelledError as e: print("yielder got", e.args); raise
// async def main():
//     t = asyncio.create_task(yielder()); await asyncio.sleep(0)
//     t.cancel("y1"); t.cancel("y2")
//     try: await t
//     except asyncio.CancelledError as e: print("awaiter got", e.args)
// yielder got ('y2',)
// awaiter got ('y2',)
TEST(CancellationMessages, ATaskBetweenStepsSeesTheLatestMessage) {
  Recorder log;
  aio::run(cancel_yielder_twice(&log));
  EXPECT_EQ(log.events(), (Events{"yielder got ('y2',)", "awaiter got ('y2',)"}));
}

aio::Task<void> cancel_before_first_step(Recorder* log) {
  aio::Task<void> task = aio::create_task(victim(log));
  task.cancel("a");
  task.cancel("b");
  co_await await_cancelled(log, task, "awaiter got");
}

// Before its first step the same holds; the body never runs.
// async def main():
//     t = asyncio.create_task(victim())
//     t.cancel("a"); t.cancel("b")
//     try: await t
//     except asyncio.CancelledError as e: print("awaiter got", e.args)
// awaiter got ('b',)
TEST(CancellationMessages, ATaskCancelledBeforeItsFirstStepSeesTheLatestMessage) {
  Recorder log;
  aio::run(cancel_before_first_step(&log));
  EXPECT_EQ(log.events(), (Events{"awaiter got ('b',)"}));
}

aio::Task<void> scoped(Recorder* log, double delay) {
  try {
    co_await aio::with_timeout(delay, aio::ensure_future(aio::sleep(10)));
  } catch (const aio::CancelledError& error) {
    log->add("body raised CancelledError " + python_args(error));
    throw;
  } catch (const aio::TimeoutError&) {
    log->add("body raised TimeoutError");
    throw;
  }
}

aio::Task<void> timeout_and_external_cancel(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  // The scope's timer first, then the external cancel, at the same instant.
  aio::Task<void> first = aio::create_task(scoped(log, 0.5));
  co_await aio::sleep(0);
  loop.call_later(0.5, [first]() mutable { first.cancel("external"); });
  co_await await_cancelled(log, first, "awaiter got");
  // The external cancel first, then the scope's timer.
  aio::Task<void> second = aio::create_task(scoped(log, 0.5));
  loop.call_later(0.5, [second]() mutable { second.cancel("external"); });
  co_await aio::sleep(0);
  co_await await_cancelled(log, second, "awaiter got");
}

// A timeout scope and an external cancel("external") in the same iteration: whichever comes
// first cancels the sleep and its message is the one raised; either way the outstanding external
// request makes the scope let CancelledError through instead of raising TimeoutError.
// async def scoped(delay):
//     try:
//         async with asyncio.timeout(delay):
//             await asyncio.sleep(10)
//     except BaseException as e:
//         print("body raised", type(e).__name__, e.args)
//         raise
// async def main():
//     loop = asyncio.get_running_loop()
//     t = asyncio.create_task(scoped(0.5))
//     await asyncio.sleep(0)
//     loop.call_later(0.5, t.cancel, "external")
//     try: await t
//     except asyncio.CancelledError as e: print("awaiter got", e.args)
//     t = asyncio.create_task(scoped(0.5))
//     loop.call_later(0.5, t.cancel, "external")
//     await asyncio.sleep(0)
//     try: await t
//     except asyncio.CancelledError as e: print("awaiter got", e.args)
// body raised CancelledError ()
// awaiter got ()
// body raised CancelledError ('external',)
// awaiter got ('external',)
TEST(CancellationMessages, ATimeoutAndAnExternalCancelInOneIterationInBothOrders) {
  Recorder log;
  aio::run(timeout_and_external_cancel(&log));
  EXPECT_EQ(log.events(),
            (Events{"body raised CancelledError ()", "awaiter got ()",
                    "body raised CancelledError ('external',)", "awaiter got ('external',)"}));
}

// ---- what a cancelled task hands out ---------------------------------------------------------

std::string result_args(const aio::Task<void>& task) {
  try {
    task.result();
    return "no error";
  } catch (const aio::CancelledError& error) {
    return python_args(error);
  }
}

std::string exception_args(const aio::Task<void>& task) {
  try {
    task.exception();
    return "no error";
  } catch (const aio::CancelledError& error) {
    return python_args(error);
  }
}

aio::Task<void> retrieve_repeatedly(Recorder* log) {
  aio::Task<void> task = aio::create_task(victim(log));
  co_await aio::sleep(0);
  task.cancel("first");
  co_await await_cancelled(log, task, "awaiter got");
  log->add("result " + result_args(task));
  log->add("result " + result_args(task));
  log->add("exception " + exception_args(task));
}

// The CancelledError that ended the task goes to the first retrieval; later ones get a new
// CancelledError without a message (CPython's _make_cancelled_error).
// async def main():
//     t = asyncio.create_task(victim()); await asyncio.sleep(0)
//     t.cancel("first")
//     try: await t
//     except asyncio.CancelledError as e: print("awaiter got", e.args)
//     for what in (t.result, t.result, t.exception):
//         try: what()
//         except asyncio.CancelledError as e: print(what.__name__, e.args)
// victim got ('first',)
// awaiter got ('first',)
// result ()
// result ()
// exception ()
TEST(CancellationMessages, ACancelledTaskHandsItsErrorOutOnce) {
  Recorder log;
  aio::run(retrieve_repeatedly(&log));
  EXPECT_EQ(log.events(), (Events{"victim got ('first',)", "awaiter got ('first',)", "result ()",
                                  "result ()", "exception ()"}));
}

aio::Task<int> cancel_myself() {
  aio::current_task()->cancel("self");
  co_return 1;
}

aio::Task<void> self_cancel_before_return(Recorder* log) {
  aio::Task<int> task = aio::create_task(cancel_myself());
  for (const char* what : {"await", "result"}) {
    try {
      if (std::string(what) == "await") {
        co_await task;
      } else {
        task.result();
      }
    } catch (const aio::CancelledError& error) {
      log->add(std::string(what) + " " + python_args(error));
    }
  }
}

// A task that cancels itself and then returns ends cancelled with no error saved: every
// retrieval gets the message (CPython: super().cancel(msg=self._cancel_message)).
// async def cancel_myself():
//     asyncio.current_task().cancel("self")
//     return 1
// async def main():
//     t = asyncio.create_task(cancel_myself())
//     try: await t
//     except asyncio.CancelledError as e: print("await", e.args)
//     try: t.result()
//     except asyncio.CancelledError as e: print("result", e.args)
// await ('self',)
// result ('self',)
TEST(CancellationMessages, ATaskThatCancelsItselfAndReturnsKeepsItsMessage) {
  Recorder log;
  aio::run(self_cancel_before_return(&log));
  EXPECT_EQ(log.events(), (Events{"await ('self',)", "result ('self',)"}));
}

aio::Task<void> no_message_and_empty_message(Recorder* log) {
  aio::Task<void> plain = aio::create_task(victim(log));
  co_await aio::sleep(0);
  plain.cancel();
  co_await await_cancelled(log, plain, "cancel()");
  aio::Task<void> empty = aio::create_task(victim(log));
  co_await aio::sleep(0);
  empty.cancel("");
  co_await await_cancelled(log, empty, "cancel('')");
}

// cancel() raises CancelledError() and cancel('') raises CancelledError('').
// async def main():
//     t = asyncio.create_task(victim()); await asyncio.sleep(0); t.cancel()
//     try: await t
//     except asyncio.CancelledError as e: print("cancel()", e.args)
//     t = asyncio.create_task(victim()); await asyncio.sleep(0); t.cancel("")
//     try: await t
//     except asyncio.CancelledError as e: print("cancel('')", e.args)
// victim got ()
// cancel() ()
// victim got ('',)
// cancel('') ('',)
TEST(CancellationMessages, NoMessageIsNotAnEmptyMessage) {
  Recorder log;
  aio::run(no_message_and_empty_message(&log));
  EXPECT_EQ(log.events(),
            (Events{"victim got ()", "cancel() ()", "victim got ('',)", "cancel('') ('',)"}));
  EXPECT_FALSE(aio::CancelledError().args().has_value());
  EXPECT_EQ(aio::CancelledError("").args(), std::optional<std::string>(""));
  EXPECT_EQ(aio::CancelledError().message(), "");  // str(CancelledError()) == ''
}

aio::Task<void> future_cancelled_with_message(Recorder* log) {
  aio::Future<void> future;
  future.cancel("fm");
  for (const char* round : {"0", "1"}) {
    try {
      future.result();
    } catch (const aio::CancelledError& error) {
      log->add(std::string("future result ") + round + " " + python_args(error));
    }
  }
  co_return;
}

// A future (not a task) gives its message on every retrieval.
// async def main():
//     f = asyncio.get_running_loop().create_future()
//     f.cancel("fm")
//     for i in range(2):
//         try: f.result()
//         except asyncio.CancelledError as e: print("future result", i, e.args)
// future result 0 ('fm',)
// future result 1 ('fm',)
TEST(CancellationMessages, ACancelledFutureGivesItsMessageEveryTime) {
  Recorder log;
  aio::run(future_cancelled_with_message(&log));
  EXPECT_EQ(log.events(), (Events{"future result 0 ('fm',)", "future result 1 ('fm',)"}));
}

// ---- gather ----------------------------------------------------------------------------------

aio::Task<void> gather_reports_cancelled_children(Recorder* log) {
  aio::Task<void> child = aio::create_task(victim(log));
  co_await aio::sleep(0);
  aio::Future<void> future;
  future.cancel("fm2");
  auto gathering = aio::gather(aio::return_exceptions, child, future);
  child.cancel("msg5");
  auto [from_task, from_future] = co_await gathering;
  log->add("task " + python_args(from_task.error()) + " future " +
           python_args(from_future.error()));
}

// gather(return_exceptions=True) reports a cancelled task as a new CancelledError('') whatever
// its message was, and a cancelled future with its message.
// async def main():
//     t = asyncio.create_task(victim()); await asyncio.sleep(0)
//     f = asyncio.get_running_loop().create_future(); f.cancel("fm2")
//     g = asyncio.gather(t, f, return_exceptions=True)
//     t.cancel("msg5")
//     r = await g
//     print("task", r[0].args, "future", r[1].args)
// victim got ('msg5',)
// task ('',) future ('fm2',)
TEST(CancellationMessages, GatherReturnExceptionsReportsACancelledTaskWithAnEmptyMessage) {
  Recorder log;
  aio::run(gather_reports_cancelled_children(&log));
  EXPECT_EQ(log.events(), (Events{"victim got ('msg5',)", "task ('',) future ('fm2',)"}));
}

aio::Task<void> gather_raises_the_childs_error(Recorder* log) {
  aio::Task<void> child = aio::create_task(victim(log));
  co_await aio::sleep(0);
  auto gathering = aio::gather(child);
  child.cancel("m1");
  try {
    co_await gathering;
  } catch (const aio::CancelledError& error) {
    log->add("gather raised " + python_args(error));
  }
  co_await await_cancelled(log, child, "then await child");
}

// Without return_exceptions, gather raises the child's own CancelledError, and the child has
// then handed it out.
// async def main():
//     c = asyncio.create_task(victim()); await asyncio.sleep(0)
//     g = asyncio.gather(c)
//     c.cancel("m1")
//     try: await g
//     except asyncio.CancelledError as e: print("gather raised", e.args)
//     try: await c
//     except asyncio.CancelledError as e: print("then await child", e.args)
// victim got ('m1',)
// gather raised ('m1',)
// then await child ()
TEST(CancellationMessages, GatherRaisesTheCancelledChildsOwnError) {
  Recorder log;
  aio::run(gather_raises_the_childs_error(&log));
  EXPECT_EQ(log.events(),
            (Events{"victim got ('m1',)", "gather raised ('m1',)", "then await child ()"}));
}

aio::Task<int> swallow(Recorder* log) {
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError& error) {
    log->add("swallow got " + python_args(error));
  }
  co_return 5;
}

aio::Task<void> gather_in(Recorder* log, bool swallowing) {
  try {
    if (swallowing) {
      co_await aio::gather(swallow(log));
    } else {
      co_await aio::gather(victim(log), victim(log));
    }
  } catch (const aio::CancelledError& error) {
    log->add("awaiter of gather got " + python_args(error));
    throw;
  }
}

aio::Task<void> cancel_gathers_awaiter(Recorder* log) {
  for (bool swallowing : {false, true}) {
    aio::Task<void> outer = aio::create_task(gather_in(log, swallowing));
    co_await aio::sleep(0);
    co_await aio::sleep(0);
    outer.cancel("stop");
    co_await await_cancelled(log, outer, "outer");
  }
}

// Cancelling the awaiter of a gather cancels the children with its message. The awaiter gets
// the last child's CancelledError; when the children swallowed theirs, a new one without a
// message.
// async def gather_in(swallowing):
//     try:
//         if swallowing: await asyncio.gather(swallow())
//         else: await asyncio.gather(victim(), victim())
//     except asyncio.CancelledError as e:
//         print("awaiter of gather got", e.args); raise
// async def main():
//     for swallowing in (False, True):
//         o = asyncio.create_task(gather_in(swallowing))
//         await asyncio.sleep(0); await asyncio.sleep(0)
//         o.cancel("stop")
//         try: await o
//         except asyncio.CancelledError as e: print("outer", e.args)
// victim got ('stop',)
// victim got ('stop',)
// awaiter of gather got ('stop',)
// outer ('stop',)
// swallow got ('stop',)
// awaiter of gather got ()
// outer ()
TEST(CancellationMessages, ACancelledGathersAwaiterGetsTheLastChildsError) {
  Recorder log;
  aio::run(cancel_gathers_awaiter(&log));
  EXPECT_EQ(
      log.events(),
      (Events{"victim got ('stop',)", "victim got ('stop',)", "awaiter of gather got ('stop',)",
              "outer ('stop',)", "swallow got ('stop',)", "awaiter of gather got ()", "outer ()"}));
}

// ---- the cause of a TimeoutError -------------------------------------------------------------

std::string cause_text(const aio::TimeoutError& error) {
  std::exception_ptr cause = aio::cause_of(error);
  if (!cause) return "None";
  return "CancelledError" + python_args(cause);
}

aio::Task<void> timeout_causes(Recorder* log) {
  try {
    co_await aio::wait_for(aio::sleep(10), 0.01);
  } catch (const aio::TimeoutError& error) {
    log->add("wait_for " + cause_text(error));
  }
  try {
    co_await aio::wait_for(aio::sleep(10), 0);
  } catch (const aio::TimeoutError& error) {
    log->add("wait_for 0 " + cause_text(error));
  }
  aio::Timeout scope = aio::timeout(0.01);
  try {
    co_await aio::sleep(10);
    scope.exit();
  } catch (...) {
    try {
      scope.exit(std::current_exception());
    } catch (const aio::TimeoutError& error) {
      log->add("timeout " + cause_text(error));
    }
  }
  try {
    throw aio::TimeoutError();
  } catch (const aio::TimeoutError& error) {
    log->add("raised alone " + cause_text(error));
  }
}

// wait_for and a timeout scope raise TimeoutError from the CancelledError that stopped the work.
// async def main():
//     try: await asyncio.wait_for(asyncio.sleep(10), 0.01)
//     except TimeoutError as e: print("wait_for", repr(e.__cause__))
//     try: await asyncio.wait_for(asyncio.sleep(10), 0)
//     except TimeoutError as e: print("wait_for 0", repr(e.__cause__))
//     try:
//         async with asyncio.timeout(0.01):
//             await asyncio.sleep(10)
//     except TimeoutError as e: print("timeout", repr(e.__cause__))
//     try: raise TimeoutError()
//     except TimeoutError as e: print("raised alone", repr(e.__cause__))
// wait_for CancelledError()
// wait_for 0 CancelledError()
// timeout CancelledError()
// raised alone None
TEST(CancellationMessages, TimeoutErrorHasTheCancelledErrorAsItsCause) {
  Recorder log;
  aio::run(timeout_causes(&log));
  EXPECT_EQ(log.events(), (Events{"wait_for CancelledError()", "wait_for 0 CancelledError()",
                                  "timeout CancelledError()", "raised alone None"}));
}

// ---- TaskGroup --------------------------------------------------------------------------------

aio::Task<void> group_child(Recorder* log) {
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError& error) {
    log->add("child got " + python_args(error));
    throw;
  }
}

aio::Task<void> group_fails(Recorder* log) {
  co_await aio::sleep(0.1);
  log->add("bad raises");
  throw std::invalid_argument("boom");
}

aio::Task<void> group_aborts(Recorder* log) {
  aio::TaskGroup group;
  std::exception_ptr error;
  try {
    group.create_task(group_child(log));
    group.create_task(group_fails(log));
    try {
      co_await aio::sleep(10);
    } catch (const aio::CancelledError& cancelled) {
      log->add("body got " + python_args(cancelled));
      throw;
    }
  } catch (...) {
    error = std::current_exception();
  }
  try {
    co_await group.join(error);
  } catch (const aio::ExceptionGroup&) {
    log->add("ValueError");
  }
}

// A TaskGroup that aborts cancels its children and its body with no message (`t.cancel()`).
// async def child():
//     try: await asyncio.sleep(10)
//     except asyncio.CancelledError as e: print("child got", e.args); raise
// async def bad():
//     await asyncio.sleep(0.1); print("bad raises"); raise ValueError("boom")
// async def main():
//     try:
//         async with asyncio.TaskGroup() as tg:
//             tg.create_task(child()); tg.create_task(bad())
//             try: await asyncio.sleep(10)
//             except asyncio.CancelledError as e: print("body got", e.args); raise
//     except* ValueError:
//         print("ValueError")
// bad raises
// child got ()
// body got ()
// ValueError
TEST(CancellationMessages, ATaskGroupCancelsWithNoMessage) {
  Recorder log;
  aio::run(group_aborts(&log));
  EXPECT_EQ(log.events(), (Events{"bad raises", "child got ()", "body got ()", "ValueError"}));
}

}  // namespace
