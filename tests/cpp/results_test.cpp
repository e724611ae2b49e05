// Statistics from tallies (results.hpp): means, standard errors, quantiles and the named-array
// access, on small samples whose statistics are worked out by hand.
#include "salvosim/results.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {
namespace {

// ---------------------------------------------------------------------------------------
// histogram_quantile: the smallest v with cumulative count >= q · total.

TEST(HistogramQuantile, HandMadeHistograms) {
  // Values 1, 1, 2, 2, 2, 3, 3, 3, 3, 3: cumulative 0, 2, 5, 10.
  const std::vector<std::int64_t> h = {0, 2, 3, 5};
  EXPECT_EQ(histogram_quantile(h, 0.025), 1);  // needs 0.25
  EXPECT_EQ(histogram_quantile(h, 0.2), 1);    // needs 2: reached at 1 exactly
  EXPECT_EQ(histogram_quantile(h, 0.21), 2);   // needs 2.1
  EXPECT_EQ(histogram_quantile(h, 0.5), 2);    // needs 5: reached at 2 exactly
  EXPECT_EQ(histogram_quantile(h, 0.51), 3);
  EXPECT_EQ(histogram_quantile(h, 0.975), 3);
  EXPECT_EQ(histogram_quantile(h, 1.0), 3);
  // q = 0 gives the smallest value observed, not 0 (an empty leading bin is never returned).
  EXPECT_EQ(histogram_quantile(h, 0.0), 1);

  // Four values 0, 1, 2, 3: the quartiles fall exactly on a value.
  const std::vector<std::int64_t> flat = {1, 1, 1, 1};
  EXPECT_EQ(histogram_quantile(flat, 0.25), 0);
  EXPECT_EQ(histogram_quantile(flat, 0.5), 1);
  EXPECT_EQ(histogram_quantile(flat, 0.75), 2);
  EXPECT_EQ(histogram_quantile(flat, 0.76), 3);

  // 20 trials: 19 at 0 and one at 7. The 0.95 quantile needs 19 (exactly reached at 0,
  // q·total computed in floating point must not overshoot), the 0.975 quantile 19.5.
  std::vector<std::int64_t> tail(8, 0);
  tail[0] = 19;
  tail[7] = 1;
  EXPECT_EQ(histogram_quantile(tail, 0.95), 0);
  EXPECT_EQ(histogram_quantile(tail, 0.975), 7);

  // A single trial.
  EXPECT_EQ(histogram_quantile({0, 0, 1}, 0.5), 2);
}

// All the quantiles in one scan are each quantile on its own, on histograms with empty bins,
// ties at a bin's edge, a long tail and a single trial.
TEST(HistogramQuantile, QuantilesInOneScanAreEachQuantile) {
  const std::vector<double> qs = {0.0, 0.025, 0.05, 0.2, 0.21, 0.5, 0.51, 0.95, 0.975, 1.0};
  const std::vector<std::vector<std::int64_t>> histograms = {
      {0, 2, 3, 5}, {1, 1, 1, 1}, {95, 0, 0, 0, 0, 0, 0, 5}, {0, 0, 1}, {0, 0, 0, 40, 0, 0, 60, 0}};
  for (const auto& h : histograms) {
    std::vector<std::int64_t> each;
    for (double q : qs) each.push_back(histogram_quantile(h, q));
    EXPECT_EQ(histogram_quantiles(h, qs), each);
  }
  EXPECT_THROW(histogram_quantiles({1, 2}, {0.5, 0.25}), std::invalid_argument);
}

// sorted_quantiles of a list of values are histogram_quantiles of their histogram, on the
// same histograms as above (each expanded to its values) and on lists of many ties.
TEST(HistogramQuantile, SortedListGivesTheHistogramsQuantiles) {
  const std::vector<double> qs = {0.0, 0.025, 0.05, 0.2, 0.21, 0.5, 0.51, 0.95, 0.975, 1.0};
  const std::vector<std::vector<std::int64_t>> histograms = {{0, 2, 3, 5},
                                                             {1, 1, 1, 1},
                                                             {95, 0, 0, 0, 0, 0, 0, 5},
                                                             {0, 0, 1},
                                                             {0, 0, 0, 40, 0, 0, 60, 0},
                                                             {0, 19, 0, 0, 0, 0, 1},
                                                             {3, 0, 0, 0, 0, 0, 0, 0, 0, 37}};
  for (const auto& h : histograms) {
    std::vector<std::int64_t> values;
    for (std::size_t v = 0; v < h.size(); ++v) values.insert(values.end(), static_cast<std::size_t>(h[v]), v);
    EXPECT_EQ(sorted_quantiles(values, qs), histogram_quantiles(h, qs));
  }
  EXPECT_THROW(sorted_quantiles({}, qs), std::invalid_argument);
  EXPECT_THROW(sorted_quantiles({1, 2}, {0.5, 0.25}), std::invalid_argument);
}

TEST(HistogramQuantile, EmptyHistogramThrows) {
  EXPECT_THROW(histogram_quantile({}, 0.5), std::invalid_argument);
  EXPECT_THROW(histogram_quantile({0, 0}, 0.5), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// DataArray::offset and the named access of Results.

TEST(DataArray, RowMajorOffsetWithBoundsChecks) {
  DataArray a;
  a.name = "cube";
  a.dims = {"x", "y", "z"};
  a.shape = {2, 3, 4};
  EXPECT_EQ(a.size(), 24);
  EXPECT_EQ(a.offset({0, 0, 0}), 0);
  EXPECT_EQ(a.offset({0, 0, 3}), 3);
  EXPECT_EQ(a.offset({0, 1, 0}), 4);
  EXPECT_EQ(a.offset({1, 2, 3}), 23);
  EXPECT_THROW(a.offset({1, 2}), std::out_of_range);        // too few indices
  EXPECT_THROW(a.offset({1, 2, 3, 0}), std::out_of_range);  // too many
  EXPECT_THROW(a.offset({2, 0, 0}), std::out_of_range);     // one past the end
  EXPECT_THROW(a.offset({0, 3, 0}), std::out_of_range);
  EXPECT_THROW(a.offset({0, 0, 4}), std::out_of_range);
  EXPECT_THROW(a.offset({0, -1, 0}), std::out_of_range);  // negative
  try {
    a.offset({0, 5, 0});
    ADD_FAILURE() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("cube"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("y"), std::string::npos) << e.what();
  }

  DataArray scalar;
  scalar.name = "scalar";
  EXPECT_EQ(scalar.size(), 1);
  EXPECT_EQ(scalar.offset({}), 0);
  EXPECT_THROW(scalar.offset({0}), std::out_of_range);
}

// ---------------------------------------------------------------------------------------
// summarize() on hand-made records.

// Group "a" (class drone, 3 threats, cost 10 each) and group "b" (no class, 1 threat); two
// layers costing 2 and 3 per interceptor. Selections: a, b, class:drone, all.
Scenario test_scenario() {
  return load_scenario_string(R"([scenario]
name = "results-test"

[[threat]]
name = "a"
class = "drone"
count = 3
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }
cost = 10.0

[[threat]]
name = "b"
count = 1
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }

[[layer]]
name = "outer"
fire_units = 1
channels = 1
engagement_time = 10.0
interceptors = "unlimited"
cost = 2.0
engages.drone = { pk = 0.5, window = { open = 300.0, close = 0.0 } }

[[layer]]
name = "inner"
fire_units = 1
channels = 1
engagement_time = 10.0
interceptors = "unlimited"
cost = 3.0
engages.b = { pk = 0.5, window = { open = 100.0, close = 0.0 } }
)",
                              "results_test");
}
Plan test_plan() { return compile(test_scenario()); }

