// aio::Random must give exactly the numbers CPython 3.11 gives. Every expected value below was
// printed by the real python3 on the development machine; the one-liner that produced each
// list is quoted above it. Doubles are written with Python's repr(), which is the shortest
// text that reads back as the same double, so EXPECT_EQ compares them to the bit.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "aio/random.hpp"

namespace {

std::vector<double> draws(aio::Random& rng, int count) {
  std::vector<double> out;
  for (int i = 0; i < count; ++i) out.push_back(rng.random());
  return out;
}

// python3 -c "import random; random.seed(S); print([repr(random.random()) for _ in range(5)])"
TEST(Random, RandomSeed0) {
  aio::Random rng(0);
  EXPECT_EQ(draws(rng, 5),
            (std::vector<double>{0.8444218515250481, 0.7579544029403025, 0.420571580830845,
                                 0.25891675029296335, 0.5112747213686085}));
}

TEST(Random, RandomSeed1) {
  aio::Random rng(1);
  EXPECT_EQ(draws(rng, 5),
            (std::vector<double>{0.13436424411240122, 0.8474337369372327, 0.763774618976614,
                                 0.2550690257394217, 0.49543508709194095}));
}

TEST(Random, RandomSeed42) {
  aio::Random rng(42);
  EXPECT_EQ(draws(rng, 5),
            (std::vector<double>{0.6394267984578837, 0.025010755222666936, 0.27502931836911926,
                                 0.22321073814882275, 0.7364712141640124}));
}

// Seeds of 2**32 and above use a two-word key: this checks the key length, not just the bits.
TEST(Random, RandomSeedTwoPow32Plus5) {
  aio::Random rng((std::uint64_t{1} << 32) + 5);
  EXPECT_EQ(draws(rng, 5),
            (std::vector<double>{0.15727238718789782, 0.2824866316461999, 0.6044540318498407,
                                 0.014523449205355199, 0.6277755437144577}));
}

TEST(Random, RandomSeedTwoPow64Minus1) {
  aio::Random rng(std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(draws(rng, 5),
            (std::vector<double>{0.021825695401270107, 0.3380953268613758, 0.21196748656082065,
                                 0.6151259995625727, 0.9195709817171983}));
}

TEST(Random, DefaultConstructedIsSeed0AndSeedRestarts) {
  aio::Random rng;
  const double first = rng.random();
  EXPECT_EQ(first, 0.8444218515250481);
  rng.random();
  rng.seed(0);
  EXPECT_EQ(rng.random(), first);
}

// python3 -c "import random; random.seed(42); print([repr(random.uniform(0.2, 1.0)) for _ in
// range(5)])"
TEST(Random, Uniform) {
  aio::Random rng(42);
  std::vector<double> got;
  for (int i = 0; i < 5; ++i) got.push_back(rng.uniform(0.2, 1.0));
  EXPECT_EQ(got, (std::vector<double>{0.711541438766307, 0.22000860417813356, 0.42002345469529545,
                                      0.3785685905190582, 0.78917697133121}));
}

// python3 -c "import random; random.seed(42); print([random.randint(1, 6) for _ in range(20)])"
TEST(Random, RandintDie) {
  aio::Random rng(42);
  std::vector<std::int64_t> got;
  for (int i = 0; i < 20; ++i) got.push_back(rng.randint(1, 6));
  EXPECT_EQ(got, (std::vector<std::int64_t>{6, 1, 1, 6, 3, 2, 2, 2, 6, 1,  //
                                            6, 6, 5, 1, 5, 4, 1, 1, 1, 2}));
}

// A 40-bit range: each getrandbits(40) takes two 32-bit draws.
// python3 -c "import random; random.seed(42); print([random.randint(0, 10**12) for _ in range(5)])"
TEST(Random, RandintWide) {
  aio::Random rng(42);
  std::vector<std::int64_t> got;
  for (int i = 0; i < 5; ++i) got.push_back(rng.randint(0, 1'000'000'000'000));
  EXPECT_EQ(got, (std::vector<std::int64_t>{123005401501, 811856239313, 267469214295, 151282538206,
                                            114832269481}));
}

// python3 -c "import random; random.seed(42); print([random.randrange(-5, 5) for _ in range(10)],
//                                                   [random.randrange(1000) for _ in range(3)])"
TEST(Random, Randrange) {
  aio::Random rng(42);
  std::vector<std::int64_t> got;
  for (int i = 0; i < 10; ++i) got.push_back(rng.randrange(-5, 5));
  EXPECT_EQ(got, (std::vector<std::int64_t>{-4, -5, -1, -2, -2, -3, -4, 3, -4, 4}));
  EXPECT_EQ(rng.randrange(1000), 432);
  EXPECT_EQ(rng.randrange(1000), 32);
  EXPECT_EQ(rng.randrange(1000), 30);
}

// Widths that overflow int64 must still give Python's numbers.
// python3 -c "import random; random.seed(42); print(random.randrange(-2**63, 2**63-1),
//             random.randint(-2**63, 2**63-2), random.randrange(2**63-1))"
TEST(Random, RandrangeNearInt64Limits) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  aio::Random rng(42);
  EXPECT_EQ(rng.randrange(kMin, kMax), -7169676182496904803);
  EXPECT_EQ(rng.randint(kMin, kMax - 1), 4455820328218073809);
  EXPECT_EQ(rng.randrange(kMax), 2258728696626565719);
}

// python3 -c "import random; random.seed(S); print([random.getrandbits(k) for k in (1, 31, 32, 33,
// 64)])"
TEST(Random, Getrandbits) {
  aio::Random rng(42);
  EXPECT_EQ(rng.getrandbits(1), 1U);
  EXPECT_EQ(rng.getrandbits(31), 239081663U);
  EXPECT_EQ(rng.getrandbits(32), 107420369U);
  EXPECT_EQ(rng.getrandbits(33), 3184935163U);
  EXPECT_EQ(rng.getrandbits(64), 4117511471858006928U);

  rng.seed(std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(rng.getrandbits(1), 0U);
  EXPECT_EQ(rng.getrandbits(31), 534247828U);
  EXPECT_EQ(rng.getrandbits(32), 1452108352U);
  EXPECT_EQ(rng.getrandbits(33), 2657516307U);
  EXPECT_EQ(rng.getrandbits(64), 11347071888800127570U);
}

// getrandbits(0) is 0 in Python and draws nothing: the next value is unchanged.
TEST(Random, GetrandbitsZeroDrawsNothing) {
  aio::Random rng(42);
  EXPECT_EQ(rng.getrandbits(0), 0U);
  EXPECT_EQ(rng.random(), 0.6394267984578837);
}

// Calls of different kinds share one stream, in call order.
// python3 -c "import random; random.seed(42); random.random();
//             print(random.randint(1, 6), repr(random.random()), random.getrandbits(40))"
TEST(Random, MixedCallsShareTheStream) {
  aio::Random rng(42);
  rng.random();
  EXPECT_EQ(rng.randint(1, 6), 1);
  EXPECT_EQ(rng.random(), 0.7415504997598329);
  EXPECT_EQ(rng.getrandbits(40), 245864938384U);
}

// python3 -c "import random; random.seed(42);
//             print([random.choice(['alpha', 'beta', 'gamma', 'delta', 'epsilon']) for _ in
//             range(8)])"
TEST(Random, Choice) {
  const std::vector<std::string> words{"alpha", "beta", "gamma", "delta", "epsilon"};
  aio::Random rng(42);
  std::vector<std::string> got;
  for (int i = 0; i < 8; ++i) got.push_back(rng.choice(words));
  EXPECT_EQ(got, (std::vector<std::string>{"alpha", "alpha", "gamma", "beta", "beta", "beta",
                                           "alpha", "epsilon"}));
  // choice returns a reference into the sequence, not a copy. Python's ninth choice is
  // 'alpha' (same seed, one more call), so the reference must point at words[0].
  EXPECT_EQ(&rng.choice(words), &words[0]);
}

// python3 -c "import random; random.seed(42); x = list(range(10)); random.shuffle(x); print(x)"
// (and the same with random.seed(7))
TEST(Random, Shuffle) {
  aio::Random rng(42);
  std::vector<int> v{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  rng.shuffle(v);
  EXPECT_EQ(v, (std::vector<int>{7, 3, 2, 8, 5, 6, 9, 4, 0, 1}));

  rng.seed(7);
  std::array<int, 10> a{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  rng.shuffle(a);
  EXPECT_EQ(a, (std::array<int, 10>{8, 3, 1, 4, 7, 0, 9, 6, 2, 5}));
}

TEST(Random, ShuffleOfTinySequencesDrawsNothing) {
  aio::Random rng(42);
  std::vector<int> empty;
  std::vector<int> one{5};
  rng.shuffle(empty);
  rng.shuffle(one);
  EXPECT_EQ(one, std::vector<int>{5});
  EXPECT_EQ(rng.random(), 0.6394267984578837);
}

// Error texts are Python's ValueError / IndexError messages, e.g.
// python3 -c "import random; random.randint(5, 3)"  ->  empty range for randrange() (5, 4, -1)
template <class Exception, class F>
std::string message_of(F&& call) {
  try {
    std::forward<F>(call)();
  } catch (const Exception& e) {
    return e.what();
  }
  return "<no exception>";
}

TEST(Random, Errors) {
  aio::Random rng(42);
  EXPECT_EQ(message_of<std::invalid_argument>([&] { rng.randrange(5, 5); }),
            "empty range for randrange() (5, 5, 0)");
  EXPECT_EQ(message_of<std::invalid_argument>([&] { rng.randrange(0); }),
            "empty range for randrange()");
  EXPECT_EQ(message_of<std::invalid_argument>([&] { rng.randint(5, 3); }),
            "empty range for randrange() (5, 4, -1)");
  EXPECT_EQ(message_of<std::invalid_argument>([&] { rng.getrandbits(-1); }),
            "number of bits must be non-negative");
  EXPECT_THROW(rng.getrandbits(65), std::invalid_argument);
  EXPECT_THROW(rng.randbelow(0), std::invalid_argument);
  const std::vector<int> empty;
  EXPECT_EQ(message_of<std::out_of_range>([&] { rng.choice(empty); }),
            "Cannot choose from an empty sequence");
  // The width in the message may be below INT64_MIN; Python prints it exactly.
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(message_of<std::invalid_argument>([&] { rng.randrange(kMax, kMin); }),
            "empty range for randrange() (9223372036854775807, -9223372036854775808, "
            "-18446744073709551615)");
  // None of the failed calls consumed a random number.
  EXPECT_EQ(rng.random(), 0.6394267984578837);
}

// choice returns a reference, so choosing from a temporary must not compile.
template <class T>
concept CanChooseFrom = requires(aio::Random& rng, T&& seq) {
  rng.choice(std::forward<T>(seq));
};
static_assert(CanChooseFrom<std::vector<int>&>);
static_assert(CanChooseFrom<const std::vector<int>&>);
static_assert(!CanChooseFrom<std::vector<int>>);

TEST(Random, DefaultRandomIsOneSharedInstance) {
  EXPECT_EQ(&aio::default_random(), &aio::default_random());
  aio::default_random().seed(42);  // what the chapter harness does before each section
  EXPECT_EQ(aio::default_random().random(), 0.6394267984578837);
}

}  // namespace
