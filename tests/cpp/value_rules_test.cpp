// The rules one value obeys on its own (config.hpp check_value, field_rule), which validate()
// and the Python bindings share, and problems of a scenario edited since it was loaded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "salvosim/config.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ValueRules, Numbers) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(check_value(ValueRule::probability, 0.0), "");
  EXPECT_EQ(check_value(ValueRule::probability, 1.0), "");
  EXPECT_EQ(check_value(ValueRule::probability, 1.3), "must be in [0, 1], got 1.3");
  EXPECT_EQ(check_value(ValueRule::probability, std::nan("")), "must be in [0, 1], got nan");
  EXPECT_EQ(check_value(ValueRule::finite, -5.0), "");
  EXPECT_EQ(check_value(ValueRule::finite, inf), "must be a finite number, got inf");
  EXPECT_EQ(check_value(ValueRule::positive, 0.0), "must be > 0, got 0");
  EXPECT_EQ(check_value(ValueRule::positive, inf), "must be a finite number, got inf");
  EXPECT_EQ(check_value(ValueRule::non_negative, 0.0), "");
  EXPECT_EQ(check_value(ValueRule::non_negative, -0.5), "must be >= 0, got -0.5");
  EXPECT_EQ(check_value(ValueRule::before_impact, -1.0), "must be >= 0 (seconds before impact), got -1");
}

TEST(ValueRules, CountsNamesAndUnlimited) {
  EXPECT_EQ(check_value(ValueRule::count, std::int64_t{0}), "");
  EXPECT_EQ(check_value(ValueRule::count, std::int64_t{-3}), "must be an integer >= 0, got -3");
  EXPECT_EQ(check_value(ValueRule::at_least_one, std::int64_t{0}), "must be an integer >= 1, got 0");
  EXPECT_EQ(check_value(ValueRule::count_or_unlimited, std::optional<std::int64_t>{}), "");
  EXPECT_EQ(check_value(ValueRule::count_or_unlimited, std::optional<std::int64_t>{-3}),
            "must be an integer >= 0 or \"unlimited\", got -3");
  EXPECT_EQ(check_value(ValueRule::at_least_one_or_unlimited, std::optional<std::int64_t>{0}),
            "must be an integer >= 1 or \"unlimited\", got 0");
  EXPECT_EQ(check_value(ValueRule::name, std::string()), "must not be empty");
  EXPECT_EQ(check_value(ValueRule::name, std::string("x")), "");
  // A rule asked of the wrong kind of value is a programming error, not a quiet pass.
  EXPECT_THROW(check_value(ValueRule::probability, std::int64_t{1}), std::logic_error);
  EXPECT_THROW(check_value(ValueRule::count, 1.0), std::logic_error);
}

// validate() reports a field's own rule with the same words as check_value, at the field.
// What a rule allows, in words (the Python docstrings end with it), says the bound that
// check_value enforces: the message of a value just past the bound quotes the same bound.
TEST(ValueRules, EachRuleIsDescribedByTheBoundItChecks) {
  EXPECT_EQ(describe_rule(ValueRule::probability), "a number in [0, 1]");
  EXPECT_THAT(check_value(ValueRule::probability, 1.5), HasSubstr("[0, 1]"));
  EXPECT_EQ(describe_rule(ValueRule::positive), "a finite number > 0");
  EXPECT_THAT(check_value(ValueRule::positive, 0.0), HasSubstr("> 0"));
  EXPECT_EQ(describe_rule(ValueRule::non_negative), "a finite number >= 0");
  EXPECT_THAT(check_value(ValueRule::non_negative, -1.0), HasSubstr(">= 0"));
  EXPECT_THAT(describe_rule(ValueRule::before_impact), HasSubstr("seconds before impact"));
  EXPECT_EQ(describe_rule(ValueRule::count), "an integer >= 0");
  EXPECT_THAT(check_value(ValueRule::count, std::int64_t{-1}), HasSubstr("an integer >= 0"));
  EXPECT_EQ(describe_rule(ValueRule::at_least_one), "an integer >= 1");
  EXPECT_THAT(check_value(ValueRule::at_least_one, std::int64_t{0}), HasSubstr("an integer >= 1"));
  EXPECT_EQ(describe_rule(ValueRule::count_or_unlimited), "an integer >= 0, or \"unlimited\"");
  EXPECT_EQ(describe_rule(ValueRule::at_least_one_or_unlimited), "an integer >= 1, or \"unlimited\"");
  EXPECT_EQ(describe_rule(ValueRule::shots), "an integer in [1, 2^20 = 1048576]");
  EXPECT_EQ(check_value(ValueRule::shots, max_shots), "");
  EXPECT_THAT(check_value(ValueRule::shots, max_shots + 1), HasSubstr("2^20 = 1048576"));
  EXPECT_THAT(describe_rule(ValueRule::name), HasSubstr("at most 256 bytes"));
  EXPECT_EQ(describe_rule(ValueRule::finite), "a finite number");
}

