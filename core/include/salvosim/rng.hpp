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

#include <array>
#include <cassert>
#include <cmath>
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
inline PhiloxCounter draw_block(std::uint64_t seed, std::uint64_t trial, std::uint32_t threat,
                                std::uint32_t layer, Purpose purpose,
                                std::uint32_t sub) noexcept {
  assert(layer < max_layers_in_stream);
  assert(sub < max_sub_in_stream);
  const auto purpose_bits = static_cast<std::uint32_t>(purpose);
  assert(purpose_bits < 16u);
  const PhiloxCounter counter{static_cast<std::uint32_t>(trial),
                              static_cast<std::uint32_t>(trial >> 32), threat,
                              layer << 24 | purpose_bits << 20 | sub};
  const PhiloxKey key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  return philox4x32<10>(counter, key);
}

// u * 2^-32, in [0, 1). Exact in a double: every result is a multiple of 2^-32.
constexpr double to_unit(std::uint32_t u) noexcept { return u * 0x1p-32; }

// (u + 0.5) * 2^-32, in (0, 1): never 0, so log(u) is finite, and never 1. Also exact.
constexpr double to_open_unit(std::uint32_t u) noexcept { return (u + 0.5) * 0x1p-32; }

// A pair of independent standard normals from two uniforms in (0, 1) by Box-Muller.
// Inputs must come from to_open_unit: u1 = 0 would give an infinite radius.
inline std::pair<double, double> box_muller(double u1, double u2) noexcept {
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  return {radius * std::cos(angle), radius * std::sin(angle)};
}

}  // namespace salvosim
