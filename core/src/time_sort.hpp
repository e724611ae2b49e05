// Ordering a layer's engagement requests by time, ties by arrival, in linear time.
//
// Requests arrive in threat order, and docs/model.md §2.6 breaks ties in time by threat index,
// so the order the model asks for is by (time, arrival). A comparison sort of the few dozen to
// few hundred random times of a layer was a fifth of the kernel's time, nearly all of it in
// mispredicted branches (bench/README.md). Here instead:
//   1. each request gets an integer key, its time's rank on a grid of 2^(2d) steps over
//      [min, max] (nondecreasing in the time, so keys never contradict the order of times),
//      packed above its arrival index into one 64-bit item;
//   2. a stable LSD radix sort of the items on the key, two passes of d bits with 2^d ~ n/2
//      buckets: no data-dependent branches, and 8-byte items to move;
//   3. insertion sort on the exact times, which only has to reorder requests that share a key:
//      with ~n² grid steps for n times nearly none do, so its branch is nearly always right.
// Runs of equal keys longer than `crowded_run` (times bunched far closer than the rest) are
// sorted by comparisons first, so that no input costs more than O(n log n).
// Private to the kernel (kernel.cpp).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace salvosim::detail {

// Up to this many requests, insertion sort alone is cheapest.
inline constexpr std::size_t insertion_sort_below = 16;
// Equal-key runs longer than this are sorted by comparisons before the insertion pass.
inline constexpr std::size_t crowded_run = 32;

// Writes to order[0, n) the indices 0..n-1 sorted by (time[index], index); the times are
// finite and lie in [low, high]. `items` and `buffer` have room for n 64-bit integers each.
inline void order_by_time(const double* time, std::size_t n, double low, double high, std::uint32_t* order,
                          std::uint64_t* items, std::uint64_t* buffer) {
  // Insertion sort of order[0, count) by time; stable, so ties keep index order. `latest` is
  // the largest time so far: an item not below it, the usual case here, stays where it is.
  auto insertion_sort = [&](std::size_t count) {
    double latest = time[order[0]];
    for (std::size_t k = 1; k < count; ++k) {
      const std::uint32_t index = order[k];
      const double t = time[index];
      if (!(latest > t)) {
        latest = t;
        continue;
      }
      std::size_t j = k;
      do {
        order[j] = order[j - 1];
        --j;
      } while (j > 0 && time[order[j - 1]] > t);
      order[j] = index;
    }
  };
  for (std::size_t k = 0; k < n; ++k) order[k] = static_cast<std::uint32_t>(k);
  if (n < 2 || !(low < high)) return;  // one item, or all equal: already in order
  if (n < insertion_sort_below) return insertion_sort(n);

  // 1. Keys on a grid of 2^(2d) steps, d bits a pass, 2^d buckets a pass (at least n/4).
  const int digit_bits = std::clamp(static_cast<int>(std::bit_width(n)) - 2, 4, 11);
  const std::uint32_t buckets = 1u << digit_bits, digit_mask = buckets - 1;
  const double top = static_cast<double>((std::uint64_t{1} << (2 * digit_bits)) - 1);
  const double scale = top / (high - low);
  std::uint32_t low_counts[2048], high_counts[2048];
  std::fill(low_counts, low_counts + buckets, 0u);
  std::fill(high_counts, high_counts + buckets, 0u);
  for (std::size_t k = 0; k < n; ++k) {
    const auto key = static_cast<std::uint32_t>(std::min((time[k] - low) * scale, top));
    items[k] = std::uint64_t{key} << 32 | k;
    ++low_counts[key & digit_mask];
    ++high_counts[key >> digit_bits];
  }
  // 2. Two stable counting-sort passes: low digit into `buffer`, high digit back into `items`.
  std::uint32_t low_sum = 0, high_sum = 0;
  for (std::uint32_t b = 0; b < buckets; ++b) {
    const std::uint32_t low_count = low_counts[b], high_count = high_counts[b];
    low_counts[b] = low_sum;
    high_counts[b] = high_sum;
    low_sum += low_count;
    high_sum += high_count;
  }
  for (std::size_t k = 0; k < n; ++k) buffer[low_counts[(items[k] >> 32) & digit_mask]++] = items[k];
  for (std::size_t k = 0; k < n; ++k) items[high_counts[buffer[k] >> (32 + digit_bits)]++] = buffer[k];

  // 3. Crowded runs of one key by comparisons (found without branches: they are rare), then
  // insertion sort on the exact times.
  std::size_t run = 1, longest = 1;
  order[0] = static_cast<std::uint32_t>(items[0]);
  for (std::size_t k = 1; k < n; ++k) {
    order[k] = static_cast<std::uint32_t>(items[k]);
    run = 1 + run * ((items[k] >> 32) == (items[k - 1] >> 32));  // run + 1, or 1 on a new key
    longest = std::max(longest, run);
  }
  if (longest > crowded_run) {
    auto earlier = [time](std::uint32_t a, std::uint32_t b) { return time[a] < time[b] || (time[a] == time[b] && a < b); };
    for (std::size_t begin = 0; begin < n;) {
      std::size_t end = begin + 1;
      while (end < n && (items[end] >> 32) == (items[begin] >> 32)) ++end;
      if (end - begin > crowded_run) std::sort(order + begin, order + end, earlier);
      begin = end;
    }
  }
  insertion_sort(n);
}

}  // namespace salvosim::detail
