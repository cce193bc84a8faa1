// aio::run and EventLoop::run_until_complete: the result or the exception of main, what
// happens to the tasks main leaves behind, and running inside a running loop.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

aio::Task<int> answer() {
  co_await aio::sleep(0.1);
  co_return 42;
}

aio::Task<int> fail() {
  co_await aio::sleep(0);
  throw std::runtime_error("boom");
}

// async def answer(): await asyncio.sleep(0.1); return 42
// async def fail(): await asyncio.sleep(0); raise ValueError("boom")
// print(asyncio.run(answer()))
// try: asyncio.run(fail())
// except ValueError as e: print("ValueError:", e)
// print(asyncio.run(answer()))             # 42 / ValueError: boom / 42
TEST(Run, ReturnsTheResultOrRethrowsAndCanBeCalledAgain) {
  EXPECT_EQ(aio::run(answer()), 42);
  try {
    aio::run(fail());
    ADD_FAILURE() << "aio::run(fail()) returned";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "boom");
  }
  EXPECT_EQ(aio::run(answer()), 42);
  EXPECT_EQ(aio::running_loop(), nullptr);
}

aio::Task<void> cancel_main() {
  aio::current_task()->cancel("");
  co_await aio::sleep(0);
}

// async def main():
//     asyncio.current_task().cancel(); await asyncio.sleep(0)
// try: asyncio.run(main())
// except asyncio.CancelledError: print("CancelledError")
TEST(Run, RethrowsCancelledErrorWhenMainIsCancelled) {
  EXPECT_THROW(aio::run(cancel_main()), aio::CancelledError);
}

aio::Task<void> background(Recorder* log, std::string name, double cleanup_delay) {
  std::exception_ptr cancelled;
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError&) {
    cancelled = std::current_exception();
  }
  if (!cancelled) co_return;
  // C++ cannot co_await inside a catch block, so the cleanup comes after it. It may await:
  // aio::run keeps the loop running until the cleanup is over.
  co_await aio::sleep(cleanup_delay);
  log->add(name + " cleanup finished");
  if (cancelled) std::rethrow_exception(cancelled);
}

aio::Task<int> leave_tasks_behind(Recorder* log) {
  aio::Task<void> a = aio::create_task(background(log, "a", 0.2));
  aio::Task<void> b = aio::create_task(background(log, "b", 0.1));
  co_await aio::sleep(0);
  log->add("main returns");
  co_return 42;
}

// async def background(name, cleanup_delay):
//     try: await asyncio.sleep(10)
//     except asyncio.CancelledError:
//         await asyncio.sleep(cleanup_delay); print(name, "cleanup finished"); raise
// async def main():
//     asyncio.create_task(background("a", 0.2)); asyncio.create_task(background("b", 0.1))
//     await asyncio.sleep(0); print("main returns"); return 42
// print("run returned", asyncio.run(main()))
// prints: main returns / b cleanup finished / a cleanup finished / run returned 42
// (CPython cancels the leftover tasks in the order of a set, which is unspecified; the
// runtime cancels them in creation order. The program above does not depend on it.)
TEST(Run, CancelsLeftoverTasksAndWaitsForTheirCleanup) {
  Recorder log;
  const double t0 = aio::perf_counter();
  const int result = aio::run(leave_tasks_behind(&log));
  log.add("run returned " + std::to_string(result));
  EXPECT_EQ(log.events(), (Events{"main returns", "b cleanup finished", "a cleanup finished",
                                  "run returned 42"}));
  EXPECT_NEAR(aio::perf_counter() - t0, 0.2, 1e-9) << "the ten-second sleeps were cancelled";
}

aio::Task<void> bad_cleanup() {
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError&) {
    throw std::runtime_error("cleanup failed");
  }
}

aio::Task<void> leave_bad_cleanup() {
  aio::Task<void> leftover = aio::create_task(bad_cleanup());
  co_await aio::sleep(0);
}

// async def bad_cleanup():
//     try: await asyncio.sleep(10)
//     except asyncio.CancelledError: raise ValueError("cleanup failed")
// async def main():
//     asyncio.create_task(bad_cleanup()); await asyncio.sleep(0)
// asyncio.run(main())      # stderr: unhandled exception during asyncio.run() shutdown ...
TEST(Run, LeftoverTaskFailingDuringShutdownIsReported) {
  aio::detail::reset_task_counter();
  const std::string errors = aio_test::capture_stderr([] { aio::run(leave_bad_cleanup()); });
  EXPECT_EQ(errors,
            "unhandled exception during aio::run() shutdown: <Task 'Task-2' coro=bad_cleanup()>: "
            "std::runtime_error: cleanup failed\n");
}

aio::Task<int> inner() {
  co_return 1;
}

aio::Task<void> nested_run(Recorder* log) {
  try {
    aio::run(inner());
  } catch (const aio::RuntimeError& error) {
    log->add(error.what());
  }
  co_return;
}

