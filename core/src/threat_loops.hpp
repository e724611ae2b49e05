// The kernel's loops over a batch of threats that run on several instruction sets, chosen at
// run time by kernel.cpp: a group's own draws turned into each threat's flags and times, the
// flight-time normals, the tiers aimed at, and each threat's place among the tier-fate counts.
// Each has a plain version and an AVX-512 one (some an AVX2 one too): either the same source
// loop compiled per target, or intrinsics written with the plain loop's operations in the same
// order. Both give the same bits: every operation is exact or correctly rounded (conversions of
// 32-bit words, +, -, *, /, sqrt; the log is rng.hpp's own), as long as no product and sum
// become one fused multiply-add: whatever includes this must link salvosim_numerics
// (CMakeLists.txt: -ffp-contract=off), as the library and its test do (GCC fuses even the
// intrinsics' products and sums on a target with FMA, which AVX-512 has). The tests compare
// every version with the plain one element by element (kernel_parts_test.cpp).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "index_lists.hpp"
#include "salvosim/names.hpp"
#include "salvosim/rng.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SALVOSIM_HAVE_THREAT_LOOPS_X86 1
#include <immintrin.h>
#endif

namespace salvosim::detail {

// The failure time of a threat that does not fail in flight.
inline constexpr double not_failing = std::numeric_limits<double>::infinity();

// condition ? a : b for doubles, with integer masks: a select that never becomes a branch.
// GCC turns a plain ?: on doubles into a branch in loops it does not vectorize, and a branch on
// a random draw is mispredicted half the time (callgrind --branch-sim counted 68 per trial of
// the default scenario on one such loop).
inline double select_double(bool condition, double a, double b) {
  const std::uint64_t mask = std::uint64_t{0} - static_cast<std::uint64_t>(condition);
  return std::bit_cast<double>((std::bit_cast<std::uint64_t>(a) & mask) | (std::bit_cast<std::uint64_t>(b) & ~mask));
}

// The per-threat arrays draw_threats fills, and the words of the batch it reads: block 0 of the
// threat stream for group_draws, then (draw_threats draws it into the same columns) block 0
// of the flight-time stream for impact_times and failure_times.
struct ThreatArrays {
  const std::uint32_t* words[4];
  double *launch_time, *impact_time, *failure_time, *release_time;
  std::uint8_t *launched, *fails, *defended, *engaged, *alive;
  std::int16_t* killer;
};
// A group's parameters of block 0 of the threat stream (§3.1), in locals: a store through a
// byte or double pointer might alias a field of the plan, so fields read in a loop would be
// reloaded (so throughout the kernel).
struct GroupDraws {
  double start, duration;
  Threshold32 launch, flight, aim;
  bool set_defended;  // without declared tiers (draw_tiers sets it with them)
};

// Launch times (when `uniform_launch`: else they are the waves', already in place), the launch,
// flight-failure and aim flags, and the state before the first layer, of threats [first, end):
// plain loops over arrays, one array each (a byte store may alias anything, and one loop of
// three would need more run-time alias checks than GCC makes before it vectorizes).
inline void group_draws_portable(const GroupDraws& d, bool uniform_launch, const ThreatArrays& a, std::size_t first,
                                 std::size_t end) {
  const std::uint32_t *const w0 = a.words[0], *const w1 = a.words[1], *const w2 = a.words[2], *const w3 = a.words[3];
  const double start = d.start, duration = d.duration;
  const Threshold32 launch = d.launch, flight = d.flight, aim = d.aim;
  if (uniform_launch) {
    for (std::size_t i = first; i < end; ++i) a.launch_time[i] = start + to_unit(w1[i]) * duration;
  }
  std::copy(a.launch_time + first, a.launch_time + end, a.release_time + first);
  for (std::size_t i = first; i < end; ++i) a.launched[i] = launch.below(w0[i]);
  for (std::size_t i = first; i < end; ++i) a.fails[i] = !flight.below(w2[i]);
  if (d.set_defended) {
    for (std::size_t i = first; i < end; ++i) a.defended[i] = aim.below(w3[i]);
  }
  std::copy(a.launched + first, a.launched + end, a.alive + first);  // not killed, not lost in an engagement
  std::fill(a.engaged + first, a.engaged + end, std::uint8_t{0});
  std::fill(a.killer + first, a.killer + end, std::int16_t{-1});
}

// The first flight-time candidate's impact time, launch + (mean + sd * normal).
inline void impact_times_portable(double mean, double sd, const double* normal, const ThreatArrays& a,
                                  std::size_t first, std::size_t end) {
  for (std::size_t i = first; i < end; ++i) a.impact_time[i] = a.launch_time[i] + (mean + sd * normal[i]);
}

// The failure time, uniform between launch and impact (word 3 of the flight-time block), of
// a failing threat; infinity for the others (select_double: no branch).
inline void failure_times_portable(const ThreatArrays& a, std::size_t first, std::size_t end) {
  const std::uint32_t* const w3 = a.words[3];
  for (std::size_t i = first; i < end; ++i) {
    const double failure = a.launch_time[i] + to_open_unit(w3[i]) * (a.impact_time[i] - a.launch_time[i]);
    a.failure_time[i] = select_double(a.fails[i], failure, not_failing);
  }
}

// The same three on AVX-512, 16 threats at a time (the flags; 8 for each vector of times), the
// rest by the loops above.
// The same operations in the same order, each exact or correctly rounded (a conversion of a
// 32-bit word, products and sums; no fused multiply-add), so the same bits; the plain loops
// vectorize poorly here, with many arrays to check for aliasing.
#if SALVOSIM_HAVE_THREAT_LOOPS_X86
__attribute__((target("avx512f,avx512bw,avx512vl"))) inline __m128i flags_avx512(__mmask16 set) {
  return _mm_maskz_mov_epi8(set, _mm_set1_epi8(1));
}
// Eight words as doubles. The zero-masked conversion computes the same as the plain one, about
// whose undefined pass-through value GCC 12 warns (philox_simd.hpp).
__attribute__((target("avx512f"))) inline __m512d to_doubles_avx512(const std::uint32_t* words) {
  return _mm512_maskz_cvtepu32_pd(0xff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(words)));
}
__attribute__((target("avx512f"))) inline __mmask16 below_avx512(const Threshold32& threshold, __m512i word) {
  const __mmask16 always = threshold.always ? 0xffff : 0;
  return _mm512_cmplt_epu32_mask(word, _mm512_set1_epi32(static_cast<int>(threshold.limit))) | always;
}
__attribute__((target("avx512f,avx512bw,avx512vl"))) inline void group_draws_avx512(
    const GroupDraws& d, bool uniform_launch, const ThreatArrays& a, std::size_t first, std::size_t end) {
  const __m512d start = _mm512_set1_pd(d.start), duration = _mm512_set1_pd(d.duration), unit = _mm512_set1_pd(0x1p-32);
  std::size_t i = first;
  for (; i + 16 <= end; i += 16) {
    if (uniform_launch) {
      for (std::size_t k = i; k < i + 16; k += 8) {
        const __m512d u = to_doubles_avx512(a.words[1] + k);
        _mm512_storeu_pd(a.launch_time + k, _mm512_add_pd(start, _mm512_mul_pd(_mm512_mul_pd(u, unit), duration)));
      }
    }
    _mm512_storeu_pd(a.release_time + i, _mm512_loadu_pd(a.launch_time + i));
    _mm512_storeu_pd(a.release_time + i + 8, _mm512_loadu_pd(a.launch_time + i + 8));
    const __m128i launched = flags_avx512(below_avx512(d.launch, _mm512_loadu_si512(a.words[0] + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(a.launched + i), launched);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(a.alive + i), launched);
    const __mmask16 flies = below_avx512(d.flight, _mm512_loadu_si512(a.words[2] + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(a.fails + i), flags_avx512(static_cast<__mmask16>(~flies)));
    if (d.set_defended) {
      const __m128i defended = flags_avx512(below_avx512(d.aim, _mm512_loadu_si512(a.words[3] + i)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(a.defended + i), defended);
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(a.engaged + i), _mm_setzero_si128());
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(a.killer + i), _mm256_set1_epi16(-1));
  }
  group_draws_portable(d, uniform_launch, a, i, end);
}
__attribute__((target("avx512f"))) inline void impact_times_avx512(double mean, double sd, const double* normal,
                                                                   const ThreatArrays& a, std::size_t first,
                                                                   std::size_t end) {
  const __m512d mean_v = _mm512_set1_pd(mean), sd_v = _mm512_set1_pd(sd);
  std::size_t i = first;
  for (; i + 8 <= end; i += 8) {
    const __m512d flight = _mm512_add_pd(mean_v, _mm512_mul_pd(sd_v, _mm512_loadu_pd(normal + i)));
    _mm512_storeu_pd(a.impact_time + i, _mm512_add_pd(_mm512_loadu_pd(a.launch_time + i), flight));
  }
  impact_times_portable(mean, sd, normal, a, i, end);
}
__attribute__((target("avx512f,avx512bw,avx512vl"))) inline void failure_times_avx512(const ThreatArrays& a,
                                                                                      std::size_t first,
                                                                                      std::size_t end) {
  const __m512d half = _mm512_set1_pd(0.5), unit = _mm512_set1_pd(0x1p-32), never_fails = _mm512_set1_pd(not_failing);
  std::size_t i = first;
  for (; i + 8 <= end; i += 8) {
    const __m512d launch = _mm512_loadu_pd(a.launch_time + i);
    const __m512d impact = _mm512_loadu_pd(a.impact_time + i);
    const __m512d u = _mm512_mul_pd(_mm512_add_pd(to_doubles_avx512(a.words[3] + i), half), unit);
    const __m512d failure = _mm512_add_pd(launch, _mm512_mul_pd(u, _mm512_sub_pd(impact, launch)));
    const __mmask8 fails =
        _mm_test_epi8_mask(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a.fails + i)), _mm_set1_epi8(-1));
    _mm512_storeu_pd(a.failure_time + i, _mm512_mask_blend_pd(fails, never_fails, failure));
  }
  failure_times_portable(a, i, end);
}
#endif

