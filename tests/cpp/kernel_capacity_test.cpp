// The kernel (kernel.hpp) when channels or magazines run short: the exact number engaged in every
// trial, and never more fired than the magazine holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ostream>
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
// Saturation: N threats with one impact time T, window [T − W, T − c], C channels, salvo,
// unlimited magazine: exactly min(N, C·(⌊(W − c − E)/E⌋ + 1)) engaged in every trial. The
// values are exact in binary, so boundary cases (W − c a multiple of E) are decided exactly.

struct SaturationCase {
  std::int64_t n;
  std::int64_t fire_units;
  std::int64_t channels;
  double open;             // W
  double close;            // c
  double engagement_time;  // E
};
std::ostream& operator<<(std::ostream& out, const SaturationCase& c) {
  return out << "{N " << c.n << ", C " << c.fire_units << " x " << c.channels << ", W " << c.open << ", c " << c.close
             << ", E " << c.engagement_time << "}";
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
                    << record[layout.layer_metric(0, LayerMetric::missed_no_channel)] << "; expected " << expected
                    << " engaged";
    }
  });
  EXPECT_EQ(wrong, 0) << "trials with a wrong count";
}

INSTANTIATE_TEST_SUITE_P(SeveralShapes, SaturationTest,
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
                    record[layout.layer_metric(0, LayerMetric::missed_magazine)] == 7 && record[layout.engaged(0)] == 3;
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
      ADD_FAILURE() << "trial " << trial << ": fired " << fired << " in " << engagements << " engagements, " << refused
                    << " refused, magazine " << magazine << ", shots " << s;
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

}  // namespace
}  // namespace salvosim::kernel_test
