/// Chapter 1: Why async: the waiting problem.
///
/// Most of what a networked program does is wait: for a server to answer, a
/// database to reply, a file to arrive. Waiting one request at a time wastes
/// nearly all of that time. This chapter shows the waste, the two classic ways
/// to overlap the waits (OS threads, and tasks on one event loop), and what
/// each way costs, measured on this machine rather than quoted.
///
/// The "network" is simulated throughout: a blocking wait is aio::blocking_sleep
/// (Python's time.sleep), a non-blocking one is aio::sleep (asyncio.sleep).

#include <fmt/core.h>
#include <pthread.h>
#include <unistd.h>

#include <aio/aio.hpp>
#include <array>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <latch>
#include <mutex>
#include <semaphore>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

namespace {

// Seconds since `start` on the program's clock (the loop's clock): exact on the
// virtual clock, so the times printed match the Python twin digit for digit.
double since(double start) {
  return aio::perf_counter() - start;
}

struct Download {
  const char* file;
  double seconds;  // how long the simulated server takes to answer
};

constexpr std::array<Download, 3> downloads{{
    {"index.html", 1.0},
    {"logo.png", 0.6},
    {"data.json", 0.8},
}};

//! [blocking_downloads]
// A blocking call stops the whole thread until the answer arrives. While it
// waits, this program can do nothing else, not even start the next download.
std::string download_blocking(const Download& download) {
  aio::blocking_sleep(download.seconds);  // the thread sits idle here
  return download.file;
}

void blocking_downloads() {
  const double start = aio::perf_counter();
  for (const Download& download : downloads) {
    fmt::print("{:5.2f} s  {} requested\n", since(start), download.file);
    std::string file = download_blocking(download);
    fmt::print("{:5.2f} s  {} done\n", since(start), file);
  }
  // The waits add up: 1.0 + 0.6 + 0.8 seconds, although the three servers could
  // all have been working at the same time.
  fmt::print("total {:.2f} s: the sum of the waits\n", since(start));
}
//! [blocking_downloads]

//! [concurrent_downloads]
// The same download as a coroutine. `co_await aio::sleep(...)` suspends only
// this coroutine; the thread goes back to the event loop, which runs the others.
aio::Task<std::string> download_async(Download download, double start) {
  fmt::print("{:5.2f} s  {} requested\n", since(start), download.file);
  co_await aio::sleep(download.seconds);  // waits without blocking anyone
  fmt::print("{:5.2f} s  {} done\n", since(start), download.file);
  co_return download.file;
}

aio::Task<> download_all() {
  const double start = aio::perf_counter();
  // gather starts all three, then waits until every one has finished.
  auto [first, second, third] =
      co_await aio::gather(download_async(downloads[0], start), download_async(downloads[1], start),
                           download_async(downloads[2], start));
  // No download got any faster; they just waited at the same time. The total
  // is the longest wait, and the results come back in the order asked for.
  fmt::print("total {:.2f} s: the longest wait\n", since(start));
  fmt::print("results: {}\n", py::repr(std::vector<std::string>{first, second, third}));
}

void concurrent_downloads() {
  aio::run(download_all());
}
//! [concurrent_downloads]

//! [receptionist]
// One receptionist, many phone calls. A question that needs checking does not
// keep the receptionist on the line: the caller is put on hold, the next call
// is answered, and whoever's answer is ready first is picked up again. asyncio
// works the same way: one thread (the receptionist), many tasks (the calls),
// and every `co_await` is a "please hold".
struct Call {
  const char* caller;
  double rings_at;  // seconds after opening
  const char* question;
  double checking;  // how long the answer takes to find out: the hold
  const char* answer;
};

constexpr std::array<Call, 3> calls{{
    {"Ana", 0.0, "Has my parcel left?", 0.8, "Yes, this morning."},
    {"Ben", 0.1, "Can I move my appointment?", 0.3, "Thursday at ten is free."},
    {"Chen", 0.2, "Do you have it in blue?", 0.5, "Two left in stock."},
}};

aio::Task<> take_call(Call call, double start, std::set<std::thread::id>* receptionists) {
  co_await aio::sleep(call.rings_at);  // the phone has not rung yet
  receptionists->insert(std::this_thread::get_id());
  fmt::print("{:.2f} s  {} asks \"{}\" -> on hold\n", since(start), call.caller, call.question);
  co_await aio::sleep(call.checking);  // on hold: the receptionist is free meanwhile
  receptionists->insert(std::this_thread::get_id());
  fmt::print("{:.2f} s  back to {}: \"{}\"\n", since(start), call.caller, call.answer);
}

aio::Task<> front_desk() {
  const double start = aio::perf_counter();
  std::set<std::thread::id> receptionists;  // the threads that did the talking
  co_await aio::gather(take_call(calls[0], start, &receptionists),
                       take_call(calls[1], start, &receptionists),
                       take_call(calls[2], start, &receptionists));
  double hold_time = 0;
  for (const Call& call : calls) hold_time += call.checking;
  fmt::print("{} calls answered by {} receptionist (thread) in {:.2f} s\n", calls.size(),
             receptionists.size(), since(start));
  fmt::print("one call at a time, the holds alone would take {:.2f} s\n", hold_time);
}

void receptionist() {
  aio::run(front_desk());
}
//! [receptionist]

//! [hello_world]
// The smallest complete asyncio program: a coroutine, and aio::run (asyncio.run)
// to start an event loop, run the coroutine on it until it finishes, and close
// the loop again.
aio::Task<> hello() {
  fmt::print("Hello\n");
  co_await aio::sleep(1);
  fmt::print("World\n");
}

void hello_world() {
  aio::run(hello());
}
//! [hello_world]

//! [concurrency_models]
// One job, five waits of 0.2 s, done three ways. Each way records which OS
// threads did the waiting: that count is what the model costs in threads.
constexpr int waits = 5;
constexpr double wait_seconds = 0.2;

class ThreadLog {
 public:
  void record() {
    std::lock_guard lock(mutex_);  // threads may record at the same moment
    ids_.insert(std::this_thread::get_id());
  }
  std::size_t count() const { return ids_.size(); }

