// Integer tallies over trials (tallies.hpp): histograms, moments, selections and the rates in
// fixed point, checked on hand-made records against values worked out by hand.
#include "salvosim/tallies.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "hand_records.hpp"
#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"

namespace salvosim {
namespace {

// The fixed-point sums of up to max_trials_per_tally rates in [0, 1] (and their squares)
// must fit an int64.
static_assert(max_trials_per_tally <= std::numeric_limits<std::int64_t>::max() / rate_fixed_one);

TEST(Histogram, GrowsToTheLargestValue) {
  Histogram h;
  EXPECT_TRUE(h.counts.empty());
  h.add(0);
  EXPECT_EQ(h.counts, (std::vector<std::int64_t>{1}));
  h.add(3);
  h.add(3);
  h.add(1);
  EXPECT_EQ(h.counts, (std::vector<std::int64_t>{1, 1, 0, 2}));
  h.add(2);
  EXPECT_EQ(h.counts, (std::vector<std::int64_t>{1, 1, 1, 2}));
}

TEST(Histogram, NegativeValueIsALogicError) {
  Histogram h;
  EXPECT_THROW(h.add(-1), std::logic_error);
}

TEST(Histogram, MergeGrowsEitherWay) {
  Histogram short_one, long_one;
  short_one.counts = {1, 2};
  long_one.counts = {0, 1, 0, 4};
  Histogram a = short_one;
  a.merge(long_one);
  EXPECT_EQ(a.counts, (std::vector<std::int64_t>{1, 3, 0, 4}));
  Histogram b = long_one;
  b.merge(short_one);
  EXPECT_EQ(b.counts, a.counts);
  Histogram empty;
  b.merge(empty);
  EXPECT_EQ(b.counts, a.counts);
  empty.merge(a);
  EXPECT_EQ(empty.counts, a.counts);
}

TEST(Moments, AddAndMerge) {
  Moments m;
  for (std::int64_t v : {3, 0, 5}) m.add(v);
  EXPECT_EQ(m.sum, 8);
  EXPECT_EQ(m.sum_squares, 34);
  Moments other;
  other.add(-2);
  m.merge(other);
  EXPECT_EQ(m.sum, 6);
  EXPECT_EQ(m.sum_squares, 38);
}

using test_support::make_record;
using test_support::trial_one;
using test_support::trial_two;
Plan test_plan() { return test_support::three_group_plan(); }

// Selection indices of test_plan(): groups in order, then classes sorted, then all.
constexpr std::size_t sel_a = 0, sel_b = 1, sel_c = 2, sel_cruise = 3, sel_drone = 4, sel_all = 5;
constexpr std::size_t outer = 0, inner = 1;

const Moments& fate_moments(const Tallies& t, std::size_t sel, Fate f) {
  return t.fates[sel * fate_count + static_cast<std::size_t>(f)];
}
const RateTally& rate_tally(const Tallies& t, std::size_t sel, Rate r) {
  return t.rates[sel * rate_count + static_cast<std::size_t>(r)];
}

constexpr std::int64_t one = rate_fixed_one;  // 2^32

TEST(Tallies, OneTrialBySelection) {
  const Plan plan = test_plan();
  ASSERT_EQ(plan.selections.size(), 6u);
  ASSERT_EQ(plan.selections[sel_drone].label, "class:drone");
  Tallies t(plan);
  t.add(trial_one(plan).data());
  EXPECT_EQ(t.trials, 1);

  // Fates sum the selection's groups: class:drone = a + c, all = a + b + c.
  const std::int64_t drone[fate_count] = {1, 1, 3, 1, 1}, all[fate_count] = {1, 1, 3, 3, 1};
  for (std::int64_t f = 0; f < fate_count; ++f) {
    EXPECT_EQ(fate_moments(t, sel_drone, Fate(f)).sum, drone[f]) << fate_names[f];
    EXPECT_EQ(fate_moments(t, sel_drone, Fate(f)).sum_squares, drone[f] * drone[f]) << fate_names[f];
    EXPECT_EQ(fate_moments(t, sel_all, Fate(f)).sum, all[f]) << fate_names[f];
  }
  EXPECT_EQ(fate_moments(t, sel_cruise, Fate::leaked_defended).sum, 2);
  // A histogram per selection and fate, grown to the count seen: all's 3 leaked_defended.
  EXPECT_EQ(t.fate_histograms[sel_all * fate_count + 3].counts, (std::vector<std::int64_t>{0, 0, 0, 1}));

  EXPECT_EQ(t.engaged[sel_a].sum, 3);
  EXPECT_EQ(t.engaged[sel_b].sum, 0);
  EXPECT_EQ(t.engaged[sel_drone].sum, 4);
  EXPECT_EQ(t.engaged[sel_all].sum, 4);
  EXPECT_EQ(t.intercepts[sel_drone * 2 + outer].sum, 1);
  EXPECT_EQ(t.intercepts[sel_drone * 2 + inner].sum, 2);
  EXPECT_EQ(t.intercepts[sel_all * 2 + inner].sum, 2);
  EXPECT_EQ(t.intercepts[sel_b * 2 + inner].sum, 0);

  EXPECT_EQ(t.layer_metrics[outer * layer_metric_count + 1].sum, 5);          // fired
  EXPECT_EQ(t.layer_metrics[inner * layer_metric_count + 4].sum, 1);          // missed_no_channel
  EXPECT_EQ(t.layer_metrics[outer * layer_metric_count + 5].sum_squares, 4);  // missed_magazine 2
  EXPECT_EQ(t.fired_histograms[outer].counts, (std::vector<std::int64_t>{0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(t.fired_cross, (std::vector<std::int64_t>{25, 15, 15, 9}));

  // Rates in fixed point, floor(r · 2^32), squares floor(r² · 2^32), bins floor(r · 10000).
  // a: 2 of 3 launched, 2 of 3 engaged, 2 of (2 + 1) threatening.
  for (Rate r : {Rate::launched, Rate::engaged, Rate::threatening}) {
    const RateTally& rt = rate_tally(t, sel_a, r);
    EXPECT_EQ(rt.defined, 1);
    EXPECT_EQ(rt.fixed.sum, 2863311530);          // floor(2/3 · 2^32)
    EXPECT_EQ(rt.fixed.sum_squares, 1908874353);  // floor(4/9 · 2^32)
    ASSERT_EQ(rt.bins.histogram().counts.size(), 6667u);
    EXPECT_EQ(rt.bins.histogram().counts[6666], 1);
  }
  // b: none intercepted of 2 launched: rate 0; never engaged: rate_engaged undefined.
  EXPECT_EQ(rate_tally(t, sel_b, Rate::launched).defined, 1);
  EXPECT_EQ(rate_tally(t, sel_b, Rate::launched).fixed.sum, 0);
  EXPECT_EQ(rate_tally(t, sel_b, Rate::launched).bins.histogram().counts, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(rate_tally(t, sel_b, Rate::engaged).defined, 0);
  EXPECT_TRUE(rate_tally(t, sel_b, Rate::engaged).bins.histogram().counts.empty());
  // c: 1 of 3 launched; 1 of 1 engaged; 1 of 1 threatening (its leak was aimed elsewhere).
  EXPECT_EQ(rate_tally(t, sel_c, Rate::launched).fixed.sum, 1431655765);         // floor(2^32/3)
  EXPECT_EQ(rate_tally(t, sel_c, Rate::launched).fixed.sum_squares, 477218588);  // floor(2^32/9)
  EXPECT_EQ(rate_tally(t, sel_c, Rate::launched).bins.histogram().counts.size(), 3334u);
  EXPECT_EQ(rate_tally(t, sel_c, Rate::engaged).fixed.sum, one);
  EXPECT_EQ(rate_tally(t, sel_c, Rate::engaged).fixed.sum_squares, one);
  EXPECT_EQ(rate_tally(t, sel_c, Rate::threatening).bins.histogram().counts.size(),
            static_cast<std::size_t>(rate_bins + 1));
  // all: 3 of 8 launched, 3 of 4 engaged, 3 of 6 threatening: exact in binary.
  EXPECT_EQ(rate_tally(t, sel_all, Rate::launched).fixed.sum, 3 * one / 8);
  EXPECT_EQ(rate_tally(t, sel_all, Rate::launched).fixed.sum_squares, 9 * one / 64);
  EXPECT_EQ(rate_tally(t, sel_all, Rate::launched).bins.histogram().counts.size(), 3751u);
  EXPECT_EQ(rate_tally(t, sel_all, Rate::engaged).fixed.sum, 3 * one / 4);
  EXPECT_EQ(rate_tally(t, sel_all, Rate::threatening).fixed.sum, one / 2);
  EXPECT_EQ(rate_tally(t, sel_all, Rate::threatening).fixed.sum_squares, one / 4);
}

TEST(Tallies, SumsOverTrialsAndMergeIsTheSame) {
  const Plan plan = test_plan();
  const auto r1 = trial_one(plan), r2 = trial_two(plan);
  Tallies both(plan);
  both.add(r1.data());
  both.add(r2.data());
  EXPECT_EQ(both.trials, 2);
  EXPECT_EQ(fate_moments(both, sel_a, Fate::intercepted).sum, 2 + 4);
  EXPECT_EQ(fate_moments(both, sel_a, Fate::intercepted).sum_squares, 4 + 16);
  EXPECT_EQ(both.fate_histograms[sel_a * fate_count + 2].counts, (std::vector<std::int64_t>{0, 0, 1, 0, 1}));
  EXPECT_EQ(both.fired_histograms[outer].counts, (std::vector<std::int64_t>{0, 0, 0, 0, 0, 1, 0, 1}));
  // fired: (5, 3) then (7, 4).
  EXPECT_EQ(both.fired_cross, (std::vector<std::int64_t>{25 + 49, 15 + 28, 15 + 28, 9 + 16}));
  // A rate of 1 is 2^32 exactly, its square too, in the last bin.
  EXPECT_EQ(rate_tally(both, sel_all, Rate::launched).fixed.sum, 3 * one / 8 + one);
  EXPECT_EQ(rate_tally(both, sel_all, Rate::launched).fixed.sum_squares, 9 * one / 64 + one);
  EXPECT_EQ(rate_tally(both, sel_all, Rate::launched).bins.histogram().counts[static_cast<std::size_t>(rate_bins)], 1);
  EXPECT_EQ(rate_tally(both, sel_b, Rate::engaged).defined, 1);  // defined in trial two only
  EXPECT_EQ(rate_tally(both, sel_b, Rate::engaged).fixed.sum, one);

  // Merging tallies of single trials, in either order, gives the same integers.
  Tallies first(plan), second(plan);
  first.add(r1.data());
  second.add(r2.data());
  for (bool reversed : {false, true}) {
    Tallies merged(plan);
    merged.merge(reversed ? second : first);
    merged.merge(reversed ? first : second);
    EXPECT_EQ(merged.trials, both.trials);
    for (std::size_t k = 0; k < both.fates.size(); ++k) {
      EXPECT_EQ(merged.fates[k].sum, both.fates[k].sum);
      EXPECT_EQ(merged.fates[k].sum_squares, both.fates[k].sum_squares);
      EXPECT_EQ(merged.fate_histograms[k].counts, both.fate_histograms[k].counts);
    }
    for (std::size_t k = 0; k < both.layer_metrics.size(); ++k) {
      EXPECT_EQ(merged.layer_metrics[k].sum_squares, both.layer_metrics[k].sum_squares);
    }
    EXPECT_EQ(merged.fired_cross, both.fired_cross);
    for (std::size_t k = 0; k < both.rates.size(); ++k) {
      EXPECT_EQ(merged.rates[k].defined, both.rates[k].defined);
      EXPECT_EQ(merged.rates[k].fixed.sum, both.rates[k].fixed.sum);
      EXPECT_EQ(merged.rates[k].fixed.sum_squares, both.rates[k].fixed.sum_squares);
      EXPECT_EQ(merged.rates[k].bins.histogram().counts, both.rates[k].bins.histogram().counts);
    }
  }
}

TEST(Tallies, ShapesFollowThePlan) {
  const Plan plan = test_plan();
  const Tallies t(plan);
  EXPECT_EQ(t.trials, 0);
  EXPECT_EQ(t.fates.size(), 6u * fate_count);
  EXPECT_EQ(t.fate_histograms.size(), 6u * fate_count);
  EXPECT_EQ(t.engaged.size(), 6u);
  EXPECT_EQ(t.intercepts.size(), 6u * 2);
  EXPECT_EQ(t.layer_metrics.size(), 2u * layer_metric_count);
  EXPECT_EQ(t.fired_histograms.size(), 2u);
  EXPECT_EQ(t.fired_cross.size(), 4u);
  EXPECT_EQ(t.rates.size(), 6u * rate_count);
}

// rate_sample's shortcuts (a multiply by a reciprocal for denominators below 1024, 64-bit
// division) give the floors of the exact quotients: every fraction up to 1 with a denominator up
// to past the reciprocals' limit, then larger ones, against 128-bit division.
Tallies::RateSample exact_rate_sample(std::int64_t numerator, std::int64_t denominator) {
  const auto num = static_cast<uint128>(numerator), den = static_cast<uint128>(denominator);
  return {true, static_cast<std::int64_t>((num << 32) / den),
          static_cast<std::int64_t>(((num * num) << 32) / (den * den)),
          static_cast<std::int64_t>(num * static_cast<uint128>(rate_bins) / den)};
}
testing::AssertionResult exact(std::int64_t numerator, std::int64_t denominator) {
  const Tallies::RateSample fast = Tallies::rate_sample(numerator, denominator);
  const Tallies::RateSample exact = exact_rate_sample(numerator, denominator);
  if (fast.defined && fast.fixed == exact.fixed && fast.fixed_squared == exact.fixed_squared && fast.bin == exact.bin) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure() << numerator << " / " << denominator << ": " << fast.fixed << ", "
                                     << fast.fixed_squared << ", " << fast.bin << " instead of " << exact.fixed << ", "
                                     << exact.fixed_squared << ", " << exact.bin;
}

TEST(Tallies, RateSamplesAreTheExactFloors) {
  for (std::int64_t den = 1; den <= 1100; ++den) {  // past reciprocal_limit (tallies.cpp)
    for (std::int64_t num = 0; num <= den; ++num) ASSERT_TRUE(exact(num, den));
  }
  for (std::int64_t den : {std::int64_t{1} << 16, (std::int64_t{1} << 32) - 1, std::int64_t{1} << 32,
                           std::int64_t{1} << 40, max_trials_per_tally}) {
    for (std::int64_t num : {std::int64_t{0}, std::int64_t{1}, std::int64_t{2} << 15, den / 3, den - 1, den}) {
      ASSERT_TRUE(exact(num, den));
    }
  }
  EXPECT_TRUE(exact(5, 3));  // a numerator above its denominator (rate_fractions never makes one)
  EXPECT_TRUE(exact(4096, 3));
  EXPECT_FALSE(Tallies::rate_sample(0, 0).defined);
  EXPECT_FALSE(Tallies::rate_sample(3, 0).defined);
}

// A RateBins keeps its first sparse_limit trials as a list and counts after that; its
// histogram is the same either way, added trial by trial or merged, in any split.
TEST(RateBins, ListAndCountsGiveTheSameHistogram) {
  std::vector<std::int64_t> bins;  // a fixed pseudo-random sequence over [0, rate_bins]
  std::uint64_t state = 12345;
  for (std::int64_t k = 0; k < 3 * RateBins::sparse_limit; ++k) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    bins.push_back(static_cast<std::int64_t>((state >> 33) % static_cast<std::uint64_t>(rate_bins + 1)));
  }
  Histogram expected;
  RateBins all;
  EXPECT_TRUE(all.sparse());
  EXPECT_TRUE(all.histogram().counts.empty());
  for (std::size_t k = 0; k < bins.size(); ++k) {
    expected.add(bins[k]);
    all.add(bins[k]);
    const auto seen = static_cast<std::int64_t>(k + 1);
    if (seen == 1 || seen == RateBins::sparse_limit || seen == RateBins::sparse_limit + 1 ||
        seen == static_cast<std::int64_t>(bins.size())) {
      EXPECT_EQ(all.sparse(), seen <= RateBins::sparse_limit) << seen << " trials";
      EXPECT_EQ(all.histogram().counts, expected.counts) << seen << " trials";
    }
  }
  for (std::size_t split : {std::size_t{0}, std::size_t{10}, std::size_t{1000}, std::size_t{2000}, bins.size()}) {
    RateBins first, second;
    for (std::size_t k = 0; k < bins.size(); ++k) (k < split ? first : second).add(bins[k]);
    first.merge(second);
    EXPECT_EQ(first.histogram().counts, expected.counts) << "split at " << split;
  }
  // Two short lists merged stay a list; the sorted list is the bins in order.
  RateBins a, b;
  a.add(7);
  a.add(3);
  b.add(5);
  a.merge(b);
  EXPECT_TRUE(a.sparse());
  EXPECT_EQ(a.sorted_list(), (std::vector<std::int64_t>{3, 5, 7}));
  EXPECT_THROW(a.add(-1), std::logic_error);
}

}  // namespace
}  // namespace salvosim
