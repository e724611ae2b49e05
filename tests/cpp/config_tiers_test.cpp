// Target tiers in a config (docs/model.md §2.7): [[tier]] tables, a group's targets and a layer's
// tiers, each rule broken once and reported where it was written.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config_test_support.hpp"
#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::config_test {
namespace {

// Two tiers (lines 1-6), a group aimed at them (7-12) and a layer (14-20).
const std::string tiered = R"([[tier]]
name = "populated"
value = 10.0
[[tier]]
name = "military"
value = 2.0
[[threat]]
name = "mrbm"
count = 10
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 600.0, sd = 20.0 }
targets = { populated = 0.4, military = 0.6 }

[[layer]]
name = "upper"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 20
engages.mrbm = { pk = 0.7, window = { open = 300.0, close = 60.0 } }
)";
const std::string group0 = "threat[0] \"mrbm\"";

TEST(ConfigTiers, ValidScenarioLoads) {
  const Scenario scenario = load_scenario_string(tiered);
  ASSERT_EQ(scenario.tiers.size(), 2u);
  EXPECT_EQ(scenario.tiers[0].name, "populated");
  EXPECT_EQ(scenario.tiers[0].value, 10.0);
  EXPECT_TRUE(scenario.tiers[1].defended);  // the default
  EXPECT_EQ(scenario.threats[0].targets.at("military"), 0.6);
  // Shares that add up to 1 within 1e-9 are accepted.
  EXPECT_NO_THROW(load_scenario_string(edit(tiered, "military = 0.6", "military = 0.6000000005")));
}

TEST(ConfigTiers, SharesMustAddUpToOne) {
  expect_only(edit(tiered, "military = 0.6", "military = 0.5"), group0 + ".targets", 12,
              "must add up to 1 (within 1e-9), but add up to 0.9");
  expect_only(edit(tiered, "military = 0.6", "military = 0.600000002"), group0 + ".targets", 12, "add up to");
  expect_only(edit(tiered, "military = 0.6", "military = 1.5"), group0 + ".targets.military", 12,
              "must be in [0, 1], got 1.5");
  expect_only(edit(tiered, "military = 0.6", "military = \"most\""), group0 + ".targets.military", 12,
              "must be a number");
}

TEST(ConfigTiers, TargetsNameDeclaredTiers) {
  expect_only(edit(tiered, "military = 0.6", "militray = 0.6"), group0 + ".targets.militray", 12,
              "no tier named \"militray\" (did you mean \"military\"?)");
  expect_only(edit(tiered, "targets = { populated = 0.4, military = 0.6 }\n", ""), group0 + ".targets", 7,
              "every group needs targets");
}

TEST(ConfigTiers, DefendedFractionIsRefusedBesideTiers) {
  expect_only(edit(tiered, "targets = {", "defended_fraction = 1.0\ntargets = {"), group0 + ".defended_fraction", 12,
              "aims by targets");
  // Edited in memory, a value other than the default is reported too.
  Scenario scenario = load_scenario_string(tiered);
  scenario.threats[0].defended_fraction = 0.5;
  const std::vector<ConfigProblem> problems = validate(scenario);
  ASSERT_EQ(problems.size(), 1u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, group0 + ".defended_fraction");
}

TEST(ConfigTiers, TargetsNeedTiers) {
  expect_only(edit(base, "p_launch = 0.9", "p_launch = 0.9\ntargets = { populated = 1.0 }"), threat0 + ".targets", 8,
              "targets needs [[tier]] tables");
}

