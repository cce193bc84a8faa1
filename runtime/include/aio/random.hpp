/// @file random.hpp
/// @brief aio::Random: a random source that matches CPython's `random` module bit for bit.
///
/// The chapter programs must print exactly what their Python twins print, random numbers
/// included. The C++ standard library's std::mt19937 uses the same generator as CPython but
/// seeds it differently and turns its output into numbers differently, so it cannot reproduce
/// Python's values. This class copies what CPython 3.11 does, step by step:
///
///  - Modules/_randommodule.c: MT19937, `init_by_array` seeding, `random()`, `getrandbits()`;
///  - Lib/random.py: `_randbelow_with_getrandbits`, `randrange`, `randint`, `uniform`,
///    `choice` and `shuffle`, which are all built on those two primitives.
///
/// Same seed, same calls, same order: same numbers as Python.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace aio {

/// A Mersenne Twister random source reproducing Python's `random.Random`.
///
/// Method names mirror Python's. Invalid arguments throw std::invalid_argument (Python's
/// ValueError) with Python's message; choosing from an empty sequence throws std::out_of_range
/// (Python's IndexError).
///
/// Differences from Python: seeds are non-negative integers below 2**64, results must fit in
/// 64 bits, and `Random()` is seeded with 0 instead of from the operating system, so a run is
/// always reproducible. An instance is not thread-safe, just like Python's is only safe thanks
/// to the GIL.
class Random {
 public:
  /// Creates a generator in the state Python's `random.Random(seed)` would have.
  explicit Random(std::uint64_t seed = 0);

  /// Reseeds exactly as `random.seed(seed)` does for a non-negative int.
  void seed(std::uint64_t seed);

  /// A double in [0.0, 1.0) with 53 random bits, like `random.random()`.
  double random();

  /// An integer made of k random bits, like `random.getrandbits(k)`, for 0 <= k <= 64.
  /// @throws std::invalid_argument if k is negative (as Python) or above 64 (a C++ limit).
  std::uint64_t getrandbits(int k);

  /// An integer in [0, n), like Python's private `random._randbelow(n)`, which `randrange`,
  /// `choice` and `shuffle` are built on.
  /// @throws std::invalid_argument if n is 0 or above 2**63 (the result must fit in int64).
  std::int64_t randbelow(std::uint64_t n);

  /// An integer in [0, stop), like `random.randrange(stop)`.
  /// @throws std::invalid_argument "empty range for randrange()" if stop <= 0.
  std::int64_t randrange(std::int64_t stop);

  /// An integer in [start, stop), like `random.randrange(start, stop)`.
  /// @throws std::invalid_argument "empty range for randrange() (start, stop, width)" if
  ///         stop <= start.
  std::int64_t randrange(std::int64_t start, std::int64_t stop);

  /// An integer in [a, b], both ends included, like `random.randint(a, b)`.
  /// @throws std::invalid_argument (Python's message, from randrange(a, b + 1)) if a > b.
  std::int64_t randint(std::int64_t a, std::int64_t b);

  /// A double between a and b, computed as `a + (b - a) * random()` like `random.uniform`.
  double uniform(double a, double b);

  /// A reference to a random element of seq, like `random.choice(seq)`.
  /// Seq is anything with std::size and operator[] (std::vector, std::array, std::string...).
  /// @throws std::out_of_range "Cannot choose from an empty sequence" if seq is empty.
  template <class Seq>
  const auto& choice(const Seq& seq) {
    const auto size = static_cast<std::uint64_t>(std::size(seq));
    if (size == 0) throw std::out_of_range("Cannot choose from an empty sequence");
    return seq[static_cast<std::size_t>(below(size))];
  }

  /// Choosing from a temporary would return a dangling reference: refuse to compile.
  template <class Seq>
  requires(!std::is_lvalue_reference_v<Seq>) void choice(Seq&&) = delete;

  /// Shuffles seq in place, like `random.shuffle(seq)`: same algorithm, so same permutation.
  template <class Seq>
  void shuffle(Seq& seq) {
    // Fisher-Yates from the end, exactly as Lib/random.py:
    //   for i in reversed(range(1, len(x))): j = randbelow(i + 1); x[i], x[j] = x[j], x[i]
    using std::swap;
    for (auto i = static_cast<std::uint64_t>(std::size(seq)); i-- > 1;) {
      const std::uint64_t j = below(i + 1);
      swap(seq[static_cast<std::size_t>(i)], seq[static_cast<std::size_t>(j)]);
    }
  }

 private:
  static constexpr int kStateSize = 624;  // N in the MT19937 paper and in CPython

  std::uint32_t genrand_uint32();                                // next raw 32-bit output
  void init_genrand(std::uint32_t s);                            // CPython's init_genrand
  void init_by_array(const std::uint32_t* key, int key_length);  // CPython's init_by_array
  std::uint64_t below(std::uint64_t n);  // randbelow without the int64 limit

  std::array<std::uint32_t, kStateSize> state_{};
  int index_ = kStateSize + 1;  // position of the next output; >= N means "regenerate first"
};

/// The process-wide instance behind module-level calls such as Python's `random.random()`.
/// It starts seeded with 0; the chapter harness reseeds it with 42 before each section, as the
/// Python twin harness calls `random.seed(42)`.
///
/// Like Python's, it is one generator for every thread, but here no GIL makes each call atomic:
/// while several threads run, at most one of them may use it (seed it before they start, or
/// give each thread an aio::Random of its own).
Random& default_random();

}  // namespace aio
