/// Chapter 6: Structured concurrency.
///
/// A TaskGroup ties the lifetime of its child tasks to a block of code: the
/// block is not left until every child has finished, and the first child that
/// fails cancels its siblings. Errors come out together, as one
/// ExceptionGroup, which `except*` (aio::except_star in C++) takes apart by type.
///
/// Python's ValueError and KeyError are std::invalid_argument and
/// std::out_of_range here; the lines printed are the same.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chapter.hpp"
#include "python_repr.hpp"

// Outside any namespace, so that error reports name it plainly.
struct QuotaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace {

//! [taskgroup_success]
aio::Task<int> square(int n) {
  co_await aio::sleep(0.1 * n);
  co_return n* n;
}

aio::Task<void> squares() {
  const double start = aio::perf_counter();
  std::vector<aio::ChildTask<int>> tasks;
  {
    aio::TaskGroup tg;
    for (int n = 1; n < 5; ++n) tasks.push_back(tg.create_task(square(n)));
    // Nothing has run yet: the children take their first step once the body
    // reaches an await, here join(), the end of the block.
    std::vector<bool> done;
    for (auto& task : tasks) done.push_back(task.done());
    fmt::print("created {} tasks, done: {}\n", tasks.size(), py::repr(done));
    co_await tg.join();
  }
  // join() waited for every child, so every result is there.
  std::vector<int> results;
  for (auto& task : tasks) results.push_back(task.result());
  fmt::print("results: {}\n", py::repr(results));
  fmt::print("block left after {:.1f}s\n", aio::perf_counter() - start);
}

void taskgroup_success() {
  aio::run(squares());
}
//! [taskgroup_success]

//! [taskgroup_failure]
aio::Task<std::string> process_item(int item_id) {
  co_await aio::sleep(0.1 * (item_id % 5));
  if (item_id == 7) throw std::invalid_argument(fmt::format("Item {} is invalid", item_id));
  fmt::print("  item {} processed\n", item_id);
  co_return fmt::format("item {}", item_id);
}

aio::Task<void> main_taskgroup() {
  const double start = aio::perf_counter();
  std::vector<aio::ChildTask<std::string>> tasks;
  try {
    aio::TaskGroup tg;
    for (int i = 0; i < 10; ++i) tasks.push_back(tg.create_task(process_item(i)));
    co_await tg.join();
    // Only reached when every item succeeded.
    fmt::print("All {} items processed\n", tasks.size());
  } catch (const aio::ExceptionGroup& group) {
    // `except* ValueError`: the handler sees only the invalid_argument errors.
    aio::except_star(group)
        .on<std::invalid_argument>([](const aio::ExceptionGroup& eg) {
          for (const auto& error : eg.exceptions()) {
            fmt::print("Failed: {}\n", aio::error_message(error));
          }
        })
        .rethrow_rest();
  }
  fmt::print("done after {:.1f}s\n", aio::perf_counter() - start);
  // Every task is done now: the group waited for the cancelled ones too.
  bool all_done = true;
  std::vector<std::string> succeeded;
  std::vector<std::string> cancelled;
  for (auto& task : tasks) {
    all_done = all_done && task.done();
    if (task.cancelled()) {
      cancelled.push_back(task.get_name());
    } else if (!task.exception()) {
      succeeded.push_back(task.result());
    }
  }
  fmt::print("all done: {}\n", py::repr(all_done));
  fmt::print("succeeded: {}\n", py::repr(succeeded));
  fmt::print("cancelled: {}\n", py::repr(cancelled));
}

void taskgroup_failure() {
  aio::run(main_taskgroup());
}
//! [taskgroup_failure]

//! [except_star]
aio::Task<std::string> lookup(std::string user, double delay) {
  co_await aio::sleep(delay);
  if (user.empty()) throw std::invalid_argument("empty user name");
  if (user == "mallory") throw std::out_of_range("mallory");
  if (user == "eve") throw QuotaError("quota exceeded for eve");
  for (char& c : user) c = static_cast<char>(c - 'a' + 'A');
  co_return user;
}

aio::Task<void> lookup_all() {
  // The failures happen at the same time, so no sibling is cancelled before
  // it fails: the group holds all three errors.
  aio::TaskGroup tg;
  tg.create_task(lookup("alice", 0.1));
  tg.create_task(lookup("", 0.2));
  tg.create_task(lookup("mallory", 0.2));
  tg.create_task(lookup("eve", 0.2));
  co_await tg.join();
}

aio::Task<void> handle_some() {
  try {
    co_await lookup_all();
  } catch (const aio::ExceptionGroup& group) {
    aio::except_star(group)
        .on<std::invalid_argument>([](const aio::ExceptionGroup& eg) {
          // One clause runs once, with every invalid_argument in a group of
          // its own.
          fmt::print("bad values: {}\n", eg.what());
          for (const auto& error : eg.exceptions()) {
            fmt::print("  {}\n", aio::error_message(error));
          }
        })
        .on<std::out_of_range>([](const std::out_of_range& error) {
          fmt::print("  unknown user: {}\n", error.what());
        })
        // The QuotaError matched no clause: it is raised again, in a group.
        .rethrow_rest();
  }
}

aio::Task<void> split_errors() {
  try {
    co_await handle_some();
  } catch (const aio::ExceptionGroup& group) {
    fmt::print("re-raised: {}\n", group.what());
    for (const auto& error : group.exceptions()) {
      fmt::print("  still unhandled: {}\n", aio::error_message(error));
    }
  }
}

void except_star() {
  aio::run(split_errors());
}
//! [except_star]

//! [sibling_cancellation]
aio::Task<void> worker(std::string name, double cleanup) {
  const double start = aio::perf_counter();
  std::exception_ptr cancellation;
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError&) {
    // C++ cannot co_await inside a catch block: keep the error, clean up below.
    cancellation = std::current_exception();
  }
  if (cancellation) {
    const double cancelled_at = aio::perf_counter() - start;
    // Cleanup may await; the group waits for it.
    co_await aio::sleep(cleanup);
    // One line, printed when the cleanup ends: the order in which the
    // siblings are cancelled is not something to rely on.
    fmt::print("{}: cancelled at {:.1f}s, cleaned up at {:.1f}s\n", name, cancelled_at,
               aio::perf_counter() - start);
    std::rethrow_exception(cancellation);
  }
}

