// Counter-based random numbers: Philox4x32-10 and the stream layout of salvosim.
//
// A counter-based generator has no state: the numbers of a trial are a pure function of
// (seed, trial, threat, layer, purpose, sub). That is what makes trial k give the same
// numbers whatever thread, rank or shard runs it, with no seeding per thread.
//
// Philox4x32 is from J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC'11 (2011), with the constants of the Random123 library.
// The implementation is our own; tests/cpp/rng_test.cpp checks it against the Random123
// known-answer vectors.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <utility>

namespace salvosim {

using PhiloxCounter = std::array<std::uint32_t, 4>;
using PhiloxKey = std::array<std::uint32_t, 2>;

namespace detail {

// Round multipliers and Weyl key increments (golden ratio, sqrt(3) - 1), as in Random123.
inline constexpr std::uint32_t philox_m0 = 0xD2511F53u;
inline constexpr std::uint32_t philox_m1 = 0xCD9E8D57u;
inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u;
inline constexpr std::uint32_t philox_w1 = 0xBB67AE85u;

constexpr PhiloxCounter philox_round(const PhiloxCounter& ctr, const PhiloxKey& key) noexcept {
  // One 32x32 -> 64-bit product gives both halves the round needs.
  const std::uint64_t p0 = std::uint64_t{philox_m0} * ctr[0];
  const std::uint64_t p1 = std::uint64_t{philox_m1} * ctr[2];
  const auto hi0 = static_cast<std::uint32_t>(p0 >> 32);
  const auto lo0 = static_cast<std::uint32_t>(p0);
  const auto hi1 = static_cast<std::uint32_t>(p1 >> 32);
  const auto lo1 = static_cast<std::uint32_t>(p1);
  return {hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0};
}

}  // namespace detail

// Philox4x32 with `rounds` rounds (10 is the standard); constexpr-friendly, no state.
template <int rounds = 10>
constexpr PhiloxCounter philox4x32(PhiloxCounter counter, PhiloxKey key) noexcept {
  static_assert(rounds >= 1, "Philox needs at least one round");
  for (int r = 0; r < rounds; ++r) {
    // The key is bumped between rounds, not before the first: Random123's schedule,
    // which the known-answer vectors pin down.
    if (r > 0) {
      key[0] += detail::philox_w0;
      key[1] += detail::philox_w1;
    }
    counter = detail::philox_round(counter, key);
  }
  return counter;
}

// What a block of draws is for; part of the counter so that streams never overlap.
enum class Purpose : std::uint32_t { threat = 0, flight_time = 1, layer = 2, engagement = 3 };

inline constexpr std::uint32_t max_layers_in_stream = 256, max_sub_in_stream = 1u << 20;

// The four 32-bit draws of stream (seed, trial, threat, layer, purpose, sub).
//
// Counter layout. This is a compatibility contract: changing it changes every result
// produced for a given seed, so it changes only with the file format's major version.
//   ctr[0] = trial low 32 bits
//   ctr[1] = trial high 32 bits
//   ctr[2] = threat
//   ctr[3] = layer (8 bits) << 24 | purpose (4 bits) << 20 | sub (20 bits)
//   key    = {seed low 32 bits, seed high 32 bits}
// Each field has bits of its own, so two distinct tuples never share a counter. Callers
// validate layer and sub (a scenario has far fewer than 256 layers); here we only assert.
inline PhiloxCounter draw_block(std::uint64_t seed, std::uint64_t trial, std::uint32_t threat, std::uint32_t layer,
                                Purpose purpose, std::uint32_t sub) noexcept {
  assert(layer < max_layers_in_stream);
  assert(sub < max_sub_in_stream);
  const auto purpose_bits = static_cast<std::uint32_t>(purpose);
  assert(purpose_bits < 16u);
  const PhiloxCounter counter{static_cast<std::uint32_t>(trial), static_cast<std::uint32_t>(trial >> 32), threat,
                              layer << 24 | purpose_bits << 20 | sub};
  const PhiloxKey key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  return philox4x32<10>(counter, key);
}

// u * 2^-32, in [0, 1). Exact in a double: every result is a multiple of 2^-32.
constexpr double to_unit(std::uint32_t u) noexcept { return u * 0x1p-32; }

// (u + 0.5) * 2^-32, in (0, 1): never 0, so log(u) is finite, and never 1. Also exact.
constexpr double to_open_unit(std::uint32_t u) noexcept { return (u + 0.5) * 0x1p-32; }

// ---------------------------------------------------------------------------------------
// Batched generation: many streams that differ only in the threat, in one plain loop.
//
// draw_blocks gives exactly the blocks of draw_block(seed, trial, threats[k], layer, purpose,
// sub) for k in [0, n), written column-wise (word w of block k in word[w][k]). The streams are
// independent, so a compiler can vectorize the loop over k. It is the portable reference; on
// x86-64 the kernel runs AVX2 or AVX-512 versions of it where the CPU has them
// (core/src/philox_simd.hpp), which give the same blocks.
struct BlockColumns {
  std::uint32_t* word[4];
};

inline void draw_blocks(std::uint64_t seed, std::uint64_t trial, const std::uint32_t* threats, std::size_t n,
                        std::uint32_t layer, Purpose purpose, std::uint32_t sub, BlockColumns out) noexcept {
  assert(layer < max_layers_in_stream);
  assert(sub < max_sub_in_stream);
  // The key schedule and the fixed counter words are the same for every stream of the batch.
  std::uint32_t key0[10], key1[10];
  for (int r = 0; r < 10; ++r) {
    key0[r] = static_cast<std::uint32_t>(seed) + static_cast<std::uint32_t>(r) * detail::philox_w0;
    key1[r] = static_cast<std::uint32_t>(seed >> 32) + static_cast<std::uint32_t>(r) * detail::philox_w1;
  }
  const auto trial_lo = static_cast<std::uint32_t>(trial), trial_hi = static_cast<std::uint32_t>(trial >> 32);
  const std::uint32_t word3 = layer << 24 | static_cast<std::uint32_t>(purpose) << 20 | sub;
  std::uint32_t* const out0 = out.word[0];
  std::uint32_t* const out1 = out.word[1];
  std::uint32_t* const out2 = out.word[2];
  std::uint32_t* const out3 = out.word[3];
  for (std::size_t k = 0; k < n; ++k) {
    std::uint32_t x0 = trial_lo, x1 = trial_hi, x2 = threats[k], x3 = word3;
    for (int r = 0; r < 10; ++r) {  // as detail::philox_round
      const std::uint64_t p0 = std::uint64_t{detail::philox_m0} * x0;
      const std::uint64_t p1 = std::uint64_t{detail::philox_m1} * x2;
      x0 = static_cast<std::uint32_t>(p1 >> 32) ^ x1 ^ key0[r];
      x2 = static_cast<std::uint32_t>(p0 >> 32) ^ x3 ^ key1[r];
      x1 = static_cast<std::uint32_t>(p1);
      x3 = static_cast<std::uint32_t>(p0);
    }
    out0[k] = x0;
    out1[k] = x1;
    out2[k] = x2;
    out3[k] = x3;
  }
}

// ---------------------------------------------------------------------------------------
// From bits to numbers.

// Bernoulli(p) from one 32-bit draw u, as an integer comparison: to_unit(u) < p exactly when
// u < bernoulli_threshold(p), because to_unit is exact and u is an integer. The threshold is
// in [0, 2^32]: 0 is never true and 2^32 always true, so p = 0 and p = 1 need no draw at all.
inline std::uint64_t bernoulli_threshold(double p) noexcept {
  assert(p >= 0.0 && p <= 1.0);
  return static_cast<std::uint64_t>(std::ceil(p * 0x1p32));
}
inline constexpr std::uint64_t bernoulli_always = std::uint64_t{1} << 32;

namespace detail {

// The natural logarithm of a finite x > 0 with integer and +, -, *, / operations only: the
// method and constants of fdlibm's e_log.c (Sun Microsystems, 1993; as in musl's log.c), error
// below 1 ulp. Used instead of std::log so that normal_quantile gives the same bits with every
// C library, and so that loops of it vectorize.
inline double log_positive(double x) noexcept {
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  constexpr double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01, lg3 = 2.857142874366239149e-01,
                   lg4 = 2.222219843214978396e-01, lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
                   lg7 = 1.479819860511658591e-01;
  // A subnormal x is first scaled into the normal range (selects, not a branch: vectorizable).
  const bool subnormal = x < 0x1p-1022;
  x *= subnormal ? 0x1p54 : 1.0;
  std::int32_t k = subnormal ? -54 : 0;
  // x = 2^k (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)).
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const auto high = static_cast<std::uint32_t>(bits >> 32) + (0x3ff00000u - 0x3fe6a09eu);
  k += static_cast<std::int32_t>(high >> 20) - 0x3ff;
  const std::uint64_t reduced = std::uint64_t{(high & 0x000fffffu) + 0x3fe6a09eu} << 32 | (bits & 0xffffffffu);
  const double f = std::bit_cast<double>(reduced) - 1.0;
  const double half_f2 = 0.5 * f * f;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double r = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7))) + w * (lg2 + w * (lg4 + w * lg6));
  const double dk = k;
  return s * (half_f2 + r) + dk * ln2_lo - half_f2 + f + dk * ln2_hi;
}

}  // namespace detail

