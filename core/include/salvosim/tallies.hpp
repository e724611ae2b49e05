// Integer sums over trials: everything the statistics are computed from. Being integers,
// they add up exactly and in any order, so results are byte-identical whatever the number
// of threads, processes or shards that produced them.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "salvosim/plan.hpp"

namespace salvosim {

// A selection's counts in one trial, summed over its groups from the trial's record: the
// threats of each fate ([0, fate_count)), the threats engaged at least once
// ([selection_engaged]), then the intercepts of each layer ([selection_intercepts + layer]).
// The tallies and the published observables (published.hpp) both read a trial this way.
inline constexpr std::int64_t selection_engaged = fate_count;
inline constexpr std::int64_t selection_intercepts = fate_count + 1;
inline constexpr std::int64_t selection_counts_size(std::int64_t layers) { return selection_intercepts + layers; }
inline void sum_selection_counts(const Selection& selection, const RecordLayout& layout, const std::int64_t* record,
                                 std::int64_t* counts) {
  const std::int64_t layers = layout.layers;    // a local: the stores to counts could alias the member
  if (selection.kind == SelectionKind::tier) {  // drawn per trial: the tier's own blocks
    const std::int64_t t = selection.tier;
    for (std::int64_t f = 0; f < fate_count; ++f) counts[f] = record[layout.tier_fate(t, Fate(f))];
    counts[selection_engaged] = record[layout.tier_engaged(t)];
    for (std::int64_t l = 0; l < layers; ++l) counts[selection_intercepts + l] = record[layout.tier_intercepts(t, l)];
    return;
  }
  std::fill(counts, counts + selection_counts_size(layers), 0);
  for (std::int64_t g : selection.groups) {
    for (std::int64_t f = 0; f < fate_count; ++f) counts[f] += record[layout.fate(g, Fate(f))];
    counts[selection_engaged] += record[layout.engaged(g)];
    for (std::int64_t l = 0; l < layers; ++l) {
      counts[selection_intercepts + l] += record[layout.group_intercepts(g, l)];
    }
  }
}

// With declared tiers: a selection's leaked threats (leaked_defended or leaked_open) on each tier
// in one trial, leaks[t] for t < layout.tiers. The damage of the trial is the sum over t of
// leaks[t] times the tier's value (docs/model.md §4.8).
inline void sum_selection_leaks(const Selection& selection, const RecordLayout& layout, const std::int64_t* record,
                                std::int64_t* leaks) {
  const std::int64_t tiers = layout.tiers;
  std::fill(leaks, leaks + tiers, 0);
  if (selection.kind == SelectionKind::tier) {
    const std::int64_t t = selection.tier;
    leaks[t] = record[layout.tier_fate(t, Fate::leaked_defended)] + record[layout.tier_fate(t, Fate::leaked_open)];
    return;
  }
  for (std::int64_t g : selection.groups) {
    for (std::int64_t t = 0; t < tiers; ++t) leaks[t] += record[layout.group_tier_leaked(g, t)];
  }
}

// The three interception rates of one trial (docs/model.md §3), from a selection's counts:
// the threats intercepted over those launched (every fate but launch_failure), over those
// engaged, and over those threatening a defended area (intercepted or leaked_defended). A
// rate is undefined in a trial whose denominator is 0.
struct RateFraction {
  std::int64_t numerator = 0;
  std::int64_t denominator = 0;
};
inline std::array<RateFraction, rate_count> rate_fractions(const std::int64_t* counts) {
  const std::int64_t intercepted = counts[static_cast<std::int64_t>(Fate::intercepted)];
  std::int64_t attempted = 0;
  for (std::int64_t f = 0; f < fate_count; ++f) attempted += counts[f];
  const std::int64_t launched = attempted - counts[static_cast<std::int64_t>(Fate::launch_failure)];
  const std::int64_t threatening = intercepted + counts[static_cast<std::int64_t>(Fate::leaked_defended)];
  return {{{intercepted, launched}, {intercepted, counts[selection_engaged]}, {intercepted, threatening}}};
}

// Per-trial rates are ratios; they are summed in fixed point (2^32 = a rate of 1), exact to
// 2^-32 per trial, and histogrammed in bins of 1/rate_bins.
inline constexpr std::int64_t rate_fixed_one = std::int64_t{1} << 32;
inline constexpr std::int64_t rate_bins = 10000;
// Fixed-point sums of up to this many trials cannot overflow.
inline constexpr std::int64_t max_trials_per_tally = (std::int64_t{1} << 31) - 1;

// 128-bit integers for exact intermediate products (a GCC/Clang extension).
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

struct Moments {
  std::int64_t sum = 0;
  std::int64_t sum_squares = 0;
  void add(std::int64_t value) {
    sum += value;
    sum_squares += value * value;
  }
  void merge(const Moments& other) {
    sum += other.sum;
    sum_squares += other.sum_squares;
  }
};

// A histogram of a non-negative integer per trial; it grows to the largest value seen.
struct Histogram {
  std::vector<std::int64_t> counts;
  // Inline: the tallies add a few dozen values a trial, nearly always into an existing bin.
  void add(std::int64_t value) {
    if (static_cast<std::uint64_t>(value) < counts.size()) {  // a negative value wraps to large
      ++counts[static_cast<std::size_t>(value)];
    } else {
      grow_and_add(value);
    }
  }
  void merge(const Histogram& other);