 private:
  std::mutex mutex_;
  std::set<std::thread::id> ids_;
};

// 1. One thread, one wait after another.
double one_after_another(ThreadLog& log) {
  const double start = aio::perf_counter();
  for (int i = 0; i < waits; ++i) {
    log.record();
    aio::blocking_sleep(wait_seconds);
  }
  return since(start);
}

// 2. One OS thread per wait: the operating system switches between them.
// The threads wait on the real clock, and are timed on it. The virtual clock
// belongs to the event loop, which knows when each of its tasks wakes; it
// knows nothing of threads, so it cannot overlap their waits.
double one_thread_per_wait(ThreadLog& log) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < waits; ++i) {
    threads.emplace_back([&log] {
      log.record();
      std::this_thread::sleep_for(std::chrono::duration<double>(wait_seconds));
    });
  }
  for (std::thread& thread : threads) thread.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// 3. One thread, one task per wait: the event loop switches between them.
aio::Task<> wait_once(ThreadLog* log) {
  log->record();
  co_await aio::sleep(wait_seconds);
}

aio::Task<double> one_task_per_wait(ThreadLog* log) {
  const double start = aio::perf_counter();
  std::vector<aio::Task<>> tasks;
  for (int i = 0; i < waits; ++i) tasks.push_back(wait_once(log));
  co_await aio::gather(std::move(tasks));
  co_return since(start);
}

void concurrency_models() {
  fmt::print("{} waits of {:.2f} s each\n", waits, wait_seconds);

  ThreadLog sequential;
  const double sequential_time = one_after_another(sequential);
  fmt::print("  one after another:    {:.2f} s, OS threads: {}\n", sequential_time,
             sequential.count());

  ThreadLog threaded;
  const double threaded_time = one_thread_per_wait(threaded);
  fmt::print("  one thread per wait:  {:.2f} s, OS threads: {}\n", threaded_time, threaded.count());

  ThreadLog tasks;
  const double task_time = aio::run(one_task_per_wait(&tasks));
  fmt::print("  one task per wait:    {:.2f} s, OS threads: {}\n", task_time, tasks.count());
  // Threads and tasks both overlap the waits; only tasks do it on one thread.
  // A third model, one process per job, is for work that keeps a CPU busy
  // rather than waiting; chapter 12 comes back to it.
}
//! [concurrency_models]

//! [when_to_use]
// asyncio pays off when a program has many waits in flight at once: requests
// to other services, database queries, open connections to clients. Here every
// request waits 0.2 s; however many there are, they all wait together.
constexpr double request_seconds = 0.2;

aio::Task<> request() {
  co_await aio::sleep(request_seconds);
}

aio::Task<double> serve(int count) {
  const double start = aio::perf_counter();
  std::vector<aio::Task<>> requests;
  for (int i = 0; i < count; ++i) requests.push_back(request());
  co_await aio::gather(std::move(requests));
  co_return since(start);
}

