// Ordering a layer's engagement requests by time, ties by arrival, in linear time.
//
// Requests arrive in threat order, and docs/model.md §2.6 breaks ties in time by threat index,
// so the order the model asks for is by (time, arrival). A comparison sort of the few dozen to
// few hundred random times of a layer was a fifth of the kernel's time, nearly all of it in
// mispredicted branches (bench/README.md). Here instead:
//   1. each request gets a bucket, its time's rank on a grid of 2^d steps over [min, max],
//      with n < 2^d <= 2n (nondecreasing in the time, so buckets never contradict the order
//      of times);
//   2. one stable counting-sort pass puts the requests in bucket order: no data-dependent
//      branches;
//   3. insertion sort on the exact times, which only has to reorder requests that share a
//      bucket: about one request in four or fewer does, and then with one neighbour or two.
// One pass over about n buckets measured a third faster than the two radix passes over a
// grid of ~n² steps that it replaced, on a layer's worth of random times (7 to 190). Buckets holding more than
// `crowded_run` requests (times bunched far closer than the rest) are sorted by comparisons first, so that no input
// costs more than O(n log n). Private to the kernel (kernel.cpp).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace salvosim::detail {

// Up to this many requests, insertion sort alone is cheapest.
inline constexpr std::size_t insertion_sort_below = 16;
// Buckets holding more than this many requests are sorted by comparisons before the insertion pass.
inline constexpr std::size_t crowded_run = 32;
// The most buckets a sort uses (2^16): more requests than that share buckets, and the
// crowded ones are sorted by comparisons.
inline constexpr int max_bucket_bits = 16;

// How many buckets order_by_time uses for n requests: the size its `counts` must have.
inline std::size_t time_sort_buckets(std::size_t n) {
  return std::size_t{1} << std::clamp(static_cast<int>(std::bit_width(n)), 1, max_bucket_bits);
}

// Writes to order[0, n) the indices 0..n-1 sorted by (time[index], index); the times are
// finite and lie in [low, high]. `keys` has room for n integers, `counts` for
// time_sort_buckets(n).
inline void order_by_time(const double* time, std::size_t n, double low, double high, std::uint32_t* order,
                          std::uint32_t* keys, std::uint32_t* counts) {
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
  if (n < insertion_sort_below || !(low < high)) {
    for (std::size_t k = 0; k < n; ++k) order[k] = static_cast<std::uint32_t>(k);
    if (low < high) insertion_sort(n);  // else no item, one, or all equal: in order
    return;
  }

  // 1. Buckets (a loop of its own, so that it vectorizes).
  const std::size_t buckets = time_sort_buckets(n);
  const double top = static_cast<double>(buckets - 1);
  const double scale = top / (high - low);
  // Through a signed 32-bit integer (every key is below 2^16), which SSE2 converts from doubles
  // two at a time; to unsigned it converts one at a time.
  for (std::size_t k = 0; k < n; ++k) {
    keys[k] = static_cast<std::uint32_t>(static_cast<std::int32_t>(std::min((time[k] - low) * scale, top)));
  }

  // 2. One stable counting-sort pass; `most` is the fullest bucket.
  std::fill(counts, counts + buckets, 0u);
  for (std::size_t k = 0; k < n; ++k) ++counts[keys[k]];
  std::uint32_t sum = 0, most = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    const std::uint32_t count = counts[b];
    counts[b] = sum;
    sum += count;
    most = std::max(most, count);
  }
  for (std::size_t k = 0; k < n; ++k) order[counts[keys[k]]++] = static_cast<std::uint32_t>(k);

  // 3. Crowded buckets by comparisons (rare: only bunched times fill one), then insertion sort
  // on the exact times. counts[b] is now where bucket b ends.
  if (most > crowded_run) {
    auto earlier = [time](std::uint32_t a, std::uint32_t b) {
      return time[a] < time[b] || (time[a] == time[b] && a < b);
    };
    std::uint32_t begin = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
      const std::uint32_t end = counts[b];
      if (end - begin > crowded_run) std::sort(order + begin, order + end, earlier);
      begin = end;
    }
  }
  insertion_sort(n);
}

}  // namespace salvosim::detail
