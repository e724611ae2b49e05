// How problems are reported (config.hpp): all of a file's together in file order, as text, and by
// validate() on scenarios edited in memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "config_test_support.hpp"
#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::config_test {
namespace {

// ---- Many problems at once -----------------------------------------------------------------

TEST(ConfigErrors, AllProblemsReportedTogetherInFileOrder) {
  const std::string path = config_path("several_errors.toml");
  try {
    load_scenario_file(path);
    FAIL() << "several_errors.toml loaded";
  } catch (const ConfigError& error) {
    const auto& p = error.problems();
    ASSERT_EQ(p.size(), 6u) << error.what();
    EXPECT_EQ(p[0].key_path, "threat[0] \"mrbm\".launch.waves");
    EXPECT_EQ(p[0].line, 9);
    EXPECT_TRUE(contains(p[0].message, "waves add up to 28, but count is 30"));
    EXPECT_EQ(p[1].key_path, "threat[0] \"mrbm\".flight_time.sd");
    EXPECT_EQ(p[1].line, 10);
    EXPECT_EQ(p[2].key_path, "threat[0] \"mrbm\".p_launch");
    EXPECT_EQ(p[2].line, 11);
    for (std::size_t i = 3; i < 6; ++i) EXPECT_EQ(p[i].line, 19);
    EXPECT_EQ(p[3].message, "missing required key \"pk\"");  // at the `{` of the entry, column 21
    EXPECT_EQ(p[4].message, "unknown key \"pK\" (did you mean \"pk\"?)");
    EXPECT_EQ(p[5].message, "window.open (30) must be greater than window.close (60)");

    // what(): one line per problem, "file:line:column: key_path: message".
    const std::string what = error.what();
    EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), 5);
    EXPECT_TRUE(contains(what, path + ":11:12: threat[0] \"mrbm\".p_launch: must be in [0, 1], got 1.3\n"));
    EXPECT_TRUE(contains(what, path + ":10:36: threat[0] \"mrbm\".flight_time.sd: must be a number, got "
                                      "string \"fast\""));
  }
}

TEST(ConfigErrors, ProblemToString) {
  EXPECT_EQ((ConfigProblem{"a.toml", 3, 7, "threat[0] \"x\".count", "must be an integer >= 0, got -4"}).to_string(),
            "a.toml:3:7: threat[0] \"x\".count: must be an integer >= 0, got -4");
  EXPECT_EQ((ConfigProblem{"a.toml", 3, 0, "k", "m"}).to_string(), "a.toml:3: k: m");
  EXPECT_EQ((ConfigProblem{"a.toml", 0, 0, "", "no such file"}).to_string(), "a.toml: no such file");
  EXPECT_EQ((ConfigProblem{"", 0, 0, "k", "m"}).to_string(), "k: m");
}

// ---- validate() on scenarios edited in memory ----------------------------------------------

// Once edited, the file's lines describe values that are no longer there: key paths only.
TEST(ConfigValidate, EditedScenarioCitesNoFileLine) {
  Scenario s = load_scenario_string(base, "base.toml");
  EXPECT_TRUE(validate(s).empty());
  s.threats[0].p_launch = 1.5;
  s.layers[0].engages[0].window.close = 400.0;
  const auto problems = validate(s);
  ASSERT_EQ(problems.size(), 2u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, threat0 + ".p_launch");
  EXPECT_EQ(problems[0].file, "");
  EXPECT_EQ(problems[0].line, 0);
  EXPECT_EQ(problems[0].message, "must be in [0, 1], got 1.5");
  EXPECT_EQ(problems[1].key_path, layer0 + ".engages.ballistic.window");
  EXPECT_EQ(problems[1].line, 0);
  EXPECT_EQ(problems[1].message, "window.open (300) must be greater than window.close (400)");
  EXPECT_THROW(validate_or_throw(s), ConfigError);
}

TEST(ConfigValidate, ValueSetAfterLoadingCitesNoFileLine) {
  Scenario s = load_scenario_string(base, "base.toml");
  s.threats[0].defended_fraction = -1;  // set after loading: no file line describes it (not even its table's)
  expect_only(validate(s), threat0 + ".defended_fraction", 0, "must be in [0, 1], got -1");
}

TEST(ConfigValidate, ScenarioBuiltInCode) {
  Scenario s;
  s.name = "built";
  ThreatGroup t;
  t.name = "a";
  t.count = 1;
  t.flight_time.mean = 10;
  s.threats.push_back(t);
  Layer l;
  l.name = "l";
  l.engagement_time = 1;
  l.look_time = 2;  // under salvo: an error, not silently ignored
  l.engages.push_back({"b", 0.5, 1.0, {5, 1}});
  s.layers.push_back(l);
  const auto problems = validate(s);
  ASSERT_EQ(problems.size(), 2u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, "layer[0] \"l\".look_time");
  EXPECT_TRUE(contains(problems[0].message, "applies only to doctrine \"shoot-look-shoot\""));
  EXPECT_EQ(problems[0].line, 0);
  EXPECT_EQ(problems[0].file, "");
  EXPECT_EQ(problems[1].key_path, "layer[0] \"l\".engages.b");
  EXPECT_TRUE(contains(problems[1].message, "engages \"b\": no threat group or class of that name"));

  s.layers[0].look_time = 0;
  s.layers[0].engages[0].target = "a";
  EXPECT_TRUE(validate(s).empty()) << listing(validate(s));
  s.layers[0].engages.push_back(s.layers[0].engages[0]);
  expect_only(validate(s), "layer[0] \"l\".engages.a", 0, "listed twice");
}

TEST(ConfigValidate, MaxEngagementsUnderSalvoInMemory) {
  Scenario s = load_scenario_string(base);
  s.layers[0].max_engagements = 3;
  expect_only(validate(s), layer0 + ".max_engagements", 9, "applies only to doctrine \"shoot-look-shoot\"");
  s.layers[0].doctrine = Doctrine::shoot_look_shoot;
  EXPECT_TRUE(validate(s).empty());
}

}  // namespace
}  // namespace salvosim::config_test
