// The kernel (kernel.hpp) on stock-aware doctrine (docs/model.md §2.3, §3.4): reserves,
// rationing rules, resupply schedules and shared magazines, against their closed forms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel_test_support.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"

namespace salvosim::kernel_test {
namespace {

void expect_same_trials(const Plan& a, const Plan& b, std::int64_t trials, std::uint64_t seed) {
  const TrialData x = trial_data(a, trials, seed), y = trial_data(b, trials, seed);
  EXPECT_TRUE(x.records == y.records);
  EXPECT_TRUE(x.fates == y.fates);
  EXPECT_TRUE(x.killers == y.killers);
}

std::int64_t metric(const Plan& plan, const std::int64_t* record, std::int64_t layer, LayerMetric m) {
  return record[plan.layout.layer_metric(layer, m)];
}

// pk 0, every threat launched and reliable, channels and windows never short: the layer's
// requests are all served, one after the other, and nothing is killed.
GroupToml certain_group(std::int64_t count) {
  GroupToml group;
  group.count = count;
  return group;
}
LayerToml certain_layer(std::int64_t interceptors, std::int64_t shots) {
  LayerToml layer;
  layer.interceptors = std::to_string(interceptors);
  layer.shots = shots;
  layer.engages[0].pk = 0.0;
  return layer;
}

// A rule of a test: below, and the shots it fires (0: the layer's).
struct Rule {
  std::int64_t below;
  std::int64_t shots;
};
std::string rations_toml(const std::vector<Rule>& rules) {
  std::string text;
  for (const Rule& rule : rules) {
    text += "\n[[layer.ration]]\nbelow = " + std::to_string(rule.below) + "\n";
    if (rule.shots > 0) text += "shots = " + std::to_string(rule.shots) + "\n";
  }
  return text;
}

// The interceptors each engagement fires under §3.4's rules, request after request: the usable
// stock M − H, the rule with the smallest `below` above it, n = min(its shots, usable).
std::vector<std::int64_t> shots_by_rule(std::int64_t requests, std::int64_t magazine, std::int64_t hold,
                                        std::int64_t shots, std::vector<Rule> rules) {
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) { return a.below < b.below; });
  std::vector<std::int64_t> fired;
  for (std::int64_t r = 0; r < requests; ++r) {
    const std::int64_t usable = magazine - hold;
    if (usable <= 0) break;
    std::int64_t n = shots;
    for (const Rule& rule : rules) {
      if (usable < rule.below) {
        n = rule.shots > 0 ? rule.shots : shots;
        break;
      }
    }
    n = std::min(n, usable);
    fired.push_back(n);
    magazine -= n;
  }
  return fired;
}

// §6: N threats, salvo doctrine, shots k, enough channels, pk 0, magazine M, reserve H: the
// layer fires min(N·k, max(0, M − H)) in every trial, in ⌈fired / k⌉ engagements, and the other
// requests are magazine misses. Ignoring the reserve would fire min(N·k, M).
TEST(Reserve, FiresTheClosedFormInEveryTrial) {
  struct Case {
    std::int64_t threats, magazine, reserve, shots;
  };
  for (const Case c : {Case{10, 25, 4, 2}, Case{10, 15, 4, 2}, Case{8, 30, 30, 1}, Case{8, 30, 40, 3},
                       Case{5, 100, 7, 4}, Case{12, 20, 3, 3}}) {
    SCOPED_TRACE(testing::Message() << "N " << c.threats << ", M " << c.magazine << ", H " << c.reserve << ", k "
                                    << c.shots);
    LayerToml layer = certain_layer(c.magazine, c.shots);
    layer.extra = "reserve = " + std::to_string(c.reserve) + "\n";
    const Plan plan = plan_of({certain_group(c.threats)}, {layer});
    const std::int64_t fired = std::min(c.threats * c.shots, std::max<std::int64_t>(0, c.magazine - c.reserve));
    const std::int64_t engagements = (fired + c.shots - 1) / c.shots;
    bool all = true;
    for_each_trial(plan, 50, 3, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
      all = all && metric(plan, record, 0, LayerMetric::fired) == fired &&
            metric(plan, record, 0, LayerMetric::engagements) == engagements &&
            metric(plan, record, 0, LayerMetric::missed_magazine) == c.threats - engagements;
    });
    EXPECT_TRUE(all) << "expected fired " << fired << " in " << engagements << " engagements";
  }
}

