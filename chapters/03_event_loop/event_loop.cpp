// Chapter 3: The event loop.
//
// First a loop at work (a restaurant), then a miniature loop built by hand in
// four steps (callbacks, timers, futures, tasks), then the runtime's own loop
// doing the same things, driven by hand and traced.

#include <fmt/format.h>

#include <aio/aio.hpp>
#include <algorithm>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

namespace {

//! [restaurant]
aio::Task<std::string> serve_customer(int customer, double service_time) {
  fmt::print("Customer {}: order taken\n", customer);
  // The kitchen is busy; the loop serves the other customers meanwhile.
  co_await aio::sleep(service_time);
  fmt::print("Customer {}: order ready ({:.1f} s)\n", customer, service_time);
  co_return fmt::format("Meal for customer {}", customer);
}

aio::Task<> restaurant_main() {
  aio::EventLoop& loop = aio::get_running_loop();
  const double opened = loop.time();
  fmt::print("Restaurant opens: four customers arrive\n");
  std::vector<aio::Task<std::string>> customers;
  customers.push_back(serve_customer(1, 3.0));  // slow order
  customers.push_back(serve_customer(2, 1.0));  // fast order
  customers.push_back(serve_customer(3, 2.0));  // medium order
  customers.push_back(serve_customer(4, 1.5));  // medium-fast order
  const std::vector<std::string> meals = co_await aio::gather(std::move(customers));
  // The orders add up to 7.5 s; served together they take as long as the slowest.
  fmt::print("All customers served in {:.1f} s\n", loop.time() - opened);
  // Faster orders finished first, but gather returns results in argument order.
  fmt::print("Meals: {}\n", py::repr(meals));
}

void restaurant() {
  aio::run(restaurant_main());
}
//! [restaurant]

//! [mini_callbacks]
// Step 1: a loop of callbacks. A FIFO ready queue, and a run() that empties it.
class CallbackLoop {
 public:
  void call_soon(std::function<void()> callback) { ready_.push_back(std::move(callback)); }

  void run() {
    while (!ready_.empty()) run_once();
  }

 protected:
  // One iteration runs what was ready when it began; callbacks queued
  // meanwhile wait for the next one, behind everything already queued.
  void run_once() {
    for (std::size_t count = ready_.size(); count > 0; --count) {
      std::function<void()> callback = std::move(ready_.front());
      ready_.pop_front();
      callback();
    }
  }

  std::deque<std::function<void()>> ready_;
};

void countdown(CallbackLoop& loop, int n) {
  fmt::print("countdown {}\n", n);
  if (n > 1) loop.call_soon([&loop, n] { countdown(loop, n - 1); });  // to the back of the queue
}

void mini_callbacks() {
  CallbackLoop loop;
  auto greet = [](const char* name) {
    fmt::print("hello from {}\n", name);
  };

  loop.call_soon([&] { greet("A"); });
  loop.call_soon([&] { countdown(loop, 3); });
  loop.call_soon([&] { greet("B"); });
  fmt::print("3 callbacks queued; nothing has run yet\n");
  loop.run();
  fmt::print("the ready queue is empty: run() returns\n");
}
//! [mini_callbacks]

//! [mini_timers]
// Step 2: timers. A heap ordered by (deadline, sequence): the earliest deadline
// first, and equal deadlines in the order they were scheduled. The clock is
// ours: when nothing is ready it jumps to the next deadline instead of waiting.
class MiniLoop : public CallbackLoop {
 public:
  double time() const { return now_; }

  void call_later(double delay, std::function<void()> callback) {
    timers_.push_back({now_ + delay, ++sequence_, std::move(callback)});
    std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
  }

  void run() {
    while (!ready_.empty() || !timers_.empty()) {
      if (ready_.empty()) now_ = timers_.front().deadline;  // nothing to do until then: jump
      // Due timers join the back of the ready queue, in deadline order.
      while (!timers_.empty() && timers_.front().deadline <= now_) {
        std::pop_heap(timers_.begin(), timers_.end(), std::greater<>());
        call_soon(std::move(timers_.back().callback));
        timers_.pop_back();
      }
      run_once();
    }
  }

 private:
  struct Timer {
    double deadline;
    std::uint64_t sequence;
    std::function<void()> callback;

    friend bool operator>(const Timer& a, const Timer& b) {
      return std::tie(a.deadline, a.sequence) > std::tie(b.deadline, b.sequence);
    }
  };

