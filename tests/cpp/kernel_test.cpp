// The kernel (kernel.hpp) against the closed forms of MODEL.md §4, at fixed seeds, and the
// exact invariants every trial must satisfy (saturation, magazines, one fate per threat).
//
// Statistical checks compare a Monte Carlo mean with its closed form within `tolerance_se`
// standard errors of that mean (the SE summarize() reports, from the exact integer sums).
// At a fixed seed each check is deterministic; the tolerance only matters when a legitimate
// change of the random streams changes the draws. 4.5 SE: for a normal estimate the
// two-sided probability of |z| > 4.5 is 6.8e-6, so the ~110 statistical checks of this file
// would all pass after such a change with probability > 0.999, while a wrong formula is tens
// or hundreds of SE away (the tests below show it for several plausible wrong formulas).
#include "salvosim/kernel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/tallies.hpp"
#include "same_results.hpp"

namespace salvosim {
namespace {

constexpr double tolerance_se = 4.5;

// ---------------------------------------------------------------------------------------
// Scenarios as TOML text (MODEL.md §6), built from small structs with test-friendly defaults.

// The shortest decimal text that reads back as exactly `x`, always with a decimal point or an
// exponent so that TOML sees a float.
std::string num(double x) {
  char buffer[40];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, x);
    if (std::strtod(buffer, nullptr) == x) break;
  }
  std::string text = buffer;
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// Defaults: launched over [0, 100] s, flight 1000 ± 50 s, so every window below (open ≤ 900)
// opens after launch and there is always time for every engagement.
struct GroupToml {
  std::string name = "missile";
  std::string threat_class = "missile";
  std::int64_t count = 20;
  std::string launch = "{ start = 0.0, duration = 100.0 }";
  std::string flight_time = "{ mean = 1000.0, sd = 50.0 }";
  double p_launch = 1.0;
  double p_flight = 1.0;
  double defended_fraction = 1.0;

  // `header`: "threat", or "salvo.threat" for a group of a campaign's salvo.
  std::string toml(const std::string& header = "threat") const {
    return "[[" + header + "]]\nname = \"" + name + "\"\nclass = \"" + threat_class + "\"\ncount = " +
           std::to_string(count) + "\nlaunch = " + launch + "\nflight_time = " + flight_time +
           "\np_launch = " + num(p_launch) + "\np_flight = " + num(p_flight) +
           "\ndefended_fraction = " + num(defended_fraction) + "\n\n";
  }
};

struct EngagesToml {
  std::string target = "missile";
  double pk = 0.5;
  double detect = 1.0;
  double open = 500.0;
  double close = 0.0;
};

// Defaults: "unlimited" channels (the kernel allocates only as many channels as there are
// eligible threats, so a million costs nothing), an unlimited magazine and a short
// engagement: every engagement fits its window.
struct LayerToml {
  std::string name = "layer";
  std::int64_t fire_units = 1000000;
  std::int64_t channels = 1;
  double engagement_time = 1.0;
  std::string interceptors = "\"unlimited\"";
  std::int64_t shots = 1;
  bool shoot_look_shoot = false;
  double look_time = 1.0;  // written only under shoot-look-shoot
  std::optional<std::int64_t> max_engagements;
  double kill_assessment = 1.0;
  bool point_defense = false;
  double coverage = 1.0;
  std::vector<EngagesToml> engages = {EngagesToml{}};
  std::int64_t resupply = 0;               // written only when not 0
  std::optional<std::int64_t> capacity;    // written only when set

