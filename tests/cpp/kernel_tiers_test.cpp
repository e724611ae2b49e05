// Target tiers in the kernel (docs/model.md §2.7, §3.1, §3.3): the tier draw, eligibility by a
// layer's tiers, the per-tier selections and the value-weighted damage, against exact
// identities and closed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel_test_support.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim::kernel_test {
namespace {

struct TierToml {
  std::string name;
  double value = 1.0;
  bool defended = true;
};

// A scenario with declared tiers: each group aims by `targets` (a TOML inline table's body)
// instead of its defended_fraction; `layer_tiers[l]`, when not empty, is layer l's `tiers`.
Plan tiered_plan(const std::vector<TierToml>& tiers, const std::vector<std::pair<GroupToml, std::string>>& groups,
                 const std::vector<LayerToml>& layers, const std::vector<std::string>& layer_tiers = {}) {
  std::string text = "[scenario]\nname = \"tiers\"\n\n";
  for (const TierToml& t : tiers) {
    text += "[[tier]]\nname = \"" + t.name + "\"\nvalue = " + num(t.value) +
            "\ndefended = " + (t.defended ? "true" : "false") + "\n\n";
  }
  for (const auto& [group, targets] : groups) {
    std::string g = group.toml();
    const std::size_t at = g.find("defended_fraction");
    g.replace(at, g.find('\n', at) - at, "targets = { " + targets + " }");
    text += g;
  }
  for (std::size_t l = 0; l < layers.size(); ++l) {
    std::string layer = layers[l].toml();
    if (l < layer_tiers.size() && !layer_tiers[l].empty()) {
      layer.insert(layer.find("\ncoverage"), "\ntiers = [" + layer_tiers[l] + "]");
    }
    text += layer;
  }
  return compile(load_scenario_string(text, "kernel_tiers_test"));
}

const std::vector<TierToml> three_tiers = {{"populated", 10.0, true}, {"military", 2.0, true}, {"open", 0.0, false}};
const char* const three_shares = "populated = 0.5, military = 0.3, open = 0.2";
constexpr double shares[3] = {0.5, 0.3, 0.2};

// Two declared tiers that say what the implicit two say (the first defended with share
// defended_fraction, the second open) draw the same tiers from the same words: every
// trial's group counts and every threat's fate are identical.
TEST(Tiers, DeclaredTwoTiersReproduceDefendedFraction) {
  GroupToml g;
  g.count = 40;
  g.p_launch = 0.9;
  g.p_flight = 0.8;
  g.defended_fraction = 0.37;
  LayerToml outer;
  outer.name = "outer";
  outer.engages = {{"missile", 0.6, 0.9, 900.0, 0.0}};
  outer.coverage = 0.8;
  LayerToml inner;
  inner.name = "inner";
  inner.point_defense = true;
  inner.engages = {{"missile", 0.5, 1.0, 100.0, 0.0}};
  const Plan implicit = plan_of({g}, {outer, inner});
  const Plan declared =
      tiered_plan({{"city", 1.0, true}, {"desert", 0.0, false}}, {{g, "city = 0.37, desert = 0.63"}}, {outer, inner});
  ASSERT_EQ(declared.layers[1].tier_filter, TierFilter::defended);
  std::vector<std::vector<std::int64_t>> records;
  std::vector<std::vector<std::int8_t>> fates;
  for_each_trial(implicit, 300, 5, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome* outcomes) {
    records.emplace_back(record, record + implicit.layout.size());
    std::vector<std::int8_t> f;
    for (std::int64_t i = 0; i < implicit.threat_count(); ++i) f.push_back(outcomes[i].fate);
    fates.push_back(f);
  });
  std::size_t k = 0;
  for_each_trial(declared, 300, 5, [&](std::uint64_t trial, const std::int64_t* record, const ThreatOutcome* outcomes) {
    ASSERT_LT(k, records.size());
    for (std::int64_t j = 0; j < implicit.layout.size(); ++j) {
      ASSERT_EQ(record[j], records[k][static_cast<std::size_t>(j)]) << "trial " << trial << ", record entry " << j;
    }
    for (std::int64_t i = 0; i < declared.threat_count(); ++i) ASSERT_EQ(outcomes[i].fate, fates[k][i]);
    ++k;
  });
}

