// The kernel (kernel.hpp) with several layers: coverage, detection and point defence against their
// closed forms, and which engages entry a group takes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernel_test_support.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"

namespace salvosim::kernel_test {
namespace {

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
    return Expected{
        n * (1.0 - pl),           n * pl * d * l1 * l2_defended,     n * pl * (1.0 - d) * l1 * l2_open,
        n * pl * c1 * (1.0 - s1), n * pl * d * l1 * c2 * (1.0 - s2), n * pl * (1.0 - (1.0 - c1) * (1.0 - d * c2))};
  };
  const Expected ea = expected_for(a), eb = expected_for(b);
  const Expected both{ea.launch_failure + eb.launch_failure,
                      ea.leaked_defended + eb.leaked_defended,
                      ea.leaked_open + eb.leaked_open,
                      ea.outer + eb.outer,
                      ea.inner + eb.inner,
                      ea.engaged + eb.engaged};

  const std::vector<std::pair<std::string, Expected>> cases = {{"cruise-a", ea},
                                                               {"cruise-b", eb},
                                                               {"class:cruise", both},
                                                               {"all", both}};
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
  EXPECT_GT(distance_in_se(fate(r, "cruise-a", Fate::leaked_open), ea.leaked_open * l2_defended), wrong_formula_min_se);
  EXPECT_GT(distance_in_se(intercepts(r, "cruise-a", 0), 20 * 0.9 * 0.8 * (1.0 - s1)), wrong_formula_min_se);
  EXPECT_GT(distance_in_se(intercepts(r, "cruise-a", 0), 20 * 0.9 * 0.9 * (1.0 - s1)), wrong_formula_min_se);
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

}  // namespace
}  // namespace salvosim::kernel_test