  std::string toml() const {
    std::string text = "[[layer]]\nname = \"" + name + "\"\nfire_units = " + std::to_string(fire_units) +
                       "\nchannels = " + std::to_string(channels) + "\nengagement_time = " +
                       num(engagement_time) + "\ninterceptors = " + interceptors +
                       (resupply != 0 ? "\nresupply = " + std::to_string(resupply) : std::string()) +
                       (capacity ? "\ncapacity = " + std::to_string(*capacity) : std::string()) +
                       "\nshots = " + std::to_string(shots) + "\npoint_defense = " +
                       (point_defense ? "true" : "false") + "\ncoverage = " + num(coverage) + "\n";
    if (shoot_look_shoot) {
      text += "doctrine = \"shoot-look-shoot\"\nlook_time = " + num(look_time) +
              "\nkill_assessment = " + num(kill_assessment) + "\n";
      if (max_engagements) text += "max_engagements = " + std::to_string(*max_engagements) + "\n";
    }
    for (const EngagesToml& e : engages) {
      text += "engages." + e.target + " = { pk = " + num(e.pk) + ", detect = " + num(e.detect) +
              ", window = { open = " + num(e.open) + ", close = " + num(e.close) + " } }\n";
    }
    return text + "\n";
  }
};

std::string scenario_toml(const std::vector<GroupToml>& groups, const std::vector<LayerToml>& layers) {
  std::string text = "[scenario]\nname = \"kernel-test\"\n\n";
  for (const GroupToml& g : groups) text += g.toml();
  for (const LayerToml& l : layers) text += l.toml();
  return text;
}

Plan plan_of(const std::vector<GroupToml>& groups, const std::vector<LayerToml>& layers) {
  return compile(load_scenario_string(scenario_toml(groups, layers), "kernel_test"));
}

// A campaign (MODEL.md §5): salvos named "s0", "s1", ... starting at `starts`, each with its groups.
struct SalvoToml {
  double start = 0.0;
  std::vector<GroupToml> groups;
};
std::string campaign_toml(const std::vector<SalvoToml>& salvos, const std::vector<LayerToml>& layers) {
  std::string text = "[scenario]\nname = \"kernel-test\"\n\n";
  for (std::size_t s = 0; s < salvos.size(); ++s) {
    text += "[[salvo]]\nname = \"s" + std::to_string(s) + "\"\nstart = " + num(salvos[s].start) + "\n\n";
    for (const GroupToml& g : salvos[s].groups) text += g.toml("salvo.threat");
  }
  for (const LayerToml& l : layers) text += l.toml();
  return text;
}
Plan campaign_plan_of(const std::vector<SalvoToml>& salvos, const std::vector<LayerToml>& layers) {
  return compile(load_scenario_string(campaign_toml(salvos, layers), "kernel_test"));
}

// ---------------------------------------------------------------------------------------
// Running and reading results.

Results run(const Plan& plan, std::int64_t trials, std::uint64_t seed) {
  RunOptions options;
  options.trials = trials;
  options.seed = seed;
  options.threads = 0;
  return summarize(plan, run_trials(plan, options), RunInfo{});
}

// Calls check(trial, record, outcomes) for every trial, in trial order.
using RecordCheck = std::function<void(std::uint64_t, const std::int64_t*, const ThreatOutcome*)>;
void for_each_trial(const Plan& plan, std::int64_t trials, std::uint64_t seed, const RecordCheck& check) {
  RunOptions options;
  options.trials = trials;
  options.seed = seed;
  options.threads = 0;
  options.keep_records = true;
  options.keep_outcomes = true;
  const std::int64_t record_size = plan.layout.size();
  std::int64_t seen = 0;
  run_trials(plan, options, [&](const TrialChunk& chunk) {
    for (std::int64_t k = 0; k < chunk.trials; ++k) {
      check(chunk.first_trial + static_cast<std::uint64_t>(k), chunk.records + k * record_size,
            chunk.outcomes + k * plan.threat_count());
    }
    seen += chunk.trials;
  });
  ASSERT_EQ(seen, trials);
}

struct Estimate {
  double mean = 0.0;
  double se = 0.0;
};

std::int64_t selection(const Results& r, const std::string& label) { return r.index("selection", label); }

Estimate fate(const Results& r, const std::string& sel, Fate f) {
  const std::int64_t s = selection(r, sel);
  const auto k = static_cast<std::int64_t>(f);
  return {r.value("fate_mean", {s, k}), r.value("fate_se", {s, k})};
}

Estimate intercepts(const Results& r, const std::string& sel, std::int64_t layer) {
  const std::int64_t s = selection(r, sel);
  return {r.value("intercepts_mean", {s, layer}), r.value("intercepts_se", {s, layer})};
}

Estimate engaged(const Results& r, const std::string& sel) {
  const std::int64_t s = selection(r, sel);
  return {r.value("engaged_mean", {s}), r.value("engaged_se", {s})};
}

Estimate layer_metric(const Results& r, std::int64_t layer, LayerMetric m) {
  const auto k = static_cast<std::int64_t>(m);
  return {r.value("layer_mean", {layer, k}), r.value("layer_se", {layer, k})};
}

Estimate rate(const Results& r, const std::string& sel, Rate which) {
  const std::int64_t s = selection(r, sel);
  const auto k = static_cast<std::int64_t>(which);
  return {r.value("rate_mean", {s, k}), r.value("rate_se", {s, k})};
}

std::int64_t layer_sum(const Results& r, std::int64_t layer, LayerMetric m) {
  const DataArray& a = r.array("layer_sum");
  return a.integers[static_cast<std::size_t>(a.offset({layer, static_cast<std::int64_t>(m)}))];
}

// The one statistical check of this file: |estimate - expected| <= tolerance_se SE. When the
// closed form is 0 or certain the SE is 0 and the estimate must be exact (up to rounding).
void expect_within_se(const std::string& what, const Estimate& estimate, double expected) {
  const double slack = 1e-12 * std::max(1.0, std::abs(expected));
  EXPECT_LE(std::abs(estimate.mean - expected), tolerance_se * estimate.se + slack)
      << what << ": estimate " << estimate.mean << " ± " << estimate.se << " (SE), closed form "
      << expected << ", off by " << (estimate.mean - expected) / estimate.se << " SE";
}

// How many SE `wrong` is from the estimate: used to show that a check can fail.
double distance_in_se(const Estimate& estimate, double wrong) {
  return std::abs(estimate.mean - wrong) / estimate.se;
}

// A plausibly wrong formula must be clearly out of tolerance, or the check proves nothing.
constexpr double wrong_formula_min_se = 20.0;

// ---------------------------------------------------------------------------------------
// Closed forms of MODEL.md §4.

double salvo_survival(double pk, std::int64_t shots) { return std::pow(1.0 - pk, static_cast<double>(shots)); }

// S_1 = Q, S_m = Q·((1 − a) + a·S_{m−1}).
double sls_survival_recursive(double q_salvo, double a, std::int64_t m) {
  double s = q_salvo;
  for (std::int64_t k = 2; k <= m; ++k) s = q_salvo * ((1.0 - a) + a * s);
  return s;
}

// S_m = Q·(1 − a)·Σ_{j=0}^{m−2} (a·Q)^j + Q·(a·Q)^{m−1}.
double sls_survival_sum(double q_salvo, double a, std::int64_t m) {
  double sum = 0.0;
  for (std::int64_t j = 0; j <= m - 2; ++j) sum += std::pow(a * q_salvo, static_cast<double>(j));
  return q_salvo * (1.0 - a) * sum + q_salvo * std::pow(a * q_salvo, static_cast<double>(m - 1));
}

// The (k+1)-th engagement happens if the k-th left the threat alive and it was correctly
// assessed: E[engagements] = Σ_{j=0}^{m−1} (a·Q)^j.
double sls_mean_engagements(double q_salvo, double a, std::int64_t m) {
  double sum = 0.0;
  for (std::int64_t j = 0; j < m; ++j) sum += std::pow(a * q_salvo, static_cast<double>(j));
  return sum;
}

// ---------------------------------------------------------------------------------------
// Salvo: S = Q = (1 − pk)^shots.

struct SalvoCase {
  double pk;
  std::int64_t shots;
};
std::ostream& operator<<(std::ostream& out, const SalvoCase& c) {
  return out << "{pk " << c.pk << ", shots " << c.shots << "}";
}

class SalvoTest : public ::testing::TestWithParam<SalvoCase> {};

TEST_P(SalvoTest, SurvivalIsQ) {
  const auto [pk, shots] = GetParam();
  GroupToml group;  // 20 threats, all launched, none failing, all aimed at defended areas
  LayerToml layer;
  layer.shots = shots;
  layer.engages[0].pk = pk;
  const Plan plan = plan_of({group}, {layer});
  const std::int64_t trials = 40000;
  const Results r = run(plan, trials, 11);
  const double n = static_cast<double>(group.count);
  const double q = salvo_survival(pk, shots);

  expect_within_se("leaked_defended", fate(r, "missile", Fate::leaked_defended), n * q);
  expect_within_se("intercepted", fate(r, "missile", Fate::intercepted), n * (1.0 - q));
  expect_within_se("intercepts by the layer", intercepts(r, "all", 0), n * (1.0 - q));
  expect_within_se("rate_launched", rate(r, "all", Rate::launched), 1.0 - q);
  expect_within_se("rate_engaged", rate(r, "all", Rate::engaged), 1.0 - q);
  expect_within_se("rate_threatening", rate(r, "all", Rate::threatening), 1.0 - q);
  // Exact: every threat is engaged exactly once with a full salvo, and nothing is missed.
  EXPECT_EQ(fate(r, "all", Fate::leaked_open).mean, 0.0);
  EXPECT_EQ(fate(r, "all", Fate::flight_failure).mean, 0.0);
  EXPECT_EQ(engaged(r, "all").mean, n);
  EXPECT_EQ(layer_sum(r, 0, LayerMetric::engagements), group.count * trials);
  EXPECT_EQ(layer_sum(r, 0, LayerMetric::fired), group.count * trials * shots);
  for (LayerMetric m : {LayerMetric::missed_window, LayerMetric::missed_no_channel, LayerMetric::missed_magazine}) {
    EXPECT_EQ(layer_sum(r, 0, m), 0) << layer_metric_names[static_cast<int>(m)];
  }
  // Power: survival (1 − pk) of one shot, or (1 − pk·shots), instead of (1 − pk)^shots.
  if (shots > 1 && pk > 0.0 && pk < 1.0) {
    EXPECT_GT(distance_in_se(fate(r, "missile", Fate::leaked_defended), n * (1.0 - pk)), wrong_formula_min_se);
  }
}

INSTANTIATE_TEST_SUITE_P(SeveralPkAndShots, SalvoTest,
                         ::testing::Values(SalvoCase{0.3, 1}, SalvoCase{0.5, 2}, SalvoCase{0.7, 3},
                                           SalvoCase{0.9, 1}, SalvoCase{0.25, 4},
                                           // The edges: certain kill and certain miss.
                                           SalvoCase{1.0, 1}, SalvoCase{0.0, 2}));

// ---------------------------------------------------------------------------------------
// Shoot-look-shoot: S_m = Q·((1 − a) + a·S_{m−1}), S_1 = Q; with a = 1, Q^m.

struct SlsCase {
  double pk;
  std::int64_t shots;
  double kill_assessment;
  std::int64_t max_engagements;
};
std::ostream& operator<<(std::ostream& out, const SlsCase& c) {
  return out << "{pk " << c.pk << ", shots " << c.shots << ", kill_assessment " << c.kill_assessment
             << ", max_engagements " << c.max_engagements << "}";
}

class ShootLookShootTest : public ::testing::TestWithParam<SlsCase> {};

TEST_P(ShootLookShootTest, SurvivalFollowsTheRecursion) {
  const auto [pk, shots, a, m] = GetParam();
  GroupToml group;
  LayerToml layer;
  layer.shots = shots;
  layer.shoot_look_shoot = true;
  layer.look_time = 1.0;
  layer.kill_assessment = a;
  layer.max_engagements = m;
  layer.engages[0].pk = pk;
  const Plan plan = plan_of({group}, {layer});
  const std::int64_t trials = 40000;
  const Results r = run(plan, trials, 12);
  const double n = static_cast<double>(group.count);
  const double q = salvo_survival(pk, shots);
  const double s = sls_survival_recursive(q, a, m);

  // MODEL.md gives the recursion and its sum: they must agree.
  EXPECT_NEAR(s, sls_survival_sum(q, a, m), 1e-14);
  if (a == 1.0) {
    EXPECT_NEAR(s, std::pow(q, static_cast<double>(m)), 1e-14);
  }

  expect_within_se("leaked_defended", fate(r, "missile", Fate::leaked_defended), n * s);
  expect_within_se("intercepted", fate(r, "missile", Fate::intercepted), n * (1.0 - s));
  expect_within_se("engagements", layer_metric(r, 0, LayerMetric::engagements),
                   n * sls_mean_engagements(q, a, m));
  // Exact: every threat is engaged at least once, every engagement fires a full salvo.
  EXPECT_EQ(engaged(r, "all").mean, n);
  EXPECT_EQ(layer_sum(r, 0, LayerMetric::fired), shots * layer_sum(r, 0, LayerMetric::engagements));
  EXPECT_EQ(layer_sum(r, 0, LayerMetric::missed_window), 0);
  EXPECT_EQ(layer_sum(r, 0, LayerMetric::missed_no_channel), 0);

  // Power: with imperfect assessment the perfect-assessment answer Q^m, and with m > 1 the
  // one-engagement answer Q, are far out of tolerance.
  if (a < 1.0 && m > 1) {
    EXPECT_GT(distance_in_se(fate(r, "missile", Fate::leaked_defended), n * std::pow(q, static_cast<double>(m))),
              wrong_formula_min_se);
  }
  if (m > 1 && a > 0.0) {
    EXPECT_GT(distance_in_se(fate(r, "missile", Fate::leaked_defended), n * q), wrong_formula_min_se);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AssessmentAndMaxEngagements, ShootLookShootTest,
    ::testing::Values(SlsCase{0.5, 1, 0.8, 3}, SlsCase{0.3, 2, 0.6, 4}, SlsCase{0.4, 1, 0.9, 2},
                      // a = 0: never re-engaged, S = Q whatever m.
                      SlsCase{0.6, 1, 0.0, 3},
                      // a = 1: S = Q^m.
                      SlsCase{0.4, 1, 1.0, 3}, SlsCase{0.2, 2, 1.0, 5},
                      // m = 1 is a salvo.
                      SlsCase{0.5, 2, 0.9, 1}));

// With max_engagements unlimited and a = 1 the window is what stops re-engagement: starts at
// T − W + k·(E + look) for k = 0..K−1 with K = ⌊(W − c − E)/(E + look)⌋ + 1, so S = Q^K and
// every threat surviving them all asks once more, too late: missed_window = N·Q^K.
TEST(ShootLookShoot, UnlimitedEngagementsStopWhenTheWindowCloses) {
  GroupToml group;
  group.flight_time = "{ mean = 1000.0, sd = 0.0 }";
  LayerToml layer;
  layer.shoot_look_shoot = true;
  layer.engagement_time = 10.0;
  layer.look_time = 5.0;
  layer.engages[0].pk = 0.3;
  layer.engages[0].open = 100.0;  // K = ⌊(100 − 0 − 10)/15⌋ + 1 = 7
  const Plan plan = plan_of({group}, {layer});
  const Results r = run(plan, 40000, 13);
  const double n = static_cast<double>(group.count);
  const double s = std::pow(0.7, 7.0);
  expect_within_se("leaked_defended", fate(r, "missile", Fate::leaked_defended), n * s);
  expect_within_se("missed_window", layer_metric(r, 0, LayerMetric::missed_window), n * s);
  expect_within_se("engagements", layer_metric(r, 0, LayerMetric::engagements),
                   n * sls_mean_engagements(0.7, 1.0, 7));
  // Power: one engagement fewer or more.
  EXPECT_GT(distance_in_se(fate(r, "missile", Fate::leaked_defended), n * std::pow(0.7, 6.0)), wrong_formula_min_se);
  EXPECT_GT(distance_in_se(fate(r, "missile", Fate::leaked_defended), n * std::pow(0.7, 8.0)), wrong_formula_min_se);
}

// ---------------------------------------------------------------------------------------
// Coverage, detection and point defence across two layers, defended_fraction < 1:
// L_l = 1 − coverage·detect·e·(1 − S), e = 0 for a point-defence layer and a threat aimed
// elsewhere; P(leaked_defended) = p_launch·p_flight·d·Π L_l(defended) and
// P(leaked_open) = p_launch·p_flight·(1 − d)·Π L_l(elsewhere).

TEST(TwoLayers, CoverageDetectionAndPointDefence) {
  GroupToml a;
  a.name = "cruise-a";
  a.threat_class = "cruise";
  a.count = 20;
  a.p_launch = 0.9;
  a.defended_fraction = 0.6;
  GroupToml b = a;
  b.name = "cruise-b";
  b.count = 10;
  b.p_launch = 1.0;
  b.defended_fraction = 0.25;

  LayerToml outer;
  outer.name = "outer";
  outer.coverage = 0.8;
  outer.engages = {{"cruise", 0.5, 0.9, 900.0, 0.0}};
  LayerToml inner;
  inner.name = "inner";
  inner.point_defense = true;
  inner.coverage = 0.7;
  inner.shots = 2;
  inner.shoot_look_shoot = true;
  inner.kill_assessment = 0.9;
  inner.max_engagements = 2;
  inner.engages = {{"cruise", 0.6, 0.95, 100.0, 0.0}};
  const Plan plan = plan_of({a, b}, {outer, inner});
  const Results r = run(plan, 50000, 14);

  const double s1 = salvo_survival(0.5, 1);
  const double s2 = sls_survival_recursive(salvo_survival(0.6, 2), 0.9, 2);
  const double c1 = 0.8 * 0.9, c2 = 0.7 * 0.95;  // coverage·detect
  const double l1 = 1.0 - c1 * (1.0 - s1);
  const double l2_defended = 1.0 - c2 * (1.0 - s2);
  const double l2_open = 1.0;  // point defence: e = 0

  struct Expected {
    double launch_failure, leaked_defended, leaked_open, outer, inner, engaged;
  };
  auto expected_for = [&](const GroupToml& g) {
    const double n = static_cast<double>(g.count), pl = g.p_launch, d = g.defended_fraction;
    return Expected{n * (1.0 - pl),
                    n * pl * d * l1 * l2_defended,
                    n * pl * (1.0 - d) * l1 * l2_open,
                    n * pl * c1 * (1.0 - s1),
                    n * pl * d * l1 * c2 * (1.0 - s2),
                    n * pl * (1.0 - (1.0 - c1) * (1.0 - d * c2))};
  };
  const Expected ea = expected_for(a), eb = expected_for(b);
  const Expected both{ea.launch_failure + eb.launch_failure, ea.leaked_defended + eb.leaked_defended,
                      ea.leaked_open + eb.leaked_open,       ea.outer + eb.outer,
                      ea.inner + eb.inner,                   ea.engaged + eb.engaged};

  const std::vector<std::pair<std::string, Expected>> cases = {
      {"cruise-a", ea}, {"cruise-b", eb}, {"class:cruise", both}, {"all", both}};
  for (const auto& [sel, e] : cases) {
    SCOPED_TRACE(sel);
    expect_within_se("launch_failure", fate(r, sel, Fate::launch_failure), e.launch_failure);
    expect_within_se("leaked_defended", fate(r, sel, Fate::leaked_defended), e.leaked_defended);
    expect_within_se("leaked_open", fate(r, sel, Fate::leaked_open), e.leaked_open);
    expect_within_se("intercepted", fate(r, sel, Fate::intercepted), e.outer + e.inner);
    expect_within_se("intercepts by outer", intercepts(r, sel, 0), e.outer);
    expect_within_se("intercepts by inner", intercepts(r, sel, 1), e.inner);
    expect_within_se("engaged", engaged(r, sel), e.engaged);
    EXPECT_EQ(fate(r, sel, Fate::flight_failure).mean, 0.0);
  }
  expect_within_se("outer intercepts (layer counter)", layer_metric(r, 0, LayerMetric::intercepts), both.outer);
  expect_within_se("inner intercepts (layer counter)", layer_metric(r, 1, LayerMetric::intercepts), both.inner);

  // Power: a point-defence layer that also engaged threats aimed elsewhere, or coverage or
  // detection ignored in the outer layer.
  EXPECT_GT(distance_in_se(fate(r, "cruise-a", Fate::leaked_open), ea.leaked_open * l2_defended),
            wrong_formula_min_se);
  EXPECT_GT(distance_in_se(intercepts(r, "cruise-a", 0), 20 * 0.9 * 0.8 * (1.0 - s1)), wrong_formula_min_se);
  EXPECT_GT(distance_in_se(intercepts(r, "cruise-a", 0), 20 * 0.9 * 0.9 * (1.0 - s1)), wrong_formula_min_se);
}

// ---------------------------------------------------------------------------------------
// Launch and flight failures. P(leaked_defended) = p_launch·p_flight·d·S, and the launch
// failures have mean N·(1 − p_launch). With a fixed flight time f, a window open W before
// impact and a free channel, engagement starts at T − W and intercepts at T − W + E; a
// failure time is uniform on (launch, T), so a failing threat
//   - fails before the start (probability 1 − W/f): never engaged, missed nowhere;
//   - fails during the engagement (probability E/f): a flight failure, interceptors spent;
//   - fails after the intercept time (probability (W − E)/f): killed with probability 1 − Q.
TEST(Failures, LaunchAndFlightFailures) {
  GroupToml group;
  group.count = 20;
  group.p_launch = 0.8;
  group.p_flight = 0.7;
  group.defended_fraction = 0.5;
  group.flight_time = "{ mean = 1000.0, sd = 0.0 }";
  LayerToml layer;
  layer.shots = 2;
  layer.engagement_time = 100.0;
  layer.engages[0].pk = 0.6;
  layer.engages[0].open = 400.0;
  const Plan plan = plan_of({group}, {layer});
  const Results r = run(plan, 50000, 15);

  const double n = 20.0, pl = 0.8, pf = 0.7, d = 0.5, q = salvo_survival(0.6, 2);
  const double f = 1000.0, w = 400.0, e = 100.0;
  const double alive_at_start = pf + (1.0 - pf) * w / f;
  const double alive_at_intercept = pf + (1.0 - pf) * (w - e) / f;
  expect_within_se("launch_failure", fate(r, "missile", Fate::launch_failure), n * (1.0 - pl));
  expect_within_se("leaked_defended", fate(r, "missile", Fate::leaked_defended), n * pl * pf * d * q);
  expect_within_se("leaked_open", fate(r, "missile", Fate::leaked_open), n * pl * pf * (1.0 - d) * q);
  expect_within_se("intercepted", fate(r, "missile", Fate::intercepted), n * pl * alive_at_intercept * (1.0 - q));
  expect_within_se("flight_failure", fate(r, "missile", Fate::flight_failure),
                   n * pl * (1.0 - pf) * (1.0 - (w - e) / f * (1.0 - q)));
  expect_within_se("engaged", engaged(r, "missile"), n * pl * alive_at_start);
  expect_within_se("fired", layer_metric(r, 0, LayerMetric::fired), 2.0 * n * pl * alive_at_start);
  // A threat gone before its start is dropped silently: it is no missed request.
  EXPECT_EQ(layer_sum(r, 0, LayerMetric::missed_window), 0);
  EXPECT_EQ(layer_sum(r, 0, LayerMetric::missed_no_channel), 0);

  // Power: a kernel that let a threat failing during the engagement count as intercepted
  // (or that spent no interceptors on it).
  EXPECT_GT(distance_in_se(fate(r, "missile", Fate::intercepted), n * pl * alive_at_start * (1.0 - q)),
            wrong_formula_min_se);
  EXPECT_GT(distance_in_se(layer_metric(r, 0, LayerMetric::fired), 2.0 * n * pl * alive_at_intercept),
            wrong_formula_min_se);
}

// A request that can never fit its window (engagement_time > open − close) is missed_window,
// unless the threat already failed in flight (dropped silently), or the launch failed. With
// an empty magazine the same requests are missed_magazine instead: the magazine is checked
// before the window, the failure before both. A failing threat is still flying at T − W with
// probability W/f.
TEST(Failures, OnlyThreatsStillFlyingAreMissed) {
  GroupToml group;
  group.p_launch = 0.9;
  group.p_flight = 0.5;
  group.flight_time = "{ mean = 1000.0, sd = 0.0 }";
  LayerToml too_slow;
  too_slow.name = "too-slow";
  too_slow.engagement_time = 60.0;
  too_slow.engages[0].open = 250.0;
  too_slow.engages[0].close = 200.0;
  LayerToml empty = too_slow;
  empty.name = "empty";
  empty.interceptors = "0";
  const Plan plan = plan_of({group}, {empty, too_slow});
  const Results r = run(plan, 40000, 16);
  const double still_flying = 20.0 * 0.9 * (0.5 + 0.5 * 250.0 / 1000.0);
  expect_within_se("missed_magazine", layer_metric(r, 0, LayerMetric::missed_magazine), still_flying);
  expect_within_se("missed_window", layer_metric(r, 1, LayerMetric::missed_window), still_flying);
  for (std::int64_t l : {0, 1}) {
    EXPECT_EQ(layer_sum(r, l, LayerMetric::engagements), 0);
    EXPECT_EQ(layer_sum(r, l, LayerMetric::missed_no_channel), 0);
  }
  EXPECT_EQ(layer_sum(r, 0, LayerMetric::missed_window), 0);
  EXPECT_EQ(layer_sum(r, 1, LayerMetric::missed_magazine), 0);
  // Power: counting the threats already gone as missed too.
  EXPECT_GT(distance_in_se(layer_metric(r, 0, LayerMetric::missed_magazine), 20.0 * 0.9), wrong_formula_min_se);
}

// Whether a threat has failed is judged against each layer's own start time (MODEL.md §2.4).
// Layers act in order, but an inner layer's window may open before an outer one's: a threat
// that failed before the outer layer's start may still have been flying when the inner layer
// could start. Every threat fails (p_flight = 0) at φ uniform on (L, T), f = 1000 s.
//   - "late" (outer): window opens at T − 100, pk = 0, E = 1: engages the threats with
//     φ ≥ T − 100 and releases those still flying at T − 99.
//   - "early" (inner): window opens at T − 900, pk = 1, E = 1: a threat the outer layer
//     dropped (φ < T − 100) is engaged at T − 900 and killed if φ ≥ T − 899; a threat the
//     outer layer released is engaged at T − 99 and killed if φ ≥ T − 98.
// So P(intercepted) = (800 − 1)/1000 + (100 − 2)/1000 = 0.897.
// DISABLED: the kernel (and bench/reference.py) mark a threat found gone at one layer's start
// as gone for every later layer, which gives 0.098 here. Enable this test once the kernel
// follows MODEL.md §2.4, or change it (and MODEL.md) if "gone for every later layer" is the
// intended rule.
TEST(Failures, EachLayerJudgesFailureAtItsOwnStart) {
  GroupToml group;
  group.p_flight = 0.0;
  group.flight_time = "{ mean = 1000.0, sd = 0.0 }";
  LayerToml late;
  late.name = "late";
  late.engages[0].pk = 0.0;
  late.engages[0].open = 100.0;
  LayerToml early;
  early.name = "early";
  early.engages[0].pk = 1.0;
  early.engages[0].open = 900.0;
  const Plan plan = plan_of({group}, {late, early});
  const Results r = run(plan, 40000, 22);
  const double n = 20.0;
  expect_within_se("intercepted by early", intercepts(r, "all", 1), n * 0.897);
  expect_within_se("engaged", engaged(r, "all"), n * 0.9);
  expect_within_se("late engagements", layer_metric(r, 0, LayerMetric::engagements), n * 0.1);
  // Power: a kernel that forgot a threat once one layer found it gone would intercept only
  // the 0.098 that the outer layer released.
  EXPECT_GT(distance_in_se(intercepts(r, "all", 1), n * 0.098), wrong_formula_min_se);
}

// ---------------------------------------------------------------------------------------
// Saturation: N threats with one impact time T, window [T − W, T − c], C channels, salvo,
// unlimited magazine: exactly min(N, C·(⌊(W − c − E)/E⌋ + 1)) engaged in every trial. The
// values are exact in binary, so boundary cases (W − c a multiple of E) are decided exactly.

struct SaturationCase {
  std::int64_t n;
  std::int64_t fire_units;
  std::int64_t channels;
  double open;   // W
  double close;  // c
  double engagement_time;  // E
};
std::ostream& operator<<(std::ostream& out, const SaturationCase& c) {
  return out << "{N " << c.n << ", C " << c.fire_units << " x " << c.channels << ", W " << c.open << ", c "
             << c.close << ", E " << c.engagement_time << "}";
}

class SaturationTest : public ::testing::TestWithParam<SaturationCase> {};

TEST_P(SaturationTest, ExactEngagedCountInEveryTrial) {
  const SaturationCase c = GetParam();
  GroupToml group;
  group.count = c.n;
  group.launch = "{ waves = [[0.0, " + std::to_string(c.n) + "]] }";
  group.flight_time = "{ mean = 1000.0, sd = 0.0 }";  // W ≤ 1000: the window opens after launch
  LayerToml layer;
  layer.fire_units = c.fire_units;
  layer.channels = c.channels;
  layer.engagement_time = c.engagement_time;
  layer.engages[0] = {"missile", 0.5, 1.0, c.open, c.close};
  const Plan plan = plan_of({group}, {layer});

  const std::int64_t slots =
      c.fire_units * c.channels *
      (static_cast<std::int64_t>(std::floor((c.open - c.close - c.engagement_time) / c.engagement_time)) + 1);
  const std::int64_t expected = std::min(c.n, slots);
  const RecordLayout& layout = plan.layout;
  std::int64_t wrong = 0;
  for_each_trial(plan, 500, 17, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    const bool ok = record[layout.engaged(0)] == expected &&
                    record[layout.layer_metric(0, LayerMetric::engagements)] == expected &&
                    record[layout.layer_metric(0, LayerMetric::missed_no_channel)] == c.n - expected &&
                    record[layout.layer_metric(0, LayerMetric::missed_window)] == 0 &&
                    record[layout.layer_metric(0, LayerMetric::missed_magazine)] == 0;
    if (!ok && wrong++ == 0) {
      ADD_FAILURE() << "engaged " << record[layout.engaged(0)] << ", engagements "
                    << record[layout.layer_metric(0, LayerMetric::engagements)] << ", missed_no_channel "
                    << record[layout.layer_metric(0, LayerMetric::missed_no_channel)] << "; expected "
                    << expected << " engaged";
    }
  });
  EXPECT_EQ(wrong, 0) << "trials with a wrong count";
}

INSTANTIATE_TEST_SUITE_P(
    SeveralShapes, SaturationTest,
    ::testing::Values(
        // W − c = 90 = 3E: exactly 3 engagements per channel, the last ending at T − c.
        SaturationCase{50, 4, 1, 100.0, 10.0, 30.0},
        // The same with more channels than needed: all N.
        SaturationCase{10, 4, 1, 100.0, 10.0, 30.0},
        // (W − c − E)/E = 3.5: 4 per channel, C = 3 from 1 unit of 3 channels.
        SaturationCase{37, 1, 3, 95.0, 5.0, 20.0},
        // W − c = 3E with a fractional E: 3 per channel on one channel.
        SaturationCase{20, 1, 1, 7.5, 0.0, 2.5},
        // W − c = E: one engagement per channel, C = 2 × 3.
        SaturationCase{100, 2, 3, 60.0, 0.0, 60.0},
        // Just short of a multiple: (W − c − E)/E = 1.984375, 2 per channel.
        SaturationCase{30, 5, 1, 95.5, 0.0, 32.0}));

// ---------------------------------------------------------------------------------------
// Magazines: with M interceptors and `shots` = s, at most ⌊M/s⌋ full salvos, then one
// partial salvo of M mod s, and never more than M fired.

// N threats arriving together against M = 7, s = 3: threats 0 and 1 get 3 shots, threat 2
// the last one, the rest find the magazine empty; the partial salvo kills with pk, not
// 1 − (1 − pk)^3.
TEST(Magazine, PartialSalvoWhenMIsNotAMultipleOfShots) {
  GroupToml group;
  group.count = 10;
  group.launch = "{ waves = [[0.0, 10]] }";
  group.flight_time = "{ mean = 1000.0, sd = 0.0 }";
  LayerToml layer;
  layer.interceptors = "7";
  layer.shots = 3;
  layer.engages[0].pk = 0.5;
  const Plan plan = plan_of({group}, {layer});
  const RecordLayout& layout = plan.layout;

  const std::int64_t trials = 20000;
  std::vector<std::int64_t> killed(10, 0);
  std::int64_t wrong = 0;
  for_each_trial(plan, trials, 18, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome* outcomes) {
    const bool ok = record[layout.layer_metric(0, LayerMetric::fired)] == 7 &&
                    record[layout.layer_metric(0, LayerMetric::engagements)] == 3 &&
                    record[layout.layer_metric(0, LayerMetric::missed_magazine)] == 7 &&
                    record[layout.engaged(0)] == 3;
    if (!ok) ++wrong;
    for (std::size_t i = 0; i < 10; ++i) {
      killed[i] += outcomes[i].fate == static_cast<std::int8_t>(Fate::intercepted);
    }
  });
  EXPECT_EQ(wrong, 0) << "trials not firing 7 interceptors in 2 full salvos and 1 partial one";

