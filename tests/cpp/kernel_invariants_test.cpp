// The kernel (kernel.hpp): the exact invariants every trial must satisfy, in a scenario with
// everything switched on.
#include <gtest/gtest.h>

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
        fail_once(at + "threat " + std::to_string(i) + " has fate " + fate_names[o.fate] + " and intercept layer " +
                  std::to_string(o.intercept_layer));
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

}  // namespace
}  // namespace salvosim::kernel_test