// async def inner(): return 1
// async def main():
//     try: asyncio.run(inner())
//     except RuntimeError as e: print(e)
// asyncio.run(main())
// try: asyncio.get_running_loop()
// except RuntimeError as e: print(e)
// prints: asyncio.run() cannot be called from a running event loop / no running event loop
// stderr: RuntimeWarning: coroutine 'inner' was never awaited
TEST(Run, RunInsideARunningLoopIsAnError) {
  Recorder log;
  const std::string errors = aio_test::capture_stderr([&] { aio::run(nested_run(&log)); });
  try {
    aio::get_running_loop();
  } catch (const aio::RuntimeError& error) {
    log.add(error.what());
  }
  EXPECT_EQ(log.events(), (Events{"aio::run() cannot be called from a running event loop",
                                  "no running event loop"}));
  EXPECT_EQ(errors, "RuntimeWarning: coroutine 'inner' was never awaited\n");
}

aio::Task<void> stop_the_loop(Recorder* log) {
  aio::get_running_loop().stop();
  try {
    co_await aio::sleep(1);
  } catch (const aio::CancelledError&) {
    log->add("main cancelled at shutdown");
    throw;
  }
}

// async def main():
//     asyncio.get_running_loop().stop()
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: print("main cancelled at shutdown"); raise
// try: asyncio.run(main())
// except RuntimeError as e: print(e)
// prints: main cancelled at shutdown / Event loop stopped before Future completed.
TEST(Run, StoppingTheLoopBeforeMainFinishesIsAnError) {
  Recorder log;
  try {
    aio::run(stop_the_loop(&log));
  } catch (const aio::RuntimeError& error) {
    log.add(error.what());
  }
  EXPECT_EQ(log.events(),
            (Events{"main cancelled at shutdown", "Event loop stopped before Future completed."}));
}

aio::Task<void> forever() {
  co_await aio::sleep(10);
}

aio::Task<int> leave_one_pending() {
  aio::Task<void> pending = aio::create_task(forever());
  co_await aio::sleep(0);
  co_return 7;
}

// async def forever(): await asyncio.sleep(10)
// async def main():
//     asyncio.create_task(forever()); await asyncio.sleep(0); return 7
// loop = asyncio.new_event_loop(); print(loop.run_until_complete(main())); loop.close()
// prints 7; the leftover task is not cancelled, and CPython reports "Task was destroyed but it
// is pending!" when it is garbage collected. The runtime reports it when the loop closes.
TEST(Run, RunUntilCompleteLeavesOtherTasksPending) {
  aio::detail::reset_task_counter();
  aio::EventLoop loop;
  EXPECT_EQ(loop.run_until_complete(leave_one_pending()), 7);
  EXPECT_FALSE(loop.is_running());
  const std::string errors = aio_test::capture_stderr([&] { loop.close(); });
  EXPECT_EQ(errors, "Task was destroyed but it is pending: <Task 'Task-2' coro=forever()>\n");
}

// A local whose destructor throws: only a type that says noexcept(false) can.
struct CleanupThatRaises {
  ~CleanupThatRaises() noexcept(false) { throw aio::RuntimeError("boom"); }
};
aio::Task<void> cleanup_raises([[maybe_unused]] aio_test::CountsDestruction frame_freed) {
  CleanupThatRaises cleanup;
  co_await aio::sleep(10);
}

aio::Task<void> start_cleanup_raises(int* frames_freed) {
  aio::Task<void> worker =
      aio::create_task(cleanup_raises(aio_test::CountsDestruction(frames_freed)));
  co_await aio::sleep(0);
}

// async def worker():
//     try: await asyncio.sleep(10)
//     finally: raise RuntimeError("boom")
// async def main(): asyncio.create_task(worker()); await asyncio.sleep(0)
// loop = asyncio.new_event_loop(); loop.run_until_complete(main()); loop.close()
// stderr: Exception ignored in: <coroutine object worker at 0x7fb55c139220>
//         Traceback (most recent call last): ... RuntimeError: boom
//         Task was destroyed but it is pending! ...
// The error is reported and the frame is freed all the same (it leaked before: GCC stops such a
// frame at its final suspend point instead of freeing it).
TEST(Run, ADestructorThatThrowsAsTheLoopClosesIsReportedAndTheFrameFreed) {
  aio::detail::reset_task_counter();
  int frames_freed = 0;
  aio::EventLoop loop;
  loop.run_until_complete(start_cleanup_raises(&frames_freed));
  const std::string errors = aio_test::capture_stderr([&] { loop.close(); });
  EXPECT_EQ(errors,
            "Task was destroyed but it is pending: <Task 'Task-2' coro=cleanup_raises()>\n"
            "Exception ignored in: <coroutine object cleanup_raises>\n"
            "aio::RuntimeError: boom\n");
  EXPECT_EQ(frames_freed, 1);
}

aio::Task<std::string> own_name() {
  co_return aio::current_task()->get_name();
}

// async def own_name(): return asyncio.current_task().get_name()
// print(asyncio.run(own_name()), asyncio.run(own_name()))    # Task-1 Task-4
// (asyncio.run's shutdown runs two more tasks, which take Task-2 and Task-3.)
TEST(Run, TaskNumbersAdvanceAsCPythonsShutdownTasksDo) {
  aio::detail::reset_task_counter();
  EXPECT_EQ(aio::run(own_name()), "Task-1");
  EXPECT_EQ(aio::run(own_name()), "Task-4");
}

