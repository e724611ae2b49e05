// What the tests of the tallies and of the published observables share: a plan of three
// groups in two classes and two layers, and one trial's record filled in by hand.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"

namespace salvosim::test_support {

// Three groups in two classes, two layers with interceptor costs 100 and 2.5: selections a,
// b, c, class:cruise, class:drone, all.
inline Plan three_group_plan() {
  return compile(load_scenario_string(R"([scenario]
name = "three-groups"

[[threat]]
name = "a"
class = "drone"
count = 4
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }

[[threat]]
name = "b"
class = "cruise"
count = 2
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }

[[threat]]
name = "c"
class = "drone"
count = 3
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }

[[layer]]
name = "outer"
fire_units = 1
channels = 1
engagement_time = 10.0
interceptors = "unlimited"
cost = 100.0
engages.drone = { pk = 0.5, window = { open = 300.0, close = 0.0 } }

[[layer]]
name = "inner"
fire_units = 1
channels = 1
engagement_time = 10.0
interceptors = "unlimited"
cost = 2.5
engages.cruise = { pk = 0.5, window = { open = 100.0, close = 0.0 } }
)",
                                      "three_groups"));
}

struct GroupCounts {
  std::int64_t fates[fate_count];
  std::int64_t engaged;
  std::int64_t intercepts[2];
};
struct LayerCounts {
  std::int64_t metrics[layer_metric_count];
};

// Fates are launch_failure, flight_failure, intercepted, leaked_defended, leaked_open; layer
// metrics engagements, fired, intercepts, missed_window, missed_no_channel, missed_magazine.
inline std::vector<std::int64_t> make_record(const Plan& plan, const std::vector<GroupCounts>& groups,
                                             const std::vector<LayerCounts>& layers) {
  const RecordLayout& layout = plan.layout;
  std::vector<std::int64_t> record(static_cast<std::size_t>(layout.size()), -999);
  auto at = [&](std::int64_t k) -> std::int64_t& { return record[static_cast<std::size_t>(k)]; };
  for (std::int64_t g = 0; g < 3; ++g) {
    const GroupCounts& c = groups[static_cast<std::size_t>(g)];
    for (std::int64_t f = 0; f < fate_count; ++f) at(layout.fate(g, Fate(f))) = c.fates[f];
    at(layout.engaged(g)) = c.engaged;
    for (std::int64_t l = 0; l < 2; ++l) at(layout.group_intercepts(g, l)) = c.intercepts[l];
  }
  for (std::int64_t l = 0; l < 2; ++l) {
    for (std::int64_t m = 0; m < layer_metric_count; ++m) {
      at(layout.layer_metric(l, LayerMetric(m))) = layers[static_cast<std::size_t>(l)].metrics[m];
    }
  }
  for (std::int64_t v : record) EXPECT_NE(v, -999) << "the layout has a slot the test did not fill";
  return record;
}

// Fates are launch_failure, flight_failure, intercepted, leaked_defended, leaked_open; layer
// metrics engagements, fired, intercepts, missed_window, missed_no_channel, missed_magazine.
// Two trials of three_group_plan(): in the first, group b is never engaged; in the second,
// everything is intercepted.
inline std::vector<std::int64_t> trial_one(const Plan& plan) {
  return make_record(plan,
                     {{{1, 0, 2, 1, 0}, 3, {1, 1}},   // a: 3 launched, 2 intercepted
                      {{0, 0, 0, 2, 0}, 0, {0, 0}},   // b: never engaged
                      {{0, 1, 1, 0, 1}, 1, {0, 1}}},  // c: 3 launched, 1 intercepted
                     {{{4, 5, 1, 1, 0, 2}}, {{3, 3, 2, 0, 1, 0}}});
}

inline std::vector<std::int64_t> trial_two(const Plan& plan) {
  return make_record(plan,
                     {{{0, 0, 4, 0, 0}, 4, {4, 0}},  // everything intercepted: every rate is 1
                      {{0, 0, 2, 0, 0}, 2, {0, 2}},
                      {{0, 0, 3, 0, 0}, 3, {3, 0}}},
                     {{{7, 7, 7, 0, 0, 0}}, {{2, 4, 2, 0, 0, 0}}});
}

}  // namespace salvosim::test_support