void when_to_use() {
  fmt::print("requests   concurrent   one at a time\n");
  for (int count : {1, 10, 100, 1000, 10000}) {
    const double elapsed = aio::run(serve(count));
    // The sequential time is computed, not run: it is count waits in a row.
    fmt::print("{:8}   {:8.2f} s   {:11.2f} s\n", count, elapsed, count * request_seconds);
  }
  // With one request there is nothing to overlap, so nothing to gain. Work that
  // computes instead of waiting gains nothing either: one thread still does it
  // one piece at a time (chapter 12 shows what to do with such work).
}
//! [when_to_use]

//! [asyncio_vs_threading]
// The same fetch written twice. With threads, each fetch blocks its own OS
// thread; with asyncio, each fetch is a task that suspends at co_await.
constexpr double fetch_seconds = 0.2;

// Threads: the blocking version (a real wait: see concurrency_models).
std::string fetch_blocking(const std::string& url) {
  std::this_thread::sleep_for(std::chrono::duration<double>(fetch_seconds));
  return "Result from " + url;
}

std::vector<std::string> fetch_with_threads(const std::vector<std::string>& urls) {
  std::vector<std::string> results(urls.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    // Each thread writes only its own slot, so no lock is needed. Any state
    // the threads did share would need one: they may be switched at any moment.
    threads.emplace_back([&results, &urls, i] { results[i] = fetch_blocking(urls[i]); });
  }
  for (std::thread& thread : threads) thread.join();
  return results;
}

// asyncio: the coroutine version.
aio::Task<std::string> fetch(std::string url) {
  co_await aio::sleep(fetch_seconds);
  co_return "Result from " + url;
}

aio::Task<std::vector<std::string>> fetch_with_tasks(std::vector<std::string> urls) {
  std::vector<aio::Task<std::string>> tasks;
  for (const std::string& url : urls) tasks.push_back(fetch(url));
  // Tasks switch only at co_await, so code between two awaits runs undisturbed:
  // shared state needs no lock unless it is kept across an await.
  co_return co_await aio::gather(std::move(tasks));
}

void asyncio_vs_threading() {
  std::vector<std::string> urls;
  for (int i = 1; i <= 4; ++i) urls.push_back(fmt::format("https://example.com/{}", i));

  const std::vector<std::string> by_threads = fetch_with_threads(urls);
  fmt::print("threads: {}\n", py::repr(by_threads));
  const std::vector<std::string> by_tasks = aio::run(fetch_with_tasks(urls));
  fmt::print("tasks:   {}\n", py::repr(by_tasks));
  fmt::print("same results: {}\n", py::repr(by_threads == by_tasks));
  // Same results, and both overlap the waits. What differs is the price: an OS
  // thread per fetch, against a small object per fetch on one thread. The next
  // section measures that price.
}
//! [asyncio_vs_threading]

//! [measured_costs]
// What a thread and a task cost, measured here rather than quoted. These are
// costs of this machine, so they are timed with the real clock on purpose
// (std::chrono::steady_clock), whichever clock the event loop runs on.
using RealClock = std::chrono::steady_clock;

double nanoseconds_since(RealClock::time_point start) {
  return std::chrono::duration<double, std::nano>(RealClock::now() - start).count();
}

// Memory: a thread reserves its whole stack up front, as address space; only
// the pages it touches become memory. glibc sizes the stack from `ulimit -s`.
// (The kernel's own per-thread bookkeeping is not in the process's memory.)
std::size_t default_stack_bytes() {
  pthread_attr_t attributes;
  pthread_getattr_default_np(&attributes);
  std::size_t size = 0;
  pthread_attr_getstacksize(&attributes, &size);
  pthread_attr_destroy(&attributes);
  return size;
}

double resident_bytes() {
  std::ifstream statm("/proc/self/statm");  // sizes in pages: total, resident, ...
  double total_pages = 0;
  double resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return resident_pages * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double resident_bytes_per_thread(int count) {
  std::latch started(count);
  std::latch finish(1);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(count));
  const double before = resident_bytes();
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&] {
      started.count_down();
      finish.wait();  // parked: alive, doing nothing
    });
  }
  started.wait();
  const double after = resident_bytes();
  finish.count_down();
  for (std::thread& thread : threads) thread.join();
  return (after - before) / count;
}

// A task's memory is its coroutine frame, which holds the task's state and its
// sleep timer; the runtime counts every frame it allocates.
aio::Task<> sleeper() {
  co_await aio::sleep(0.1);
}