// One trial: x of a's 3 threats intercepted (by the outer layer), the rest leaked at defended
// areas; b leaked at an open area, never engaged; the layers fired (f0, f1).
std::vector<std::int64_t> record(const Plan& plan, std::int64_t x, std::int64_t f0, std::int64_t f1) {
  const RecordLayout& layout = plan.layout;
  std::vector<std::int64_t> r(static_cast<std::size_t>(layout.size()), 0);
  auto at = [&](std::int64_t k) -> std::int64_t& { return r[static_cast<std::size_t>(k)]; };
  at(layout.fate(0, Fate::intercepted)) = x;
  at(layout.fate(0, Fate::leaked_defended)) = 3 - x;
  at(layout.engaged(0)) = 3;
  at(layout.group_intercepts(0, 0)) = x;
  at(layout.fate(1, Fate::leaked_open)) = 1;
  at(layout.layer_metric(0, LayerMetric::engagements)) = 3;
  at(layout.layer_metric(0, LayerMetric::fired)) = f0;
  at(layout.layer_metric(0, LayerMetric::intercepts)) = x;
  at(layout.layer_metric(1, LayerMetric::fired)) = f1;
  return r;
}

// Four trials: intercepted 0, 1, 2, 3 of a; fired (1, 0), (2, 1), (3, 5), (0, 0).
Tallies four_trials(const Plan& plan) {
  Tallies t(plan);
  const std::int64_t fired[4][2] = {{1, 0}, {2, 1}, {3, 5}, {0, 0}};
  for (std::int64_t x = 0; x < 4; ++x) t.add(record(plan, x, fired[x][0], fired[x][1]).data());
  return t;
}

