// Keys of a scenario file (config.hpp): unknown (with "did you mean"), missing, or of the wrong type,
// each reported with its key path and line.
#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "salvosim/config.hpp"

namespace salvosim::config_test {
namespace {

// ---- Keys: unknown, missing, of the wrong type --------------------------------------------

TEST(ConfigKeys, UnknownKeyWithDidYouMean) {
  expect_only(edit(base, "{ pk = 0.7,", "{ pk = 0.7, pK = 0.7,"), layer0 + ".engages.ballistic.pK", 15,
              "unknown key \"pK\" (did you mean \"pk\"?)");
  expect_only(edit(base, "p_launch = 0.9", "p_lanch = 0.9"), threat0 + ".p_lanch", 7,
              "unknown key \"p_lanch\" (did you mean \"p_launch\"?)");
}

TEST(ConfigKeys, UnknownKeyFarFromAnyGivesNoSuggestion) {
  const auto problems = problems_of(base + "colour = \"red\"\n");
  expect_only(problems, layer0 + ".colour", 16, "unknown key \"colour\"");
  EXPECT_FALSE(contains(problems.at(0).message, "did you mean"));
}

TEST(ConfigKeys, UnknownTopLevelTables) {
  // Every top-level table of issue 6 is known ([[salvo]], [published]); an unknown key in one,
  // or a misspelt table, is reported with a suggestion.
  const auto problems = problems_of(base + "[published]\nrate = 0.9\n[threats]\n");
  ASSERT_EQ(problems.size(), 2u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, "published.rate");
  EXPECT_EQ(problems[0].line, 17);
  EXPECT_EQ(problems[1].key_path, "threats");
  EXPECT_TRUE(contains(problems[1].message, "(did you mean \"threat\"?)"));
}

TEST(ConfigKeys, UnknownKeyInScenarioAndNestedTables) {
  expect_only("[scenario]\nnmae = \"x\"\n" + base, "scenario.nmae", 2, "did you mean \"name\"?");
  expect_only(edit(base, "sd = 20.0", "sdev = 20.0"), threat0 + ".flight_time.sdev", 6, "unknown key \"sdev\"");
  expect_only(edit(base, "close = 60.0", "close = 60.0, clsoe = 1"), layer0 + ".engages.ballistic.window.clsoe", 15,
              "did you mean \"close\"?");
}

TEST(ConfigKeys, MissingRequiredKey) {
  expect_only(edit(base, "count = 10", ""), threat0, 1, "missing required key \"count\"");
  expect_only(edit(base, "launch = { start = 0.0, duration = 60.0 }", ""), threat0, 1,
              "missing required key \"launch\"");
  expect_only(edit(base, "mean = 600.0, ", ""), threat0 + ".flight_time", 6, "missing required key \"mean\"");
  expect_only(edit(base, "fire_units = 1", ""), layer0, 9, "missing required key \"fire_units\"");
  expect_only(edit(base, "channels = 2", ""), layer0, 9, "missing required key \"channels\"");
  expect_only(edit(base, "engagement_time = 60.0", ""), layer0, 9, "missing required key \"engagement_time\"");
  expect_only(edit(base, "interceptors = 20", ""), layer0, 9, "missing required key \"interceptors\"");
  expect_only(edit(base, "pk = 0.7, ", ""), layer0 + ".engages.ballistic", 15, "missing required key \"pk\"");
  expect_only(edit(base, ", window = { open = 300.0, close = 60.0 }", ""), layer0 + ".engages.ballistic", 15,
              "missing required key \"window\"");
  expect_only(edit(base, ", close = 60.0", ""), layer0 + ".engages.ballistic.window", 15,
              "missing required key \"close\"");
  expect_only(edit(base, ", duration = 60.0", ""), threat0 + ".launch", 5, "missing required key \"duration\"");
  expect_only(edit(base, "name = \"mrbm\"", ""), "threat[0]", 1, "missing required key \"name\"");
  expect_only(edit(base, "name = \"upper\"", ""), "layer[0]", 9, "missing required key \"name\"");
}

TEST(ConfigKeys, NumberGotString) {
  expect_only(edit(base, "sd = 20.0", "sd = \"fast\""), threat0 + ".flight_time.sd", 6,
              "must be a number, got string \"fast\"");
}

TEST(ConfigKeys, IntegerGotFloat) {
  expect_only(edit(base, "count = 10", "count = 3.0"), threat0 + ".count", 4, "must be an integer, got float 3.0");
  expect_only(edit(base, "channels = 2", "channels = 2.5"), layer0 + ".channels", 12,
              "must be an integer, got float 2.5");
  expect_only(edit(base, "launch = { start = 0.0, duration = 60.0 }", "launch = { waves = [[0, 4], [1, 6.0]] }"),
              threat0 + ".launch.waves[1].count", 5, "must be an integer, got float 6.0");
}

TEST(ConfigKeys, FloatAcceptsInteger) {
  const Scenario s = load_scenario_string(edit(base, "p_launch = 0.9", "p_launch = 1"));
  EXPECT_EQ(s.threats[0].p_launch, 1.0);
}

TEST(ConfigKeys, OtherTypeErrors) {
  expect_only(edit(base, "name = \"mrbm\"", "name = 5"), "threat[0].name", 2, "must be a string, got integer 5");
  expect_only(base + "point_defense = \"yes\"\n", layer0 + ".point_defense", 16,
              "must be true or false, got string \"yes\"");
  expect_only(edit(base, "flight_time = { mean = 600.0, sd = 20.0 }", "flight_time = 600.0"), threat0 + ".flight_time",
              6, "must be a table { mean = ..., sd = ... }, got float 600.0");
  expect_only(edit(base, "{ pk = 0.7, window = { open = 300.0, close = 60.0 } }", "0.7"), layer0 + ".engages.ballistic",
              15, "must be a table");
  expect_only(edit(base, "[[threat]]", "[threat]"), "threat", 1,
              "must be an array of tables (write [[threat]]), got table");
  expect_only(edit(base, "count = 10", "count = 1979-05-27"), threat0 + ".count", 4, "must be an integer, got date");
}

TEST(ConfigKeys, InterceptorsTakeIntegerOrUnlimited) {
  EXPECT_FALSE(load_scenario_string(edit(base, "interceptors = 20", "interceptors = \"unlimited\""))
                   .layers[0]
                   .interceptors.has_value());
  expect_only(edit(base, "interceptors = 20", "interceptors = \"unlimitd\""), layer0 + ".interceptors", 14,
              "must be an integer >= 0 or \"unlimited\", got string \"unlimitd\" (did you mean \"unlimited\"?)");
  expect_only(edit(base, "interceptors = 20", "interceptors = 20.0"), layer0 + ".interceptors", 14,
              "must be an integer >= 0 or \"unlimited\", got float 20.0");
}

TEST(ConfigKeys, DoctrineIsSalvoOrShootLookShoot) {
  expect_only(base + "doctrine = \"shoot_look_shoot\"\n", layer0 + ".doctrine", 16,
              "must be \"salvo\" or \"shoot-look-shoot\", got string \"shoot_look_shoot\" "
              "(did you mean \"shoot-look-shoot\"?)");
}

TEST(ConfigKeys, NoDuplicateReportForAnUnreadableValue) {
  // engagement_time = "slow" is a type error; the rule "> 0" must not fire on the default.
  expect_only(edit(base, "engagement_time = 60.0", "engagement_time = \"slow\""), layer0 + ".engagement_time", 13,
              "must be a number");
  // A missing count must not also break "waves add up to count".
  expect_only(edit(edit(base, "count = 10", ""), "launch = { start = 0.0, duration = 60.0 }",
                   "launch = { waves = [[0, 4], [1, 6]] }"),
              threat0, 1, "missing required key \"count\"");
  // A missing window must not give "window.open (0) must be greater than window.close (0)".
  expect_only(edit(base, ", window = { open = 300.0, close = 60.0 }", ""), layer0 + ".engages.ballistic", 15,
              "missing required key \"window\"");
}

}  // namespace
}  // namespace salvosim::config_test