// The standard normal quantile function, Φ⁻¹(p) for p in (0, 1): algorithm AS 241 (PPND16)
// of M. J. Wichura, "The percentage points of the normal distribution", Applied Statistics
// 37(3), 477-484 (1988), accurate to about 1 part in 10^16. Inversion turns one uniform into
// one normal, with no rejection and no sin/cos. It has three branches, each a rational
// function: the central one (|p − 0.5| <= 0.425, 85% of p), the tails down to p = e^−25
// (which need a log and a sqrt), and beyond. Each is a function of its own here, free of
// branches, so that loops of them vectorize (the kernel's do). With p = to_open_unit(u) the
// third is never needed: |Φ⁻¹(p)| stays below 6.34.
inline constexpr double normal_quantile_split = 0.425;
inline constexpr double normal_quantile_far = 1.3887943864964021e-11;  // e^−25 (AS 241's split 5 = sqrt(25))

// Φ⁻¹(0.5 + q) for |q| <= normal_quantile_split.
inline double normal_quantile_central(double q) noexcept {
  const double r = 0.180625 - q * q;
  return q *
         (((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r +
              4.5921953931549871457e4) *
                 r +
             1.3731693765509461125e4) *
                r +
            1.9715909503065514427e3) *
               r +
           1.3314166789178437745e2) *
              r +
          3.3871328727963666080e0) /
         (((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r + 3.9307895800092710610e4) * r +
              2.1213794301586595867e4) *
                 r +
             5.3941960214247511077e3) *
                r +
            6.8718700749205790830e2) *
               r +
           4.2313330701600911252e1) *
              r +
          1.0);
}