 private:
  void grow_and_add(std::int64_t value);  // throws std::logic_error for a negative value
};

// The bins of a rate over trials, floor(rate * rate_bins). While it holds few trials it keeps
// their bins as a list: a histogram grows to rate_bins + 1 bins (80 KB) as soon as a trial has a
// rate of 1, and allocating, zeroing and scanning those for each selection and rate cost a point
// of a sweep of 100 trials more than its trials did. Past sparse_limit trials it keeps counts per
// bin. Either form gives the same histogram() and so the same statistics.
class RateBins {
 public:
  static constexpr std::int64_t sparse_limit = 1024;  // a list of 8 KB at most

  // Inline, counts first: a long run adds to counts once past its first trials.
  void add(std::int64_t bin) {
    if (!dense_.counts.empty()) {
      dense_.add(bin);
    } else if (static_cast<std::int64_t>(list_.size()) < sparse_limit && bin >= 0) {
      list_.push_back(bin);
    } else {
      add_to_counts(bin);
    }
  }
  void merge(const RateBins& other);
  // Counts per bin, grown to the largest bin seen (empty without trials).
  Histogram histogram() const;
  // Replaces the contents with these counts (the wire's form).
  void assign(Histogram counts);
  // True while the trials are kept as a list: then sorted_list() holds their bins in order.
  bool sparse() const { return dense_.counts.empty(); }
  std::vector<std::int64_t> sorted_list() const;
  // The counts of the dense form (empty while sparse()).
  const std::vector<std::int64_t>& counts() const { return dense_.counts; }

 private:
  void add_to_counts(std::int64_t bin);  // throws std::logic_error for a negative bin
  void make_dense();
  std::vector<std::int64_t> list_;  // the bins of the trials, in the order added, while sparse
  Histogram dense_;                 // counts per bin, once not sparse
};

struct RateTally {
  std::int64_t defined = 0;  // trials whose denominator was > 0
  Moments fixed;             // of the rate in fixed point
  RateBins bins;             // floor(rate * rate_bins), at most rate_bins
};

class Tallies {
 public:
  explicit Tallies(const Plan& plan);

  // Adds one trial's record (plan.layout).
  void add(const std::int64_t* record);
  void merge(const Tallies& other);

  std::int64_t trials = 0;
  // [selection][fate]: counts of threats per trial.
  std::vector<Moments> fates;
  std::vector<Histogram> fate_histograms;
  // [selection]: threats engaged at least once, per trial.
  std::vector<Moments> engaged;
  // [selection][layer]: intercepts made by each layer.
  std::vector<Moments> intercepts;
  // [layer][metric]
  std::vector<Moments> layer_metrics;
  // [layer]: interceptors fired per trial.
  std::vector<Histogram> fired_histograms;
  // [layer][layer]: sum over trials of fired(l) * fired(m), for the spread of the total cost.
  std::vector<std::int64_t> fired_cross;
  // [selection][rate]
  std::vector<RateTally> rates;
  // Campaigns of two salvos or more (plan.layout.per_salvo()), else empty:
  // [salvo][layer][metric], the layer counters of each salvo;
  std::vector<Moments> salvo_layer_metrics;
  // [salvo][layer], the interceptors in the magazine at the salvo's start (-1: unlimited);
  std::vector<Moments> salvo_magazines;
  // [salvo][layer][layer], as fired_cross within each salvo.
  std::vector<std::int64_t> salvo_fired_cross;
  // Scenarios with declared tiers (plan.layout.tiers > 0), else empty:
  // [selection][tier], the selection's leaked threats on each tier (sum_selection_leaks);
  std::vector<Moments> tier_leaks;
  // [selection][tier][tier], sum over trials of leaks(t) * leaks(u), for the spread of the damage.
  std::vector<std::int64_t> tier_leaks_cross;

  // One trial's contribution to a RateTally (tallies.cpp).
  struct RateSample {
    bool defined = false;  // the denominator was > 0
    std::int64_t fixed = 0, fixed_squared = 0, bin = 0;
  };
  // The rate numerator / denominator as a RateSample: floor(rate * rate_fixed_one),
  // floor(rate^2 * rate_fixed_one), floor(rate * rate_bins); not defined for a denominator <= 0.
  static RateSample rate_sample(std::int64_t numerator, std::int64_t denominator);

 private:
  void add_tier_leaks(const std::int64_t* record);
  const Plan* plan_;
  // Scratch of add(): each selection's counts and rate samples of the trial.
  std::vector<std::int64_t> selection_counts_;
  std::vector<RateSample> rate_samples_;
  std::vector<std::int64_t> duplicate_of_;             // per selection: an earlier one with the same groups, or -1
  std::vector<std::int64_t> leaks_;                    // scratch of add(): [selection][tier], its leaks on each tier
  std::vector<std::vector<std::int64_t>> leak_tiers_;  // per selection: the tiers its threats can aim at
};

}  // namespace salvosim