// The first flight-time candidate of a whole batch, normal[k] = normal_quantile(p) with
// p = to_open_unit(word[k]): the central branch for every k (a loop the compiler vectorizes),
// then the tail branch (about 15%) for the k listed in `tails`. Every p is at least 2^-33, far
// from AS 241's third branch (below e^-25). On a CPU with AVX2 or AVX-512 the same loops run
// 4 or 8 doubles wide instead of 2, giving the same bits: they use +, -, *, / and sqrt only
// (the log is rng.hpp's own), each correctly rounded at any vector width, and the library is
// built with -ffp-contract=off, so no a * b + c becomes a fused multiply-add.
static_assert(0x1p-33 > normal_quantile_far);
// The loops, compiled once for any x86-64 (inlined into first_normals_portable), once for AVX2
// and once for AVX-512.
// The tails are worked out into the contiguous `tail_value` and then put in place: a loop that
// stores to scattered places does not vectorize.
[[gnu::always_inline]] inline void first_normals_loops(const std::uint32_t* word, std::size_t n,
                                                       const std::uint32_t* tails, std::size_t n_tails,
                                                       double* tail_value, double* normal) {
  for (std::size_t k = 0; k < n; ++k) normal[k] = normal_quantile_central(to_open_unit(word[k]) - 0.5);
  for (std::size_t t = 0; t < n_tails; ++t) tail_value[t] = normal_quantile_tail(to_open_unit(word[tails[t]]));
  for (std::size_t t = 0; t < n_tails; ++t) normal[tails[t]] = tail_value[t];
}
inline void first_normals_portable(const std::uint32_t* word, std::size_t n, const std::uint32_t* tails,
                                   std::size_t n_tails, double* tail_value, double* normal) {
  first_normals_loops(word, n, tails, n_tails, tail_value, normal);
}
#if SALVOSIM_HAVE_THREAT_LOOPS_X86
__attribute__((target("avx2"))) inline void first_normals_avx2(const std::uint32_t* word, std::size_t n,
                                                               const std::uint32_t* tails, std::size_t n_tails,
                                                               double* tail_value, double* normal) {
  first_normals_loops(word, n, tails, n_tails, tail_value, normal);
}
__attribute__((target("avx512f"))) inline void first_normals_avx512(const std::uint32_t* word, std::size_t n,
                                                                    const std::uint32_t* tails, std::size_t n_tails,
                                                                    double* tail_value, double* normal) {
  first_normals_loops(word, n, tails, n_tails, tail_value, normal);
}
#endif