// In salvo s of S, the layer holds back reserve + reserve_per_salvo × (S − 1 − s). Three
// salvos of 10 threats, M = 30, reserve 2, reserve_per_salvo 5, one shot: holds 12, 7, 2, so
// it fires 10 (usable 18), 10 (usable 13) and 8 (usable 8); the magazine at each salvo's start
// is 30, 20, 10.
TEST(Reserve, PerSalvoHoldsBackForTheSalvosToCome) {
  LayerToml layer = certain_layer(30, 1);
  layer.extra = "reserve = 2\nreserve_per_salvo = 5\n";
  GroupToml g0 = certain_group(10), g1 = certain_group(10), g2 = certain_group(10);
  g0.name = "g0";
  g1.name = "g1";
  g2.name = "g2";
  const Plan plan = campaign_plan_of({{0.0, {g0}}, {5000.0, {g1}}, {10000.0, {g2}}}, {layer});
  const std::int64_t fired[] = {10, 10, 8}, magazine[] = {30, 20, 10};
  bool all = true;
  for_each_trial(plan, 50, 4, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    for (std::int64_t s = 0; s < 3; ++s) {
      all = all && record[plan.layout.salvo_layer_metric(s, 0, LayerMetric::fired)] == fired[s] &&
            record[plan.layout.salvo_magazine(s, 0)] == magazine[s];
    }
    all = all && metric(plan, record, 0, LayerMetric::missed_magazine) == 2;
  });
  EXPECT_TRUE(all);
}

// A reserve per salvo to come, with kills and random launches, against the closed form of §6.
// Two salvos, one shot, pk, channels and windows never short, M = 30, reserve_per_salvo 8:
// salvo 1 holds back 8 and fires F1 = min(B, 22) at its B ~ Binomial(N1, p) launched threats;
// salvo 2 holds back nothing and fires min(N2, 30 − F1). So
//   E[intercepts in salvo 2] = pk · Σ_b P(B = b) · min(N2, 30 − min(b, 22)).
// Ignoring the reserve (salvo 1 fires min(B, 30)) is far outside the tolerance.
TEST(Reserve, PerSalvoAcrossTwoSalvosMatchesTheClosedForm) {
  const std::int64_t n1 = 30, n2 = 20, magazine = 30, held = 8;
  const double p = 0.7, pk = 0.6;
  GroupToml first = certain_group(n1), second = certain_group(n2);
  first.name = "first";
  first.p_launch = p;
  second.name = "second";
  LayerToml layer = certain_layer(magazine, 1);
  layer.engages[0].pk = pk;
  layer.extra = "reserve_per_salvo = " + std::to_string(held) + "\n";
  const Plan plan = campaign_plan_of({{0.0, {first}}, {3600.0, {second}}}, {layer});
  const Results r = run(plan, 40000, 17);
  double fired_1 = 0.0, fired_2 = 0.0, fired_2_without_reserve = 0.0;
  for (std::int64_t b = 0; b <= n1; ++b) {
    const double weight = binomial_pmf(n1, p, b);
    fired_1 += weight * static_cast<double>(std::min(b, magazine - held));
    fired_2 += weight * static_cast<double>(std::min(n2, magazine - std::min(b, magazine - held)));
    fired_2_without_reserve += weight * static_cast<double>(std::min(n2, magazine - std::min(b, magazine)));
  }
  const auto fired_metric = static_cast<std::int64_t>(LayerMetric::fired);
  const auto kills_metric = static_cast<std::int64_t>(LayerMetric::intercepts);
  const Estimate fired_in_1{r.value("salvo_layer_mean", {0, 0, fired_metric}),
                            r.value("salvo_layer_se", {0, 0, fired_metric})};
  const Estimate kills_in_2{r.value("salvo_layer_mean", {1, 0, kills_metric}),
                            r.value("salvo_layer_se", {1, 0, kills_metric})};
  const Estimate magazine_at_2{r.value("salvo_magazine_mean", {1, 0}), r.value("salvo_magazine_se", {1, 0})};
  expect_within_se("fired in salvo 1", fired_in_1, fired_1);
  expect_within_se("magazine at salvo 2", magazine_at_2, static_cast<double>(magazine) - fired_1);
  expect_within_se("intercepts in salvo 2", kills_in_2, pk * fired_2);
  EXPECT_GT(distance_in_se(kills_in_2, pk * fired_2_without_reserve), wrong_formula_min_se);
}