  std::vector<Timer> timers_;  // a min-heap, through std::greater
  std::uint64_t sequence_ = 0;
  double now_ = 0.0;
};

void mini_timers() {
  MiniLoop loop;
  auto say = [&loop](const char* text) {
    fmt::print("t={:.1f} {}\n", loop.time(), text);
  };

  loop.call_later(2.0, [&] { say("timer due at 2.0"); });
  loop.call_later(1.0, [&] { say("timer due at 1.0, scheduled first"); });
  loop.call_later(1.0, [&] { say("timer due at 1.0, scheduled second"); });
  loop.call_later(0.0, [&] { say("timer due at 0.0: joins the queue behind call_soon"); });
  loop.call_soon([&] { say("call_soon"); });
  loop.run();
  fmt::print("run() returns at t={:.1f}, without waiting for real\n", loop.time());
}
//! [mini_timers]

//! [mini_futures]
// Step 3: futures. A result that is set later, and callbacks that the loop
// runs once it is set: never inline, always scheduled, in the order added.
class MiniFuture {
 public:
  explicit MiniFuture(MiniLoop& loop) : loop_(loop) {}

  bool done() const { return finished_; }
  const std::string& result() const { return value_; }

  void add_done_callback(std::function<void()> callback) {
    if (finished_) {
      loop_.call_soon(std::move(callback));  // too late to wait: schedule it now
    } else {
      callbacks_.push_back(std::move(callback));
    }
  }

  void set_result(std::string value) {
    value_ = std::move(value);
    finished_ = true;
    for (std::function<void()>& callback : callbacks_) loop_.call_soon(std::move(callback));
    callbacks_.clear();
  }

 private:
  MiniLoop& loop_;
  std::vector<std::function<void()>> callbacks_;
  bool finished_ = false;
  std::string value_;
};

void mini_futures() {
  MiniLoop loop;
  MiniFuture future(loop);
  auto say = [&loop](const std::string& text) {
    fmt::print("t={:.1f} {}\n", loop.time(), text);
  };

  future.add_done_callback([&] {
    say("callback 1: the result is " + py::repr(future.result()));
    future.add_done_callback([&] { say("callback 3: added after the result was set"); });
  });
  future.add_done_callback([&] { say("callback 2"); });
  loop.call_later(1.0, [&] {
    say("cook: set_result('soup')");
    future.set_result("soup");
    say("cook: set_result returned; the callbacks are queued, not run");
  });
  say("future done? " + py::repr(future.done()));
  loop.run();
  say("future done? " + py::repr(future.done()));
}
//! [mini_futures]

//! [mini_tasks]
// Step 4: tasks. A task drives a coroutine of a small type of its own. Each
// step resumes the coroutine until it awaits a future; that future's done
// callback schedules the next step. A task is a future too: it completes with
// what its coroutine returns. Nothing polls the waiting tasks: a waiting task
// is only a callback on the future it awaits.
class MiniCoroutine {
 public:
  struct promise_type {
    std::shared_ptr<MiniFuture> awaited;  // the future the coroutine waits for now
    std::string returned;

    MiniCoroutine get_return_object() { return MiniCoroutine(this); }
    std::suspend_always initial_suspend() noexcept { return {}; }  // the task starts it
    std::suspend_always final_suspend() noexcept { return {}; }    // the task reads `returned`
    void return_value(std::string value) { returned = std::move(value); }
    void unhandled_exception() noexcept { std::terminate(); }  // no error handling here

    // `co_await future` suspends and hands the future to the task (the Python
    // twin yields it); once resumed, it gives the future's result.
    auto await_transform(std::shared_ptr<MiniFuture> future) {
      awaited = future;
      struct Awaiter {
        std::shared_ptr<MiniFuture> future;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<>) const noexcept {}
        std::string await_resume() const { return future->result(); }
      };
      return Awaiter{std::move(future)};
    }
  };
  using Handle = std::coroutine_handle<promise_type>;

  explicit MiniCoroutine(promise_type* promise) : handle_(Handle::from_promise(*promise)) {}
  MiniCoroutine(MiniCoroutine&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  MiniCoroutine& operator=(MiniCoroutine&&) = delete;
  ~MiniCoroutine() {
    if (handle_) handle_.destroy();
  }

  Handle handle() const { return handle_; }

 private:
  Handle handle_;
};

class MiniTask : public MiniFuture, public std::enable_shared_from_this<MiniTask> {
 public:
  MiniTask(MiniLoop& loop, MiniCoroutine coroutine)
      : MiniFuture(loop), coroutine_(std::move(coroutine)) {}

  static std::shared_ptr<MiniTask> create(MiniLoop& loop, MiniCoroutine coroutine) {
    auto task = std::make_shared<MiniTask>(loop, std::move(coroutine));
    loop.call_soon([task] { task->step(); });  // the first step runs later, never in here
    return task;
  }

  void step() {
    MiniCoroutine::Handle handle = coroutine_.handle();
    handle.resume();  // runs until the next co_await or co_return
    if (handle.done()) {
      set_result(handle.promise().returned);
      return;
    }
    std::shared_ptr<MiniFuture> future = std::exchange(handle.promise().awaited, nullptr);
    future->add_done_callback([self = shared_from_this()] { self->step(); });
  }