  auto proportion = [&](std::size_t i, double p) {
    const double n = static_cast<double>(trials);
    return std::pair{Estimate{static_cast<double>(killed[i]) / n, std::sqrt(p * (1.0 - p) / n)}, p};
  };
  const double full = 1.0 - std::pow(0.5, 3.0);
  for (std::size_t i : {0u, 1u}) {
    const auto [estimate, p] = proportion(i, full);
    expect_within_se("threat " + std::to_string(i) + " killed by a full salvo", estimate, p);
  }
  const auto [partial, p] = proportion(2, 0.5);
  expect_within_se("threat 2 killed by a salvo of 1", partial, p);
  EXPECT_GT(distance_in_se(partial, full), wrong_formula_min_se);
  for (std::size_t i = 3; i < 10; ++i) EXPECT_EQ(killed[i], 0) << "threat " << i << " was never engaged";
}

struct MagazineCase {
  std::int64_t magazine;
  std::int64_t shots;
};
std::ostream& operator<<(std::ostream& out, const MagazineCase& c) {
  return out << "{M " << c.magazine << ", shots " << c.shots << "}";
}

class MagazineTest : public ::testing::TestWithParam<MagazineCase> {};

// A random scenario (launch failures, coverage, shoot-look-shoot): in every trial fired ≤ M,
// every engagement but the last fires s, at most ⌊M/s⌋ full salvos, and a partial salvo or a
// request refused for an empty magazine only once the magazine is empty.
TEST_P(MagazineTest, NeverMoreThanTheMagazine) {
  const auto [magazine, s] = GetParam();
  GroupToml group;
  group.count = 8;
  group.p_launch = 0.8;
  LayerToml layer;
  layer.interceptors = std::to_string(magazine);
  layer.shots = s;
  layer.coverage = 0.9;
  layer.shoot_look_shoot = true;
  layer.kill_assessment = 0.9;
  layer.max_engagements = 3;
  layer.engages[0].pk = 0.5;
  const Plan plan = plan_of({group}, {layer});
  const RecordLayout& layout = plan.layout;

  std::int64_t wrong = 0, emptied = 0, partial = 0;
  for_each_trial(plan, 20000, 19, [&](std::uint64_t trial, const std::int64_t* record, const ThreatOutcome*) {
    const std::int64_t fired = record[layout.layer_metric(0, LayerMetric::fired)];
    const std::int64_t engagements = record[layout.layer_metric(0, LayerMetric::engagements)];
    const std::int64_t refused = record[layout.layer_metric(0, LayerMetric::missed_magazine)];
    const std::int64_t short_by = s * engagements - fired;  // shots missing from the last salvo
    const std::int64_t full_salvos = engagements - (short_by > 0 ? 1 : 0);
    const bool ok = fired <= magazine && full_salvos <= magazine / s && short_by >= 0 && short_by < s &&
                    (short_by == 0 || fired == magazine) && (refused == 0 || fired == magazine);
    if (!ok && wrong++ == 0) {
      ADD_FAILURE() << "trial " << trial << ": fired " << fired << " in " << engagements
                    << " engagements, " << refused << " refused, magazine " << magazine << ", shots " << s;
    }
    emptied += refused > 0;
    partial += short_by > 0;
  });
  EXPECT_EQ(wrong, 0);
  // The scenario must actually empty the magazine, and make partial salvos when it can.
  EXPECT_GT(emptied, 1000);
  if (magazine % s != 0) {
    EXPECT_GT(partial, 1000);
  } else {
    EXPECT_EQ(partial, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(SeveralMagazines, MagazineTest,
                         ::testing::Values(MagazineCase{10, 3}, MagazineCase{9, 3}, MagazineCase{5, 2},
                                           MagazineCase{7, 1}, MagazineCase{0, 2}));

// ---------------------------------------------------------------------------------------
// Invariants in every trial of a scenario with everything switched on: contention for
// channels, small magazines, shoot-look-shoot, failures, point defence, three groups in two
// classes, wave and uniform launches.

const char* const busy_scenario = R"([scenario]
name = "busy"

[[threat]]
name = "shahed"
class = "drone"
count = 40
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 3000.0, sd = 20.0 }
p_launch = 0.95
p_flight = 0.9
defended_fraction = 0.7

[[threat]]
name = "kh-101"
class = "cruise"
count = 12
launch = { start = 1500.0, duration = 300.0 }
flight_time = { mean = 1800.0, sd = 100.0 }
p_launch = 0.9
p_flight = 0.85
defended_fraction = 0.8

[[threat]]
name = "iskander"
class = "ballistic"
count = 10
launch = { waves = [[2800.0, 6], [2900.0, 4]] }
flight_time = { mean = 400.0, sd = 20.0 }
p_launch = 0.9
p_flight = 0.9
defended_fraction = 0.9

[[layer]]
name = "upper"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 24
shots = 2
doctrine = "shoot-look-shoot"
look_time = 40.0
max_engagements = 2
kill_assessment = 0.8
point_defense = true
coverage = 0.9
engages.ballistic = { pk = 0.7, detect = 0.95, window = { open = 300.0, close = 60.0 } }
engages.cruise = { pk = 0.8, detect = 0.9, window = { open = 600.0, close = 60.0 } }

[[layer]]
name = "short-range"
fire_units = 1
channels = 2
engagement_time = 15.0
interceptors = 40
shots = 1
coverage = 0.8
engages.drone = { pk = 0.85, detect = 0.9, window = { open = 120.0, close = 5.0 } }
engages.cruise = { pk = 0.6, detect = 0.8, window = { open = 90.0, close = 10.0 } }
engages.iskander = { pk = 0.3, detect = 0.8, window = { open = 60.0, close = 10.0 } }
)";

TEST(Invariants, OneFatePerThreatAndInterceptsAddUp) {
  const Plan plan = compile(load_scenario_string(busy_scenario, "busy"));
  const RecordLayout& layout = plan.layout;
  const std::int64_t groups = plan.group_count(), layers = plan.layer_count();
  std::int64_t wrong = 0;
  std::vector<std::int64_t> missed(layers * layer_metric_count, 0);
  auto fail_once = [&](const std::string& message) {
    if (wrong++ == 0) ADD_FAILURE() << message;
  };
  for_each_trial(plan, 20000, 20, [&](std::uint64_t trial, const std::int64_t* record, const ThreatOutcome* outcomes) {
    const std::string at = "trial " + std::to_string(trial) + ": ";
    // Fates from the per-threat outcomes, to compare with the record.
    std::vector<std::int64_t> fates(static_cast<std::size_t>(groups * fate_count), 0);
    for (std::int64_t i = 0; i < plan.threat_count(); ++i) {
      const ThreatOutcome& o = outcomes[i];
      const std::int64_t g = plan.threat_group[static_cast<std::size_t>(i)];
      ++fates[static_cast<std::size_t>(g * fate_count + o.fate)];
      if ((o.fate == static_cast<std::int8_t>(Fate::intercepted)) != (o.intercept_layer >= 0)) {
        fail_once(at + "threat " + std::to_string(i) + " has fate " + fate_names[o.fate] +
                  " and intercept layer " + std::to_string(o.intercept_layer));
      }
    }
    for (std::int64_t g = 0; g < groups; ++g) {
      std::int64_t total = 0, by_layers = 0;
      for (std::int64_t f = 0; f < fate_count; ++f) {
        total += record[layout.fate(g, Fate(f))];
        if (record[layout.fate(g, Fate(f))] != fates[static_cast<std::size_t>(g * fate_count + f)]) {
          fail_once(at + "record and outcomes disagree on " + fate_names[f]);
        }
      }
      if (total != plan.groups[static_cast<std::size_t>(g)].count) {
        fail_once(at + "group " + std::to_string(g) + " has " + std::to_string(total) + " fates");
      }
      for (std::int64_t l = 0; l < layers; ++l) by_layers += record[layout.group_intercepts(g, l)];
      if (by_layers != record[layout.fate(g, Fate::intercepted)]) {
        fail_once(at + "intercepts by layer do not add up to the intercepted fate");
      }
      const std::int64_t launched = total - record[layout.fate(g, Fate::launch_failure)];
      const std::int64_t engaged_here = record[layout.engaged(g)];
      if (engaged_here > launched || engaged_here < record[layout.fate(g, Fate::intercepted)]) {
        fail_once(at + "engaged out of [intercepted, launched]");
      }
    }
    for (std::int64_t l = 0; l < layers; ++l) {
      std::int64_t over_groups = 0;
      for (std::int64_t g = 0; g < groups; ++g) over_groups += record[layout.group_intercepts(g, l)];
      if (over_groups != record[layout.layer_metric(l, LayerMetric::intercepts)]) {
        fail_once(at + "layer " + std::to_string(l) + " intercepts differ from the sum over groups");
      }
      if (record[layout.layer_metric(l, LayerMetric::intercepts)] >
          record[layout.layer_metric(l, LayerMetric::engagements)]) {
        fail_once(at + "more intercepts than engagements");
      }
      for (std::int64_t m = 0; m < layer_metric_count; ++m) {
        missed[static_cast<std::size_t>(l * layer_metric_count + m)] += record[layout.layer_metric(l, LayerMetric(m))];
      }
    }
  });
  EXPECT_EQ(wrong, 0) << "trials breaking an invariant";
  // The scenario exercises what it claims to: every kind of miss happens in some layer.
  for (LayerMetric m : {LayerMetric::missed_window, LayerMetric::missed_no_channel, LayerMetric::missed_magazine}) {
    std::int64_t total = 0;
    for (std::int64_t l = 0; l < layers; ++l) {
      total += missed[static_cast<std::size_t>(l * layer_metric_count + static_cast<std::int64_t>(m))];
    }
    EXPECT_GT(total, 0) << layer_metric_names[static_cast<int>(m)] << " never happens";
  }

  // The same sums through the statistics: selections add up, and layers agree with groups.
  RunOptions options;
  options.trials = 20000;
  options.seed = 20;
  const Tallies tallies = run_trials(plan, options);
  const Results r = summarize(plan, tallies, RunInfo{});
  const DataArray& fate_sum = r.array("fate_sum");
  const DataArray& intercepts_sum = r.array("intercepts_sum");
  auto at = [](const DataArray& a, std::initializer_list<std::int64_t> index) {
    return a.integers[static_cast<std::size_t>(a.offset(index))];
  };
  const std::int64_t all = r.index("selection", "all");
  auto group_selection = [&](std::int64_t g) {
    return r.index("selection", plan.groups[static_cast<std::size_t>(g)].name);
  };
  std::int64_t all_fates = 0;
  for (std::int64_t f = 0; f < fate_count; ++f) all_fates += at(fate_sum, {all, f});
  EXPECT_EQ(all_fates, plan.threat_count() * options.trials);
  for (std::int64_t l = 0; l < layers; ++l) {
    std::int64_t over_groups = 0;
    for (std::int64_t g = 0; g < groups; ++g) over_groups += at(intercepts_sum, {group_selection(g), l});
    EXPECT_EQ(at(intercepts_sum, {all, l}), over_groups) << "layer " << l;
    EXPECT_EQ(layer_sum(r, l, LayerMetric::intercepts), over_groups) << "layer " << l;
  }
  for (std::int64_t f = 0; f < fate_count; ++f) {
    std::int64_t over_groups = 0;
    for (std::int64_t g = 0; g < groups; ++g) over_groups += at(fate_sum, {group_selection(g), f});
    EXPECT_EQ(at(fate_sum, {all, f}), over_groups) << fate_names[f];
  }
}

// ---------------------------------------------------------------------------------------
// A group-name entry wins over its class entry, whichever comes first in the table (toml++
// keeps keys sorted: "alpha" < "missile" < "zulu").
TEST(Engages, GroupEntryWinsOverClassEntry) {
  GroupToml alpha;
  alpha.name = "alpha";
  alpha.count = 5;
  GroupToml zulu = alpha;
  zulu.name = "zulu";
  GroupToml other = alpha;
  other.name = "other";
  LayerToml first;
  first.name = "first";
  first.engages = {{"missile", 0.0, 1.0, 500.0, 0.0}, {"alpha", 1.0, 1.0, 500.0, 0.0}};
  LayerToml second;
  second.name = "second";
  second.engages = {{"zulu", 1.0, 1.0, 100.0, 0.0}, {"missile", 0.0, 1.0, 100.0, 0.0}};
  const Plan plan = plan_of({alpha, zulu, other}, {first, second});
  const RecordLayout& layout = plan.layout;
  std::int64_t wrong = 0;
  for_each_trial(plan, 1000, 21, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    // pk = 1 for the named group, pk = 0 for the rest of the class, which is still engaged.
    const bool ok = record[layout.group_intercepts(0, 0)] == 5 && record[layout.group_intercepts(0, 1)] == 0 &&
                    record[layout.group_intercepts(1, 0)] == 0 && record[layout.group_intercepts(1, 1)] == 5 &&
                    record[layout.fate(2, Fate::leaked_defended)] == 5 && record[layout.engaged(2)] == 5 &&
                    record[layout.layer_metric(1, LayerMetric::engagements)] == 5 + 5;  // zulu and other
    wrong += !ok;
  });
  EXPECT_EQ(wrong, 0);
}

