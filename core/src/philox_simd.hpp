// Batched Philox4x32-10 with x86 SIMD, for the kernel's run-time dispatch (kernel.cpp).
//
// The portable draw_blocks (rng.hpp) is a plain loop that compilers vectorize, but not well:
// Philox needs 32x32 -> 64-bit products, and GCC 12 builds them from shuffles (SSE2, AVX2) or
// from the slow 64-bit vpmullq (AVX-512), so the loop runs barely faster than one block at a
// time. The x86 instruction that fits is pmuludq (_mm*_mul_epu32): it multiplies the low 32
// bits of each 64-bit lane into a full 64-bit product and ignores the high bits. Carrying each
// Philox word in the low half of a 64-bit lane, one round is two multiplies, two shifts and
// four XORs, for 4 (AVX2) or 8 (AVX-512) streams at once; bench/README.md has the timings.
//
// Only the lanes' low 32 bits matter: the high halves of the words carried over from products
// hold garbage, which the multiplies ignore and the final narrowing drops. Both functions give
// exactly the blocks of draw_blocks (integer arithmetic); the benchmarks check it on every run.
// x86-64 with GCC or Clang only: each function is compiled for its instruction set with a
// target attribute and called only on a CPU that has it.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SALVOSIM_HAVE_PHILOX_SIMD 1

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "salvosim/rng.hpp"

namespace salvosim::detail {

// The per-batch constants of draw_blocks: Philox key schedule and the fixed counter words.
struct PhiloxBatchConstants {
  PhiloxBatchConstants(std::uint64_t seed, std::uint64_t trial, std::uint32_t layer, Purpose purpose,
                       std::uint32_t sub) noexcept
      : trial_lo(static_cast<std::uint32_t>(trial)),
        trial_hi(static_cast<std::uint32_t>(trial >> 32)),
        word3(layer << 24 | static_cast<std::uint32_t>(purpose) << 20 | sub) {
    for (int r = 0; r < 10; ++r) {
      key0[r] = static_cast<std::uint32_t>(seed) + static_cast<std::uint32_t>(r) * philox_w0;
      key1[r] = static_cast<std::uint32_t>(seed >> 32) + static_cast<std::uint32_t>(r) * philox_w1;
    }
  }
  std::uint32_t trial_lo, trial_hi, word3;
  std::uint32_t key0[10], key1[10];
};

// The blocks the vector loops leave over (fewer than one vector), one at a time.
inline void draw_blocks_rest(std::uint64_t seed, std::uint64_t trial, const std::uint32_t* threats, std::size_t begin,
                             std::size_t n, std::uint32_t layer, Purpose purpose, std::uint32_t sub,
                             BlockColumns out) noexcept {
  for (std::size_t k = begin; k < n; ++k) {
    const PhiloxCounter block = draw_block(seed, trial, threats[k], layer, purpose, sub);
    for (int w = 0; w < 4; ++w) out.word[w][k] = block[static_cast<std::size_t>(w)];
  }
}

__attribute__((target("avx2"))) inline void draw_blocks_avx2(std::uint64_t seed, std::uint64_t trial,
                                                             const std::uint32_t* threats, std::size_t n,
                                                             std::uint32_t layer, Purpose purpose, std::uint32_t sub,
                                                             BlockColumns out) noexcept {
  const PhiloxBatchConstants c(seed, trial, layer, purpose, sub);
  const __m256i m0 = _mm256_set1_epi64x(philox_m0), m1 = _mm256_set1_epi64x(philox_m1);
  // Narrowing 4 x 64-bit lanes to 4 x 32 bits: the low words, gathered into the low 128 bits.
  const __m256i low_words = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    __m256i x0 = _mm256_set1_epi64x(c.trial_lo), x1 = _mm256_set1_epi64x(c.trial_hi);
    __m256i x2 = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(threats + k)));
    __m256i x3 = _mm256_set1_epi64x(c.word3);
    for (int r = 0; r < 10; ++r) {
      const __m256i p0 = _mm256_mul_epu32(x0, m0);
      const __m256i p1 = _mm256_mul_epu32(x2, m1);
      x0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), x1), _mm256_set1_epi64x(c.key0[r]));
      x2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), x3), _mm256_set1_epi64x(c.key1[r]));
      x1 = p1;
      x3 = p0;
    }
    const __m256i* words[4] = {&x0, &x1, &x2, &x3};
    for (int w = 0; w < 4; ++w) {
      const __m256i narrow = _mm256_permutevar8x32_epi32(*words[w], low_words);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out.word[w] + k), _mm256_castsi256_si128(narrow));
    }
  }
  draw_blocks_rest(seed, trial, threats, k, n, layer, purpose, sub, out);
}

