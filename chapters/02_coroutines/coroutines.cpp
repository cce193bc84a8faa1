/// Chapter 2: Coroutines and await.
///
/// A coroutine is a function that can stop in the middle and carry on later.
/// Calling one only creates it; `co_await` (Python's `await`) is what runs it,
/// and every `co_await` on something that is not ready yet is a point where the
/// coroutine steps aside and the event loop runs something else.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <coroutine>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

namespace {

//! [simple_coroutine]
aio::Task<> greet(std::string name) {
  fmt::print("Hello {}\n", name);
  co_await aio::sleep(1);  // waits without blocking: the loop is free meanwhile
  fmt::print("Goodbye {}\n", name);
}

void simple_coroutine() {
  const double start = aio::perf_counter();
  aio::run(greet("Alice"));
  fmt::print("greet took {:.1f} s\n", aio::perf_counter() - start);
}
//! [simple_coroutine]

//! [async_function_basics]
using Document = std::map<std::string, std::string>;

aio::Task<Document> fetch_data(std::string url) {
  fmt::print("Fetching {}\n", url);
  co_await aio::sleep(2);  // stands in for the network round trip
  co_return Document{{"data", "Content from " + url}};
}

aio::Task<> show_fetch() {
  // co_await hands back what the coroutine returned, here the document.
  Document result = co_await fetch_data("http://example.com");
  fmt::print("{}\n", py::repr(result));
}

void async_function_basics() {
  aio::run(show_fetch());
}
//! [async_function_basics]

//! [calling_returns_coroutine]
aio::Task<std::string> my_coroutine() {
  fmt::print("  (my_coroutine's body runs)\n");
  co_return "Hello";
}

void calling_returns_coroutine() {
  // The call creates the coroutine and stops before the first line of its body.
  aio::Task<std::string> coro = my_coroutine();
  fmt::print("called my_coroutine(): state {}\n", aio::to_string(coro.coroutine_state()));
  // Something must drive it: aio::run from plain code, co_await inside a coroutine.
  std::string result = aio::run(coro);
  fmt::print("run gave {}: state {}\n", py::repr(result), aio::to_string(coro.coroutine_state()));
}
//! [calling_returns_coroutine]

//! [await_suspends]
aio::Task<int> some_async_operation() {
  co_await aio::sleep(0.5);
  co_return 42;
}

aio::Task<int> fetch_answer(double start) {
  fmt::print("{:.1f} s  fetch_answer: awaiting the operation\n", aio::perf_counter() - start);
  // Suspends here until the operation has a result; other tasks run meanwhile.
  int answer = co_await some_async_operation();
  fmt::print("{:.1f} s  fetch_answer: resumed with {}\n", aio::perf_counter() - start, answer);
  co_return answer;
}

aio::Task<> heartbeat(double start) {
  for (int beat = 1; beat <= 3; ++beat) {
    fmt::print("{:.1f} s  heartbeat {}\n", aio::perf_counter() - start, beat);
    co_await aio::sleep(0.2);
  }
}

aio::Task<> run_with_heartbeat() {
  const double start = aio::perf_counter();
  aio::Task<> beats = aio::create_task(heartbeat(start));  // runs whenever we wait
  int answer = co_await fetch_answer(start);
  fmt::print("{:.1f} s  got {}\n", aio::perf_counter() - start, answer);
  co_await beats;
}

void await_suspends() {
  aio::run(run_with_heartbeat());
}
//! [await_suspends]

//! [coroutine_lifecycle]
std::string regular_function(const std::string& name) {
  fmt::print("Regular function {} starting\n", name);
  return "Result from " + name;
}

aio::Task<std::string> coroutine_function(std::string name) {
  fmt::print("Coroutine {} starting\n", name);
  co_await aio::sleep(1);  // a suspension point: the loop can run others here
  fmt::print("Coroutine {} resuming after 1 second\n", name);
  co_return "Async result from " + name;
}

aio::Task<> demonstrate_lifecycle() {
  fmt::print("=== Regular function ===\n");
  std::string result = regular_function("RegularFunc");
  fmt::print("Result: {}\n", result);

  fmt::print("\n=== Coroutine function ===\n");
  aio::Task<std::string> coro = coroutine_function("CoroFunc");
  fmt::print("Coroutine created, body not started: {}\n", aio::to_string(coro.coroutine_state()));
  result = co_await coro;
  fmt::print("Result: {}\n", result);

  fmt::print("\n=== Three coroutines concurrently ===\n");
  const double start = aio::perf_counter();
  std::vector<aio::Task<std::string>> coros;
  coros.push_back(coroutine_function("Coro1"));
  coros.push_back(coroutine_function("Coro2"));
  coros.push_back(coroutine_function("Coro3"));
  std::vector<std::string> results = co_await aio::gather(std::move(coros));
  fmt::print("All results: {}\n", py::repr(results));
  fmt::print("Three 1-second coroutines took {:.1f} s\n", aio::perf_counter() - start);
}

void coroutine_lifecycle() {
  aio::run(demonstrate_lifecycle());
}
//! [coroutine_lifecycle]

//! [coroutine_states]
aio::Task<std::string> traced_operation(std::string id) {
  // A task looking at its own coroutine sees it running: it is the one executing.
  fmt::print("Operation {}: started, own state {}\n", id,
             aio::to_string(aio::current_task()->coroutine_state()));
  co_await aio::sleep(1);
  fmt::print("Operation {}: resumed after its sleep\n", id);
  co_return "Result-" + id;
}

aio::Task<> trace_states() {
  aio::Task<std::string> coro = traced_operation("A");
  fmt::print("created:          {}\n", aio::to_string(coro.coroutine_state()));
  // create_task schedules the first step; it does not take it.
  aio::Task<std::string> task = aio::create_task(coro);
  fmt::print("scheduled:        {}\n", aio::to_string(coro.coroutine_state()));
  co_await aio::sleep(0.5);
  fmt::print("while it sleeps:  {}\n", aio::to_string(coro.coroutine_state()));
  std::string result = co_await task;
  fmt::print("after it returned {}: {}\n", py::repr(result),
             aio::to_string(coro.coroutine_state()));
}

void coroutine_states() {
  aio::run(trace_states());
}
//! [coroutine_states]

//! [what_await_does]
aio::Task<std::string> demonstrate_await_behavior() {
  fmt::print("Point 1: before the first await\n");
  const double start = aio::perf_counter();
  // While this coroutine is suspended, the loop runs whatever else is due.
  aio::get_running_loop().call_later(0.5,
                                     [] { fmt::print("  (a timer callback runs meanwhile)\n"); });
  co_await aio::sleep(1);
  fmt::print("Point 2: after the first await ({:.1f} s elapsed)\n", aio::perf_counter() - start);
  co_await aio::sleep(0.5);
  fmt::print("Point 3: after the second await ({:.1f} s elapsed)\n", aio::perf_counter() - start);
  co_return "Demo complete";
}

void what_await_does() {
  fmt::print("{}\n", aio::run(demonstrate_await_behavior()));
}
//! [what_await_does]

//! [concurrent_awaits]
aio::Task<std::string> worker(std::string id, double seconds) {
  fmt::print("Worker {}: starting work ({} s)\n", id, py::repr(seconds));
  co_await aio::sleep(seconds);
  fmt::print("Worker {}: work complete\n", id);
  co_return "Work result from " + id;
}

aio::Task<> run_workers() {
  const double start = aio::perf_counter();
  // Each worker suspends at its own await; the waits overlap.
  std::vector<aio::Task<std::string>> workers;
  workers.push_back(worker("Alpha", 2.0));
  workers.push_back(worker("Beta", 1.0));
  workers.push_back(worker("Gamma", 1.5));
  std::vector<std::string> results = co_await aio::gather(std::move(workers));
  fmt::print("All work completed in {:.1f} s\n", aio::perf_counter() - start);
  fmt::print("Results: {}\n", py::repr(results));
}

void concurrent_awaits() {
  aio::run(run_workers());
}
//! [concurrent_awaits]

//! [built_in_awaitables]
// What Python's inspect.isawaitable asks, asked of a type: can co_await take it?
template <class T>
concept awaitable = requires(T value) {
  value.operator co_await();
}
|| requires(T value) {
  value.await_ready();
};

aio::Task<std::string> simple_coro() {
  co_await aio::sleep(0.1);
  co_return "Coroutine result";
}

aio::Task<> demonstrate_awaitables() {
  aio::Task<std::string> coro = simple_coro();
  fmt::print("a coroutine is awaitable: {}\n", py::repr(awaitable<decltype(coro)>));
  fmt::print("Coroutine result: {}\n", co_await coro);

  aio::Task<std::string> task = aio::create_task(simple_coro());
  fmt::print("a task is awaitable: {}\n", py::repr(awaitable<decltype(task)>));
  fmt::print("Task result: {}\n", co_await task);

  // A future is a result that something else sets later: here, a timer callback.
  aio::Future<std::string> future;
  aio::get_running_loop().call_later(
      0.1, [future]() mutable { future.set_result(std::string("Future result")); });
  fmt::print("a future is awaitable: {}\n", py::repr(awaitable<decltype(future)>));
  fmt::print("Future result: {}\n", co_await future);

  // A plain value is not: `co_await 42` does not compile (Python: TypeError).
  fmt::print("an int is awaitable: {}\n", py::repr(awaitable<int>));
}

void built_in_awaitables() {
  aio::run(demonstrate_awaitables());
}
//! [built_in_awaitables]

//! [custom_awaitable]
// co_await asks the object for an awaiter (operator co_await), then asks the
// awaiter three questions: ready already? (await_ready) what to do on
// suspending? (await_suspend) what is the result? (await_resume). This one
// lends all three to aio::sleep and then adds its own result.
class CustomAwaitable {
 public:
  CustomAwaitable(std::string value, double delay) : value_(std::move(value)), delay_(delay) {}