// Per trial, the tiers' counts add up to the groups' (every threat aims at exactly one tier),
// and a tier that is not defended has no leaked_defended, a defended one no leaked_open.
TEST(Tiers, TierCountsPartitionTheThreats) {
  GroupToml a;
  a.name = "a";
  a.count = 30;
  a.p_launch = 0.9;
  a.p_flight = 0.85;
  GroupToml b = a;
  b.name = "b";
  b.count = 12;
  LayerToml layer;
  layer.engages = {{"missile", 0.5, 0.9, 500.0, 0.0}};
  const Plan plan = tiered_plan(three_tiers, {{a, three_shares}, {b, "military = 0.25, open = 0.75"}}, {layer});
  const RecordLayout& layout = plan.layout;
  ASSERT_EQ(layout.tiers, 3);
  for_each_trial(plan, 500, 11, [&](std::uint64_t trial, const std::int64_t* record, const ThreatOutcome*) {
    for (std::int64_t f = 0; f < fate_count; ++f) {
      std::int64_t groups = 0, tiers = 0;
      for (std::int64_t g = 0; g < 2; ++g) groups += record[layout.fate(g, Fate(f))];
      for (std::int64_t t = 0; t < 3; ++t) tiers += record[layout.tier_fate(t, Fate(f))];
      ASSERT_EQ(groups, tiers) << "trial " << trial << ", fate " << fate_names[f];
    }
    ASSERT_EQ(record[layout.tier_fate(2, Fate::leaked_defended)], 0);
    ASSERT_EQ(record[layout.tier_fate(0, Fate::leaked_open)], 0);
    ASSERT_EQ(record[layout.tier_fate(1, Fate::leaked_open)], 0);
    ASSERT_EQ(record[layout.group_tier_leaked(1, 0)], 0) << "group b never aims at populated";
    std::int64_t engaged = 0, tier_engaged = 0;
    for (std::int64_t g = 0; g < 2; ++g) engaged += record[layout.engaged(g)];
    for (std::int64_t t = 0; t < 3; ++t) tier_engaged += record[layout.tier_engaged(t)];
    ASSERT_EQ(engaged, tier_engaged);
    std::int64_t leaks = 0;
    for (std::int64_t g = 0; g < 2; ++g) {
      for (std::int64_t t = 0; t < 3; ++t) leaks += record[layout.group_tier_leaked(g, t)];
    }
    ASSERT_EQ(leaks, record[layout.fate(0, Fate::leaked_defended)] + record[layout.fate(0, Fate::leaked_open)] +
                         record[layout.fate(1, Fate::leaked_defended)] + record[layout.fate(1, Fate::leaked_open)]);
  });
}