// The tier each threat of a group aims at: the inverse CDF of the group's cumulative shares at
// the word w3 of the "aimed at a defended area" draw (with the implicit two tiers, the first
// tier is the defended one: the same comparison as aim.below). The thresholds never decrease,
// so the first t with w3 < threshold[t] is the number of thresholds w3 is not below: a sum of
// tests, one threshold at a time over the whole group, rather than a search per threat. Then
// whether the tier is defended, bit tier[i] of `defended_tiers`. Loops that vectorize, compiled
// as first_normals_loops is (below x86-64's baseline they lack unsigned and variable-shift
// vector instructions); `limits` are the thresholds before the first bernoulli_always, which
// all fit 32 bits.
[[gnu::always_inline]] inline void tier_loops(const std::uint32_t* w3, const std::uint32_t* limits,
                                              std::size_t n_limits, std::uint64_t defended_tiers, std::size_t first,
                                              std::size_t end, std::uint8_t* tier, std::uint8_t* defended) {
  std::fill(tier + first, tier + end, std::uint8_t{0});
  for (std::size_t k = 0; k < n_limits; ++k) {
    const std::uint32_t limit = limits[k];
    for (std::size_t i = first; i < end; ++i) tier[i] = static_cast<std::uint8_t>(tier[i] + (w3[i] >= limit));
  }
  if (n_limits < 32) {  // every tier drawn is below 32: shifts of 32-bit lanes, twice as many at once
    const auto mask = static_cast<std::uint32_t>(defended_tiers);
    for (std::size_t i = first; i < end; ++i) defended[i] = static_cast<std::uint8_t>((mask >> tier[i]) & 1U);
  } else {
    for (std::size_t i = first; i < end; ++i) defended[i] = static_cast<std::uint8_t>((defended_tiers >> tier[i]) & 1U);
  }
}
inline void tiers_portable(const std::uint32_t* w3, const std::uint32_t* limits, std::size_t n_limits,
                           std::uint64_t defended_tiers, std::size_t first, std::size_t end, std::uint8_t* tier,
                           std::uint8_t* defended) {
  tier_loops(w3, limits, n_limits, defended_tiers, first, end, tier, defended);
}
#if SALVOSIM_HAVE_THREAT_LOOPS_X86
__attribute__((target("avx2"))) inline void tiers_avx2(const std::uint32_t* w3, const std::uint32_t* limits,
                                                       std::size_t n_limits, std::uint64_t defended_tiers,
                                                       std::size_t first, std::size_t end, std::uint8_t* tier,
                                                       std::uint8_t* defended) {
  tier_loops(w3, limits, n_limits, defended_tiers, first, end, tier, defended);
}
// On AVX-512, 16 threats at a time in registers: each threshold a compare and a masked add,
// the defended flag a shift, both narrowed to bytes (vpmovdb) and stored once, where the loops
// above pass over the bytes once per threshold. The same arithmetic, so the same values.
__attribute__((target("avx512f"))) inline void tiers_avx512(const std::uint32_t* w3, const std::uint32_t* limits,
                                                            std::size_t n_limits, std::uint64_t defended_tiers,
                                                            std::size_t first, std::size_t end, std::uint8_t* tier,
                                                            std::uint8_t* defended) {
  std::size_t i = first;
  if (n_limits < 32) {
    const __m512i ones = _mm512_set1_epi32(1);
    const __m512i mask = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(defended_tiers)));
    for (; i + 16 <= end; i += 16) {
      const __m512i word = _mm512_loadu_si512(w3 + i);
      __m512i t = _mm512_setzero_si512();
      for (std::size_t k = 0; k < n_limits; ++k) {
        const __mmask16 passed = _mm512_cmpge_epu32_mask(word, _mm512_set1_epi32(static_cast<int>(limits[k])));
        t = _mm512_mask_add_epi32(t, passed, t, ones);
      }
      const __m512i flag = _mm512_and_si512(_mm512_maskz_srlv_epi32(0xffff, mask, t), ones);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(tier + i), _mm512_maskz_cvtepi32_epi8(0xffff, t));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(defended + i), _mm512_maskz_cvtepi32_epi8(0xffff, flag));
    }
  }
  tier_loops(w3, limits, n_limits, defended_tiers, i, end, tier, defended);
}
#endif