aio::Task<double> bytes_per_sleeping_task(int count) {
  const std::size_t before = aio::frame_allocations().bytes;
  std::vector<aio::Task<>> tasks;
  for (int i = 0; i < count; ++i) tasks.push_back(aio::create_task(sleeper()));
  co_await aio::sleep(0);  // every task takes its first step and falls asleep
  const std::size_t after = aio::frame_allocations().bytes;
  co_await aio::gather(std::move(tasks));
  co_return static_cast<double>(after - before) / count;
}

// Creation: start each one, let it run its (empty) body, wait for it to end.
double nanoseconds_per_thread(int count) {
  const auto start = RealClock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) threads.emplace_back([] {});
  for (std::thread& thread : threads) thread.join();
  return nanoseconds_since(start) / count;
}

aio::Task<> nothing() {
  co_return;
}

aio::Task<double> nanoseconds_per_task(int count) {
  const auto start = RealClock::now();
  std::vector<aio::Task<>> tasks;
  for (int i = 0; i < count; ++i) tasks.push_back(aio::create_task(nothing()));
  for (aio::Task<>& task : tasks) co_await task;
  co_return nanoseconds_since(start) / count;
}

// Switching: two threads hand a turn back and forth; two tasks do the same
// with sleep(0), which suspends and lets the loop run the other one.
double nanoseconds_per_thread_handoff(int round_trips) {
  std::binary_semaphore ping(0);
  std::binary_semaphore pong(0);
  std::thread partner([&] {
    for (int i = 0; i < round_trips; ++i) {
      ping.acquire();
      pong.release();
    }
  });
  const auto start = RealClock::now();
  for (int i = 0; i < round_trips; ++i) {
    ping.release();
    pong.acquire();
  }
  const double elapsed = nanoseconds_since(start);
  partner.join();
  return elapsed / (2 * round_trips);
}

aio::Task<> yield_many(int times) {
  for (int i = 0; i < times; ++i) co_await aio::sleep(0);
}

aio::Task<double> nanoseconds_per_task_switch(int round_trips) {
  const auto start = RealClock::now();
  co_await aio::gather(yield_many(round_trips), yield_many(round_trips));
  co_return nanoseconds_since(start) / (2 * round_trips);
}

void measured_costs() {
  constexpr int threads = 100;
  constexpr int tasks = 10000;
  constexpr int round_trips = 2000;

  const double thread_memory = resident_bytes_per_thread(threads);
  const double task_memory = aio::run(bytes_per_sleeping_task(tasks));
  fmt::print("memory\n");
  fmt::print("  stack reserved per thread:  {:.0f} KiB of address space\n",
             static_cast<double>(default_stack_bytes()) / 1024);
  fmt::print("  resident per thread:        {:.1f} KiB ({} parked threads)\n", thread_memory / 1024,
             threads);
  fmt::print("  per sleeping task:          {:.0f} bytes ({} tasks)\n", task_memory, tasks);

  const double thread_start = nanoseconds_per_thread(threads);
  const double task_start = aio::run(nanoseconds_per_task(tasks));
  fmt::print("creation, start to finish\n");
  fmt::print("  per thread:                 {:.0f} ns\n", thread_start);
  fmt::print("  per task:                   {:.0f} ns\n", task_start);

  const double handoff = nanoseconds_per_thread_handoff(round_trips);
  const double task_switch = aio::run(nanoseconds_per_task_switch(round_trips));
  fmt::print("switching\n");
  fmt::print("  thread handoff:             {:.0f} ns ({:.0f} per second)\n", handoff,
             1e9 / handoff);
  fmt::print("  task switch (sleep(0)):     {:.0f} ns ({:.0f} per second)\n", task_switch,
             1e9 / task_switch);

  fmt::print("a thread costs, in tasks\n");
  fmt::print("  memory:                     {:.0f}\n", thread_memory / task_memory);
  fmt::print("  creation:                   {:.0f}\n", thread_start / task_start);
  fmt::print("  switching:                  {:.0f}\n", handoff / task_switch);
}
//! [measured_costs]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 1: Why async: the waiting problem",
                       {
                           {"blocking_downloads", blocking_downloads},
                           {"concurrent_downloads", concurrent_downloads},
                           {"receptionist", receptionist},
                           {"hello_world", hello_world},
                           {"concurrency_models", concurrency_models},
                           {"when_to_use", when_to_use},
                           {"asyncio_vs_threading", asyncio_vs_threading},
                           {"measured_costs", measured_costs},
                       });
}
