#pragma once
/// \file fail_fast_group.hpp
/// Exercise E12 (chapter 6): download the parts of a file, and stop them all
/// as soon as one fails.
///
/// A file comes in parts, downloaded at the same time. If one part fails, the
/// file is lost, and the parts still downloading are wasted work: they should
/// stop at once. Write `download_all`: it downloads every part concurrently
/// with `download_part`, inside an aio::TaskGroup, and returns the parts' data
/// in the order of `parts`.
///
/// When a part fails, download_all must end right then, not when the slowest
/// part would have finished: the parts still running are cancelled, and the
/// failure comes out of download_all as an aio::ExceptionGroup holding the
/// part's DownloadError. Nothing may be left running behind it.
///
/// `download_part` writes what happens to each part into `download_log()`, so
/// you can see which parts were cancelled and when.
///
/// Hints:
/// - `tg.create_task(coroutine)` starts a child and returns its task; keep the
///   tasks to read their results once the group is done.
/// - `co_await tg.join()` is the end of Python's `async with` block: it waits
///   for every child and throws the group's errors. A TaskGroup must be joined
///   before it is destroyed.
/// - Compare aio::gather: it also reports the first failure at once, but it
///   leaves the other coroutines running.

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace e12 {

/// One part of a file.
struct Part {
  int number = 0;
  double seconds = 0;  ///< how long its download takes
  bool fails = false;  ///< true: the download fails when that time is up
};

/// What a failed download throws.
struct DownloadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Something that happened to a part's download.
struct LogEntry {
  double time = 0;   ///< aio::perf_counter() when it happened
  int part = 0;      ///< the part's number
  std::string what;  ///< "started", "finished", "failed" or "cancelled"
};

/// Where download_part records what happens, in the order it happens.
inline std::vector<LogEntry>& download_log() {
  static std::vector<LogEntry> log;
  return log;
}

/// A pretend download of one part: takes `part.seconds`, then returns
/// "<part N>", or throws DownloadError("part N: connection reset") if the part
/// fails. Logs its start, its end, and its cancellation if it is cancelled.
inline aio::Task<std::string> download_part(Part part) {
  auto note = [&part](const char* what) {
    download_log().push_back(LogEntry{aio::perf_counter(), part.number, what});
  };
  note("started");
  try {
    co_await aio::sleep(part.seconds);
  } catch (const aio::CancelledError&) {
    note("cancelled");
    throw;  // a cancelled download must stay cancelled
  }
  const std::string name = fmt::format("part {}", part.number);
  if (part.fails) {
    note("failed");
    throw DownloadError(name + ": connection reset");
  }
  note("finished");
  co_return "<" + name + ">";
}

/// Downloads every part concurrently in a TaskGroup; returns the parts' data
/// in the order of `parts`. The first failure cancels the parts still running
/// and comes out as an aio::ExceptionGroup.
aio::Task<std::vector<std::string>> download_all(std::vector<Part> parts);

}  // namespace e12
