// The kernel (kernel.hpp) with launch and flight failures, against the closed forms of MODEL.md §4.
#include <gtest/gtest.h>

#include <cstdint>

#include "kernel_test_support.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"

namespace salvosim::kernel_test {
namespace {

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
// DISABLED: the kernel (and tests/reference_model/reference.py) mark a threat found gone at one layer's start
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

}  // namespace
}  // namespace salvosim::kernel_test
