// to_toml (config.hpp): what it writes loads back to the same scenario, every field, and is stable.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "config_test_support.hpp"
#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::config_test {
namespace {

void expect_same_groups(const std::vector<ThreatGroup>& a, const std::vector<ThreatGroup>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t g = 0; g < a.size(); ++g) {
    const ThreatGroup& x = a[g];
    const ThreatGroup& y = b[g];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.threat_class, y.threat_class);
    EXPECT_EQ(x.count, y.count);
    EXPECT_EQ(x.launch.kind, y.launch.kind);
    EXPECT_EQ(x.launch.start, y.launch.start);
    EXPECT_EQ(x.launch.duration, y.launch.duration);
    ASSERT_EQ(x.launch.waves.size(), y.launch.waves.size());
    for (std::size_t w = 0; w < x.launch.waves.size(); ++w) {
      EXPECT_EQ(x.launch.waves[w].time, y.launch.waves[w].time);
      EXPECT_EQ(x.launch.waves[w].count, y.launch.waves[w].count);
    }
    EXPECT_EQ(x.flight_time.mean, y.flight_time.mean);
    EXPECT_EQ(x.flight_time.sd, y.flight_time.sd);
    EXPECT_EQ(x.p_launch, y.p_launch);
    EXPECT_EQ(x.p_flight, y.p_flight);
    EXPECT_EQ(x.defended_fraction, y.defended_fraction);
    EXPECT_EQ(x.cost, y.cost);
    EXPECT_EQ(x.targets, y.targets);
  }
}

void expect_same_scenario(const Scenario& a, const Scenario& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  expect_same_groups(a.threats, b.threats);
  ASSERT_EQ(a.tiers.size(), b.tiers.size());
  for (std::size_t t = 0; t < a.tiers.size(); ++t) {
    EXPECT_EQ(a.tiers[t].name, b.tiers[t].name);
    EXPECT_EQ(a.tiers[t].value, b.tiers[t].value);
    EXPECT_EQ(a.tiers[t].defended, b.tiers[t].defended);
  }
  ASSERT_EQ(a.salvos.size(), b.salvos.size());
  for (std::size_t s = 0; s < a.salvos.size(); ++s) {
    EXPECT_EQ(a.salvos[s].name, b.salvos[s].name);
    EXPECT_EQ(a.salvos[s].start, b.salvos[s].start);
    expect_same_groups(a.salvos[s].threats, b.salvos[s].threats);
  }
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    const Layer& x = a.layers[l];
    const Layer& y = b.layers[l];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.fire_units, y.fire_units);
    EXPECT_EQ(x.channels, y.channels);
    EXPECT_EQ(x.engagement_time, y.engagement_time);
    EXPECT_EQ(x.interceptors, y.interceptors);
    EXPECT_EQ(x.resupply, y.resupply);
    EXPECT_EQ(x.capacity, y.capacity);
    EXPECT_EQ(x.shots, y.shots);
    EXPECT_EQ(x.doctrine, y.doctrine);
    EXPECT_EQ(x.look_time, y.look_time);
    EXPECT_EQ(x.max_engagements, y.max_engagements);
    EXPECT_EQ(x.kill_assessment, y.kill_assessment);
    EXPECT_EQ(x.point_defense, y.point_defense);
    EXPECT_EQ(x.tiers, y.tiers);
    EXPECT_EQ(x.coverage, y.coverage);
    EXPECT_EQ(x.cost, y.cost);
    // TOML tables have no order: match `engages` entries by target.
    ASSERT_EQ(x.engages.size(), y.engages.size());
    for (const EngagementSpec& ex : x.engages) {
      const auto ey = std::find_if(y.engages.begin(), y.engages.end(),
                                   [&](const EngagementSpec& e) { return e.target == ex.target; });
      ASSERT_NE(ey, y.engages.end()) << ex.target;
      EXPECT_EQ(ex.pk, ey->pk);
      EXPECT_EQ(ex.detect, ey->detect);
      EXPECT_EQ(ex.window.open, ey->window.open);
      EXPECT_EQ(ex.window.close, ey->window.close);
    }
  }
  EXPECT_EQ(a.published, b.published);
}

TEST(ToToml, ShippedScenariosRoundTrip) {
  for (const char* name : {"example.toml", "true_promise_1_illustrative.toml", "saturation.toml", "true_promise_1.toml",
                           "true_promise_2.toml", "campaign_example.toml", "june_2025.toml"}) {
    SCOPED_TRACE(name);
    const Scenario original = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/" + name);
    const std::string text = to_toml(original);
    const Scenario again = load_scenario_string(text, "round trip");
    expect_same_scenario(original, again);
    EXPECT_EQ(to_toml(again), text);
  }
}

// Tiers (docs/model.md §2.7): the [[tier]] tables, each group's targets and a layer's tiers are
// written back, and defended_fraction, which the loader refuses beside them, is not.
TEST(ToToml, TiersRoundTrip) {
  const Scenario original = load_scenario_string(R"([[tier]]
name = "populated"
value = 10.5
[[tier]]
name = "air base"
[[tier]]
name = "open"
value = 0
defended = false
[[threat]]
name = "mrbm"
count = 10
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 600.0 }
targets = { populated = 0.25, "air base" = 0.5, open = 0.25 }
[[layer]]
name = "upper"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 20
tiers = ["air base", "populated"]
engages.mrbm = { pk = 0.7, window = { open = 300.0, close = 60.0 } }
[[layer]]
name = "lower"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 20
point_defense = true
engages.mrbm = { pk = 0.7, window = { open = 300.0, close = 60.0 } }
)");
  ASSERT_EQ(original.tiers.size(), 3u);
  EXPECT_EQ(original.tiers[1].value, 1.0);
  EXPECT_FALSE(original.tiers[2].defended);
  EXPECT_EQ(original.threats[0].targets.at("air base"), 0.5);
  EXPECT_EQ(original.layers[0].tiers, (std::vector<std::string>{"air base", "populated"}));
  EXPECT_FALSE(original.layers[1].tiers.has_value());
  const std::string text = to_toml(original);
  EXPECT_EQ(text.find("defended_fraction"), std::string::npos) << text;
  const Scenario again = load_scenario_string(text, "round trip");
  expect_same_scenario(original, again);
  EXPECT_EQ(to_toml(again), text);
}

TEST(ToToml, EditedValuesAndAwkwardTextRoundTrip) {
  Scenario scenario = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/example.toml");
  scenario.description = "quotes \" and \\ backslash,\ttab and ünïcode";
  scenario.layers[0].interceptors = std::nullopt;  // unlimited
  scenario.layers[0].max_engagements = 3;
  scenario.layers[1].engages[0].pk = 0.1 + 0.2;  // not a short decimal
  scenario.threats[0].launch.duration = 1e-7;
  scenario.layers[1].engages[0].target = "shahed";  // a group name instead of a class
  scenario.threats[1].threat_class = "";            // no class at all
  scenario.layers[0].engages[0].target = "mrbm";
  const Scenario again = load_scenario_string(to_toml(scenario));
  expect_same_scenario(scenario, again);
}

}  // namespace
}  // namespace salvosim::config_test