// ---------------------------------------------------------------------------------------
// Campaigns (MODEL.md §5): salvos fought one after another, magazines carried over.

// Every trial's record and outcomes, concatenated in trial order.
struct TrialData {
  std::vector<std::int64_t> records;
  std::vector<std::int8_t> fates;
  std::vector<std::int16_t> killers;
};
TrialData trial_data(const Plan& plan, std::int64_t trials, std::uint64_t seed) {
  TrialData data;
  for_each_trial(plan, trials, seed, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome* outcomes) {
    data.records.insert(data.records.end(), record, record + plan.layout.size());
    for (std::int64_t i = 0; i < plan.threat_count(); ++i) {
      data.fates.push_back(outcomes[i].fate);
      data.killers.push_back(outcomes[i].intercept_layer);
    }
  });
  return data;
}

// A campaign of one salvo is the plain scenario: the same draws, records, outcomes and
// statistics, byte for byte, whether the salvo is built in code or read from its TOML.
TEST(Campaign, OneSalvoEqualsThePlainScenario) {
  for (const char* name : {"example.toml", "true_promise_1_illustrative.toml", "saturation.toml"}) {
    SCOPED_TRACE(name);
    const Scenario plain = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/" + name);
    Scenario campaign = plain;
    campaign.salvos.push_back({"only", 0.0, plain.threats});
    campaign.threats.clear();
    const Scenario from_text = load_scenario_string(to_toml(campaign), "one salvo");
    ASSERT_EQ(from_text.salvos.size(), 1u);

    const Plan plain_plan = compile(plain);
    const std::int64_t trials = 300;
    const TrialData expected = trial_data(plain_plan, trials, 5);
    const Results expected_results = run(plain_plan, trials, 5);
    for (const Scenario* one : std::initializer_list<const Scenario*>{&campaign, &from_text}) {
      const Plan plan = compile(*one);
      EXPECT_EQ(plan.layout.size(), plain_plan.layout.size());
      const TrialData got = trial_data(plan, trials, 5);
      EXPECT_TRUE(got.records == expected.records);
      EXPECT_TRUE(got.fates == expected.fates);
      EXPECT_TRUE(got.killers == expected.killers);
      test_support::expect_same_arrays(run(plan, trials, 5), expected_results);
    }
  }
}