// With pk 0 nothing is intercepted: the impacts on tier i are Binomial(N·p_launch·p_flight,
// share_i) in mean, N·p_launch·p_flight·share_i, and the damage Σ_i value_i times that.
TEST(Tiers, PkZeroImpactsByTierAndDamage) {
  GroupToml g;
  g.count = 50;
  g.p_launch = 0.9;
  g.p_flight = 0.8;
  LayerToml layer;
  layer.engages = {{"missile", 0.0, 1.0, 500.0, 0.0}};
  const Plan plan = tiered_plan(three_tiers, {{g, three_shares}}, {layer});
  const Results r = run(plan, 20000, 3);
  const double arriving = 50 * 0.9 * 0.8;
  double damage = 0.0;
  for (std::size_t t = 0; t < 3; ++t) {
    const std::string sel = "tier:" + three_tiers[t].name;
    const Fate leaked = three_tiers[t].defended ? Fate::leaked_defended : Fate::leaked_open;
    expect_within_se(sel + " leaked", fate(r, sel, leaked), arriving * shares[t]);
    expect_within_se(sel + " aimed", fate(r, sel, Fate::launch_failure), 50 * 0.1 * shares[t]);
    EXPECT_EQ(fate(r, sel, Fate::intercepted).mean, 0.0);
    damage += three_tiers[t].value * arriving * shares[t];
  }
  const std::int64_t all = selection(r, "all");
  const Estimate total{r.value("damage_mean", {all}), r.value("damage_se", {all})};
  expect_within_se("damage", total, damage);
  // The damage if every tier had value 1 (a plausible wrong weighting) is far off.
  EXPECT_GT(distance_in_se(total, arriving), wrong_formula_min_se);
  // The group's damage is the whole campaign's; a tier's is its value times its leaks.
  const std::int64_t group = selection(r, "missile");
  EXPECT_EQ(r.value("damage_mean", {group}), r.value("damage_mean", {all}));
  const std::int64_t populated = selection(r, "tier:populated");
  EXPECT_DOUBLE_EQ(r.value("damage_mean", {populated}),
                   10.0 * r.value("fate_mean", {populated, static_cast<std::int64_t>(Fate::leaked_defended)}));
}

// The damage's mean and standard error are those of the per-trial damage Σ_t value_t·leaks_t,
// computed here trial by trial from the records.
TEST(Tiers, DamageMomentsMatchPerTrialDamage) {
  GroupToml g;
  g.count = 25;
  g.p_flight = 0.7;
  LayerToml layer;
  layer.engages = {{"missile", 0.4, 1.0, 500.0, 0.0}};
  const Plan plan = tiered_plan(three_tiers, {{g, three_shares}}, {layer});
  const std::int64_t trials = 3000;
  double sum = 0.0, sum_squares = 0.0;
  const Selection& all = plan.selections.back();
  ASSERT_EQ(all.label, "all");
  std::vector<std::int64_t> leaks(3);
  for_each_trial(plan, trials, 8, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    sum_selection_leaks(all, plan.layout, record, leaks.data());
    double damage = 0.0;
    for (std::size_t t = 0; t < 3; ++t) damage += three_tiers[t].value * static_cast<double>(leaks[t]);
    sum += damage;
    sum_squares += damage * damage;
  });
  const Results r = run(plan, trials, 8);
  const double n = static_cast<double>(trials);
  const double mean = sum / n;
  const double se = std::sqrt((sum_squares - sum * sum / n) / (n - 1.0) / n);
  const std::int64_t s = selection(r, "all");
  EXPECT_NEAR(r.value("damage_mean", {s}), mean, 1e-9 * mean);
  EXPECT_NEAR(r.value("damage_se", {s}), se, 1e-9 * se);
}

