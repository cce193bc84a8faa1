// E3: three countdowns, interleaved.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "countdowns.hpp"
#include "exercise_test.hpp"

namespace {

using exercise_test::same_time;
using exercise_test::seconds_taken;
using exercise_test::shown;

TEST(E03Countdowns, ACountdownWritesItsNumbersThenLiftsOff) {
  e03::Log log;

  const double elapsed = seconds_taken([&] { aio::run(e03::countdown("A", 3, 0.5, &log)); });

  const e03::Log expected = {"A: 3", "A: 2", "A: 1", "A: lift-off!"};
  EXPECT_EQ(log, expected) << "countdown(\"A\", 3, ...) should write " << shown(expected)
                           << "; it wrote " << shown(log);
  EXPECT_NEAR(elapsed, 1.5, same_time)
      << "a countdown from 3 with 0.5 s after each number should take 1.5 s; it took " << elapsed
      << " s";
}

TEST(E03Countdowns, ACountdownFromZeroOnlyLiftsOff) {
  e03::Log log;

  const double elapsed = seconds_taken([&] { aio::run(e03::countdown("Z", 0, 0.5, &log)); });

  const e03::Log expected = {"Z: lift-off!"};
  EXPECT_EQ(log, expected) << "a countdown from 0 should write only " << shown(expected)
                           << "; it wrote " << shown(log);
  EXPECT_NEAR(elapsed, 0.0, same_time)
      << "a countdown from 0 has no number to wait after, so it should take no time; it took "
      << elapsed << " s";
}

TEST(E03Countdowns, LinesInterleaveInTheOrderTheyHappen) {
  // A writes at 0, 0.3, 0.6 and lifts off at 0.9; B at 0, 0.25, 0.5, 0.75,
  // 1.0 and lifts off at 1.25; C at 0, 0.4 and lifts off at 0.8. After the
  // first three lines (all at 0, in start order) no two lines fall together.
  e03::Log log;
  const std::vector<e03::Countdown> countdowns = {{"A", 3, 0.3}, {"B", 5, 0.25}, {"C", 2, 0.4}};

  aio::run(e03::run_countdowns(countdowns, &log));

  const e03::Log expected = {
      "A: 3",         "B: 5", "C: 2",  // 0 s
      "B: 4",                          // 0.25 s
      "A: 2",                          // 0.3 s
      "C: 1",                          // 0.4 s
      "B: 3",                          // 0.5 s
      "A: 1",                          // 0.6 s
      "B: 2",                          // 0.75 s
      "C: lift-off!",                  // 0.8 s
      "A: lift-off!",                  // 0.9 s
      "B: 1",                          // 1.0 s
      "B: lift-off!",                  // 1.25 s
  };
  EXPECT_EQ(log, expected) << "the countdowns should run at the same time, each line written "
                           << "when its moment comes:\n  expected " << shown(expected)
                           << "\n  got      " << shown(log);
}

TEST(E03Countdowns, LinesDueTogetherComeInStartOrder) {
  // Every countdown waits 0.1 s: at each tick the lines fall due together
  // and come in the order the countdowns were started, A, B, then C.
  e03::Log log;
  const std::vector<e03::Countdown> countdowns = {{"A", 3, 0.1}, {"B", 5, 0.1}, {"C", 2, 0.1}};

  aio::run(e03::run_countdowns(countdowns, &log));

  const e03::Log expected = {
      "A: 3",         "B: 5", "C: 2",          // 0 s
      "A: 2",         "B: 4", "C: 1",          // 0.1 s
      "A: 1",         "B: 3", "C: lift-off!",  // 0.2 s
      "A: lift-off!", "B: 2",                  // 0.3 s
      "B: 1",                                  // 0.4 s
      "B: lift-off!",                          // 0.5 s
  };
  EXPECT_EQ(log, expected) << "lines due at the same moment should come in the order the "
                           << "countdowns were started:\n  expected " << shown(expected)
                           << "\n  got      " << shown(log);
}

TEST(E03Countdowns, TakesAsLongAsTheLongestCountdownNotTheSum) {
  struct Case {
    std::vector<e03::Countdown> countdowns;
    double longest;
    double sum;
  };
  const std::vector<Case> cases = {
      {{{"A", 3, 0.3}, {"B", 5, 0.25}, {"C", 2, 0.4}}, 1.25, 0.9 + 1.25 + 0.8},
      {{{"A", 3, 0.1}, {"B", 5, 0.1}, {"C", 2, 0.1}}, 0.5, 0.3 + 0.5 + 0.2},
  };
  for (const Case& each : cases) {
    e03::Log log;

    const double elapsed =
        seconds_taken([&] { aio::run(e03::run_countdowns(each.countdowns, &log)); });

    EXPECT_NEAR(elapsed, each.longest, same_time)
        << "run_countdowns should take as long as its longest countdown (" << each.longest
        << " s), since they all wait at the same time; it took " << elapsed << " s (the sum is "
        << each.sum << " s)";
  }
}

TEST(E03Countdowns, EveryCountdownCountsDownInFullThenLiftsOff) {
  // Five countdowns with starts and delays from a fixed seed: whatever the
  // interleaving, each one's own lines are all its numbers, then lift-off.
  aio::Random random(7);
  std::vector<e03::Countdown> countdowns;
  for (const char* name : {"P", "Q", "R", "S", "T"}) {
    countdowns.push_back({name, static_cast<int>(random.randint(1, 6)), random.uniform(0.05, 0.3)});
  }
  e03::Log log;

  aio::run(e03::run_countdowns(countdowns, &log));

  for (const e03::Countdown& each : countdowns) {
    e03::Log expected;
    for (int number = each.start; number > 0; --number) {
      expected.push_back(fmt::format("{}: {}", each.name, number));
    }
    expected.push_back(fmt::format("{}: lift-off!", each.name));
    e03::Log own;
    for (const std::string& line : log) {
      if (line.starts_with(each.name + ":")) own.push_back(line);
    }
    EXPECT_EQ(own, expected) << "countdown " << each.name << " should write " << shown(expected)
                             << ", ending with its own lift-off; its lines were " << shown(own);
  }
}

}  // namespace