// Rules keyed to the usable stock: the shots of each engagement follow the rule in force, in
// every trial (pk 0, nothing short but the magazine).
TEST(Rations, ShotsFollowTheUsableStock) {
  struct Case {
    std::int64_t threats, magazine, reserve, shots;
    std::vector<Rule> rules;
  };
  const std::vector<Case> cases = {
      {10, 20, 0, 3, {{10, 1}, {14, 2}}},  // 3, 3, 3, 2, then 1 a threat: 17 in 10 engagements
      {10, 20, 5, 3, {{14, 2}, {10, 1}}},  // the same rules written in the other order, and a reserve
      {6, 40, 0, 1, {{100, 4}}},           // a rule may fire more than the layer: 4 a threat while below 100
      {12, 30, 2, 2, {{5, 1}, {20, 3}, {12, 2}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "N " << c.threats << ", M " << c.magazine << ", H " << c.reserve);
    LayerToml layer = certain_layer(c.magazine, c.shots);
    layer.extra = "reserve = " + std::to_string(c.reserve) + "\n";
    layer.rations = rations_toml(c.rules);
    const Plan plan = plan_of({certain_group(c.threats)}, {layer});
    const std::vector<std::int64_t> shots = shots_by_rule(c.threats, c.magazine, c.reserve, c.shots, c.rules);
    std::int64_t fired = 0;
    for (const std::int64_t n : shots) fired += n;
    const auto engagements = static_cast<std::int64_t>(shots.size());
    bool all = true;
    for_each_trial(plan, 30, 5, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
      all = all && metric(plan, record, 0, LayerMetric::fired) == fired &&
            metric(plan, record, 0, LayerMetric::engagements) == engagements &&
            metric(plan, record, 0, LayerMetric::missed_magazine) == c.threats - engagements;
    });
    EXPECT_TRUE(all) << "expected fired " << fired << " in " << engagements << " engagements";
  }
  // The first case by hand, so that the reference above is checked too.
  EXPECT_EQ(shots_by_rule(10, 20, 0, 3, {{10, 1}, {14, 2}}), (std::vector<std::int64_t>{3, 3, 3, 2, 1, 1, 1, 1, 1, 1}));
}

// A kill by an engagement of n interceptors has probability 1 − q^n, with n the rule's shots:
// M = 10, shots 2, a rule below 6 of one shot, 20 threats, pk 0.5: engagements of 2, 2, 2 (stock
// 10, 8, 6), then 1, 1, 1, 1 (stock 4, 3, 2, 1): E[intercepts] = 3·0.75 + 4·0.5 = 4.25. Without the
// rule, five full salvos: 3.75.
TEST(Rations, KillsFollowTheRuleShots) {
  LayerToml layer = certain_layer(10, 2);
  layer.engages[0].pk = 0.5;
  layer.rations = rations_toml({{6, 1}});
  const Plan plan = plan_of({certain_group(20)}, {layer});
  const Results r = run(plan, 40000, 8);
  double expected = 0.0;
  for (const std::int64_t n : shots_by_rule(20, 10, 0, 2, {{6, 1}})) expected += 1.0 - salvo_survival(0.5, n);
  EXPECT_DOUBLE_EQ(expected, 4.25);
  const Estimate kills = layer_metric(r, 0, LayerMetric::intercepts);
  expect_within_se("intercepts under the rule", kills, expected);
  EXPECT_GT(distance_in_se(kills, 3.75), wrong_formula_min_se);
}

