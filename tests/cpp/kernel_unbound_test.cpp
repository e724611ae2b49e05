// The kernel's unbound path (kernel.cpp serve_unbound): where neither the channels nor the
// magazine can couple a layer's requests, each threat is worked out alone instead of serving the
// requests in order. It must give what serving them in order gives, to the bit: every record
// and every threat's fate and killer, on every shipped scenario and on versions of them with
// fewer channels and interceptors, where the path applies on some trials and not on others.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel_test_support.hpp"
#include "salvosim/config.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim {
namespace {

// Each trial's record, fates and killers (kernel_test_support.hpp's TrialData), from one
// scratch, which the tests need to reach (run_trials, which trial_data uses, does not expose
// it): whether it may take the unbound path, and how often it did.
struct KernelRun {
  kernel_test::TrialData data;
  std::int64_t unbound_served = 0;
};

KernelRun run_kernel(const Plan& plan, std::int64_t trials, bool try_unbound) {
  KernelScratch scratch(plan);
  scratch.try_unbound = try_unbound;
  KernelRun out;
  std::vector<std::int64_t> record(static_cast<std::size_t>(plan.layout.size()));
  std::vector<ThreatOutcome> outcomes(static_cast<std::size_t>(plan.threat_count()));
  for (std::int64_t t = 0; t < trials; ++t) {
    simulate_trial(plan, 11, static_cast<std::uint64_t>(t), scratch, record.data(), outcomes.data());
    out.data.add(plan, record.data(), outcomes.data());
  }
  out.unbound_served = scratch.unbound_served;
  return out;
}

// Every layer's channels and magazine divided by `divisor` (at least 1 left), so that they bind.
Scenario tightened(Scenario scenario, std::int64_t divisor) {
  for (Layer& layer : scenario.layers) {
    layer.channels = std::max<std::int64_t>(1, layer.channels / divisor);
    if (layer.interceptors && *layer.interceptors > 0) {
      layer.interceptors = std::max<std::int64_t>(1, *layer.interceptors / divisor);
      if (layer.capacity) layer.capacity = std::max(*layer.capacity, *layer.interceptors);
    }
  }
  return scenario;
}

// A magazine that the first group empties exactly (2 interceptors, 2 threats, one shot each,
// a sure hit) and a later group whose window is always missed: serving in order counts the
// later requests as magazine misses, as the magazine is checked first. Had the unbound path
// taken "fires no more than it holds" (instead of fewer) for unbound, it would count them as
// window misses.
constexpr const char* emptied_exactly = R"(
[[threat]]
name = "first"
count = 2
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 600.0 }

[[threat]]
name = "later"
class = "late"
count = 3
launch = { start = 1000.0, duration = 10.0 }
flight_time = { mean = 600.0 }

[[layer]]
name = "only"
fire_units = 4
channels = 1
engagement_time = 60.0
interceptors = 2
shots = 1
engages.first = { pk = 1.0, window = { open = 300.0, close = 60.0 } }
engages.late = { pk = 1.0, window = { open = 30.0, close = 20.0 } }
)";

TEST(UnboundPath, RefusesAMagazineEmptiedExactly) {
  const Plan plan = compile(load_scenario_string(emptied_exactly, "emptied exactly"));
  const KernelRun in_order = run_kernel(plan, 50, false);
  const KernelRun unbound = run_kernel(plan, 50, true);
  EXPECT_EQ(in_order.data.records[static_cast<std::size_t>(plan.layout.layer_metric(0, LayerMetric::missed_magazine))],
            3);
  EXPECT_TRUE(unbound.data.records == in_order.data.records);
  EXPECT_TRUE(unbound.data.fates == in_order.data.fates);
}

TEST(UnboundPath, GivesWhatServingInOrderGives) {
  std::int64_t served_somewhere = 0, with_fallbacks = 0;
  for (const char* name :
       {"example.toml", "true_promise_1.toml", "true_promise_1_illustrative.toml", "true_promise_2.toml",
        "june_2025.toml", "campaign_example.toml", "saturation.toml", "large_raid.toml"}) {
    const Scenario shipped = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/" + name);
    for (const std::int64_t divisor : {1, 2, 4}) {
      SCOPED_TRACE(std::string(name) + ", channels and magazines / " + std::to_string(divisor));
      const Scenario scenario = tightened(shipped, divisor);
      ASSERT_TRUE(validate(scenario).empty());
      const Plan plan = compile(scenario);
      const std::int64_t trials = plan.threat_count() > 2000 ? 20 : 300;
      const KernelRun in_order = run_kernel(plan, trials, false);
      const KernelRun unbound = run_kernel(plan, trials, true);
      EXPECT_EQ(in_order.unbound_served, 0);
      EXPECT_TRUE(unbound.data.records == in_order.data.records);
      EXPECT_TRUE(unbound.data.fates == in_order.data.fates);
      EXPECT_TRUE(unbound.data.killers == in_order.data.killers);
      EXPECT_TRUE(unbound.data.tiers == in_order.data.tiers);
      served_somewhere += unbound.unbound_served > 0;
      const std::int64_t layer_salvos = trials * plan.layer_count() * plan.salvo_count();
      with_fallbacks += unbound.unbound_served > 0 && unbound.unbound_served < layer_salvos;
    }
  }
  // Not vacuous: the path was taken, and in some runs also refused.
  EXPECT_GE(served_somewhere, 12);
  EXPECT_GE(with_fallbacks, 6);
}

}  // namespace
}  // namespace salvosim