// Per trial, for every salvo s and layer: the magazine starts at `interceptors`; each salvo
// fires no more than it holds; the next salvo starts with min(capacity, left + resupply);
// "magazine" misses only once it is empty; and the campaign's counters are the sums of the
// salvos'. So fired over the campaign never exceeds interceptors + (salvos - 1) x resupply.
TEST(Campaign, MagazinesCarryOverExactly) {
  GroupToml drones;
  drones.name = "d";
  drones.threat_class = "drone";
  drones.count = 12;
  drones.p_launch = 0.8;
  drones.defended_fraction = 0.8;
  GroupToml missiles = drones;
  missiles.name = "m";
  missiles.threat_class = "missile";
  missiles.count = 6;
  auto rename = [](GroupToml g, const std::string& suffix) {
    g.name += suffix;
    return g;
  };
  const std::vector<SalvoToml> salvos = {{0.0, {rename(drones, "0"), rename(missiles, "0")}},
                                         {5000.0, {rename(missiles, "1")}},
                                         {5001.0, {rename(drones, "2"), rename(missiles, "2")}}};
  LayerToml outer;  // shoot-look-shoot on missiles, finite magazine, resupplied and capped
  outer.name = "outer";
  outer.interceptors = "20";
  outer.resupply = 7;
  outer.capacity = 22;
  outer.shots = 2;
  outer.shoot_look_shoot = true;
  outer.max_engagements = 3;
  outer.kill_assessment = 0.9;
  outer.coverage = 0.9;
  outer.engages = {{"missile", 0.5, 0.9, 500.0, 0.0}};
  LayerToml inner;  // salvo doctrine on everything, a small magazine and no resupply
  inner.name = "inner";
  inner.interceptors = "15";
  inner.point_defense = true;
  inner.engages = {{"missile", 0.3, 1.0, 100.0, 0.0}, {"drone", 0.6, 1.0, 100.0, 0.0}};
  const Plan plan = campaign_plan_of(salvos, {outer, inner});
  const RecordLayout& layout = plan.layout;
  ASSERT_EQ(layout.salvos, 3);
  ASSERT_TRUE(layout.per_salvo());
  const std::int64_t initial[] = {20, 15}, resupply[] = {7, 0}, capacity[] = {22, 15};

  std::int64_t wrong = 0, capped = 0, emptied = 0;
  for_each_trial(plan, 20000, 23, [&](std::uint64_t trial, const std::int64_t* record, const ThreatOutcome*) {
    bool ok = true;
    for (std::int64_t l = 0; l < 2; ++l) {
      std::int64_t expected_magazine = initial[l], fired_total = 0;
      for (std::int64_t s = 0; s < 3; ++s) {
        const std::int64_t magazine = record[layout.salvo_magazine(s, l)];
        const std::int64_t fired = record[layout.salvo_layer_metric(s, l, LayerMetric::fired)];
        const std::int64_t refused = record[layout.salvo_layer_metric(s, l, LayerMetric::missed_magazine)];
        ok = ok && magazine == expected_magazine && fired <= magazine && (refused == 0 || fired == magazine);
        emptied += refused > 0;
        fired_total += fired;
        capped += s < 2 && magazine - fired + resupply[l] > capacity[l];  // the next salvo's resupply is cut
        expected_magazine = std::min(capacity[l], magazine - fired + resupply[l]);
      }
      ok = ok && fired_total <= initial[l] + 2 * resupply[l];
      for (std::int64_t m = 0; m < layer_metric_count; ++m) {
        std::int64_t over_salvos = 0;
        for (std::int64_t s = 0; s < 3; ++s) over_salvos += record[layout.salvo_layer_metric(s, l, LayerMetric(m))];
        ok = ok && record[layout.layer_metric(l, LayerMetric(m))] == over_salvos;
      }
    }
    if (!ok && wrong++ == 0) ADD_FAILURE() << "trial " << trial << " breaks the magazine's bookkeeping";
  });
  EXPECT_EQ(wrong, 0);
  // The scenario must exercise both the cap and an empty magazine.
  EXPECT_GT(capped, 1000);
  EXPECT_GT(emptied, 1000);
}