aio::Task<void> failing(double delay) {
  co_await aio::sleep(delay);
  fmt::print("failing: raising\n");
  throw std::invalid_argument("disk full");
}

aio::Task<void> cancel_siblings() {
  const double start = aio::perf_counter();
  try {
    aio::TaskGroup tg;
    tg.create_task(worker("writer", 0.3));
    tg.create_task(worker("reader", 0.1));
    tg.create_task(failing(0.5));
    co_await tg.join();
  } catch (const aio::ExceptionGroup& group) {
    aio::except_star(group)
        .on<std::invalid_argument>([&](const aio::ExceptionGroup& eg) {
          fmt::print("group raised at {:.1f}s: {}\n", aio::perf_counter() - start,
                     aio::error_message(eg.exceptions()[0]));
        })
        .rethrow_rest();
  }
}

void sibling_cancellation() {
  aio::run(cancel_siblings());
}
//! [sibling_cancellation]

//! [body_raises]
aio::Task<void> flusher() {
  try {
    co_await aio::sleep(10);
  } catch (const aio::CancelledError&) {
    // An error in cleanup is a real error, not a cancellation.
    throw std::runtime_error("flush failed during cleanup");
  }
}

aio::Task<void> body_fails() {
  const double start = aio::perf_counter();
  try {
    aio::TaskGroup tg;
    std::exception_ptr body_error;
    try {
      tg.create_task(worker("poller", 0.2));
      tg.create_task(flusher());
      co_await aio::sleep(0.5);
      fmt::print("body: raising\n");
      throw std::invalid_argument("body gave up");
    } catch (...) {
      body_error = std::current_exception();
    }
    // What `async with` does when its block raises: hand the error to the exit.
    co_await tg.join(body_error);
  } catch (const aio::ExceptionGroup& group) {
    fmt::print("after {:.1f}s: {}\n", aio::perf_counter() - start, group.what());
    // The body failed first, but its error comes last.
    for (const auto& error : group.exceptions()) {
      fmt::print("  {}\n", aio::error_message(error));
    }
  }
}

void body_raises() {
  aio::run(body_fails());
}
//! [body_raises]

//! [gather_vs_taskgroup]
aio::Task<std::string> step(std::string name, double delay) {
  try {
    co_await aio::sleep(delay);
  } catch (const aio::CancelledError&) {
    fmt::print("  {} cancelled\n", name);
    throw;
  }
  if (name == "bad") throw std::invalid_argument(name + " failed");
  fmt::print("  {} finished\n", name);
  co_return name;
}

aio::Task<void> compare() {
  double start = aio::perf_counter();
  fmt::print("gather:\n");
  try {
    co_await aio::gather(step("bad", 0.1), step("slow", 0.5));
  } catch (const std::invalid_argument& error) {
    fmt::print("  caught {} at {:.1f}s\n", error.what(), aio::perf_counter() - start);
  }
  // gather raised, yet its other child is still running.
  co_await aio::sleep(1);

  start = aio::perf_counter();
  fmt::print("TaskGroup:\n");
  try {
    aio::TaskGroup tg;
    tg.create_task(step("bad", 0.1));
    tg.create_task(step("slow", 0.5));
    co_await tg.join();
  } catch (const aio::ExceptionGroup& group) {
    aio::except_star(group)
        .on<std::invalid_argument>([&](const std::invalid_argument& error) {
          fmt::print("  caught {} at {:.1f}s\n", error.what(), aio::perf_counter() - start);
        })
        .rethrow_rest();
  }
  co_await aio::sleep(1);
  fmt::print("nothing left running\n");
}

void gather_vs_taskgroup() {
  aio::run(compare());
}
//! [gather_vs_taskgroup]

}  // namespace

int main(int argc, char** argv) {
  return chapter::main(argc, argv, "Chapter 6: Structured concurrency",
                       {{"taskgroup_success", taskgroup_success},
                        {"taskgroup_failure", taskgroup_failure},
                        {"except_star", except_star},
                        {"sibling_cancellation", sibling_cancellation},
                        {"body_raises", body_raises},
                        {"gather_vs_taskgroup", gather_vs_taskgroup}});
}
