// Compiling a scenario into the kernel's flat tables (plan.hpp).
#include "salvosim/plan.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim {
namespace {

// Four groups: uniform launch, an empty group, waves, and a group without a class; classes
// "drone" and "ballistic" listed in unsorted order. Three layers: salvo with a magazine,
// shoot-look-shoot limited and unlimited.
const char* const scenario_text = R"([scenario]
name = "plan-test"

[[threat]]
name = "shahed"
class = "drone"
count = 3
launch = { start = 100.0, duration = 60.0 }
flight_time = { mean = 2000.0, sd = 100.0 }
p_launch = 0.9
p_flight = 0.8
defended_fraction = 0.7
cost = 20.0

[[threat]]
name = "spare"
class = "drone"
count = 0
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 2000.0 }

[[threat]]
name = "iskander"
class = "ballistic"
count = 5
launch = { waves = [[10.0, 2], [20.0, 1], [5.0, 2]] }
flight_time = { mean = 400.0, sd = 10.0 }
cost = 1000.0

[[threat]]
name = "loner"
count = 1
launch = { start = 0.0, duration = 0.0 }
flight_time = { mean = 300.0 }

[[layer]]
name = "upper"
fire_units = 2
channels = 3
engagement_time = 60.0
interceptors = 12
shots = 3
coverage = 0.9
point_defense = true
cost = 5.0
engages.ballistic = { pk = 0.3, detect = 0.95, window = { open = 300.0, close = 60.0 } }
engages.iskander = { pk = 0.6, detect = 0.85, window = { open = 250.0, close = 50.0 } }

[[layer]]
name = "middle"
fire_units = 1
channels = 1
engagement_time = 20.0
interceptors = "unlimited"
doctrine = "shoot-look-shoot"
look_time = 5.0
max_engagements = 3
kill_assessment = 0.9
engages.drone = { pk = 1.0, window = { open = 100.0, close = 0.0 } }

[[layer]]
name = "inner"
fire_units = 4
channels = 1
engagement_time = 10.0
interceptors = "unlimited"
shots = 2
doctrine = "shoot-look-shoot"
engages.loner = { pk = 0.0, window = { open = 50.0, close = 5.0 } }
)";

Plan test_plan() { return compile(load_scenario_string(scenario_text, "plan_test")); }

TEST(Compile, ThreatsExpandedInGroupOrder) {
  const Plan plan = test_plan();
  ASSERT_EQ(plan.group_count(), 4);
  EXPECT_EQ(plan.threat_count(), 3 + 0 + 5 + 1);
  EXPECT_EQ(plan.threat_group, (std::vector<std::int32_t>{0, 0, 0, 2, 2, 2, 2, 2, 3}));
  const std::int64_t first[] = {0, 3, 3, 8}, count[] = {3, 0, 5, 1};
  for (std::size_t g = 0; g < 4; ++g) {
    EXPECT_EQ(plan.groups[g].first_threat, first[g]) << g;
    EXPECT_EQ(plan.groups[g].count, count[g]) << g;
  }
  const PlanGroup& shahed = plan.groups[0];
  EXPECT_EQ(shahed.name, "shahed");
  EXPECT_EQ(shahed.threat_class, "drone");
  EXPECT_EQ(shahed.p_launch, 0.9);
  EXPECT_EQ(shahed.p_flight, 0.8);
  EXPECT_EQ(shahed.defended_fraction, 0.7);
  EXPECT_EQ(shahed.flight_mean, 2000.0);
  EXPECT_EQ(shahed.flight_sd, 100.0);
  EXPECT_FALSE(shahed.launch_by_waves);
  EXPECT_EQ(shahed.launch_start, 100.0);
  EXPECT_EQ(shahed.launch_duration, 60.0);
  EXPECT_EQ(plan.groups[3].threat_class, "");
  // Every threat counts in the salvo's cost, launched or not.
  EXPECT_EQ(plan.threat_cost, 3 * 20.0 + 5 * 1000.0);
}

