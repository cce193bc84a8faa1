#pragma once
/// \file random.hpp
/// aio::Random: random numbers that match CPython's `random` module bit for
/// bit (`random.Random`), and aio::default_random(), the generator behind
/// Python's module-level `random.random()`.
///
/// The chapter programs must print exactly what their Python twins print,
/// random numbers included. std::mt19937 is the same generator as CPython's,
/// but it is seeded differently and turns its output into numbers
/// differently, so it cannot reproduce Python's values. This class copies
/// what CPython 3.11 does, step by step:
///
/// - Modules/_randommodule.c: MT19937, `init_by_array` seeding, `random()`
///   and `getrandbits()`;
/// - Lib/random.py: `_randbelow_with_getrandbits`, `randrange`, `randint`,
///   `uniform`, `choice` and `shuffle`, all built on those two.
///
/// Same seed, same calls, same order: same numbers as Python.

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace aio {

/// A Mersenne Twister reproducing Python's `random.Random`; the methods have
/// Python's names.
///
/// Invalid arguments throw std::invalid_argument (Python's ValueError) with
/// Python's message; choosing from an empty sequence throws std::out_of_range
/// (Python's IndexError).
///
/// Where it differs from Python: seeds are non-negative integers below 2**64
/// and results must fit in 64 bits, since a C++ integer has no arbitrary
/// precision; `Random()` is seeded with 0 instead of from the operating
/// system, so that every run is reproducible. An instance is not thread-safe:
/// Python's is only safe thanks to the GIL.
class Random {
 public:
  /// A generator in the state Python's `random.Random(seed)` has.
  explicit Random(std::uint64_t seed = 0);

  /// Reseeds exactly as `random.seed(seed)` does for a non-negative int.
  void seed(std::uint64_t seed);

  /// A double in [0.0, 1.0) with 53 random bits (`random.random()`).
  double random();

  /// An integer of k random bits, 0 <= k <= 64 (`random.getrandbits(k)`).
  /// Throws std::invalid_argument when k is negative, as Python does, or above
  /// 64, where the result would not fit.
  std::uint64_t getrandbits(int k);

  /// An integer in [0, n) (Python's private `random._randbelow(n)`, which
  /// `randrange`, `choice` and `shuffle` are built on). Throws
  /// std::invalid_argument when n is 0, where Python would loop forever, or
  /// above 2**63, where the result would not fit in int64.
  std::int64_t randbelow(std::uint64_t n);

  /// An integer in [0, stop) (`random.randrange(stop)`). Throws
  /// std::invalid_argument "empty range for randrange()" when stop <= 0.
  std::int64_t randrange(std::int64_t stop);

  /// An integer in [start, stop) (`random.randrange(start, stop)`). Throws
  /// std::invalid_argument "empty range for randrange() (start, stop, width)"
  /// when stop <= start.
  std::int64_t randrange(std::int64_t start, std::int64_t stop);

  /// An integer in [a, b], both ends included (`random.randint(a, b)`).
  /// Throws std::invalid_argument when a > b, with the message of
  /// randrange(a, b + 1), as Python does.
  std::int64_t randint(std::int64_t a, std::int64_t b);

  /// `a + (b - a) * random()`, a double between a and b (`random.uniform`).
  double uniform(double a, double b);

  /// A reference to a random element of `seq` (`random.choice(seq)`): anything
  /// with std::size and operator[], such as std::vector, std::array or
  /// std::string. Throws std::out_of_range "Cannot choose from an empty
  /// sequence" when `seq` is empty.
  template <class Seq>
  const auto& choice(const Seq& seq) {
    const auto size = static_cast<std::uint64_t>(std::size(seq));
    if (size == 0) throw std::out_of_range("Cannot choose from an empty sequence");
    return seq[static_cast<std::size_t>(below(size))];
  }

  /// Deleted: choosing from a temporary would return a dangling reference.
  template <class Seq>
  requires(!std::is_lvalue_reference_v<Seq>) void choice(Seq&&) = delete;

  /// Shuffles `seq` in place (`random.shuffle(seq)`), with Python's algorithm,
  /// so into the same permutation.
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
  // randbelow without its int64 limit: choice and shuffle index with it.
  std::uint64_t below(std::uint64_t n);

  std::array<std::uint32_t, kStateSize> state_{};
  int index_ = kStateSize + 1;  // position of the next output; >= N means "regenerate first"
};

/// The process-wide generator behind module-level calls such as Python's
/// `random.random()`. It starts seeded with 0; the chapter harness reseeds it
/// with 42 before each section, as the Python twin harness calls
/// `random.seed(42)`.
///
/// Like Python's, it is one generator for every thread, but here no GIL makes
/// each call atomic: while several threads run, at most one of them may use it
/// (seed it before they start, or give each thread an aio::Random of its own).
Random& default_random();

}  // namespace aio