TEST(ConfigTiers, TierNamesAndValues) {
  expect_only(edit(edit(tiered, "name = \"military\"", "name = \"populated\""), "populated = 0.4, military = 0.6",
                   "populated = 1.0"),
              "tier[1] \"populated\".name", 5, "duplicate tier name \"populated\" (first at line 2)");
  for (const char* reserved : {"all", "class:x", "salvo:x", "tier:x"}) {
    const std::string text = edit(edit(tiered, "name = \"military\"", std::string("name = \"") + reserved + "\""),
                                  "military = 0.6", std::string("\"") + reserved + "\" = 0.6");
    expect_only(text, std::string("tier[1] \"") + reserved + "\".name", 5, "are reserved");
  }
  expect_only(edit(tiered, "value = 2.0", "value = -2.0"), "tier[1] \"military\".value", 6, "must be >= 0, got -2");
  expect_only(edit(tiered, "value = 2.0", "value = inf"), "tier[1] \"military\".value", 6, "must be a finite number");
  expect_only(edit(tiered, "value = 2.0", "valeu = 2.0"), "tier[1] \"military\".valeu", 6,
              "unknown key \"valeu\" (did you mean \"value\"?)");
  expect_only(edit(tiered, "value = 2.0", "value = 2.0\ndefended = \"yes\""), "tier[1] \"military\".defended", 7,
              "must be true or false");
}

TEST(ConfigTiers, AtMostSixtyFourTiers) {
  std::string text;
  std::string targets = "targets = { t0 = 1.0 }";
  for (int t = 0; t < 65; ++t) text += "[[tier]]\nname = \"t" + std::to_string(t) + "\"\n";
  text += edit(tiered.substr(tiered.find("[[threat]]")), "targets = { populated = 0.4, military = 0.6 }", targets);
  expect_only(text, "tier[64] \"t64\"", 129, "at most 64 tiers");
}

TEST(ConfigTiers, LayerTiers) {
  const std::string layer = "layer[0] \"upper\"";
  EXPECT_EQ(load_scenario_string(edit(tiered, "interceptors = 20", "interceptors = 20\ntiers = [\"military\"]"))
                .layers[0]
                .tiers,
            (std::vector<std::string>{"military"}));
  expect_only(edit(tiered, "interceptors = 20", "interceptors = 20\ntiers = [\"militry\"]"), layer + ".tiers", 20,
              "no tier named \"militry\" (did you mean \"military\"?)");
  expect_only(edit(tiered, "interceptors = 20", "interceptors = 20\ntiers = [\"military\", \"military\"]"),
              layer + ".tiers", 20, "listed twice");
  expect_only(edit(tiered, "interceptors = 20", "interceptors = 20\ntiers = []"), layer + ".tiers", 20,
              "at least one tier");
  expect_only(edit(tiered, "interceptors = 20", "interceptors = 20\ntiers = \"military\""), layer + ".tiers", 20,
              "must be an array of tier names, got string \"military\"");
  expect_only(edit(tiered, "interceptors = 20", "interceptors = 20\ntiers = [\"military\"]\npoint_defense = true"),
              layer + ".tiers", 20, "not both");
  expect_only(edit(base, "interceptors = 20", "interceptors = 20\ntiers = [\"defended\"]"), layer0 + ".tiers", 15,
              "tiers needs [[tier]] tables");
}

// A rationing rule's `tiers` (docs/model.md §2.3.1), checked as a layer's are, at the rule.
TEST(ConfigTiers, RationTiers) {
  const std::string rule = "layer[0] \"upper\".ration[0]";
  const auto with_rule = [](const std::string& keys) {
    return tiered + "\n[[layer.ration]]\nbelow = 5\n" + keys + "\n";
  };
  const Scenario loaded = load_scenario_string(with_rule("tiers = [\"populated\"]"));
  ASSERT_EQ(loaded.layers[0].rations.size(), 1u);
  EXPECT_EQ(loaded.layers[0].rations[0].tiers, (std::vector<std::string>{"populated"}));
  EXPECT_EQ(load_scenario_string(to_toml(loaded)).layers[0].rations[0].tiers, loaded.layers[0].rations[0].tiers);
  expect_only(with_rule("tiers = [\"populatd\"]"), rule + ".tiers", 24,
              "no tier named \"populatd\" (did you mean \"populated\"?)");
  expect_only(with_rule("tiers = [\"populated\"]\npoint_defense = true"), rule + ".tiers", 24, "not both");
  expect_only(with_rule("tiers = 3"), rule + ".tiers", 24, "must be an array of tier names");
}

}  // namespace
}  // namespace salvosim::config_test