TEST(ValueRules, ValidateUsesTheFieldRules) {
  Scenario scenario = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/example.toml");
  scenario.threats[1].p_flight = 1.5;
  scenario.layers[0].interceptors = -3;
  std::vector<std::string> found;
  for (const ConfigProblem& p : validate(scenario)) found.push_back(p.key_path + ": " + p.message);
  EXPECT_THAT(found, ::testing::UnorderedElementsAre(
                         "threat[1] \"mrbm\".p_flight: " + check_value(field_rule::threat::p_flight, 1.5),
                         "layer[0] \"upper-tier\".interceptors: " +
                             check_value(field_rule::layer::interceptors, std::optional<std::int64_t>{-3})));
}

// A problem in a scenario edited since it was loaded names its key path only: the file's
// line held the value before the edit.
TEST(ValueRules, ProblemsOfAnEditedScenarioCiteNoFileLine) {
  Scenario scenario = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/example.toml");
  ASSERT_TRUE(source_text_describes(scenario));
  scenario.layers[0].engages[0].window.open = 1.0;  // below close: a rule between two fields
  EXPECT_FALSE(source_text_describes(scenario));
  const std::vector<ConfigProblem> problems = validate(scenario);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0].key_path, HasSubstr(".window"));
  EXPECT_EQ(problems[0].file, "");
  EXPECT_EQ(problems[0].line, 0);
  EXPECT_THAT(problems[0].to_string(), Not(HasSubstr("example.toml")));
}

// A file whose text names no scenario is named after the file (minimal.toml: "minimal"), and
// its text still describes it: loading it again gives the name the file gave, so its comments
// are kept as its provenance. A rename in code is an edit like any other.
TEST(ValueRules, TheTextOfAFileWithoutANameDescribesItsScenario) {
  Scenario scenario = load_scenario_file(std::string(SALVOSIM_TEST_DATA_DIR) + "/configs/minimal.toml");
  ASSERT_EQ(scenario.name, "minimal");
  ASSERT_EQ(scenario.positions.count("scenario.name"), 0u);
  EXPECT_TRUE(source_text_describes(scenario));
  Scenario renamed = scenario;
  renamed.name = "unnamed";  // what the text alone, loaded as a string, would be named
  EXPECT_FALSE(source_text_describes(renamed));
  // The same text loaded as a string is "unnamed", and described by its text as well.
  const Scenario from_string = load_scenario_string(scenario.source_text, scenario.source_name);
  EXPECT_EQ(from_string.name, "unnamed");
  EXPECT_TRUE(source_text_describes(from_string));
  Scenario named_like_the_file = from_string;
  named_like_the_file.name = "minimal";
  EXPECT_FALSE(source_text_describes(named_like_the_file));
}

// source_text_describes remembers what the last few source texts say (validate.cpp): the
// answers stay those of loading each text afresh, for many scenarios in turn (more than it
// remembers), edited copies, a text swapped for another's, and a text that does not load.
TEST(ValueRules, SourceTextDescribesIsRightForManyTextsInTurn) {
  std::vector<Scenario> loaded;
  for (const char* name : {"example", "saturation", "campaign_example", "large_raid", "true_promise_1", "june_2025"}) {
    loaded.push_back(load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/" + name + ".toml"));
  }
  for (int round = 0; round < 3; ++round) {
    for (std::size_t k = 0; k < loaded.size(); ++k) {
      const Scenario& scenario = loaded[k];
      EXPECT_TRUE(source_text_describes(scenario)) << scenario.source_name;
      Scenario edited = scenario;
      edited.name += " (edited)";
      EXPECT_FALSE(source_text_describes(edited)) << scenario.source_name;
      Scenario swapped = scenario;
      swapped.source_text = loaded[(k + 1) % loaded.size()].source_text;
      EXPECT_FALSE(source_text_describes(swapped)) << scenario.source_name;
      Scenario broken = scenario;
      broken.source_text = "[scenario\n";
      EXPECT_FALSE(source_text_describes(broken)) << scenario.source_name;
    }
  }
}

}  // namespace
}  // namespace salvosim