// Channels are free at each salvo's start: two saturating salvos whose threats arrive one
// second apart each engage exactly the saturation count of MODEL.md §4 in every trial, as
// if alone. Had the first salvo's engagements kept the channels busy, the second would
// engage far fewer.
TEST(Campaign, ChannelsAreFreeAtEachSalvoStart) {
  GroupToml group;
  group.count = 50;
  group.launch = "{ waves = [[0.0, 50]] }";
  group.flight_time = "{ mean = 1000.0, sd = 0.0 }";
  GroupToml second = group;
  second.name = "missile-2";
  LayerToml layer;
  layer.fire_units = 4;
  layer.engagement_time = 30.0;
  layer.engages[0] = {"missile", 0.5, 1.0, 100.0, 10.0};
  const Plan plan = campaign_plan_of({{0.0, {group}}, {1.0, {second}}}, {layer});
  const std::int64_t expected = 4 * 3;  // C = 4 channels, (W − c − E)/E + 1 = 3 each
  const RecordLayout& layout = plan.layout;
  std::int64_t wrong = 0;
  for_each_trial(plan, 300, 29, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome*) {
    for (std::int64_t s = 0; s < 2; ++s) {
      wrong += record[layout.engaged(s)] != expected ||
               record[layout.salvo_layer_metric(s, 0, LayerMetric::engagements)] != expected ||
               record[layout.salvo_layer_metric(s, 0, LayerMetric::missed_no_channel)] != 50 - expected;
    }
  });
  EXPECT_EQ(wrong, 0);
}