// A threat's fate (§3.7) from its flags, as the number of its Fate: a launch failure, else
// intercepted, else a flight failure, else leaked by aim (defended or not). Products, not ?:
// (which GCC makes branches, mispredicted as often as kills are random), so that the loops
// using it vectorize. The one statement of the rule: the kernel's counts and per-threat
// outcomes all take it from here.
[[gnu::always_inline]] inline std::uint32_t fate_code(std::uint32_t launched, std::uint32_t killed,
                                                      std::uint32_t failed, std::uint32_t defended) {
  static_assert(static_cast<int>(Fate::launch_failure) == 0 && static_cast<int>(Fate::flight_failure) == 1 &&
                static_cast<int>(Fate::intercepted) == 2 && static_cast<int>(Fate::leaked_defended) == 3 &&
                static_cast<int>(Fate::leaked_open) == 4);
  return launched * (killed * 2 + (1 - killed) * (failed + (1 - failed) * (4 - defended)));
}

// Each threat's place among record_tier_fates' counts (its comment says how), compiled as
// first_normals_loops is: the loop vectorizes well only with AVX2 or AVX-512.
[[gnu::always_inline]] inline void tier_slot_loop(const std::uint8_t* launched, const std::uint8_t* fails,
                                                  const std::uint8_t* defended, const std::uint8_t* engaged,
                                                  const std::int16_t* killer, const std::uint8_t* tier,
                                                  std::uint32_t width, std::size_t n, std::uint32_t* slot) {
  for (std::size_t i = 0; i < n; ++i) {
    // Products, not ?:, as in fate_code (the second term counts only when not killed).
    const std::uint32_t killed = killer[i] >= 0;
    const std::uint32_t fate = fate_code(launched[i], killed, fails[i], defended[i]);
    const std::uint32_t key = killed * (static_cast<std::uint32_t>(killer[i]) + 2 * fate_count) +
                              (1 - killed) * (engaged[i] * fate_count + fate);
    slot[i] = tier[i] * width + key;
  }
}
inline void tier_slots_portable(const std::uint8_t* launched, const std::uint8_t* fails, const std::uint8_t* defended,
                                const std::uint8_t* engaged, const std::int16_t* killer, const std::uint8_t* tier,
                                std::uint32_t width, std::size_t n, std::uint32_t* slot) {
  tier_slot_loop(launched, fails, defended, engaged, killer, tier, width, n, slot);
}
#if SALVOSIM_HAVE_THREAT_LOOPS_X86
__attribute__((target("avx2"))) inline void tier_slots_avx2(const std::uint8_t* launched, const std::uint8_t* fails,
                                                            const std::uint8_t* defended, const std::uint8_t* engaged,
                                                            const std::int16_t* killer, const std::uint8_t* tier,
                                                            std::uint32_t width, std::size_t n, std::uint32_t* slot) {
  tier_slot_loop(launched, fails, defended, engaged, killer, tier, width, n, slot);
}
__attribute__((target("avx512f,avx512bw"))) inline void tier_slots_avx512(
    const std::uint8_t* launched, const std::uint8_t* fails, const std::uint8_t* defended, const std::uint8_t* engaged,
    const std::int16_t* killer, const std::uint8_t* tier, std::uint32_t width, std::size_t n, std::uint32_t* slot) {
  tier_slot_loop(launched, fails, defended, engaged, killer, tier, width, n, slot);
}
#endif

}  // namespace salvosim::detail