// A layer that engages only tier "populated", with pk 1 and channels for all: no threat aimed
// at it leaks, and every other threat that arrives does (exactly, in every trial).
TEST(Tiers, LayerEngagesOnlyItsTiers) {
  GroupToml g;
  g.count = 40;
  LayerToml layer;
  layer.engages = {{"missile", 1.0, 1.0, 500.0, 0.0}};
  const Plan plan = tiered_plan(three_tiers, {{g, three_shares}}, {layer}, {"\"populated\""});
  ASSERT_EQ(plan.layers[0].tier_filter, TierFilter::mask);
  ASSERT_EQ(plan.layers[0].tier_mask, 1u);
  const RecordLayout& layout = plan.layout;
  for_each_trial(plan, 400, 21, [&](std::uint64_t trial, const std::int64_t* record, const ThreatOutcome*) {
    std::int64_t aimed[3] = {};
    for (std::int64_t t = 0; t < 3; ++t) {
      for (std::int64_t f = 0; f < fate_count; ++f) aimed[t] += record[layout.tier_fate(t, Fate(f))];
    }
    ASSERT_EQ(record[layout.tier_fate(0, Fate::intercepted)], aimed[0]) << "trial " << trial;
    ASSERT_EQ(record[layout.tier_intercepts(0, 0)], aimed[0]);
    ASSERT_EQ(record[layout.tier_fate(1, Fate::leaked_defended)], aimed[1]);
    ASSERT_EQ(record[layout.tier_fate(2, Fate::leaked_open)], aimed[2]);
    ASSERT_EQ(record[layout.fate(0, Fate::leaked_defended)] + record[layout.fate(0, Fate::leaked_open)],
              aimed[1] + aimed[2]);
    ASSERT_EQ(record[layout.layer_metric(0, LayerMetric::engagements)], aimed[0]);
  });
  // Tiers that are neither all nor the defended ones: "populated" and "open".
  const Plan mixed = tiered_plan(three_tiers, {{g, three_shares}}, {layer}, {"\"open\", \"populated\""});
  ASSERT_EQ(mixed.layers[0].tier_filter, TierFilter::mask);
  for_each_trial(mixed, 200, 22, [&](std::uint64_t trial, const std::int64_t* record, const ThreatOutcome*) {
    ASSERT_EQ(record[mixed.layout.tier_fate(0, Fate::leaked_defended)], 0) << "trial " << trial;
    ASSERT_EQ(record[mixed.layout.tier_fate(2, Fate::leaked_open)], 0);
    ASSERT_EQ(record[mixed.layout.tier_fate(1, Fate::intercepted)], 0);
  });
}

// point_defense = true with declared tiers engages the defended tiers: the same plan filter
// and the same results as naming them.
TEST(Tiers, PointDefenceMeansTheDefendedTiers) {
  GroupToml g;
  g.count = 30;
  g.p_flight = 0.9;
  LayerToml pd;
  pd.point_defense = true;
  pd.engages = {{"missile", 0.7, 1.0, 500.0, 0.0}};
  LayerToml named = pd;
  named.point_defense = false;
  const Plan a = tiered_plan(three_tiers, {{g, three_shares}}, {pd});
  const Plan b = tiered_plan(three_tiers, {{g, three_shares}}, {named}, {"\"populated\", \"military\""});
  EXPECT_EQ(a.layers[0].tier_mask, 3u);
  EXPECT_EQ(b.layers[0].tier_mask, 3u);
  EXPECT_EQ(a.layers[0].tier_filter, TierFilter::defended);
  EXPECT_EQ(b.layers[0].tier_filter, TierFilter::defended);
  const Results ra = run(a, 2000, 4), rb = run(b, 2000, 4);
  EXPECT_EQ(ra.array("fate_sum").integers, rb.array("fate_sum").integers);
  EXPECT_EQ(ra.array("damage_mean").values, rb.array("damage_mean").values);
  // And the open tier is never engaged, so never intercepted.
  EXPECT_EQ(fate(ra, "tier:open", Fate::intercepted).mean, 0.0);
  EXPECT_GT(fate(ra, "tier:populated", Fate::intercepted).mean, 0.0);
}

// Shares of 0 at either end: a tier not aimed at gets no threat; the last tier with a share
// takes every draw the rounding of cumulative shares would leave.
TEST(Tiers, ZeroSharesAreNeverDrawn) {
  GroupToml g;
  g.count = 20;
  const Plan plan = tiered_plan(three_tiers, {{g, "military = 1.0"}}, {});
  const Results r = run(plan, 1000, 2);
  EXPECT_EQ(fate(r, "tier:military", Fate::leaked_defended).mean, 20.0);
  EXPECT_EQ(fate(r, "tier:populated", Fate::leaked_defended).mean, 0.0);
  EXPECT_EQ(fate(r, "tier:open", Fate::leaked_open).mean, 0.0);
  EXPECT_EQ(r.value("damage_mean", {selection(r, "all")}), 40.0);
  EXPECT_EQ(r.value("damage_se", {selection(r, "all")}), 0.0);
}