constexpr double z95 = 1.959963984540054;

TEST(Summarize, CoordinatesAndIndex) {
  const Plan plan = test_plan();
  const Results r = summarize(plan, four_trials(plan), RunInfo{});
  EXPECT_EQ(r.info.trials, 4);
  EXPECT_EQ(r.coordinate("selection").labels, (std::vector<std::string>{"a", "b", "class:drone", "all"}));
  EXPECT_EQ(r.coordinate("group").labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.coordinate("layer").labels, (std::vector<std::string>{"outer", "inner"}));
  EXPECT_EQ(r.coordinate("fate").labels.size(), static_cast<std::size_t>(fate_count));
  EXPECT_EQ(r.coordinate("quantile").labels, (std::vector<std::string>{"0.025", "0.05", "0.5", "0.95", "0.975"}));
  // The count axis reaches the largest count seen (3), the fired axis the most fired (5).
  EXPECT_EQ(r.coordinate("count").values, (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(r.coordinate("fired").size(), 6);
  EXPECT_EQ(r.coordinate("rate_bin").size(), rate_bins + 1);

  EXPECT_EQ(r.index("selection", "a"), 0);
  EXPECT_EQ(r.index("selection", "class:drone"), 2);
  EXPECT_EQ(r.index("selection", "all"), 3);
  EXPECT_EQ(r.index("layer", "inner"), 1);
  EXPECT_EQ(r.index("fate", "leaked_open"), 4);
  EXPECT_THROW(r.index("selection", "class:b"), std::out_of_range);  // b has no class
  EXPECT_THROW(r.index("selection", "nope"), std::out_of_range);
  EXPECT_THROW(r.index("no-such-dimension", "a"), std::out_of_range);
  EXPECT_THROW(r.index("count", "0"), std::out_of_range);  // a dimension of values, not labels
  try {
    r.index("layer", "middle");
    ADD_FAILURE() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("layer"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("middle"), std::string::npos) << e.what();
  }
  EXPECT_THROW(r.coordinate("nope"), std::out_of_range);
  EXPECT_TRUE(r.has_array("fate_mean"));
  EXPECT_FALSE(r.has_array("nope"));
  EXPECT_THROW(r.array("nope"), std::out_of_range);
  EXPECT_THROW(r.value("fate_mean", {0}), std::out_of_range);
  EXPECT_THROW(r.value("fate_mean", {4, 0}), std::out_of_range);

  // Every array's shape is the sizes of its dimensions, and its storage matches.
  for (const DataArray& a : r.arrays) {
    ASSERT_EQ(a.dims.size(), a.shape.size()) << a.name;
    for (std::size_t d = 0; d < a.dims.size(); ++d) EXPECT_EQ(a.shape[d], r.coordinate(a.dims[d]).size()) << a.name;
    EXPECT_EQ(static_cast<std::int64_t>(a.integer ? a.integers.size() : a.values.size()), a.size()) << a.name;
  }
}

TEST(Summarize, MeansStandardErrorsAndQuantilesByHand) {
  const Plan plan = test_plan();
  const Results r = summarize(plan, four_trials(plan), RunInfo{});
  const std::int64_t a = 0, b = 1, drone = 2, all = 3;
  const auto intercepted = static_cast<std::int64_t>(Fate::intercepted);
  const auto leaked_defended = static_cast<std::int64_t>(Fate::leaked_defended);
  const auto leaked_open = static_cast<std::int64_t>(Fate::leaked_open);

  // Intercepted 0, 1, 2, 3: mean 1.5, sample variance (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3,
  // SE = sqrt(5/3 / 4) = sqrt(5/12).
  for (std::int64_t sel : {a, drone, all}) {
    EXPECT_DOUBLE_EQ(r.value("fate_mean", {sel, intercepted}), 1.5);
    EXPECT_DOUBLE_EQ(r.value("fate_se", {sel, intercepted}), std::sqrt(5.0 / 12.0));
    EXPECT_DOUBLE_EQ(r.value("fate_mean", {sel, leaked_defended}), 1.5);
    EXPECT_DOUBLE_EQ(r.value("fate_sum", {sel, intercepted}), 6.0);
    EXPECT_DOUBLE_EQ(r.value("fate_sum_squares", {sel, intercepted}), 14.0);
  }
  // A constant has SE 0.
  EXPECT_EQ(r.value("fate_mean", {b, leaked_open}), 1.0);
  EXPECT_EQ(r.value("fate_se", {b, leaked_open}), 0.0);
  EXPECT_EQ(r.value("fate_mean", {a, leaked_open}), 0.0);
  // Quantiles of 0, 1, 2, 3 (needing 0.1, 0.2, 2, 3.8, 3.9 trials).
  const double expected_quantiles[] = {0, 0, 1, 3, 3};
  for (std::int64_t q = 0; q < 5; ++q) {
    EXPECT_EQ(r.value("fate_quantile", {a, intercepted, q}), expected_quantiles[q]) << "quantile " << q;
  }
  for (std::int64_t v = 0; v < 4; ++v) EXPECT_EQ(r.value("fate_histogram", {a, intercepted, v}), 1.0);
  EXPECT_EQ(r.value("fate_histogram", {b, leaked_open, 1}), 4.0);
  EXPECT_EQ(r.value("fate_histogram", {b, leaked_open, 3}), 0.0);  // padded to the widest

  EXPECT_EQ(r.value("engaged_mean", {all}), 3.0);
  EXPECT_EQ(r.value("engaged_se", {all}), 0.0);
  EXPECT_DOUBLE_EQ(r.value("intercepts_mean", {drone, 0}), 1.5);
  EXPECT_DOUBLE_EQ(r.value("intercepts_se", {drone, 0}), std::sqrt(5.0 / 12.0));
  EXPECT_EQ(r.value("intercepts_mean", {all, 1}), 0.0);

  // Fired by outer: 1, 2, 3, 0 (mean 1.5, variance 5/3); by inner: 0, 1, 5, 0 (mean 1.5,
  // variance (2.25 + 0.25 + 12.25 + 2.25)/3 = 17/3).
  const auto fired = static_cast<std::int64_t>(LayerMetric::fired);
  EXPECT_DOUBLE_EQ(r.value("layer_mean", {0, fired}), 1.5);
  EXPECT_DOUBLE_EQ(r.value("layer_se", {0, fired}), std::sqrt(5.0 / 12.0));
  EXPECT_DOUBLE_EQ(r.value("layer_se", {1, fired}), std::sqrt(17.0 / 12.0));
  EXPECT_EQ(r.value("fired_histogram", {1, 5}), 1.0);
  EXPECT_EQ(r.value("fired_histogram", {1, 0}), 2.0);
  // Costs: per layer fired × cost; the total 2·f0 + 3·f1 = 2, 7, 21, 0 per trial: mean 7.5,
  // variance (30.25 + 0.25 + 182.25 + 56.25)/3 = 269/3, SE sqrt(269/12). The per-layer SEs
  // alone would give sqrt(4·5/12 + 9·17/12): the cross sums must carry the covariance.
  EXPECT_DOUBLE_EQ(r.value("interceptor_cost_mean", {0}), 3.0);
  EXPECT_DOUBLE_EQ(r.value("interceptor_cost_mean", {1}), 4.5);
  EXPECT_DOUBLE_EQ(r.value("interceptor_cost_se", {1}), 3.0 * std::sqrt(17.0 / 12.0));
  EXPECT_DOUBLE_EQ(r.value("total_interceptor_cost_mean", {}), 7.5);
  EXPECT_NEAR(r.value("total_interceptor_cost_se", {}), std::sqrt(269.0 / 12.0), 1e-12);
  EXPECT_DOUBLE_EQ(r.value("threat_cost", {}), 30.0);

  // rate_launched of a: 0, 1/3, 2/3, 1: mean 1/2, variance (1/4 + 1/36 + 1/36 + 1/4)/3 = 5/27,
  // SE sqrt(5/108); exact to the fixed point's 2^-32 per trial.
  const auto launched = static_cast<std::int64_t>(Rate::launched);
  const auto engaged = static_cast<std::int64_t>(Rate::engaged);
  const auto threatening = static_cast<std::int64_t>(Rate::threatening);
  const double mean = r.value("rate_mean", {a, launched}), se = r.value("rate_se", {a, launched});
  EXPECT_NEAR(mean, 0.5, 1e-9);
  EXPECT_NEAR(se, std::sqrt(5.0 / 108.0), 1e-9);
  EXPECT_DOUBLE_EQ(r.value("rate_ci95_low", {a, launched}), mean - z95 * se);
  EXPECT_DOUBLE_EQ(r.value("rate_ci95_high", {a, launched}), mean + z95 * se);
  EXPECT_EQ(r.value("rate_trials", {a, launched}), 4.0);
  EXPECT_EQ(r.value("rate_fixed_sum", {a, launched}), 0.0 + 1431655765 + 2863311530 + 4294967296);
  // Quantiles on bins of 1/10000: floor(r·10000) = 0, 3333, 6666, 10000.
  const double rate_quantiles[] = {0, 0, 0.3333, 1, 1};
  for (std::int64_t q = 0; q < 5; ++q) {
    EXPECT_DOUBLE_EQ(r.value("rate_quantile", {a, launched, q}), rate_quantiles[q]) << "quantile " << q;
  }
  EXPECT_EQ(r.value("rate_histogram", {a, launched, 3333}), 1.0);
  // The same for threatening (intercepted + leaked_defended = 3 in every trial).
  EXPECT_NEAR(r.value("rate_mean", {a, threatening}), 0.5, 1e-9);
  // all: launched 4 per trial, so x/4; threatening as a.
  EXPECT_NEAR(r.value("rate_mean", {all, launched}), 1.5 / 4.0, 1e-9);
  EXPECT_NEAR(r.value("rate_mean", {all, threatening}), 0.5, 1e-9);

  // b is never engaged and never threatening: those rates are undefined (NaN, 0 trials);
  // its rate_launched is 0 in every trial.
  EXPECT_EQ(r.value("rate_trials", {b, engaged}), 0.0);
  EXPECT_TRUE(std::isnan(r.value("rate_mean", {b, engaged})));
  EXPECT_TRUE(std::isnan(r.value("rate_se", {b, engaged})));
  EXPECT_TRUE(std::isnan(r.value("rate_quantile", {b, engaged, 2})));
  EXPECT_EQ(r.value("rate_trials", {b, threatening}), 0.0);
  EXPECT_EQ(r.value("rate_mean", {b, launched}), 0.0);
  EXPECT_EQ(r.value("rate_se", {b, launched}), 0.0);
}

TEST(Summarize, OneTrialHasNoStandardError) {
  const Plan plan = test_plan();
  Tallies t(plan);
  t.add(record(plan, 2, 1, 1).data());
  const Results r = summarize(plan, t, RunInfo{});
  const auto intercepted = static_cast<std::int64_t>(Fate::intercepted);
  EXPECT_EQ(r.value("fate_mean", {0, intercepted}), 2.0);
  EXPECT_TRUE(std::isnan(r.value("fate_se", {0, intercepted})));
  EXPECT_TRUE(std::isnan(r.value("rate_se", {0, 0})));
  EXPECT_TRUE(std::isnan(r.value("total_interceptor_cost_se", {})));
  EXPECT_EQ(r.value("fate_quantile", {0, intercepted, 2}), 2.0);
}

TEST(Summarize, NoTrialsGivesNaNNotAnError) {
  const Plan plan = test_plan();
  const Results r = summarize(plan, Tallies(plan), RunInfo{});
  EXPECT_EQ(r.info.trials, 0);
  EXPECT_TRUE(std::isnan(r.value("fate_mean", {0, 0})));
  EXPECT_TRUE(std::isnan(r.value("fate_quantile", {0, 0, 2})));
  EXPECT_TRUE(std::isnan(r.value("rate_mean", {3, 0})));
  EXPECT_EQ(r.value("fate_sum", {0, 0}), 0.0);
  EXPECT_EQ(r.coordinate("count").size(), 1);  // histograms keep one bin
}

TEST(Summarize, RunInfoIsKept) {
  const Plan plan = test_plan();
  RunInfo info;
  info.scenario_name = "results-test";
  info.seed = 42;
  info.first_trial = 7;
  info.trials = 999;  // overwritten by the tallies' count
  const Results r = summarize(plan, four_trials(plan), info);
  EXPECT_EQ(r.info.scenario_name, "results-test");
  EXPECT_EQ(r.info.seed, 42u);
  EXPECT_EQ(r.info.first_trial, 7u);
  EXPECT_EQ(r.info.trials, 4);
}

// The test scenario as a campaign: salvo "s1" with group a, then "s2" (at 600 s) with b; the outer layer
// holds 10 interceptors, resupplied by 2.
Plan campaign_plan() {
  Scenario scenario = test_scenario();
  scenario.salvos = {{"s1", 0.0, {scenario.threats[0]}}, {"s2", 600.0, {scenario.threats[1]}}};
  scenario.threats.clear();
  scenario.layers[0].interceptors = 10;
  scenario.layers[0].resupply = 2;
  return compile(scenario);
}

// Per-salvo arrays by hand: three trials whose layers fire (outer, inner) = fired[t][s] in
// salvo s, with the outer magazine at 10, then 10 - fired + 2.
TEST(Summarize, CampaignPerSalvoArraysByHand) {
  const Plan plan = campaign_plan();
  const RecordLayout& layout = plan.layout;
  const std::int64_t fired[3][2][2] = {{{1, 0}, {2, 1}}, {{3, 2}, {0, 4}}, {{0, 0}, {5, 1}}};
  Tallies tallies(plan);
  for (const auto& trial : fired) {
    std::vector<std::int64_t> r(static_cast<std::size_t>(layout.size()), 0);
    for (std::int64_t s = 0; s < 2; ++s) {
      for (std::int64_t l = 0; l < 2; ++l) {
        r[layout.salvo_layer_metric(s, l, LayerMetric::fired)] = trial[s][l];
        r[layout.layer_metric(l, LayerMetric::fired)] += trial[s][l];
      }
      r[layout.salvo_magazine(s, 0)] = s == 0 ? 10 : 10 - trial[0][0] + 2;
      r[layout.salvo_magazine(s, 1)] = -1;
    }
    r[layout.fate(0, Fate::leaked_defended)] = 3;
    r[layout.fate(1, Fate::leaked_defended)] = 1;
    tallies.add(r.data());
  }
  const Results r = summarize(plan, tallies, RunInfo{});
  EXPECT_EQ(r.coordinates.back().name, "salvo");
  EXPECT_EQ(r.coordinate("salvo").labels, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(r.coordinate("selection").labels,
            (std::vector<std::string>{"a", "b", "class:drone", "salvo:s1", "salvo:s2", "all"}));
  EXPECT_EQ(r.value("salvo_start", {1}), 600.0);
  EXPECT_EQ(r.value("salvo_threat_cost", {0}), 30.0);
  EXPECT_EQ(r.value("salvo_threat_cost", {1}), 0.0);
  EXPECT_EQ(r.value("threat_cost", {}), 30.0);
  const auto f = static_cast<std::int64_t>(LayerMetric::fired);
  EXPECT_DOUBLE_EQ(r.value("salvo_layer_mean", {0, 0, f}), 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.value("salvo_layer_mean", {1, 1, f}), 2.0);
  EXPECT_DOUBLE_EQ(r.value("layer_mean", {0, f}), (3.0 + 3.0 + 5.0) / 3.0);
  // The magazine at s2: 11, 9, 12; NaN for the unlimited inner layer.
  EXPECT_DOUBLE_EQ(r.value("salvo_magazine_mean", {0, 0}), 10.0);
  EXPECT_DOUBLE_EQ(r.value("salvo_magazine_se", {0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(r.value("salvo_magazine_mean", {1, 0}), 32.0 / 3.0);
  EXPECT_TRUE(std::isnan(r.value("salvo_magazine_mean", {1, 1})));
  // Costs of salvo 2: per layer, and the total 2 x outer + 3 x inner per trial: 7, 12, 13,
  // whose standard error is worked out here from the totals themselves.
  EXPECT_DOUBLE_EQ(r.value("salvo_interceptor_cost_mean", {1, 1}), 3.0 * 2.0);
  const double totals[3] = {7.0, 12.0, 13.0};
  const double mean = (totals[0] + totals[1] + totals[2]) / 3.0;
  double squares = 0.0;
  for (double t : totals) squares += (t - mean) * (t - mean);
  EXPECT_DOUBLE_EQ(r.value("salvo_total_interceptor_cost_mean", {1}), mean);
  EXPECT_NEAR(r.value("salvo_total_interceptor_cost_se", {1}), std::sqrt(squares / 2.0 / 3.0), 1e-12);
  // A plain scenario has none of it.
  const Results plain = summarize(test_plan(), four_trials(test_plan()), RunInfo{});
  for (const DataArray& a : plain.arrays) EXPECT_NE(a.name.rfind("salvo_", 0), 0u) << a.name;
  EXPECT_THROW(plain.coordinate("salvo"), std::out_of_range);
}

// summary_arrays() is what readers check files against: it must list exactly the arrays
// summarize() makes, in order, with their dimensions and kinds, for a plain scenario and a campaign.
TEST(Summarize, SummaryArraysListsExactlyWhatSummarizeMakes) {
  for (const bool campaign : {false, true}) {
    const Plan plan = campaign ? campaign_plan() : test_plan();
    const Results r = summarize(plan, Tallies(plan), RunInfo{});
    const std::vector<SummaryArray>& expected = summary_arrays(campaign);
    ASSERT_EQ(r.arrays.size(), expected.size()) << (campaign ? "campaign" : "plain");
    for (std::size_t k = 0; k < expected.size(); ++k) {
      EXPECT_EQ(r.arrays[k].name, expected[k].name);
      EXPECT_EQ(r.arrays[k].dims, expected[k].dims) << expected[k].name;
      EXPECT_EQ(r.arrays[k].integer, expected[k].integer) << expected[k].name;
    }
  }
}

}  // namespace
}  // namespace salvosim