TEST(Compile, WavesAssignedInIndexOrder) {
  const Plan plan = test_plan();
  EXPECT_TRUE(plan.groups[2].launch_by_waves);
  ASSERT_EQ(plan.threat_wave_time.size(), 9u);
  // Waves [[10, 2], [20, 1], [5, 2]] over the group's threats 3..7, in the order written.
  for (std::size_t i : {3u, 4u}) EXPECT_EQ(plan.threat_wave_time[i], 10.0) << i;
  EXPECT_EQ(plan.threat_wave_time[5], 20.0);
  for (std::size_t i : {6u, 7u}) EXPECT_EQ(plan.threat_wave_time[i], 5.0) << i;
}

TEST(Compile, Layers) {
  const Plan plan = test_plan();
  ASSERT_EQ(plan.layer_count(), 3);
  const PlanLayer& upper = plan.layers[0];
  EXPECT_EQ(upper.name, "upper");
  EXPECT_EQ(upper.channels, 6);  // fire_units × channels
  EXPECT_EQ(upper.engagement_time, 60.0);
  EXPECT_EQ(upper.magazine, 12);
  EXPECT_EQ(upper.shots, 3);
  EXPECT_FALSE(upper.shoot_look_shoot);
  EXPECT_EQ(upper.max_engagements, 1);  // salvo: one engagement per threat
  EXPECT_EQ(upper.look_time, 0.0);
  EXPECT_EQ(upper.tier_filter, TierFilter::defended);  // point defence: the defended tier only
  EXPECT_EQ(upper.tier_mask, 0b01u);
  EXPECT_EQ(upper.coverage, 0.9);
  EXPECT_EQ(upper.cost, 5.0);

  const PlanLayer& middle = plan.layers[1];
  EXPECT_EQ(middle.magazine, -1);  // unlimited
  EXPECT_TRUE(middle.shoot_look_shoot);
  EXPECT_EQ(middle.look_time, 5.0);
  EXPECT_EQ(middle.max_engagements, 3);
  EXPECT_EQ(middle.kill_assessment, 0.9);
  EXPECT_EQ(middle.tier_filter, TierFilter::all);
  EXPECT_EQ(middle.tier_mask, 0b11u);

  const PlanLayer& inner = plan.layers[2];
  EXPECT_EQ(inner.channels, 4);
  EXPECT_EQ(inner.max_engagements, std::numeric_limits<std::int64_t>::max());  // unlimited
  EXPECT_EQ(inner.look_time, 0.0);
  EXPECT_EQ(inner.kill_assessment, 1.0);
}

TEST(Compile, EngagementTableGroupNameWinsOverClass) {
  const Plan plan = test_plan();
  ASSERT_EQ(plan.engagements.size(), 3u * 4u);
  // upper: the class entry for nothing left (no other ballistic group), the group entry for
  // iskander, which wins although the class entry also matches.
  const PlanEngagement& iskander = plan.engagement(0, 2);
  EXPECT_TRUE(iskander.engages);
  EXPECT_EQ(iskander.detect, 0.85);
  EXPECT_EQ(iskander.open, 250.0);
  EXPECT_EQ(iskander.close, 50.0);
  EXPECT_NEAR(iskander.kill_probability[1], 0.6, 1e-15);
  EXPECT_FALSE(plan.engagement(0, 0).engages);  // upper does not engage drones
  EXPECT_FALSE(plan.engagement(0, 3).engages);
  // middle: both drone groups through the class entry, with the default detect = 1.
  for (std::int64_t g : {0, 1}) {
    EXPECT_TRUE(plan.engagement(1, g).engages) << g;
    EXPECT_EQ(plan.engagement(1, g).detect, 1.0);
    EXPECT_EQ(plan.engagement(1, g).open, 100.0);
  }
  EXPECT_FALSE(plan.engagement(1, 2).engages);
  // inner: only the classless group, by name.
  EXPECT_TRUE(plan.engagement(2, 3).engages);
  EXPECT_FALSE(plan.engagement(2, 0).engages);
  EXPECT_FALSE(plan.engagement(2, 2).engages);
}

