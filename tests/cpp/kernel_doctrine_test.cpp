// The kernel (kernel.hpp) against the closed forms of MODEL.md §4 for one layer's doctrine: a salvo
// of shots, and shoot-look-shoot with kill assessment and a limit on engagements.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <ostream>

#include "kernel_test_support.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"

namespace salvosim::kernel_test {
namespace {

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
                         ::testing::Values(SalvoCase{0.3, 1}, SalvoCase{0.5, 2}, SalvoCase{0.7, 3}, SalvoCase{0.9, 1},
                                           SalvoCase{0.25, 4},
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
  expect_within_se("engagements", layer_metric(r, 0, LayerMetric::engagements), n * sls_mean_engagements(q, a, m));
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

INSTANTIATE_TEST_SUITE_P(AssessmentAndMaxEngagements, ShootLookShootTest,
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
  expect_within_se("engagements", layer_metric(r, 0, LayerMetric::engagements), n * sls_mean_engagements(0.7, 1.0, 7));
  // Power: one engagement fewer or more.
  EXPECT_GT(distance_in_se(fate(r, "missile", Fate::leaked_defended), n * std::pow(0.7, 6.0)), wrong_formula_min_se);
  EXPECT_GT(distance_in_se(fate(r, "missile", Fate::leaked_defended), n * std::pow(0.7, 8.0)), wrong_formula_min_se);
}

}  // namespace
}  // namespace salvosim::kernel_test