// A rule in force from the start (below above any stock) is the layer with the rule's keys:
// the same records and outcomes, byte for byte, through the kernel's stock-aware path. With
// channels short, flight failures and both aims, every check of §3.4 is exercised.
TEST(Rations, ARuleAlwaysInForceIsTheLayerWithItsKeys) {
  GroupToml group;
  group.count = 60;
  group.p_flight = 0.9;
  group.defended_fraction = 0.5;
  const auto base = [] {
    LayerToml layer;
    layer.interceptors = "100000";
    layer.fire_units = 3;
    layer.engagement_time = 30.0;
    layer.engages[0].pk = 0.4;
    return layer;
  };
  struct Case {
    const char* name;
    const char* rule;  // the rule's keys
    void (*set)(LayerToml&);
  };
  const Case cases[] = {
      {"shots", "shots = 3\n", [](LayerToml& l) { l.shots = 3; }},
      {"point defence", "point_defense = true\n", [](LayerToml& l) { l.point_defense = true; }},
      {"shoot-look-shoot", "doctrine = \"shoot-look-shoot\"\n",
       [](LayerToml& l) {
         l.shoot_look_shoot = true;
         l.look_time = 5.0;
         l.kill_assessment = 0.8;
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    LayerToml ruled = base();
    ruled.rations = "\n[[layer.ration]]\nbelow = 1000000\n" + std::string(c.rule);
    if (std::string(c.name) == "shoot-look-shoot") ruled.extra = "look_time = 5.0\nkill_assessment = 0.8\n";
    LayerToml keyed = base();
    c.set(keyed);
    expect_same_trials(plan_of({group}, {ruled}), plan_of({group}, {keyed}), 300, 9);
  }
}

// A rule that never applies before the magazine is empty changes nothing: the stock-aware path
// gives what the plain one does, partial salvos and magazine misses included.
TEST(Rations, ARuleNeverInForceChangesNothing) {
  GroupToml group;
  group.count = 40;
  group.p_launch = 0.9;
  LayerToml plain = certain_layer(50, 2);
  plain.engages[0].pk = 0.6;
  plain.fire_units = 4;
  plain.engagement_time = 40.0;
  LayerToml ruled = plain;
  ruled.rations = rations_toml({{1, 5}});  // below 1: only at an empty magazine, a miss anyway
  const Plan ruled_plan = plan_of({group}, {ruled});
  EXPECT_TRUE(ruled_plan.layers[0].stock_aware);
  expect_same_trials(ruled_plan, plan_of({group}, {plain}), 300, 10);
}

// A rule switching to salvo doctrine stops looking again. Five threats at once, shoot-look-shoot
// with max_engagements 3, pk 0, M = 20, a rule below 12 of salvo doctrine: round 1 fires 5
// (stock after 19 to 15: each looks again), round 2 fires 5 (stock after 14, 13, 12 look again;
// 11 and 10 do not), round 3 fires 3: 13 in all, every trial. Without the rule: 15.
TEST(Rations, SwitchingToSalvoStopsLookingAgain) {
  GroupToml group = certain_group(5);
  group.launch = "{ start = 0.0, duration = 0.0 }";
  group.flight_time = "{ mean = 1000.0, sd = 0.0 }";
  LayerToml layer = certain_layer(20, 1);
  layer.shoot_look_shoot = true;
  layer.max_engagements = 3;
  layer.rations = "\n[[layer.ration]]\nbelow = 12\ndoctrine = \"salvo\"\n";
  const Plan plan = plan_of({group}, {layer});
  bool all = true;
  for_each_trial(plan, 20, 11, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    all = all && metric(plan, record, 0, LayerMetric::fired) == 13 &&
          metric(plan, record, 0, LayerMetric::engagements) == 13;
  });
  EXPECT_TRUE(all);
}

// A rule of point defence drops the threats aimed at open ground once in force, without
// counting them as misses. 20 threats aimed at defended areas and 20 at open ground, M = 10,
// a rule below 5 of point defence: the first 6 engagements (usable stock 10 to 5) take any
// threat, the last 4 (usable 4 to 1) only defended ones; the open-ground threats left are
// dropped, the defended ones left are magazine misses (counting the dropped ones too would
// make 20 more misses).
TEST(Rations, PointDefenceRuleDropsOpenGroundWithoutAMiss) {
  GroupToml defended = certain_group(20), open = certain_group(20);
  defended.name = "defended";
  open.name = "open";
  open.defended_fraction = 0.0;
  LayerToml layer = certain_layer(10, 1);
  layer.engages[0].target = "missile";  // the class of both groups
  layer.rations = "\n[[layer.ration]]\nbelow = 5\npoint_defense = true\n";
  const Plan plan = plan_of({defended, open}, {layer});
  bool all = true;
  std::int64_t open_engaged_total = 0;
  for_each_trial(plan, 200, 12, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    const std::int64_t engaged_defended = record[plan.layout.engaged(0)];
    const std::int64_t engaged_open = record[plan.layout.engaged(1)];
    open_engaged_total += engaged_open;
    all = all && engaged_defended + engaged_open == 10 && engaged_open <= 6 &&
          metric(plan, record, 0, LayerMetric::missed_magazine) == 20 - engaged_defended;
  });
  EXPECT_TRUE(all);
  EXPECT_GT(open_engaged_total, 0);  // the rule is not in force from the start
}

// Two layers on one magazine (the inner/outer coverage pattern): the outer fires first, the
// inner has what is left. M = 25, 20 threats, one shot, pk 0: the outer fires 20, the inner 5,
// and its other 15 requests are magazine misses.
TEST(SharedMagazine, TheInnerLayerFiresWhatTheOuterLeft) {
  LayerToml outer = certain_layer(25, 1);
  outer.name = "outer";
  LayerToml inner = certain_layer(0, 1);
  inner.name = "inner";
  inner.interceptors = "";
  inner.extra = "magazine = \"outer\"\n";
  inner.engages[0].open = 200.0;
  const Plan plan = plan_of({certain_group(20)}, {outer, inner});
  EXPECT_EQ(plan.layers[1].source, 0);
  bool all = true;
  for_each_trial(plan, 30, 13, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    all = all && metric(plan, record, 0, LayerMetric::fired) == 20 &&
          metric(plan, record, 1, LayerMetric::fired) == 5 &&
          metric(plan, record, 1, LayerMetric::missed_magazine) == 15;
  });
  EXPECT_TRUE(all);
}