// ---- shutdown errors and misuse ----------------------------------------------------------

aio::Task<void> stop_when_cancelled() {
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError&) {
    aio::get_running_loop().stop();
    throw;
  }
}

aio::Task<std::string> leave_a_stopper() {
  aio::Task<void> stopper = aio::create_task(stop_when_cancelled());
  co_await aio::sleep(0);
  co_return "main done";
}

// An error while aio::run shuts down (a leftover task stops the loop while it is cancelled)
// propagates from aio::run; it once escaped a destructor and terminated the program.
// async def stopper():
//     try: await asyncio.sleep(10)
//     except asyncio.CancelledError:
//         asyncio.get_running_loop().stop(); raise
// async def main():
//     asyncio.create_task(stopper()); await asyncio.sleep(0)
//     return "main done"
// try: print(asyncio.run(main()))
// except RuntimeError as e: print("RuntimeError", e)
// RuntimeError Event loop stopped before Future completed.
TEST(Run, AnErrorDuringShutdownPropagatesInsteadOfTerminating) {
  std::string outcome;
  const std::string errors = aio_test::capture_stderr([&] {
    try {
      outcome = aio::run(leave_a_stopper());
    } catch (const aio::RuntimeError& error) {
      outcome = std::string("RuntimeError ") + error.what();
    }
  });
  EXPECT_EQ(outcome, "RuntimeError Event loop stopped before Future completed.");
  EXPECT_EQ(aio::run(answer()), 42);  // and the next run works
}

aio::Task<int> one() {
  co_return 1;
}

// A task runs only on its own loop.
// loop_a = asyncio.new_event_loop(); loop_b = asyncio.new_event_loop()
// async def work(): return 1
// t = loop_a.create_task(work())
// try: loop_b.run_until_complete(t)
// except ValueError as e: print("ValueError", e)
// print(loop_a.run_until_complete(t))
// ValueError The future belongs to a different loop than the one specified as the loop argument
// 1
TEST(Run, RunUntilCompleteRefusesATaskOfAnotherLoop) {
  aio::EventLoop loop_a;
  aio::EventLoop loop_b;
  aio::Task<int> task = loop_a.run_until_complete([]() -> aio::Task<aio::Task<int>> {
    co_return aio::create_task(one());
  }());
  try {
    loop_b.run_until_complete(task);
    ADD_FAILURE() << "no ValueError";
  } catch (const aio::ValueError& error) {
    EXPECT_STREQ(error.what(),
                 "The future belongs to a different loop than the one specified as the loop "
                 "argument");
  }
  EXPECT_EQ(loop_a.run_until_complete(task), 1);
}

aio::Task<void> sleep_long() {
  co_await aio::sleep(10);
}

aio::Task<void> group_body() {
  aio::TaskGroup group;
  group.create_task(sleep_long());
  co_await group.join();
}

// Closing a loop while a task waits in a TaskGroup's join() reports the pending tasks and goes
// on; it once aborted the program.
// async def child(): await asyncio.sleep(10)
// async def body():
//     async with asyncio.TaskGroup() as tg:
//         tg.create_task(child())
// loop = asyncio.new_event_loop()
// t = loop.create_task(body())
// loop.run_until_complete(asyncio.sleep(0.1))
// loop.close(); del t; gc.collect()
// print("went on")
// stderr: Task was destroyed but it is pending! (twice: body's task and child's)
// went on
TEST(Run, ClosingALoopWhileATaskGroupJoinsGoesOn) {
  aio::detail::reset_task_counter();
  const std::string errors = aio_test::capture_stderr([] {
    aio::EventLoop loop;
    loop.run_until_complete([]() -> aio::Task<void> {
      aio::Task<void> body = aio::create_task(group_body());
      co_await aio::sleep(0.1);
    }());
    loop.close();
  });
  EXPECT_NE(errors.find("Task was destroyed but it is pending: <Task 'Task-2' coro=group_body()>"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("coro=sleep_long()"), std::string::npos) << errors;
}

// A closed loop runs nothing; the coroutine is not made a task (which the loop would then hold
// for ever, its frame leaked), so it is reported as never awaited.
// async def work(): return 1
// loop = asyncio.new_event_loop(); loop.close()
// try: loop.run_until_complete(work())
// except RuntimeError as e: print("RuntimeError", e)
// RuntimeError Event loop is closed
// stderr: RuntimeWarning: coroutine 'work' was never awaited
TEST(Run, RunUntilCompleteOnAClosedLoopRaisesAndLeaksNothing) {
  std::string outcome;
  const std::string errors = aio_test::capture_stderr([&] {
    aio::EventLoop loop;
    loop.close();
    try {
      loop.run_until_complete(one());
    } catch (const aio::RuntimeError& error) {
      outcome = std::string("RuntimeError ") + error.what();
    }
  });
  EXPECT_EQ(outcome, "RuntimeError Event loop is closed");
  EXPECT_EQ(errors, "RuntimeWarning: coroutine 'one' was never awaited\n");
}

}  // namespace