  auto operator co_await() const {
    struct Awaiter {
      aio::SleepAwaiter sleep;
      std::string value;

      bool await_ready() const noexcept { return sleep.await_ready(); }
      void await_suspend(std::coroutine_handle<> waiting) const { sleep.await_suspend(waiting); }
      std::string await_resume() const {
        sleep.await_resume();  // rethrows CancelledError if the sleep was cancelled
        return "Custom result: " + value;
      }
    };
    return Awaiter{aio::sleep(delay_), value_};
  }

 private:
  std::string value_;
  double delay_;
};

aio::Task<> await_custom() {
  const double start = aio::perf_counter();
  CustomAwaitable custom("Hello World", 0.5);
  std::string result = co_await custom;
  fmt::print("Custom awaitable result: {}\n", result);
  fmt::print("after {:.1f} s\n", aio::perf_counter() - start);
}

void custom_awaitable() {
  aio::run(await_custom());
}
//! [custom_awaitable]

//! [forgotten_await]
aio::Task<> forget_and_fix() {
  // The mistake: without co_await the call only creates a coroutine. Nothing
  // is fetched, and the runtime warns on stderr when the coroutine is dropped.
  // (A bare `fetch_data(url);` statement does not even compile here: Task is
  // [[nodiscard]], so C++ catches at build time what Python reports at run time.)
  auto forgotten = fetch_data("http://example.com/a");
  fmt::print("without await: state {}, nothing fetched\n",
             aio::to_string(forgotten.coroutine_state()));

  // The fix: await it (or schedule it with create_task).
  Document fetched = co_await fetch_data("http://example.com/b");
  fmt::print("with await: {}\n", py::repr(fetched));
}

void forgotten_await() {
  aio::run(forget_and_fix());
}
//! [forgotten_await]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 2: Coroutines and await",
                       {
                           {"simple_coroutine", simple_coroutine},
                           {"async_function_basics", async_function_basics},
                           {"calling_returns_coroutine", calling_returns_coroutine},
                           {"await_suspends", await_suspends},
                           {"coroutine_lifecycle", coroutine_lifecycle},
                           {"coroutine_states", coroutine_states},
                           {"what_await_does", what_await_does},
                           {"concurrent_awaits", concurrent_awaits},
                           {"built_in_awaitables", built_in_awaitables},
                           {"custom_awaitable", custom_awaitable},
                           {"forgotten_await", forgotten_await},
                       });
}