// With kills, random launches and a campaign, the layers on one magazine together never fire
// more than it receives, each salvo's magazine is reported the same on both, and it is what
// the outer's own resupply makes of it.
TEST(SharedMagazine, TogetherNeverFireMoreThanTheStock) {
  GroupToml g0 = certain_group(30), g1 = certain_group(30);
  g0.name = "g0";
  g1.name = "g1";
  g0.p_launch = g1.p_launch = 0.8;
  LayerToml outer = certain_layer(40, 1);
  outer.name = "outer";
  outer.engages[0].pk = 0.5;
  outer.resupply = 10;
  LayerToml inner = outer;
  inner.name = "inner";
  inner.interceptors = "";
  inner.resupply = 0;
  inner.shots = 2;
  inner.extra = "magazine = \"outer\"\nreserve_per_salvo = 4\n";
  inner.engages[0].open = 200.0;
  const Plan plan = campaign_plan_of({{0.0, {g0}}, {5000.0, {g1}}}, {outer, inner});
  bool all = true;
  for_each_trial(plan, 500, 14, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    const std::int64_t fired =
        metric(plan, record, 0, LayerMetric::fired) + metric(plan, record, 1, LayerMetric::fired);
    all = all && fired <= 40 + 10;
    std::int64_t left = 40;
    for (std::int64_t s = 0; s < 2; ++s) {
      const std::int64_t start = record[plan.layout.salvo_magazine(s, 0)];
      all = all && start == record[plan.layout.salvo_magazine(s, 1)] && start == left + (s > 0 ? 10 : 0);
      left = start - record[plan.layout.salvo_layer_metric(s, 0, LayerMetric::fired)] -
             record[plan.layout.salvo_layer_metric(s, 1, LayerMetric::fired)];
      all = all && left >= 0;
    }
  });
  EXPECT_TRUE(all);
}

// A schedule delivers at the salvos it names, uncapped unless `capacity` is given. Three salvos
// of 8 threats, M = 10, 30 interceptors delivered at the third: magazines 10, 2, 30 (capped at
// 10 with capacity = 10); fired 8, 2, 8.
TEST(Schedule, DeliveriesArriveAtTheirSalvo) {
  GroupToml g0 = certain_group(8), g1 = certain_group(8), g2 = certain_group(8);
  g0.name = "g0";
  g1.name = "g1";
  g2.name = "g2";
  for (const bool capped : {false, true}) {
    SCOPED_TRACE(capped ? "capacity 10" : "no capacity");
    LayerToml layer = certain_layer(10, 1);
    layer.extra = "resupply = { s2 = 30 }\n";
    if (capped) layer.capacity = 10;
    const Plan plan = campaign_plan_of({{0.0, {g0}}, {5000.0, {g1}}, {10000.0, {g2}}}, {layer});
    const std::int64_t magazine[] = {10, 2, capped ? 10 : 30}, fired[] = {8, 2, 8};
    bool all = true;
    for_each_trial(plan, 30, 15, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
      for (std::int64_t s = 0; s < 3; ++s) {
        all = all && record[plan.layout.salvo_magazine(s, 0)] == magazine[s] &&
              record[plan.layout.salvo_layer_metric(s, 0, LayerMetric::fired)] == fired[s];
      }
    });
    EXPECT_TRUE(all);
  }
}

// A schedule naming every later salvo with R, and capacity K, is `resupply = R` with capacity K.
TEST(Schedule, EveryLaterSalvoIsTheIntegerForm) {
  GroupToml g0, g1, g2;
  g0.name = "g0";
  g1.name = "g1";
  g2.name = "g2";
  g0.p_launch = g1.p_launch = g2.p_launch = 0.7;
  LayerToml integer;
  integer.interceptors = "25";
  integer.resupply = 6;
  integer.capacity = 28;
  integer.fire_units = 5;
  integer.engagement_time = 20.0;
  LayerToml scheduled = integer;
  scheduled.resupply = 0;
  scheduled.extra = "resupply = { s1 = 6, s2 = 6 }\n";
  const std::vector<SalvoToml> salvos = {{0.0, {g0}}, {5000.0, {g1}}, {10000.0, {g2}}};
  expect_same_trials(campaign_plan_of(salvos, {scheduled}), campaign_plan_of(salvos, {integer}), 300, 16);
}

}  // namespace
}  // namespace salvosim::kernel_test