 private:
  MiniCoroutine coroutine_;
};

std::shared_ptr<MiniFuture> mini_sleep(MiniLoop& loop, double delay) {
  auto future = std::make_shared<MiniFuture>(loop);
  loop.call_later(delay, [future] { future->set_result(""); });
  return future;
}

MiniCoroutine mini_customer(MiniLoop& loop, int customer, double service_time) {
  fmt::print("t={:.1f} customer {}: order taken\n", loop.time(), customer);
  co_await mini_sleep(loop, service_time);
  fmt::print("t={:.1f} customer {}: order ready\n", loop.time(), customer);
  co_return fmt::format("meal {}", customer);
}

MiniCoroutine mini_restaurant(MiniLoop& loop) {
  std::vector<std::shared_ptr<MiniTask>> tasks;
  tasks.push_back(MiniTask::create(loop, mini_customer(loop, 1, 3.0)));
  tasks.push_back(MiniTask::create(loop, mini_customer(loop, 2, 1.0)));
  tasks.push_back(MiniTask::create(loop, mini_customer(loop, 3, 2.0)));
  tasks.push_back(MiniTask::create(loop, mini_customer(loop, 4, 1.5)));
  std::vector<std::string> meals;
  for (const std::shared_ptr<MiniTask>& task : tasks) {
    std::string meal = co_await task;  // a task is a future: wait for it like any other
    meals.push_back(meal);
  }
  fmt::print("t={:.1f} served: {}\n", loop.time(), fmt::join(meals, ", "));
  co_return "closed";
}

void mini_tasks() {
  MiniLoop loop;
  std::shared_ptr<MiniTask> main = MiniTask::create(loop, mini_restaurant(loop));
  loop.run();
  fmt::print("main task result: {}\n", py::repr(main->result()));
}
//! [mini_tasks]

//! [real_loop]
aio::Task<> real_loop_main() {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  auto say = [&loop, start](const std::string& text) {
    fmt::print("t={:.1f} {}\n", loop.time() - start, text);
  };

  // 1. Callbacks: run in the order they were queued.
  loop.call_soon(say, "callback A");
  loop.call_soon(say, "callback B");
  // 2. Timers: by deadline, whatever order they were scheduled in.
  loop.call_later(2.0, say, "timer due at 2.0");
  loop.call_later(1.0, say, "timer due at 1.0");
  // 3. A future, and a done callback that the loop schedules when it is set.
  aio::Future<std::string> future;
  future.add_done_callback(
      [say](aio::Future<std::string>& done) { say("done callback: " + py::repr(done.result())); });
  loop.call_later(1.5, [future]() mutable { future.set_result("soup"); });
  // 4. This task: awaiting the future suspends it, and the future's done
  //    callback (added by the co_await, after ours) schedules its next step.
  say("main task awaits the future");
  const std::string result = co_await future;
  say("main task resumed with " + py::repr(result));
  co_await aio::sleep(1.0);
  say("main task returns");
}

void real_loop() {
  aio::run(real_loop_main());
}
//! [real_loop]

//! [manual_loop]
aio::Task<std::string> coro() {
  fmt::print("Coroutine execution\n");
  co_await aio::sleep(0.1);
  co_return "Done";
}

void manual_loop() {
  // The usual way: aio::run creates a loop, runs the coroutine to the end,
  // cancels any tasks left over, and closes the loop.
  fmt::print("run: {}\n", py::repr(aio::run(coro())));

  // By hand. (The loop's destructor closes it too, as Python's `finally` does.)
  aio::EventLoop loop;
  std::string result = loop.run_until_complete(coro());
  fmt::print("run_until_complete: {}\n", py::repr(result));
  // The loop keeps its state between runs, so it can run again.
  result = loop.run_until_complete(coro());
  fmt::print("run_until_complete again: {}\n", py::repr(result));
  loop.close();
  fmt::print("loop closed: {}\n", py::repr(loop.is_closed()));
}
//! [manual_loop]

//! [call_soon_call_later]
aio::Task<> scheduling_main() {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  auto report = [&loop, start](const std::string& text) {
    fmt::print("{:.2f} s: {}\n", loop.time() - start, text);
  };

  loop.call_soon(report, "Scheduled immediately");
  loop.call_later(0.5, report, "Scheduled in 0.5s");
  aio::TimerHandle cancelled = loop.call_later(0.7, report, "never printed: cancelled");
  cancelled.cancel();
  loop.call_at(start + 0.8, report, "Scheduled at start + 0.8 (call_at)");
  report("main awaits sleep(1)");  // before all of them: main still holds the loop
  co_await aio::sleep(1);
  report("main resumes");
}

void call_soon_call_later() {
  aio::run(scheduling_main());
}
//! [call_soon_call_later]

//! [minimal_example]
aio::Task<> say_after(double delay, std::string message) {
  co_await aio::sleep(delay);
  fmt::print("{}\n", message);
}

aio::Task<> sequential() {
  aio::EventLoop& loop = aio::get_running_loop();
  // loop.time() is a monotonic clock with an arbitrary zero, not the time
  // since the program started: print the time elapsed since `start`.
  const double start = loop.time();
  fmt::print("Started at {:.2f}\n", loop.time() - start);
  co_await say_after(1, "Hello");  // one after the other: 1 s + 2 s
  co_await say_after(2, "World");
  fmt::print("Finished at {:.2f}\n", loop.time() - start);
}

aio::Task<> concurrent() {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  fmt::print("Started at {:.2f}\n", loop.time() - start);
  co_await aio::gather(say_after(1, "Hello"), say_after(2, "World"));  // together: 2 s
  fmt::print("Finished at {:.2f}\n", loop.time() - start);
}

void minimal_example() {
  fmt::print("Sequential:\n");
  aio::run(sequential());
  fmt::print("Concurrent:\n");
  aio::run(concurrent());
}
//! [minimal_example]

//! [how_it_works]
aio::Task<> worker(std::string name, std::vector<double> pauses, double start) {
  aio::EventLoop& loop = aio::get_running_loop();
  // 1-2. The loop picked this task; it runs until its first co_await.
  fmt::print("{:.1f} {} starts\n", loop.time() - start, name);
  for (const double pause : pauses) {
    // 3. Suspended: control goes back to the loop, which (4) picks the next
    //    ready callback. (5) When the timer fires, this task is ready again.
    fmt::print("{:.1f} {} suspends at sleep({})\n", loop.time() - start, name, py::repr(pause));
    co_await aio::sleep(pause);
    fmt::print("{:.1f} {} resumes\n", loop.time() - start, name);
  }
  fmt::print("{:.1f} {} finishes\n", loop.time() - start, name);
}

aio::Task<> trace_main() {
  aio::EventLoop& loop = aio::get_running_loop();
  const double start = loop.time();
  aio::Task<> a = aio::create_task(worker("A", {0.3, 0.0}, start));
  aio::Task<> b = aio::create_task(worker("B", {0.1, 0.1}, start));
  loop.call_soon(
      [] { fmt::print("    a callback queued after A and B: runs after their first steps\n"); });
  fmt::print("main creates A and B, then awaits A\n");
  co_await a;
  fmt::print("main resumes, then awaits B (already done: no suspension)\n");
  co_await b;
  fmt::print("main finishes\n");
}

void how_it_works() {
  aio::run(trace_main());
}
//! [how_it_works]

//! [call_later_zero]
aio::Task<> call_later_zero_main() {
  aio::EventLoop& loop = aio::get_running_loop();
  loop.call_later(0, [] { fmt::print("call_later(0), scheduled before the others\n"); });
  loop.call_soon([&loop] {
    fmt::print("call_soon 1, queues call_soon 3\n");
    loop.call_soon([] { fmt::print("call_soon 3\n"); });
  });
  loop.call_soon([] { fmt::print("call_soon 2\n"); });
  // Next iteration: the due timer joins the ready queue behind call_soon 1
  // and 2; call_soon 3, queued during that iteration, waits for the one after.
  co_await aio::sleep(0.1);
}

void call_later_zero() {
  aio::run(call_later_zero_main());
}
//! [call_later_zero]

//! [timer_before_task]
aio::Task<> sleeper() {
  co_await aio::sleep(1.0);
  fmt::print("task that slept until t=1.0 resumes\n");
}

aio::Task<> timer_before_task_main() {
  aio::EventLoop& loop = aio::get_running_loop();
  aio::Task<> task = aio::create_task(sleeper());
  co_await aio::sleep(0);  // the task's first step: it now sleeps until t=1.0
  loop.call_later(1.0, [] { fmt::print("callback due at t=1.0\n"); });
  // Both timers are due at t=1.0, the task's first. But its timer only
  // completes the sleep the task awaits; the task's next step is queued then,
  // and runs one iteration later, after the plain callback.
  co_await task;
}

void timer_before_task() {
  aio::run(timer_before_task_main());
}
//! [timer_before_task]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 3: The event loop",
                       {
                           {"restaurant", restaurant},
                           {"mini_callbacks", mini_callbacks},
                           {"mini_timers", mini_timers},
                           {"mini_futures", mini_futures},
                           {"mini_tasks", mini_tasks},
                           {"real_loop", real_loop},
                           {"manual_loop", manual_loop},
                           {"call_soon_call_later", call_soon_call_later},
                           {"minimal_example", minimal_example},
                           {"how_it_works", how_it_works},
                           {"call_later_zero", call_later_zero},
                           {"timer_before_task", timer_before_task},
                       });
}
