// Whether a layer's channels can have delayed any of its engagements, decided without ordering
// them: a sufficient test on counts of start times. Private to the kernel (kernel.cpp).
//
// serve_requests gives each engagement, in order of start, the channel that became free
// earliest: with C channels, the one engagement C places earlier in that order used. Every
// engagement lasts e (the layer's engagement_time), so an engagement waits only if C + 1
// engagements start within a window (t - e, t]. Were the engagements to start at their requests'
// times, the counts of starts in buckets of width w a little above e / k bound that: a window of
// length e touches at most k + 1 consecutive buckets, so if no k + 1 consecutive buckets hold
// more than C starts, no engagement would wait, and the supposition holds. kernel.cpp's unbound
// path supposes it, works every threat out alone, and keeps the result only if this test passes.
//
// The fineness k is 4 (windows of 5 buckets) where the starts may come near C in a window, and
// 1 (windows of 2 buckets of about e) where they are far fewer than C on average: coarser
// buckets are 4 times fewer to clear and scan, and the looser bound nearly always passes there
// (a bunch within a long sparse span can make it refuse where the fine one would pass: then the
// layer is served in order, only slower).
//
// The margin in w (2^-16 relative) exceeds the rounding of (s - low) / w and of s + e by far as long as
// every |s| is below e * 2^30 (a start more than 2^30 engagement times from zero, or a span
// too wide for the buckets, makes the test refuse). Buckets are counted modulo a power of two:
// starts from far apart sharing a bucket only add counts, which keeps the test sufficient.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace salvosim::detail {

class ChannelBound {
 public:
  // Buckets, at most; the span of the starts divided by w is what a layer needs.
  static constexpr std::size_t max_buckets = 4096;
  // A window of length e touches at most this many consecutive buckets of the finest width.
  static constexpr std::size_t max_window_buckets = 5;
  static constexpr std::size_t storage_size = max_buckets + max_window_buckets - 1;

  // `counts` has room for storage_size (KernelScratch::start_counts).
  explicit ChannelBound(std::uint32_t* counts) : counts_(counts) {}

  // About `starts` starts from `low` on, most of them by `high`, of engagements of length
  // `engagement_time` (> 0) on `channels` channels. Starts past `high` are counted too (they
  // alias into the buckets, which keeps the test sufficient), so `high` only sizes the buckets.
  // False if the times are too far from zero for the margin to hold: the test cannot be used
  // then. The buckets cover the span, but are no more than about k a start (a sparse span
  // aliases instead: the test's cost stays in proportion to the starts).
  bool reset(double low, double high, double engagement_time, std::size_t starts, std::size_t channels) {
    reach_ = engagement_time * 0x1p30;
    if (!(std::abs(low) < reach_ && std::abs(high) < reach_ && low <= high)) return false;
    // Coarse where a window of 2e holds, on average, under a quarter of the channels.
    const double per_engagement = static_cast<double>(starts) * engagement_time / std::max(high - low, engagement_time);
    const std::size_t fineness = 8.0 * per_engagement < static_cast<double>(channels) ? 1 : 4;
    window_ = fineness + 1;
    channels_ = channels;
    const double width = engagement_time / static_cast<double>(fineness) * (1.0 + 0x1p-16);
    low_ = low;
    per_width_ = 1.0 / width;
    const double span = (high - low) * per_width_ + 1.0;
    const double wanted =
        std::min({span + static_cast<double>(window_), static_cast<double>(fineness) * static_cast<double>(starts),
                  static_cast<double>(max_buckets)});
    buckets_ = std::bit_ceil(static_cast<std::size_t>(std::max(wanted, 8.0)));
    std::fill(counts_, counts_ + window_ - 1 + buckets_, 0U);
    return true;
  }

  // One engagement starting at `start`, not before reset()'s `low`. Its bucket is counted
  // from `low` (so the truncation is a floor), by a multiplication: both roundings are far
  // inside the margin.
  void add(double start) {
    // Capped so that the conversion is defined for a start beyond reach (fits() refuses those).
    const auto bucket = static_cast<std::uint64_t>(std::min((start - low_) * per_width_, 0x1p62));
    ++counts_[window_ - 1 + (bucket & (buckets_ - 1))];
  }

  // Whether no window of consecutive buckets (circularly) holds more than the channels of
  // reset(), the latest start added being `latest` (false if it is beyond the margin's reach).
  [[nodiscard]] bool fits(double latest) {
    if (!(std::abs(latest) < reach_)) return false;
    // The last buckets are copied in front of the first, so that every window is neighbours.
    std::copy(counts_ + buckets_, counts_ + buckets_ + window_ - 1, counts_);
    return window_ == 2 ? fits_in<2>() : fits_in<max_window_buckets>();  // the two finenesses of reset()
  }

 private:
  // An OR of the windows' verdicts carries a shorter dependency than a running maximum: a loop
  // the compiler vectorizes. (The caller adds fewer than 2^32 starts, so no count wraps.)
  template <std::size_t window>
  [[nodiscard]] bool fits_in() const {
    const auto channels = static_cast<std::uint32_t>(std::min<std::size_t>(channels_, 0xffffffffU));
    std::uint32_t over = 0;
    for (std::size_t b = 0; b < buckets_; ++b) {
      std::uint32_t in_window = 0;
      for (std::size_t k = 0; k < window; ++k) in_window += counts_[b + k];
      over |= static_cast<std::uint32_t>(in_window > channels);
    }
    return over == 0;
  }

  std::uint32_t* counts_;  // window - 1 copies of the last buckets, then the buckets
  std::size_t buckets_ = 0, window_ = max_window_buckets, channels_ = 0;
  double low_ = 0.0, per_width_ = 1.0, reach_ = 0.0;
};

}  // namespace salvosim::detail
