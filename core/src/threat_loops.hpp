// A group's own draws turned into each threat's flags and times, for the kernel's draw_threats
// (kernel.cpp): the plain loops, and the same on AVX-512 (F; BW and VL for the byte flags),
// which give the same bits: the same operations in the same order, each exact or correctly
// rounded (a conversion of a 32-bit word, products and sums), as long as no product and sum
// become one fused multiply-add: whatever includes this must be compiled with
// -ffp-contract=off, as the library and its test are (GCC fuses even the intrinsics' products
// and sums on a target with FMA, which AVX-512 has). The kernel chooses at run time; the tests
// compare the two element by element (kernel_parts_test.cpp).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "index_lists.hpp"
#include "salvosim/rng.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SALVOSIM_HAVE_THREAT_LOOPS_AVX512 1
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
#if SALVOSIM_HAVE_THREAT_LOOPS_AVX512
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
}  // namespace salvosim::detail
