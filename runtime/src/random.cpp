// aio::Random: CPython 3.11's random module, transcribed.
//
// The generator follows Modules/_randommodule.c (itself the MT19937 reference
// code by Matsumoto and Nishimura); the rest follows Lib/random.py. Comments
// quote the Python so that the two can be compared line by line.
#include "aio/random.hpp"

#include <fmt/core.h>

#include <bit>
#include <string>

namespace aio {

namespace {

constexpr int kN = 624;  // words of state
constexpr int kM = 397;  // offset of the word mixed in when regenerating
constexpr std::uint32_t kMatrixA = 0x9908b0dfU;
constexpr std::uint32_t kUpperMask = 0x80000000U;  // most significant bit
constexpr std::uint32_t kLowerMask = 0x7fffffffU;  // the other 31 bits

// Python's ValueError text, e.g. "empty range for randrange() (5, 4, -1)". The
// width stop - start is <= 0 here but may be below INT64_MIN, so it is printed
// as a minus sign and its magnitude, start - stop, which always fits in uint64
// (unsigned subtraction wraps to the exact value).
std::string empty_range(std::int64_t start, std::int64_t stop) {
  const std::uint64_t magnitude =
      static_cast<std::uint64_t>(start) - static_cast<std::uint64_t>(stop);
  return fmt::format("empty range for randrange() ({}, {}, {}{})", start, stop,
                     magnitude == 0 ? "" : "-", magnitude);
}

}  // namespace

Random::Random(std::uint64_t seed) {
  this->seed(seed);
}

void Random::seed(std::uint64_t seed) {
  // random_seed() in _randommodule.c: the key is abs(n) cut into 32-bit words,
  // least significant first, without leading zero words; n == 0 still gives
  // one word, [0]. So seeds below 2**32 use a one-word key and larger ones a
  // two-word key: the key length changes the state, so always passing two
  // words would give other numbers than Python's.
  const std::uint32_t key[2] = {static_cast<std::uint32_t>(seed),
                                static_cast<std::uint32_t>(seed >> 32)};
  init_by_array(key, key[1] == 0 ? 1 : 2);
}

void Random::init_genrand(std::uint32_t s) {
  state_[0] = s;
  for (int i = 1; i < kN; ++i) {
    const std::uint32_t prev = state_[i - 1];
    // Unsigned arithmetic wraps modulo 2**32, which the reference code relies on.
    state_[i] = 1812433253U * (prev ^ (prev >> 30)) + static_cast<std::uint32_t>(i);
  }
  index_ = kN;
}

void Random::init_by_array(const std::uint32_t* key, int key_length) {
  init_genrand(19650218U);
  int i = 1;
  int j = 0;
  for (int k = kN > key_length ? kN : key_length; k > 0; --k) {
    const std::uint32_t prev = state_[i - 1];
    state_[i] = (state_[i] ^ ((prev ^ (prev >> 30)) * 1664525U)) + key[j] +
                static_cast<std::uint32_t>(j);  // non-linear
    ++i;
    ++j;
    if (i >= kN) {
      state_[0] = state_[kN - 1];
      i = 1;
    }
    if (j >= key_length) j = 0;
  }
  for (int k = kN - 1; k > 0; --k) {
    const std::uint32_t prev = state_[i - 1];
    state_[i] = (state_[i] ^ ((prev ^ (prev >> 30)) * 1566083941U)) -
                static_cast<std::uint32_t>(i);  // non-linear
    ++i;
    if (i >= kN) {
      state_[0] = state_[kN - 1];
      i = 1;
    }
  }
  state_[0] = kUpperMask;  // MSB is 1, assuring a non-zero initial state
}

std::uint32_t Random::genrand_uint32() {
  if (index_ >= kN) {
    // Regenerate all 624 words at once ("twist"), then hand them out one by
    // one.
    for (int k = 0; k < kN; ++k) {
      const std::uint32_t y = (state_[k] & kUpperMask) | (state_[(k + 1) % kN] & kLowerMask);
      state_[k] = state_[(k + kM) % kN] ^ (y >> 1) ^ ((y & 1U) != 0 ? kMatrixA : 0U);
    }
    index_ = 0;
  }
  std::uint32_t y = state_[index_++];
  // Tempering: spreads the bits of the state word into the output.
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= y >> 18;
  return y;
}

double Random::random() {
  // random_random(): 27 bits from one draw and 26 from the next make a 53-bit
  // integer (a double's full precision), then divide by 2**53.
  const std::uint32_t a = genrand_uint32() >> 5;
  const std::uint32_t b = genrand_uint32() >> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

std::uint64_t Random::getrandbits(int k) {
  if (k < 0) throw std::invalid_argument("number of bits must be non-negative");
  if (k > 64) throw std::invalid_argument("aio::Random::getrandbits supports at most 64 bits");
  if (k == 0) return 0;  // Python returns 0 without drawing
  if (k <= 32) return genrand_uint32() >> (32 - k);
  // Wider results: one draw per 32-bit word, least significant word first
  // (CPython's order on little-endian machines); the last draw keeps only its
  // top bits.
  const std::uint64_t low = genrand_uint32();
  const std::uint64_t high = genrand_uint32() >> (64 - k);
  return (high << 32) | low;
}

std::uint64_t Random::below(std::uint64_t n) {
  // _randbelow_with_getrandbits(n):
  //   k = n.bit_length()  # don't use (n-1) here because n can be 1
  //   r = getrandbits(k)
  //   while r >= n: r = getrandbits(k)
  // Rejection keeps every value equally likely; each try succeeds with
  // probability > 1/2.
  const int k = static_cast<int>(std::bit_width(n));  // 1..64
  std::uint64_t r = getrandbits(k);
  while (r >= n) r = getrandbits(k);
  return r;
}

std::int64_t Random::randbelow(std::uint64_t n) {
  // Python would loop forever on 0; refused, as is any n whose result might
  // not fit in int64.
  if (n == 0 || n > (std::uint64_t{1} << 63)) {
    throw std::invalid_argument("randbelow() needs 0 < n <= 2**63");
  }
  return static_cast<std::int64_t>(below(n));
}

std::int64_t Random::randrange(std::int64_t stop) {
  // randrange(stop): "if istop > 0: return self._randbelow(istop)"
  if (stop <= 0) throw std::invalid_argument("empty range for randrange()");
  return static_cast<std::int64_t>(below(static_cast<std::uint64_t>(stop)));
}

std::int64_t Random::randrange(std::int64_t start, std::int64_t stop) {
  // randrange(start, stop): "width = istop - istart; if width > 0: return
  // istart + self._randbelow(width)". The width may not fit in int64 (e.g.
  // INT64_MIN to INT64_MAX), so it and the sum are computed in uint64, where
  // wrapping is defined and gives the right bits.
  if (stop <= start) throw std::invalid_argument(empty_range(start, stop));
  const std::uint64_t width = static_cast<std::uint64_t>(stop) - static_cast<std::uint64_t>(start);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(start) + below(width));
}

std::int64_t Random::randint(std::int64_t a, std::int64_t b) {
  // randint(a, b) is "return self.randrange(a, b+1)". When b is INT64_MAX,
  // b + 1 overflows, so randrange's logic is repeated here with the width
  // computed in uint64.
  if (a > b) throw std::invalid_argument(empty_range(a, b + 1));  // b < a, so b + 1 fits
  const std::uint64_t width = static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a) + 1;
  if (width == 0) {
    // The full int64 range: 2**64 values, one past what uint64 can hold.
    // Python would draw getrandbits(65) and reject; that cannot be reproduced
    // in 64 bits, so it is refused rather than answered with other numbers.
    throw std::invalid_argument("randint() range too wide for 64 bits");
  }
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + below(width));
}

double Random::uniform(double a, double b) {
  // "Get a random number in the range [a, b) or [a, b] depending on rounding."
  return a + (b - a) * random();
}

Random& default_random() {
  // A function-local static is built on first use, so it never depends on the
  // order in which other translation units initialise their globals.
  static Random instance{0};
  return instance;
}

}  // namespace aio