// Eight blocks of the batch: Philox's ten rounds on counters (trial, threats, word3), each word
// in the low half of a 64-bit lane (see the top of this file).
struct PhiloxLanes512 {
  __m512i x0, x1, x2, x3;
};
__attribute__((target("avx512f"))) inline PhiloxLanes512 philox_lanes_avx512(const PhiloxBatchConstants& c,
                                                                             __m256i threats) noexcept {
  const __m512i m0 = _mm512_set1_epi64(philox_m0), m1 = _mm512_set1_epi64(philox_m1);
  // The zero-masked forms (mask `all`) compute the same as the plain intrinsics; GCC 12 warns
  // (-Wmaybe-uninitialized, its bug 105593) about the plain ones' undefined pass-through value.
  constexpr __mmask8 all = 0xff;
  __m512i x0 = _mm512_set1_epi64(c.trial_lo), x1 = _mm512_set1_epi64(c.trial_hi);
  __m512i x2 = _mm512_maskz_cvtepu32_epi64(all, threats);
  __m512i x3 = _mm512_set1_epi64(c.word3);
  for (int r = 0; r < 10; ++r) {
    const __m512i p0 = _mm512_maskz_mul_epu32(all, x0, m0);
    const __m512i p1 = _mm512_maskz_mul_epu32(all, x2, m1);
    // 0x96: the three-way XOR a ^ b ^ c in one instruction.
    x0 = _mm512_ternarylogic_epi64(_mm512_maskz_srli_epi64(all, p1, 32), x1, _mm512_set1_epi64(c.key0[r]), 0x96);
    x2 = _mm512_ternarylogic_epi64(_mm512_maskz_srli_epi64(all, p0, 32), x3, _mm512_set1_epi64(c.key1[r]), 0x96);
    x1 = p1;
    x3 = p0;
  }
  return {x0, x1, x2, x3};
}

__attribute__((target("avx512f"))) inline void draw_blocks_avx512(std::uint64_t seed, std::uint64_t trial,
                                                                  const std::uint32_t* threats, std::size_t n,
                                                                  std::uint32_t layer, Purpose purpose,
                                                                  std::uint32_t sub, BlockColumns out) noexcept {
  const PhiloxBatchConstants c(seed, trial, layer, purpose, sub);
  std::size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const PhiloxLanes512 x = philox_lanes_avx512(c, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(threats + k)));
    constexpr __mmask8 all = 0xff;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.word[0] + k), _mm512_maskz_cvtepi64_epi32(all, x.x0));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.word[1] + k), _mm512_maskz_cvtepi64_epi32(all, x.x1));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.word[2] + k), _mm512_maskz_cvtepi64_epi32(all, x.x2));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.word[3] + k), _mm512_maskz_cvtepi64_epi32(all, x.x3));
  }
  // The last 1 to 7 blocks in one more vector, stored under a mask (a batch is often short: a
  // layer's few dozen candidates, so one at a time was a tenth of the drawing).
  if (k < n) {
    std::uint32_t rest[8] = {};
    for (std::size_t j = k; j < n; ++j) rest[j - k] = threats[j];
    const PhiloxLanes512 x = philox_lanes_avx512(c, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rest)));
    const auto keep = static_cast<__mmask8>((1u << (n - k)) - 1);
    _mm512_mask_cvtepi64_storeu_epi32(out.word[0] + k, keep, x.x0);
    _mm512_mask_cvtepi64_storeu_epi32(out.word[1] + k, keep, x.x1);
    _mm512_mask_cvtepi64_storeu_epi32(out.word[2] + k, keep, x.x2);
    _mm512_mask_cvtepi64_storeu_epi32(out.word[3] + k, keep, x.x3);
  }
}

}  // namespace salvosim::detail

#else
#define SALVOSIM_HAVE_PHILOX_SIMD 0
#endif
