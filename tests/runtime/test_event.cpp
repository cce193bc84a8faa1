// aio::Event: set() wakes every waiter, in the order they started waiting, each in a later
// iteration; wait() returns true even when the flag was cleared before the waiter ran; a set
// flag lets wait() through without suspending; a cancelled waiter, whether still waiting or
// already woken, gets CancelledError and the others are not affected.
//
// Each ordering test quotes the Python program whose output it asserts (every program starts
// with `import asyncio`; run them with python3 3.11). The C++ records events where the Python
// prints lines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "aio/event.hpp"
#include "recorder.hpp"

namespace {

using aio_test::Events;
using aio_test::Recorder;

using aio_test::python_bool;

aio::Task<void> wait_for_event(Recorder* log, aio::Event* event, std::string name) {
  log->add(name + " waits");
  const bool got = co_await event->wait();
  log->add(name + " got " + python_bool(got) + " is_set: " + python_bool(event->is_set()));
}

aio::Task<void> set_main(Recorder* log) {
  aio::Event event;
  log->add("is_set: " + python_bool(event.is_set()));
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c"}) {
    tasks.push_back(aio::create_task(wait_for_event(log, &event, name)));
  }
  co_await aio::sleep(0);
  aio::get_running_loop().call_soon(log->note("callback queued before set"));
  event.set();
  event.clear();
  log->add("set, then cleared at once");
  co_await aio::gather(std::move(tasks));
  event.set();
  const bool got = co_await event.wait();
  log->add("already set: " + python_bool(got) + " " + python_bool(event.is_set()));
}

// async def waiter(event, name):
//     print(name, "waits")
//     print(name, "got", await event.wait(), "is_set:", event.is_set())
// async def main():
//     event = asyncio.Event(); print("is_set:", event.is_set())
//     tasks = [asyncio.create_task(waiter(event, n)) for n in "abc"]
//     await asyncio.sleep(0)
//     asyncio.get_running_loop().call_soon(print, "callback queued before set")
//     event.set(); event.clear(); print("set, then cleared at once")
//     await asyncio.gather(*tasks)
//     event.set(); print("already set:", await event.wait(), event.is_set())
// asyncio.run(main())
// prints: is_set: False / a waits / b waits / c waits / set, then cleared at once /
//         callback queued before set / a got True is_set: False / b got True is_set: False /
//         c got True is_set: False / already set: True True
TEST(Event, SetWakesEveryWaiterInOrderEvenIfClearedBeforeTheyRun) {
  Recorder log;
  aio::run(set_main(&log));
  EXPECT_EQ(log.events(), (Events{"is_set: False", "a waits", "b waits", "c waits",
                                  "set, then cleared at once", "callback queued before set",
                                  "a got True is_set: False", "b got True is_set: False",
                                  "c got True is_set: False", "already set: True True"}));
}

aio::Task<void> wait_or_report(Recorder* log, aio::Event* event, std::string name) {
  try {
    co_await event->wait();
    log->add(name + " woke");
  } catch (const aio::CancelledError&) {
    log->add(name + " cancelled");
    throw;
  }
}

aio::Task<void> cancel_main(Recorder* log) {
  aio::Event event;
  std::vector<aio::Task<void>> tasks;
  for (const char* name : {"a", "b", "c", "d"}) {
    tasks.push_back(aio::create_task(wait_or_report(log, &event, name)));
  }
  co_await aio::sleep(0);
  tasks[0].cancel();  // while it waits
  co_await aio::sleep(0);
  event.set();
  tasks[2].cancel();  // woken, but it has not run yet
  auto results = co_await aio::gather(aio::return_exceptions, tasks);
  std::string kinds;
  for (const auto& result : results) kinds += result.is_cancelled() ? "CancelledError " : "None ";
  log->add(kinds);
}

// async def waiter(event, name):
//     try:
//         await event.wait(); print(name, "woke")
//     except asyncio.CancelledError:
//         print(name, "cancelled"); raise
// async def main():
//     event = asyncio.Event()
//     tasks = [asyncio.create_task(waiter(event, n)) for n in "abcd"]
//     await asyncio.sleep(0)
//     tasks[0].cancel(); await asyncio.sleep(0)
//     event.set(); tasks[2].cancel()
//     results = await asyncio.gather(*tasks, return_exceptions=True)
//     print([type(r).__name__ for r in results])
// asyncio.run(main())
// prints: a cancelled / b woke / c cancelled / d woke /
//         ['CancelledError', 'NoneType', 'CancelledError', 'NoneType']
TEST(Event, CancelledWaitersRaiseWhetherStillWaitingOrAlreadyWoken) {
  Recorder log;
  aio::run(cancel_main(&log));
  EXPECT_EQ(log.events(), (Events{"a cancelled", "b woke", "c cancelled", "d woke",
                                  "CancelledError None CancelledError None "}));
}

aio::Task<void> set_later_main(Recorder* log) {
  aio::Event event;
  aio::get_running_loop().call_later(0.5, [&event] { event.set(); });
  const double start = aio::get_running_loop().time();
  co_await event.wait();
  log->add("woken after " + std::to_string(aio::get_running_loop().time() - start).substr(0, 3));
  event.clear();
  log->add("cleared: " + python_bool(event.is_set()));
}

// async def main():
//     event = asyncio.Event(); loop = asyncio.get_running_loop()
//     loop.call_later(0.5, event.set); start = loop.time()
//     await event.wait(); print("woken after", f"{loop.time() - start:.1f}")
//     event.clear(); print("cleared:", event.is_set())
// asyncio.run(main())                       # woken after 0.5 / cleared: False
TEST(Event, ACallbackCanSetIt) {
  Recorder log;
  aio::run(set_later_main(&log));
  EXPECT_EQ(log.events(), (Events{"woken after 0.5", "cleared: False"}));
}

}  // namespace