TEST(Compile, GroupEntryWinsWhicheverComesFirst) {
  // Built as structs, so that the order of `engages` is exactly as given.
  Scenario scenario = load_scenario_string(scenario_text, "plan_test");
  Layer& upper = scenario.layers[0];
  ASSERT_EQ(upper.engages.size(), 2u);
  for (int order = 0; order < 2; ++order) {
    std::swap(upper.engages[0], upper.engages[1]);
    const Plan plan = compile(scenario);
    EXPECT_EQ(plan.engagement(0, 2).detect, 0.85) << "order " << order;
    EXPECT_NEAR(plan.engagement(0, 2).kill_probability[1], 0.6, 1e-15) << "order " << order;
  }
}

TEST(Compile, KillProbabilityTable) {
  const Plan plan = test_plan();
  // upper, shots = 3, pk = 0.6 for iskander: 1 − 0.4^n for n = 0..3 (a partial salvo fires fewer).
  const std::vector<double> expected = {0.0, 0.6, 0.84, 0.936};
  const std::vector<double>& table = plan.engagement(0, 2).kill_probability;
  ASSERT_EQ(table.size(), expected.size());
  for (std::size_t n = 0; n < table.size(); ++n) EXPECT_NEAR(table[n], expected[n], 1e-15) << n;
  // pk = 1: certain with any shot; pk = 0: never. One entry per shot count, 0 included.
  EXPECT_EQ(plan.engagement(1, 0).kill_probability, (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(plan.engagement(2, 3).kill_probability, (std::vector<double>{0.0, 0.0, 0.0}));
  EXPECT_TRUE(plan.engagement(0, 0).kill_probability.empty());
}

TEST(Compile, SelectionsGroupsThenSortedClassesThenAll) {
  const Plan plan = test_plan();
  std::vector<std::string> labels;
  for (const Selection& s : plan.selections) labels.push_back(s.label);
  // Groups as written; classes sorted ("drone" was written before "ballistic"); the
  // classless group has no class selection; then all.
  EXPECT_EQ(labels, (std::vector<std::string>{"shahed", "spare", "iskander", "loner", "class:ballistic", "class:drone",
                                              "all"}));
  for (std::int64_t g = 0; g < 4; ++g) {
    EXPECT_EQ(plan.selections[g].kind, Selection::Kind::group);
    EXPECT_EQ(plan.selections[g].groups, (std::vector<std::int64_t>{g}));
  }
  EXPECT_EQ(plan.selections[4].kind, Selection::Kind::threat_class);
  EXPECT_EQ(plan.selections[4].groups, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(plan.selections[5].groups, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(plan.selections[6].kind, Selection::Kind::all);
  EXPECT_EQ(plan.selections[6].groups, (std::vector<std::int64_t>{0, 1, 2, 3}));
}

TEST(Compile, RecordLayoutIsAPermutation) {
  const Plan plan = test_plan();
  const RecordLayout& layout = plan.layout;
  EXPECT_EQ(layout.groups, 4);
  EXPECT_EQ(layout.layers, 3);
  EXPECT_EQ(layout.size(), 4 * (fate_count + 1 + 3) + 3 * layer_metric_count);
  // Every slot is used exactly once.
  std::vector<int> used(static_cast<std::size_t>(layout.size()), 0);
  auto use = [&](std::int64_t k) {
    ASSERT_GE(k, 0);
    ASSERT_LT(k, layout.size());
    ++used[static_cast<std::size_t>(k)];
  };
  for (std::int64_t g = 0; g < 4; ++g) {
    for (std::int64_t f = 0; f < fate_count; ++f) use(layout.fate(g, Fate(f)));
    use(layout.engaged(g));
    for (std::int64_t l = 0; l < 3; ++l) use(layout.group_intercepts(g, l));
  }
  for (std::int64_t l = 0; l < 3; ++l) {
    for (std::int64_t m = 0; m < layer_metric_count; ++m) use(layout.layer_metric(l, LayerMetric(m)));
  }
  for (std::size_t k = 0; k < used.size(); ++k) EXPECT_EQ(used[k], 1) << "slot " << k;
}

// Selection labels share one namespace with group names: "all", "class:...", "salvo:..." and
// "tier:..." are reserved. Loading refuses them at their line, validate() after an edit by key
// path, in a campaign's salvos too, and compile() with them (it validates first).
TEST(Validate, ReservedGroupNamesRefused) {
  for (const std::string name : {"all", "class:drone", "class:", "salvo:x", "tier:open"}) {
    SCOPED_TRACE(name);
    std::string text = scenario_text;
    text.replace(text.find("name = \"loner\""), 14, "name = \"" + name + "\"");
    text.replace(text.find("engages.loner"), 13, "engages.\"" + name + "\"");
    try {
      load_scenario_string(text, "plan_test");
      ADD_FAILURE() << "no ConfigError";
    } catch (const ConfigError& error) {
      ASSERT_EQ(error.problems().size(), 1u) << error.what();
      EXPECT_EQ(error.problems()[0].key_path, "threat[3] \"" + name + "\".name");
      EXPECT_GT(error.problems()[0].line, 0);
      EXPECT_NE(error.problems()[0].message.find("reserved"), std::string::npos) << error.what();
    }

    Scenario campaign = load_scenario_string(scenario_text, "plan_test");
    campaign.threats[3].name = name;
    campaign.layers[2].engages[0].target = name;
    campaign.salvos = {{"first", 0.0, {campaign.threats[0], campaign.threats[1]}},
                       {"second", 1000.0, {campaign.threats[2], campaign.threats[3]}}};
    campaign.threats.clear();
    const std::vector<ConfigProblem> problems = validate(campaign);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].key_path, "salvo[1] \"second\".threat[1] \"" + name + "\".name");
    EXPECT_EQ(problems[0].line, 0);
    EXPECT_THROW(compile(campaign), ConfigError);
  }
  // Look-alikes are ordinary names.
  for (const std::string name : {"All", "all-weather", "class", "classic", "my class:x", "salvo", "salvos:", "tiers"}) {
    SCOPED_TRACE(name);
    Scenario scenario = load_scenario_string(scenario_text, "plan_test");
    scenario.threats[3].name = name;
    scenario.layers[2].engages[0].target = name;
    EXPECT_TRUE(validate(scenario).empty());
    EXPECT_NO_THROW(compile(scenario));
  }
}

// The test scenario as a campaign: salvo "first" with shahed and spare, salvo "second" (at
// 1000 s) with iskander and loner; the upper layer resupplied.
Plan campaign_plan() {
  Scenario scenario = load_scenario_string(scenario_text, "plan_test");
  scenario.salvos = {{"first", 0.0, {scenario.threats[0], scenario.threats[1]}},
                     {"second", 1000.0, {scenario.threats[2], scenario.threats[3]}}};
  scenario.threats.clear();
  scenario.layers[0].resupply = 3;
  scenario.layers[0].capacity = 15;
  return compile(scenario);
}

TEST(CompileCampaign, SalvosNumberGroupsAndThreatsInOrder) {
  const Plan plan = campaign_plan();
  ASSERT_EQ(plan.salvo_count(), 2);
  const PlanSalvo& first = plan.salvos[0];
  const PlanSalvo& second = plan.salvos[1];
  EXPECT_EQ(first.name, "first");
  EXPECT_EQ(second.start, 1000.0);
  EXPECT_EQ(first.first_group, 0);
  EXPECT_EQ(first.group_count, 2);
  EXPECT_EQ(first.first_threat, 0);
  EXPECT_EQ(first.threat_count, 3);
  EXPECT_EQ(second.first_group, 2);
  EXPECT_EQ(second.group_count, 2);
  EXPECT_EQ(second.first_threat, 3);
  EXPECT_EQ(second.threat_count, 6);
  EXPECT_EQ(first.threat_cost, 3 * 20.0);
  EXPECT_EQ(second.threat_cost, 5 * 1000.0);
  EXPECT_EQ(plan.threat_cost, 3 * 20.0 + 5 * 1000.0);
  // Launch times count from the salvo's start.
  EXPECT_EQ(plan.groups[0].launch_start, 100.0);
  EXPECT_EQ(plan.groups[3].launch_start, 1000.0);
  const std::vector<double> waves(plan.threat_wave_time.begin() + 3, plan.threat_wave_time.begin() + 8);
  EXPECT_EQ(waves, (std::vector<double>{1010.0, 1010.0, 1020.0, 1005.0, 1005.0}));
}

TEST(CompileCampaign, EachLayersEngagedGroupsSplitBySalvo) {
  const Plan plan = campaign_plan();
  EXPECT_EQ(plan.layers[0].engaged_groups, (std::vector<std::int32_t>{2}));
  EXPECT_EQ(plan.layers[0].salvo_engaged_end, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(plan.layers[1].engaged_groups, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(plan.layers[1].salvo_engaged_end, (std::vector<std::int32_t>{2, 2}));
  EXPECT_EQ(plan.layers[2].salvo_engaged_end, (std::vector<std::int32_t>{0, 1}));
  // Magazines: resupply and capacity for a finite magazine, none for an unlimited one.
  EXPECT_EQ(plan.layers[0].magazine, 12);
  EXPECT_EQ(plan.layers[0].deliveries, (std::vector<std::int64_t>{0, 3}));  // none at the first salvo
  EXPECT_EQ(plan.layers[0].received, 15);
  EXPECT_EQ(plan.layers[0].capacity, 15);
  EXPECT_EQ(plan.layers[1].deliveries, (std::vector<std::int64_t>{0, 0}));
  EXPECT_EQ(plan.layers[1].received, -1);
  EXPECT_EQ(plan.layers[1].capacity, -1);
  EXPECT_EQ(test_plan().layers[0].capacity, 12);  // by default, the initial magazine
}

TEST(CompileCampaign, SelectionsOfEachSalvoBeforeAll) {
  const Plan plan = campaign_plan();
  std::vector<std::string> labels;
  for (const Selection& s : plan.selections) labels.push_back(s.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"shahed", "spare", "iskander", "loner", "class:ballistic", "class:drone",
                                              "salvo:first", "salvo:second", "all"}));
  EXPECT_EQ(plan.selections[6].kind, Selection::Kind::salvo);
  EXPECT_EQ(plan.selections[6].groups, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(plan.selections[7].groups, (std::vector<std::int64_t>{2, 3}));
  // A campaign of one salvo has no salvo selection: its salvo is "all".
  for (const Selection& s : test_plan().selections) EXPECT_NE(s.kind, Selection::Kind::salvo) << s.label;
  EXPECT_EQ(test_plan().salvo_count(), 1);
}

TEST(CompileCampaign, RecordLayoutIsAPermutation) {
  const Plan plan = campaign_plan();
  const RecordLayout& layout = plan.layout;
  EXPECT_EQ(layout.salvos, 2);
  EXPECT_EQ(layout.campaign_size(), test_plan().layout.size());
  EXPECT_EQ(layout.size(), layout.campaign_size() + 2 * 3 * (layer_metric_count + 1));
  std::vector<int> used(static_cast<std::size_t>(layout.size()), 0);
  for (std::int64_t k = 0; k < layout.campaign_size(); ++k) ++used[static_cast<std::size_t>(k)];
  for (std::int64_t s = 0; s < 2; ++s) {
    for (std::int64_t l = 0; l < 3; ++l) {
      for (std::int64_t m = 0; m < layer_metric_count; ++m) {
        ++used.at(static_cast<std::size_t>(layout.salvo_layer_metric(s, l, LayerMetric(m))));
      }
      ++used.at(static_cast<std::size_t>(layout.salvo_magazine(s, l)));
    }
  }
  for (std::size_t k = 0; k < used.size(); ++k) EXPECT_EQ(used[k], 1) << "slot " << k;
}

TEST(Compile, InvalidScenarioThrowsConfigError) {
  Scenario scenario = load_scenario_string(scenario_text, "plan_test");
  scenario.layers[0].engages[0].pk = 1.5;
  EXPECT_THROW(compile(scenario), ConfigError);
}

}  // namespace
}  // namespace salvosim