// Φ⁻¹(p) for |p − 0.5| > normal_quantile_split and min(p, 1 − p) >= normal_quantile_far. The
// smaller tail is taken and the sign put back at the end, without branches (p and 1 − p are
// both exact).
inline double normal_quantile_tail(double p) noexcept {
  const double r = std::sqrt(-detail::log_positive(std::min(p, 1.0 - p))) - 1.6;
  const double z =
      (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
           1.27045825245236838258e0) *
              r +
          3.64784832476320460504e0) *
             r +
         5.76949722146069140550e0) *
            r +
        4.63033784615654529590e0) *
           r +
       1.42343711074968357734e0) /
      (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
           1.48103976427480074590e-1) *
              r +
          6.89767334985100004550e-1) *
             r +
         1.67638483018380384940e0) *
            r +
        2.05319162663775882187e0) *
           r +
       1.0);
  return std::copysign(z, p - 0.5);
}

// Φ⁻¹(p) for min(p, 1 − p) < normal_quantile_far (to about p = 1e−300).
inline double normal_quantile_far_tail(double p) noexcept {
  const double r = std::sqrt(-detail::log_positive(std::min(p, 1.0 - p))) - 5.0;
  const double z =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
           2.65321895265761230930e-2) *
              r +
          2.96560571828504891230e-1) *
             r +
         1.78482653991729133580e0) *
            r +
        5.46378491116411436990e0) *
           r +
       6.65790464350110377720e0) /
      (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
           7.86869131145613259100e-4) *
              r +
          1.48753612908506148525e-2) *
             r +
         1.36929880922735805310e-1) *
            r +
        5.99832206555887937690e-1) *
           r +
       1.0);
  return std::copysign(z, p - 0.5);
}

inline double normal_quantile(double p) noexcept {
  assert(p > 0.0 && p < 1.0);
  const double q = p - 0.5;
  if (std::abs(q) <= normal_quantile_split) return normal_quantile_central(q);
  // AS 241 switches at r = sqrt(-log(min(p, 1 - p))) = 5, that is at min(p, 1 - p) = e^-25.
  if (std::min(p, 1.0 - p) >= normal_quantile_far) return normal_quantile_tail(p);
  return normal_quantile_far_tail(p);
}

// A pair of independent standard normals from two uniforms in (0, 1) by Box-Muller.
// Inputs must come from to_open_unit: u1 = 0 would give an infinite radius.
inline std::pair<double, double> box_muller(double u1, double u2) noexcept {
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  return {radius * std::cos(angle), radius * std::sin(angle)};
}

}  // namespace salvosim
