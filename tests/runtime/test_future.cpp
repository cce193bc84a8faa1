// aio::Future: its states, the errors its accessors raise, and its done callbacks, which are
// never called inline but scheduled in registration order.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "aio/aio.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

/// What `str(exc)` is for the exception `call` raises; fails the test when it raises nothing.
template <class Error, class Call>
std::string message_of(Call call) {
  try {
    call();
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected an exception";
  return {};
}

void run_until_idle(aio::EventLoop& loop) {
  loop.call_soon([&] { loop.stop(); });
  loop.run_forever();
}

// loop = asyncio.new_event_loop(); fut = loop.create_future()
// fut.add_done_callback(lambda f: print("first", f.result()))
// fut.add_done_callback(lambda f: print("second"))
// loop.call_soon(print, "queued before set_result")
// fut.set_result(7); print("set_result returned")
// fut.add_done_callback(lambda f: print("added after completion"))
// loop.call_soon(loop.stop); loop.run_forever()
// prints: set_result returned / queued before set_result / first 7 / second /
//         added after completion
TEST(Future, DoneCallbacksAreScheduledInRegistrationOrderNeverInline) {
  Recorder log;
  aio::EventLoop loop;
  aio::Future<int> fut(loop);
  fut.add_done_callback(
      [&](aio::Future<int>& done) { log.add("first " + std::to_string(done.result())); });
  fut.add_done_callback([&] { log.add("second"); });
  loop.call_soon(log.note("queued before set_result"));
  fut.set_result(7);
  log.add("set_result returned");
  fut.add_done_callback([&] { log.add("added after completion"); });
  run_until_idle(loop);
  EXPECT_EQ(log.events(), (Events{"set_result returned", "queued before set_result", "first 7",
                                  "second", "added after completion"}));
}

// loop = asyncio.new_event_loop(); fut = loop.create_future()
// def a(f): print("a")
// def b(f): print("b")
// fut.add_done_callback(a); fut.add_done_callback(b)
// print(fut.remove_done_callback(a), fut.remove_done_callback(a))
// fut.set_result(None); loop.call_soon(loop.stop); loop.run_forever()    # 1 0 / b
TEST(Future, RemovedDoneCallbackDoesNotRun) {
  Recorder log;
  aio::EventLoop loop;
  aio::Future<void> fut(loop);
  aio::CallbackId a = fut.add_done_callback(log.note("a"));
  fut.add_done_callback(log.note("b"));
  const int first = fut.remove_done_callback(a);
  const int second = fut.remove_done_callback(a);
  log.add(std::to_string(first) + " " + std::to_string(second));
  fut.set_result();
  run_until_idle(loop);
  EXPECT_EQ(log.events(), (Events{"1 0", "b"}));
}

// loop = asyncio.new_event_loop(); fut = loop.create_future()
// def a(f): print("a")
// def c(f): print("c")
// fut.add_done_callback(a); print(fut.remove_done_callback(a))
// fut.add_done_callback(c); print(fut.remove_done_callback(a))
// fut.set_result(None); loop.call_soon(loop.stop); loop.run_forever()    # 1 / 0 / c
// The id of a removed callback must not match the callback added after it, even when that
// one is allocated where the first one was.
TEST(Future, RemovingAgainWithAStaleIdRemovesNothing) {
  Recorder log;
  aio::EventLoop loop;
  aio::Future<void> fut(loop);
  aio::CallbackId a = fut.add_done_callback(log.note("a"));
  log.add(std::to_string(fut.remove_done_callback(a)));
  fut.add_done_callback(log.note("c"));
  log.add(std::to_string(fut.remove_done_callback(a)));
  fut.set_result();
  run_until_idle(loop);
  EXPECT_EQ(log.events(), (Events{"1", "0", "c"}));
}

// A plain function passed to remove_done_callback removes every registration of it.
// loop = asyncio.new_event_loop(); fut = loop.create_future()
// def note(f): print("note", f.result())
// def other(f): print("other", f.result())
// fut.add_done_callback(note); fut.add_done_callback(other); fut.add_done_callback(note)
// print("removed", fut.remove_done_callback(note))
// print("removed again", fut.remove_done_callback(note))
// fut.set_result("x"); loop.call_soon(loop.stop); loop.run_forever()
// removed 2
// removed again 0
// other x
std::vector<std::string> function_log;
void note(aio::Future<std::string>& fut) {
  function_log.push_back("note " + fut.result());
}
void other(aio::Future<std::string>& fut) {
  function_log.push_back("other " + fut.result());
}

TEST(Future, RemovingAFunctionRemovesEveryRegistrationOfIt) {
  function_log.clear();
  aio::EventLoop loop;
  aio::Future<std::string> fut(loop);
  fut.add_done_callback(note);
  fut.add_done_callback(other);
  fut.add_done_callback(note);
  function_log.push_back("removed " + std::to_string(fut.remove_done_callback(note)));
  function_log.push_back("removed again " + std::to_string(fut.remove_done_callback(note)));
  fut.set_result("x");
  run_until_idle(loop);
  EXPECT_EQ(function_log, (Events{"removed 2", "removed again 0", "other x"}));
}

// loop = asyncio.new_event_loop(); fut = loop.create_future()
// def bad(f): raise ValueError("boom")
// fut.add_done_callback(bad); fut.add_done_callback(lambda f: print("next callback"))
// fut.set_result(None); loop.call_soon(loop.stop); loop.run_forever()
// prints: next callback; stderr: Exception in callback bad(<Future finished result=None>) ...
TEST(Future, ExceptionInADoneCallbackIsReportedAndTheNextOneRuns) {
  Recorder log;
  aio::EventLoop loop;
  aio::Future<void> fut(loop);
  fut.add_done_callback([] { throw std::runtime_error("boom"); });
  fut.add_done_callback(log.note("next callback"));
  fut.set_result();
  const std::string errors = aio_test::capture_stderr([&] { run_until_idle(loop); });
  EXPECT_EQ(log.events(), (Events{"next callback"}));
  EXPECT_NE(errors.find("Exception in callback"), std::string::npos) << errors;
}

// loop = asyncio.new_event_loop(); fut = loop.create_future()
// for f in (fut.result, fut.exception):
//     try: f()
//     except asyncio.InvalidStateError as e: print(e)
// prints: Result is not set. / Exception is not set.
TEST(Future, ResultOfAPendingFutureIsInvalidState) {
  aio::EventLoop loop;
  aio::Future<int> fut(loop);
  EXPECT_FALSE(fut.done());
  EXPECT_EQ(message_of<aio::InvalidStateError>([&] { fut.result(); }), "Result is not set.");
  EXPECT_EQ(message_of<aio::InvalidStateError>([&] { fut.exception(); }), "Exception is not set.");
}

// loop = asyncio.new_event_loop(); fut = loop.create_future()
// print(fut.cancel("why"), fut.cancel(), fut.cancelled(), fut.done())   # True False True True
// for f in (fut.result, fut.exception):
//     try: f()
//     except asyncio.CancelledError as e: print(e)                      # why / why
// try: fut.set_result(1)
// except asyncio.InvalidStateError: print("InvalidStateError")
TEST(Future, CancelledFutureRaisesCancelledErrorWithItsMessage) {
  aio::EventLoop loop;
  aio::Future<int> fut(loop);
  EXPECT_TRUE(fut.cancel("why"));
  EXPECT_FALSE(fut.cancel());
  EXPECT_TRUE(fut.cancelled());
  EXPECT_TRUE(fut.done());
  EXPECT_EQ(message_of<aio::CancelledError>([&] { fut.result(); }), "why");
  EXPECT_EQ(message_of<aio::CancelledError>([&] { fut.exception(); }), "why");
  EXPECT_THROW(fut.set_result(1), aio::InvalidStateError);
  EXPECT_THROW(fut.set_exception(std::runtime_error("late")), aio::InvalidStateError);
}

// loop = asyncio.new_event_loop()
// bad = loop.create_future(); bad.set_exception(ValueError("boom"))
// print(repr(bad.exception()), bad.cancel())                 # ValueError('boom') False
// try: bad.result()
// except ValueError as e: print("ValueError:", e)           # ValueError: boom
TEST(Future, FailedFutureKeepsItsException) {
  aio::EventLoop loop;
  aio::Future<int> bad(loop);
  bad.set_exception(std::runtime_error("boom"));
  EXPECT_TRUE(bad.done());
  EXPECT_FALSE(bad.cancelled());
  EXPECT_EQ(aio::describe_error(bad.exception()), "std::runtime_error: boom");
  EXPECT_FALSE(bad.cancel());
  EXPECT_EQ(message_of<std::runtime_error>([&] { bad.result(); }), "boom");
  EXPECT_THROW(bad.set_result(2), aio::InvalidStateError);
}

TEST(Future, SetResultTwiceIsInvalidState) {
  aio::EventLoop loop;
  aio::Future<std::string> fut(loop);
  fut.set_result("first");
  EXPECT_THROW(fut.set_result("second"), aio::InvalidStateError);
  EXPECT_EQ(fut.result(), "first");
  EXPECT_EQ(fut.exception(), nullptr);
}

TEST(Future, CopiesShareOneState) {
  aio::EventLoop loop;
  aio::Future<int> original(loop);
  aio::Future<int> copy = original;
  copy.set_result(3);
  EXPECT_TRUE(original.done());
  EXPECT_EQ(original.result(), 3);
}

aio::Task<void> await_later(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  aio::Future<std::string> fut;
  loop.call_later(0.1, [fut]() mutable { fut.set_result("value"); });
  loop.call_later(0.1, log->note("timer after set_result"));
  log->add("awaiting");
  std::string value = co_await fut;
  log->add("got " + value);
}

// async def main():
//     loop = asyncio.get_running_loop(); fut = loop.create_future()
//     loop.call_later(0.1, fut.set_result, "value")
//     loop.call_later(0.1, print, "timer after set_result")
//     print("awaiting"); print("got", await fut)
// asyncio.run(main())                      # awaiting / timer after set_result / got value
TEST(Future, AwaitingResumesTheTaskOneIterationAfterTheResult) {
  Recorder log;
  aio::run(await_later(&log));
  EXPECT_EQ(log.events(), (Events{"awaiting", "timer after set_result", "got value"}));
}

aio::Task<void> await_done(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  aio::Future<int> fut;
  fut.set_result(1);
  loop.call_soon(log->note("callback"));
  const int value = co_await fut;
  log->add("awaited " + std::to_string(value));
  co_await aio::sleep(0);
}

// async def main():
//     loop = asyncio.get_running_loop(); fut = loop.create_future(); fut.set_result(1)
//     loop.call_soon(print, "callback")
//     print("awaited", await fut); await asyncio.sleep(0)
// asyncio.run(main())                      # awaited 1 / callback
TEST(Future, AwaitingADoneFutureDoesNotSuspend) {
  Recorder log;
  aio::run(await_done(&log));
  EXPECT_EQ(log.events(), (Events{"awaited 1", "callback"}));
}

aio::Task<void> await_failures(Recorder* log) {
  aio::EventLoop& loop = aio::get_running_loop();
  aio::Future<int> fut;
  loop.call_later(0.1, [fut]() mutable { fut.set_exception(std::runtime_error("boom")); });
  try {
    co_await fut;
  } catch (const std::runtime_error& error) {
    log->add(std::string("raised ") + error.what());
  }
  aio::Future<void> fut2;
  loop.call_later(0.1, [fut2]() mutable { fut2.cancel("why"); });
  try {
    co_await fut2;
  } catch (const aio::CancelledError& error) {
    log->add("cancelled " + error.message());
  }
}

// async def main():
//     loop = asyncio.get_running_loop(); fut = loop.create_future()
//     loop.call_later(0.1, fut.set_exception, ValueError("boom"))
//     try: await fut
//     except ValueError as e: print("raised", e)
//     fut2 = loop.create_future(); loop.call_later(0.1, fut2.cancel, "why")
//     try: await fut2
//     except asyncio.CancelledError as e: print("cancelled", e)
// asyncio.run(main())                      # raised boom / cancelled why
TEST(Future, AwaitingRaisesTheFuturesExceptionOrCancellation) {
  Recorder log;
  aio::run(await_failures(&log));
  EXPECT_EQ(log.events(), (Events{"raised boom", "cancelled why"}));
}

// import gc; loop = asyncio.new_event_loop()
// fut = loop.create_future(); fut.set_exception(ValueError("boom")); del fut; gc.collect()
// seen = loop.create_future(); seen.set_exception(ValueError("seen")); seen.exception()
// del seen; gc.collect()
// stderr: "Future exception was never retrieved ... ValueError: boom", and nothing for `seen`
TEST(Future, UnretrievedExceptionIsReportedWhenTheFutureIsFreed) {
  aio::EventLoop loop;
  const std::string unseen = aio_test::capture_stderr([&] {
    aio::Future<int> fut(loop);
    fut.set_exception(std::runtime_error("boom"));
  });
  EXPECT_EQ(unseen, "Future exception was never retrieved: std::runtime_error: boom\n");
  const std::string seen = aio_test::capture_stderr([&] {
    aio::Future<int> fut(loop);
    fut.set_exception(std::runtime_error("seen"));
    EXPECT_NE(fut.exception(), nullptr);
  });
  EXPECT_EQ(seen, "");
}

aio::Task<void> drop_futures_with_callbacks(Recorder* log, int* callbacks_freed) {
  aio::EventLoop& loop = aio::get_running_loop();
  {
    aio::Future<int> f(loop);
    f.add_done_callback([counted = aio_test::CountsDestruction(callbacks_freed)] {});
  }
  log->add("freed: " + std::string(*callbacks_freed == 1 ? "True" : "False"));
  {
    aio::Future<int> g(loop);
    g.add_done_callback([log](aio::Future<int>& done) {
      log->add(fmt::format("callback sees {}", done.result()));
    });
    g.set_result(5);
  }
  {
    aio::Future<int> h(loop);
    h.set_result(6);
    h.add_done_callback([log](aio::Future<int>& done) {
      log->add(fmt::format("callback sees {}", done.result()));
    });
  }
  co_await aio::sleep(0);
  log->add("after sleep(0)");
}

// A future dropped while pending is freed with its callbacks (no cycle through the callback),
// and one dropped after it scheduled them lives until they ran:
//
// import gc, weakref
// async def main():
//     loop = asyncio.get_running_loop()
//     f = loop.create_future(); f.add_done_callback(lambda f: None)
//     r = weakref.ref(f); del f; gc.collect(); print("freed:", r() is None)
//     g = loop.create_future()
//     g.add_done_callback(lambda g: print("callback sees", g.result()))
//     g.set_result(5); del g
//     h = loop.create_future(); h.set_result(6)
//     h.add_done_callback(lambda h: print("callback sees", h.result())); del h
//     await asyncio.sleep(0); print("after sleep(0)")
// asyncio.run(main())
//
// freed: True / callback sees 5 / callback sees 6 / after sleep(0)
TEST(Future, ADroppedFutureIsFreedWithItsCallbacksOnceTheyCannotRunOrHaveRun) {
  Recorder log;
  int callbacks_freed = 0;
  aio::run(drop_futures_with_callbacks(&log, &callbacks_freed));
  EXPECT_EQ(log.events(),
            (Events{"freed: True", "callback sees 5", "callback sees 6", "after sleep(0)"}));
}

// Python's Future schedules its callbacks with loop.call_soon, which raises on a closed loop;
// the future is done all the same:
//
// loop = asyncio.new_event_loop()
// f = loop.create_future(); f.add_done_callback(lambda f: None); loop.close()
// try: f.set_result(1)
// except RuntimeError as e: print("RuntimeError:", e, f.done())
// g = loop.create_future(); g.set_result(2); print("no callbacks:", g.result())
//
// RuntimeError: Event loop is closed True
// no callbacks: 2
//
// A C++ loop can also be gone, which Python's cannot while a future refers to it: the future
// then behaves as one of a closed loop (it used to write to the freed loop).
TEST(Future, FinishingAFutureWithCallbacksAfterItsLoopClosedOrWentRaises) {
  std::optional<aio::Future<int>> outlives_its_loop;
  {
    aio::EventLoop loop;
    aio::Future<int> f(loop);
    f.add_done_callback([] {});
    loop.close();
    try {
      f.set_result(1);
      ADD_FAILURE() << "no RuntimeError";
    } catch (const aio::RuntimeError& error) {
      EXPECT_STREQ(error.what(), "Event loop is closed");
    }
    EXPECT_TRUE(f.done());
    aio::Future<int> g(loop);
    g.set_result(2);
    EXPECT_EQ(g.result(), 2);

    outlives_its_loop.emplace(loop);
    outlives_its_loop->add_done_callback([] {});
  }
  aio::Future<int>& orphan = *outlives_its_loop;
  EXPECT_THROW(orphan.cancel(), aio::RuntimeError);
  EXPECT_TRUE(orphan.cancelled());
  EXPECT_THROW(orphan.add_done_callback([] {}), aio::RuntimeError);
}

aio::Task<std::string> await_foreign(aio::Future<int> future) {
  try {
    co_await future;
  } catch (const aio::RuntimeError& error) {
    co_return error.what();
  }
  co_return "no error";
}

// A future of a loop that is gone is foreign to every later loop, even one at the same address:
//
// loop1 = asyncio.new_event_loop(); fut = loop1.create_future(); loop1.close()
// async def main():
//     try: await fut
//     except RuntimeError as e: print("RuntimeError:", e)
// asyncio.run(main())
//
// RuntimeError: Task <Task pending name='Task-1' coro=<main() ...>> got Future <Future pending>
// attached to a different loop
TEST(Future, AFutureOfAGoneLoopIsForeignToALoopAtTheSameAddress) {
  std::optional<aio::EventLoop> slot;  // both loops are made in the same place
  slot.emplace();
  const aio::EventLoop* first = &*slot;
  aio::Future<int> old(*slot);
  slot.reset();
  slot.emplace();
  ASSERT_EQ(&*slot, first);
  EXPECT_EQ(slot->run_until_complete(await_foreign(old)),
            "Task got a Future attached to a different loop");
}

}  // namespace