// Without declared tiers nothing new appears: no tier selections, blocks or damage.
TEST(Tiers, NoTiersNoNewOutputs) {
  const Plan plan = plan_of({GroupToml{}}, {LayerToml{}});
  EXPECT_FALSE(plan.tiers_declared);
  EXPECT_EQ(plan.layout.tiers, 0);
  ASSERT_EQ(plan.tiers.size(), 2u);
  EXPECT_EQ(plan.tiers[0].name, "defended");
  for (const Selection& s : plan.selections) EXPECT_NE(s.kind, SelectionKind::tier);
  const Results r = run(plan, 10, 1);
  EXPECT_FALSE(r.has_array("damage_mean"));
  EXPECT_THROW(r.coordinate("tier"), std::out_of_range);
}

// A rationing rule's `tiers` (docs/model.md §2.3.1): a rule in force from the start is the
// layer with those tiers, trial by trial.
TEST(Tiers, ARuleOfTiersAlwaysInForceIsTheLayerWithThoseTiers) {
  GroupToml g;
  g.count = 50;
  g.p_flight = 0.9;
  LayerToml ruled;
  ruled.interceptors = "100000";  // rules need a finite magazine
  ruled.fire_units = 3;
  ruled.engagement_time = 30.0;
  ruled.engages[0].pk = 0.4;
  LayerToml keyed = ruled;
  ruled.rations = "\n[[layer.ration]]\nbelow = 1000000\ntiers = [\"populated\"]\n";
  const Plan by_rule = tiered_plan(three_tiers, {{g, three_shares}}, {ruled});
  const Plan by_layer = tiered_plan(three_tiers, {{g, three_shares}}, {keyed}, {"\"populated\""});
  EXPECT_EQ(by_rule.layers[0].tier_filter, TierFilter::all);  // its own keys engage every tier
  EXPECT_EQ(by_layer.layers[0].tier_filter, TierFilter::mask);
  const TrialData x = trial_data(by_rule, 300, 21), y = trial_data(by_layer, 300, 21);
  EXPECT_TRUE(x.records == y.records);
  EXPECT_TRUE(x.fates == y.fates);
}

// A rule that narrows the tiers as the stock runs down. pk 0, every threat reliable, M = 10,
// one shot, a rule below 5 that engages only "populated": the first 6 engagements (usable
// stock 10 to 5) take a threat of any tier, the last 4 only populated ones, and every populated
// threat not engaged is a magazine miss while the others are dropped without one; so in every
// trial engaged = min(10, 6 + populated threats served after the sixth) and misses =
// populated − populated engaged.
TEST(Tiers, ARuleOfTiersNarrowsTheTargetsAsTheStockFalls) {
  GroupToml g;
  g.count = 30;
  LayerToml layer;
  layer.interceptors = "10";
  layer.engages[0].pk = 0.0;
  layer.rations = "\n[[layer.ration]]\nbelow = 5\ntiers = [\"populated\"]\n";
  const Plan plan = tiered_plan(three_tiers, {{g, three_shares}}, {layer});
  bool all = true;
  std::int64_t others_engaged = 0;
  for_each_trial(plan, 200, 22, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    const std::int64_t populated = record[plan.layout.tier_engaged(0)];
    const std::int64_t others = record[plan.layout.tier_engaged(1)] + record[plan.layout.tier_engaged(2)];
    std::int64_t aimed_populated = 0;
    for (const Fate f :
         {Fate::launch_failure, Fate::intercepted, Fate::flight_failure, Fate::leaked_defended, Fate::leaked_open}) {
      aimed_populated += record[plan.layout.tier_fate(0, f)];
    }
    const std::int64_t fired = record[plan.layout.layer_metric(0, LayerMetric::fired)];
    const std::int64_t misses = record[plan.layout.layer_metric(0, LayerMetric::missed_magazine)];
    others_engaged += others;
    all = all && others <= 6 && fired == populated + others && misses == aimed_populated - populated &&
          (fired == 10 || populated == aimed_populated);
  });
  EXPECT_TRUE(all);
  EXPECT_GT(others_engaged, 0);  // the rule is not in force from the start
}

}  // namespace
}  // namespace salvosim::kernel_test
