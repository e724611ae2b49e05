// Campaigns in a scenario file (config.hpp): [[salvo]] tables with their groups, and the rules of
// salvos, resupply and capacity.
#include <gtest/gtest.h>

#include <string>

#include "config_test_support.hpp"
#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::config_test {
namespace {

TEST(ConfigCampaign, LoadsSalvosGroupsAndMagazines) {
  ASSERT_TRUE(problems_of(campaign).empty()) << listing(problems_of(campaign));
  const Scenario s = load_scenario_string(campaign, "test.toml");
  EXPECT_TRUE(s.threats.empty());
  ASSERT_EQ(s.salvos.size(), 2u);
  EXPECT_EQ(s.salvos[0].name, "first");
  EXPECT_EQ(s.salvos[1].start, 3600.0);
  ASSERT_EQ(s.salvos[1].threats.size(), 1u);
  EXPECT_EQ(s.salvos[1].threats[0].name, "srbm");
  EXPECT_EQ(s.salvos[1].threats[0].launch.kind, LaunchSpec::Kind::waves);
  EXPECT_EQ(s.layers[0].resupply, 4);
  EXPECT_FALSE(s.layers[0].capacity.has_value());
  EXPECT_EQ(load_scenario_string(campaign + "capacity = 30\n").layers[0].capacity, 30);
  // Positions are recorded under the salvo's key path.
  EXPECT_EQ(s.positions.at(salvo1 + ".threat[0] \"srbm\".count").line, 16);
}

TEST(ConfigCampaign, GroupRulesAreReportedInsideTheirSalvo) {
  expect_only(edit(campaign, "count = 10", "count = -10"), salvo0 + ".threat[0] \"mrbm\".count", 7,
              "must be an integer >= 0, got -10");
  expect_only(edit(campaign, "waves = [[0.0, 5]]", "waves = [[0.0, 4]]"), salvo1 + ".threat[0] \"srbm\".launch.waves",
              17, "waves add up to 4, but count is 5");
}

TEST(ConfigCampaign, GroupNamesAreUniqueAcrossTheCampaign) {
  expect_only(edit(campaign, "name = \"srbm\"", "name = \"mrbm\""), salvo1 + ".threat[0] \"mrbm\".name", 14,
              "duplicate threat name \"mrbm\" (first at line 5)");
}

TEST(ConfigCampaign, SalvoNamesPresentAndUnique) {
  expect_only(edit(campaign, "name = \"second\"", "name = \"first\""), "salvo[1] \"first\".name", 11,
              "duplicate salvo name \"first\" (first at line 2)");
  expect_only(edit(campaign, "name = \"second\"", "name = \"\""), "salvo[1].name", 11, "must not be empty");
  expect_only(edit(campaign, "name = \"second\"\n", "\n"), "salvo[1]", 10, "missing required key \"name\"");
}

TEST(ConfigCampaign, StartsStrictlyIncreasing) {
  expect_only(edit(campaign, "start = 3600.0", "start = 0.0"), salvo1 + ".start", 12,
              "salvos must start in strictly increasing order: 0 is not after the start of salvo[0] \"first\" (0)");
  expect_only(edit(campaign, "start = 3600.0", "start = -1.0"), salvo1 + ".start", 12, "strictly increasing");
  expect_only(edit(campaign, "start = 3600.0", "start = inf"), salvo1 + ".start", 12, "must be a finite number");
  expect_only(edit(campaign, "start = 3600.0\n", "\n"), salvo1, 10, "missing required key \"start\"");
}

TEST(ConfigCampaign, EverySalvoHasGroups) {
  const std::string no_groups = edit(campaign,
                                     "[[salvo.threat]]\nname = \"srbm\"\nclass = \"ballistic\"\ncount = 5\n"
                                     "launch = { waves = [[0.0, 5]] }\nflight_time = { mean = 300.0 }\n",
                                     "");
  expect_only(no_groups, salvo1 + ".threat", 10, "no [[salvo.threat]] groups: a salvo needs at least one");
}

TEST(ConfigCampaign, TopLevelThreatsBesideSalvosAreAnError) {
  const std::string threats = base.substr(0, base.find("[[layer]]"));
  const auto problems = problems_of(threats + campaign);
  ASSERT_EQ(problems.size(), 1u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, "threat");
  EXPECT_TRUE(contains(problems[0].message,
                       "a campaign ([[salvo]] tables) takes its threat groups inside its "
                       "salvos, as [[salvo.threat]]"));
}

TEST(ConfigCampaign, ASalvosGroupsMustBeAnArrayOfTables) {
  expect_only(edit(campaign, "[[salvo.threat]]", "[salvo.threat]"), salvo0 + ".threat", 4,
              "must be an array of tables (write [[salvo.threat]]), got table");
}

TEST(ConfigCampaign, UnknownKeysInASalvo) {
  expect_only(edit(campaign, "start = 3600.0", "start = 3600.0\nstrat = 1.0"), salvo1 + ".strat", 13,
              "unknown key \"strat\" (did you mean \"start\"?)");
  expect_only(edit(campaign, "[[salvo.threat]]\nname = \"srbm\"", "[[salvo.threat]]\nname = \"srbm\"\nconut = 1"),
              salvo1 + ".threat[0] \"srbm\".conut", 15, "unknown key \"conut\" (did you mean \"count\"?)");
}

TEST(ConfigCampaign, EngagesMayNameGroupsOfAnySalvo) {
  const std::string both = edit(campaign, "engages.ballistic",
                                "engages.srbm = { pk = 0.5, window = { open = 100.0, "
                                "close = 0.0 } }\nengages.ballistic");
  EXPECT_TRUE(problems_of(both).empty()) << listing(problems_of(both));
  expect_only(edit(campaign, "engages.ballistic", "engages.srmb"), layer0 + ".engages.srmb", 27,
              "engages \"srmb\": no threat group or class of that name (did you mean \"srbm\"?)");
}

TEST(ConfigCampaign, ResupplyAndCapacity) {
  expect_only(edit(campaign, "resupply = 4", "resupply = -1"), layer0 + ".resupply", 26,
              "must be an integer >= 0, got -1");
  expect_only(campaign + "capacity = 19\n", layer0 + ".capacity", 28,
              "must be >= interceptors (20), the magazine at the campaign's start; got 19");
  EXPECT_TRUE(problems_of(campaign + "capacity = 20\n").empty());
  expect_only(campaign + "capacity = 2.5\n", layer0 + ".capacity", 28, "must be an integer, got float 2.5");
  expect_only(edit(campaign, "interceptors = 20", "interceptors = \"unlimited\""), layer0 + ".resupply", 26,
              "applies only to a finite magazine, but this layer's interceptors are \"unlimited\"");
  // The keys are valid in a plain scenario too (a campaign of one never resupplies).
  EXPECT_TRUE(problems_of(base + "resupply = 3\ncapacity = 25\n").empty());
}

}  // namespace
}  // namespace salvosim::config_test