// P(B = k) for B ~ Binomial(n, p).
double binomial_pmf(std::int64_t n, double p, std::int64_t k) {
  const double log_choose = std::lgamma(static_cast<double>(n) + 1.0) - std::lgamma(static_cast<double>(k) + 1.0) -
                            std::lgamma(static_cast<double>(n - k) + 1.0);
  return std::exp(log_choose + static_cast<double>(k) * std::log(p) + static_cast<double>(n - k) * std::log1p(-p));
}

// Magazine depletion across two salvos, against its closed form. One layer, salvo doctrine,
// one shot, channels and windows never short, magazine M, resupply R, capacity K. Salvo 1:
// N1 threats each launched with probability p, so the layer fires B = min(M, Binomial(N1, p)).
// Salvo 2: N2 threats, all launched, meet min(K, M − B + R) interceptors and fire
// F2 = min(N2, min(K, M − B + R)), each killing with pk:
//   E[intercepts in salvo 2] = pk · Σ_b P(B = b) · min(N2, min(K, M − b + R)).
// The plausible wrong answers (no carry-over: a full magazine, pk · min(N2, M); or no
// resupply) are far outside the tolerance.
TEST(Campaign, MagazineDepletionAcrossTwoSalvosMatchesTheClosedForm) {
  const std::int64_t n1 = 30, n2 = 20, magazine = 30, resupply = 5, capacity = 30;
  const double p = 0.6, pk = 0.7;
  GroupToml first;
  first.name = "first";
  first.count = n1;
  first.p_launch = p;
  GroupToml second;
  second.name = "second";
  second.count = n2;
  LayerToml layer;
  layer.interceptors = std::to_string(magazine);
  layer.resupply = resupply;
  layer.capacity = capacity;
  layer.engages[0].pk = pk;
  const Plan plan = campaign_plan_of({{0.0, {first}}, {3600.0, {second}}}, {layer});
  const Results r = run(plan, 40000, 31);

  double fired_2 = 0.0, magazine_2 = 0.0, fired_2_without_resupply = 0.0;
  for (std::int64_t b = 0; b <= n1; ++b) {
    const double weight = binomial_pmf(n1, p, b);
    const std::int64_t left = magazine - std::min(magazine, b);
    magazine_2 += weight * static_cast<double>(std::min(capacity, left + resupply));
    fired_2 += weight * static_cast<double>(std::min(n2, std::min(capacity, left + resupply)));
    fired_2_without_resupply += weight * static_cast<double>(std::min(n2, left));
  }
  const auto fired_metric = static_cast<std::int64_t>(LayerMetric::fired);
  const auto kills_metric = static_cast<std::int64_t>(LayerMetric::intercepts);
  const Estimate fired_in_2{r.value("salvo_layer_mean", {1, 0, fired_metric}), r.value("salvo_layer_se", {1, 0, fired_metric})};
  const Estimate kills_in_2{r.value("salvo_layer_mean", {1, 0, kills_metric}), r.value("salvo_layer_se", {1, 0, kills_metric})};
  const Estimate magazine_at_2{r.value("salvo_magazine_mean", {1, 0}), r.value("salvo_magazine_se", {1, 0})};
  const Estimate kills_in_1{r.value("salvo_layer_mean", {0, 0, kills_metric}), r.value("salvo_layer_se", {0, 0, kills_metric})};
  expect_within_se("magazine at salvo 2", magazine_at_2, magazine_2);
  expect_within_se("fired in salvo 2", fired_in_2, fired_2);
  expect_within_se("intercepts in salvo 2", kills_in_2, pk * fired_2);
  expect_within_se("intercepts in salvo 1", kills_in_1, pk * p * static_cast<double>(n1));
  // Salvo 2's interception rate (of launched threats) and the selection of its threats.
  expect_within_se("rate_launched of salvo 2", rate(r, "salvo:s1", Rate::launched), pk * fired_2 / static_cast<double>(n2));
  expect_within_se("salvo 2's intercepted", fate(r, "salvo:s1", Fate::intercepted), pk * fired_2);
  EXPECT_DOUBLE_EQ(r.value("salvo_magazine_mean", {0, 0}), static_cast<double>(magazine));
  // The check can fail: a full magazine at salvo 2, or no resupply, is far off.
  EXPECT_GT(distance_in_se(fired_in_2, static_cast<double>(std::min(n2, magazine))), wrong_formula_min_se);
  EXPECT_GT(distance_in_se(fired_in_2, fired_2_without_resupply), wrong_formula_min_se);
}

}  // namespace
}  // namespace salvosim
