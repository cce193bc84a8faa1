// E12: download the parts of a file, and stop them all as soon as one fails.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "exercise_test.hpp"
#include "fail_fast_group.hpp"

namespace {

using e12::LogEntry;
using e12::Part;
using exercise_test::same_time;
using exercise_test::seconds_taken;

// When `part` logged `what`, in seconds since `start`; nothing if it never did.
std::optional<double> logged(const std::vector<LogEntry>& log, int part, const std::string& what,
                             double start) {
  for (const LogEntry& entry : log) {
    if (entry.part == part && entry.what == what) return entry.time - start;
  }
  return std::nullopt;
}

// Everything a test wants to know about a download_all that should fail.
struct Failure {
  bool threw_group = false;
  std::string other_error;             // what it threw instead, if not a group
  std::vector<std::string> messages;   // the DownloadErrors in the group
  std::vector<std::string> strangers;  // anything else in the group
  double at = 0;                       // when download_all ended, since the start
  std::size_t still_running = 0;       // tasks left besides the test's own
  std::vector<LogEntry> log;           // the download log at that moment
  double start = 0;
};

aio::Task<Failure> download_expecting_failure(std::vector<Part> parts) {
  Failure failure;
  e12::download_log().clear();
  failure.start = aio::perf_counter();
  try {
    co_await e12::download_all(std::move(parts));
  } catch (const aio::ExceptionGroup& group) {
    failure.threw_group = true;
    for (const std::exception_ptr& error : group.exceptions()) {
      try {
        std::rethrow_exception(error);
      } catch (const e12::DownloadError& download_error) {
        failure.messages.push_back(download_error.what());
      } catch (...) {
        failure.strangers.push_back(aio::describe_error(error));
      }
    }
  } catch (const std::exception&) {
    failure.other_error = aio::describe_error(std::current_exception());
  }
  // Taken at once, before the test's task gives the loop another turn.
  failure.at = aio::perf_counter() - failure.start;
  failure.still_running = aio::all_tasks().size() - 1;
  failure.log = e12::download_log();
  co_return failure;
}

TEST(E12FailFastGroup, ReturnsEveryPartInOrderWhenAllSucceed) {
  e12::download_log().clear();
  const std::vector<Part> parts = {{1, 1.5}, {2, 0.5}, {3, 2.5}, {4, 1.0}};
  std::vector<std::string> data;
  const double elapsed = seconds_taken([&] { data = aio::run(e12::download_all(parts)); });

  EXPECT_EQ(data, (std::vector<std::string>{"<part 1>", "<part 2>", "<part 3>", "<part 4>"}))
      << "download_all should return every part's data in the order of the parts, whatever "
      << "order the downloads finish in";
  EXPECT_NEAR(elapsed, 2.5, same_time)
      << "the parts download together, so download_all should take as long as the slowest, "
      << "2.5 s; it took " << elapsed << " s";
  for (const LogEntry& entry : e12::download_log()) {
    EXPECT_NE(entry.what, "cancelled") << "part " << entry.part << " was cancelled, but no part "
                                       << "failed, so none should be";
  }
}

// Part 2 fails at 1 s; part 4 has finished by then; parts 1 and 3 are still
// downloading (they would take until 3 and 5 s).
const std::vector<Part> one_bad_part = {{1, 3.0}, {2, 1.0, true}, {3, 5.0}, {4, 0.5}};

TEST(E12FailFastGroup, FailsAsSoonAsAPartFailsWithAnExceptionGroup) {
  const Failure failure = aio::run(download_expecting_failure(one_bad_part));

  ASSERT_TRUE(failure.threw_group)
      << "when a part fails, download_all should throw an aio::ExceptionGroup (what a "
      << "TaskGroup throws); "
      << (failure.other_error.empty() ? "it returned normally" : "it threw " + failure.other_error);
  EXPECT_EQ(failure.messages, (std::vector<std::string>{"part 2: connection reset"}))
      << "the group should hold exactly the DownloadError of part 2, the part that failed";
  EXPECT_TRUE(failure.strangers.empty())
      << "the group should hold nothing but DownloadErrors; it also held "
      << (failure.strangers.empty() ? "" : failure.strangers.front());
  EXPECT_NEAR(failure.at, 1.0, same_time)
      << "download_all should fail when part 2 fails, at 1 s, not when the slowest part would "
      << "have finished (5 s); it ended after " << failure.at << " s";
}

TEST(E12FailFastGroup, CancelsThePartsStillRunningAndLeavesNothingBehind) {
  const Failure failure = aio::run(download_expecting_failure(one_bad_part));

  for (int part : {1, 3}) {
    const std::optional<double> cancelled = logged(failure.log, part, "cancelled", failure.start);
    EXPECT_TRUE(cancelled.has_value())
        << "part " << part << " was still downloading when part 2 failed, so it should have "
        << "been cancelled by the time download_all ended";
    if (cancelled) {
      EXPECT_NEAR(*cancelled, 1.0, same_time)
          << "part " << part << " should be cancelled at once when part 2 fails, at 1 s; it was "
          << "cancelled at " << *cancelled << " s";
    }
    EXPECT_FALSE(logged(failure.log, part, "finished", failure.start).has_value())
        << "part " << part << " should not finish after part 2 failed";
  }
  EXPECT_TRUE(logged(failure.log, 4, "finished", failure.start).has_value())
      << "part 4 finished at 0.5 s, before the failure";
  EXPECT_FALSE(logged(failure.log, 4, "cancelled", failure.start).has_value())
      << "part 4 had already finished: there was nothing to cancel";
  EXPECT_EQ(failure.still_running, 0u)
      << "once download_all has failed, none of its downloads should still be running; "
      << failure.still_running << " task(s) were";
}

TEST(E12FailFastGroup, ReportsEveryPartThatFailsAtTheSameMoment) {
  const std::vector<Part> two_bad_parts = {{1, 3.0}, {2, 1.0, true}, {3, 1.0, true}, {4, 0.5}};
  const Failure failure = aio::run(download_expecting_failure(two_bad_parts));

  ASSERT_TRUE(failure.threw_group)
      << "when parts fail, download_all should throw an aio::ExceptionGroup; "
      << (failure.other_error.empty() ? "it returned normally" : "it threw " + failure.other_error);
  std::vector<std::string> messages = failure.messages;
  std::sort(messages.begin(), messages.end());
  EXPECT_EQ(messages,
            (std::vector<std::string>{"part 2: connection reset", "part 3: connection reset"}))
      << "parts 2 and 3 fail at the same moment, before either can be cancelled, so the group "
      << "should hold both errors";
  EXPECT_NEAR(failure.at, 1.0, same_time)
      << "download_all should fail at 1 s, when parts 2 and 3 fail; it ended after " << failure.at
      << " s";
  EXPECT_EQ(failure.still_running, 0u)
      << "once download_all has failed, none of its downloads should still be running";
}

TEST(E12FailFastGroup, DownloadsNothingWhenThereAreNoParts) {
  std::vector<std::string> data = {"not replaced"};
  const double elapsed = seconds_taken([&] { data = aio::run(e12::download_all({})); });

  EXPECT_TRUE(data.empty()) << "no parts should give no data";
  EXPECT_NEAR(elapsed, 0.0, same_time) << "downloading no parts should take no time";
}

}  // namespace
