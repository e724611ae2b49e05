// Lists of the indices that pass a test, for the kernel (kernel.cpp): the threats a layer looks
// at, those it covers and detects, the flight-time words that need the normal tail formula.
//
// The portable loops write every index and advance the list only past those that pass: no
// branch (which pass is as random as the draws), but one index at a time, because each write
// depends on the count before it. The AVX-512 versions test 16 at once, pack the passing
// indices with vpcompressd into a register and store all 16 lanes; the count advances by the
// number that passed. They give the same lists. AVX-512F suffices (no BW or VL): the kernel
// calls them only on a CPU that has it, chosen at run time with the batched draws.
// The 16 lanes stored at once never reach past the list's room: before a group of 16 is
// tested, the list holds at most as many entries as indices tested so far, so a list never
// needs more room than the indices it could hold.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SALVOSIM_HAVE_INDEX_LISTS_AVX512 1
#include <immintrin.h>
#endif

namespace salvosim::detail {

// A Bernoulli threshold (rng.hpp, in [0, 2^32]) tested with 32-bit integers only, so that a
// loop of tests vectorizes: u < threshold, for every 32-bit u.
struct Threshold32 {
  explicit Threshold32(std::uint64_t threshold)
      : limit(static_cast<std::uint32_t>(std::min<std::uint64_t>(threshold, 0xffffffffu))),
        always(threshold > 0xffffffffu) {}
  bool below(std::uint32_t u) const { return (u < limit) | always; }
  std::uint32_t limit;
  bool always;  // threshold 2^32: probability 1
};

// Each function appends to list[count, ...) and returns the new length.

// i in [first, end) with alive[i] (and defended[i], when `defended` is not null).
inline std::size_t list_alive_portable(const std::uint8_t* alive, const std::uint8_t* defended, std::size_t first,
                                       std::size_t end, std::uint32_t* list, std::size_t count) {
  if (defended) {
    for (std::size_t i = first; i < end; ++i) {
      list[count] = static_cast<std::uint32_t>(i);
      count += alive[i] & defended[i];
    }
  } else {
    for (std::size_t i = first; i < end; ++i) {
      list[count] = static_cast<std::uint32_t>(i);
      count += alive[i];
    }
  }
  return count;
}

// k in [first, end) with a[k] below a_threshold and b[k] below b_threshold.
inline std::size_t list_below_portable(const std::uint32_t* a, Threshold32 a_threshold, const std::uint32_t* b,
                                       Threshold32 b_threshold, std::size_t first, std::size_t end, std::uint32_t* list,
                                       std::size_t count) {
  for (std::size_t k = first; k < end; ++k) {
    list[count] = static_cast<std::uint32_t>(k);
    count += a_threshold.below(a[k]) & b_threshold.below(b[k]);
  }
  return count;
}

// i in [first, end) with alive[i] and bit tier[i] of tier_mask (a layer's engaged tiers).
inline std::size_t list_alive_in_tiers_portable(const std::uint8_t* alive, const std::uint8_t* tier,
                                                std::uint64_t tier_mask, std::size_t first, std::size_t end,
                                                std::uint32_t* list, std::size_t count) {
  for (std::size_t i = first; i < end; ++i) {
    list[count] = static_cast<std::uint32_t>(i);
    count += alive[i] & static_cast<std::uint8_t>((tier_mask >> tier[i]) & 1u);
  }
  return count;
}

// k in [first, end) with word[k] outside [low, high].
inline std::size_t list_outside_portable(const std::uint32_t* word, std::uint32_t low, std::uint32_t high,
                                         std::size_t first, std::size_t end, std::uint32_t* list, std::size_t count) {
  for (std::size_t k = first; k < end; ++k) {
    list[count] = static_cast<std::uint32_t>(k);
    count += (word[k] < low) | (word[k] > high);
  }
  return count;
}

#if SALVOSIM_HAVE_INDEX_LISTS_AVX512

// Stores the lanes of `index` selected by `pass`, packed, at list + count; returns the new count.
__attribute__((target("avx512f"))) inline std::size_t append_passing(__mmask16 pass, __m512i index, std::uint32_t* list,
                                                                     std::size_t count) {
  _mm512_storeu_si512(list + count, _mm512_maskz_compress_epi32(pass, index));
  return count + static_cast<std::size_t>(__builtin_popcount(pass));
}

__attribute__((target("avx512f"))) inline __m512i first_indices(std::size_t start) {
  return _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(start)),
                          _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

__attribute__((target("avx512f"))) inline std::size_t list_alive_avx512(const std::uint8_t* alive,
                                                                        const std::uint8_t* defended, std::size_t first,
                                                                        std::size_t end, std::uint32_t* list,
                                                                        std::size_t count) {
  std::size_t i = first;
  for (; i + 16 <= end; i += 16) {
    __m128i keep = _mm_loadu_si128(reinterpret_cast<const __m128i*>(alive + i));
    if (defended) keep = _mm_and_si128(keep, _mm_loadu_si128(reinterpret_cast<const __m128i*>(defended + i)));
    const __m512i wide = _mm512_maskz_cvtepu8_epi32(0xffff, keep);  // not the unmasked form: GCC 12 warns on it
    count = append_passing(_mm512_test_epi32_mask(wide, wide), first_indices(i), list, count);
  }
  return list_alive_portable(alive, defended, i, end, list, count);
}

__attribute__((target("avx512f"))) inline std::size_t list_below_avx512(const std::uint32_t* a, Threshold32 a_threshold,
                                                                        const std::uint32_t* b, Threshold32 b_threshold,
                                                                        std::size_t first, std::size_t end,
                                                                        std::uint32_t* list, std::size_t count) {
  const __m512i a_limits = _mm512_set1_epi32(static_cast<int>(a_threshold.limit));
  const __m512i b_limits = _mm512_set1_epi32(static_cast<int>(b_threshold.limit));
  const __mmask16 a_all = a_threshold.always ? 0xffff : 0, b_all = b_threshold.always ? 0xffff : 0;
  std::size_t k = first;
  for (; k + 16 <= end; k += 16) {
    const __mmask16 a_pass = _mm512_cmplt_epu32_mask(_mm512_loadu_si512(a + k), a_limits) | a_all;
    const __mmask16 b_pass = _mm512_cmplt_epu32_mask(_mm512_loadu_si512(b + k), b_limits) | b_all;
    count = append_passing(a_pass & b_pass, first_indices(k), list, count);
  }
  return list_below_portable(a, a_threshold, b, b_threshold, k, end, list, count);
}

__attribute__((target("avx512f"))) inline std::size_t list_outside_avx512(const std::uint32_t* word, std::uint32_t low,
                                                                          std::uint32_t high, std::size_t first,
                                                                          std::size_t end, std::uint32_t* list,
                                                                          std::size_t count) {
  const __m512i lows = _mm512_set1_epi32(static_cast<int>(low)), highs = _mm512_set1_epi32(static_cast<int>(high));
  std::size_t k = first;
  for (; k + 16 <= end; k += 16) {
    const __m512i w = _mm512_loadu_si512(word + k);
    const __mmask16 outside = _mm512_cmplt_epu32_mask(w, lows) | _mm512_cmpgt_epu32_mask(w, highs);
    count = append_passing(outside, first_indices(k), list, count);
  }
  return list_outside_portable(word, low, high, k, end, list, count);
}

// The same for a mask of the first 32 tiers (the lanes shift it by each threat's tier: a shift
// by 32 or more gives 0, as the mask's bit would); the portable loop takes the other masks.
__attribute__((target("avx512f"))) inline std::size_t list_alive_in_tiers_avx512(
    const std::uint8_t* alive, const std::uint8_t* tier, std::uint64_t tier_mask, std::size_t first, std::size_t end,
    std::uint32_t* list, std::size_t count) {
  std::size_t i = first;
  if ((tier_mask >> 32) == 0) {
    const __m512i masks = _mm512_set1_epi32(static_cast<int>(tier_mask));
    for (; i + 16 <= end; i += 16) {
      const __m512i lives =
          _mm512_maskz_cvtepu8_epi32(0xffff, _mm_loadu_si128(reinterpret_cast<const __m128i*>(alive + i)));
      const __m512i tiers =
          _mm512_maskz_cvtepu8_epi32(0xffff, _mm_loadu_si128(reinterpret_cast<const __m128i*>(tier + i)));
      const __m512i engaged = _mm512_and_si512(_mm512_maskz_srlv_epi32(0xffff, masks, tiers), lives);
      count = append_passing(_mm512_test_epi32_mask(engaged, _mm512_set1_epi32(1)), first_indices(i), list, count);
    }
  }
  return list_alive_in_tiers_portable(alive, tier, tier_mask, i, end, list, count);
}

#endif

}  // namespace salvosim::detail
