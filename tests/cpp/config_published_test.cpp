// The [published] table of a scenario (config.hpp, docs/model.md §8): loaded, every rule checked,
// checked again by validate() after edits, and written back by to_toml.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "config_test_support.hpp"
#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::config_test {
namespace {

// ---- [published]: the figures a scenario is meant to reproduce (docs/model.md §8) ----------

// `base` with a [published] table of two observables, on lines 16-37.
const std::string published = base + R"([published]
description = "a night"

[[published.observable]]
name = "impacts"
statistic = "fate"
selection = "mrbm"
fate = "leaked_defended"
value = 3.0
range = [2.0, 9.0]
definition = "impacts"
source = "a source"

[[published.observable]]
name = "fired"
statistic = "layer"
layer = ["upper"]
metric = "fired"
range = [10, 14]
definition = "count"
source = "another"
note = "a note"
)";
const std::string impacts = "published.observable[0] \"impacts\"";
const std::string fired = "published.observable[1] \"fired\"";

TEST(PublishedLoad, KeepsEveryField) {
  const Scenario s = load_scenario_string(published);
  EXPECT_EQ(s.published.description, "a night");
  ASSERT_EQ(s.published.observables.size(), 2u);
  const PublishedObservable& a = s.published.observables[0];
  EXPECT_EQ(a.name, "impacts");
  EXPECT_EQ(a.statistic, "fate");
  EXPECT_EQ(a.selection, "mrbm");
  EXPECT_EQ(a.fates, std::vector<std::string>{"leaked_defended"});
  EXPECT_EQ(a.value, std::optional<double>(3.0));
  EXPECT_EQ(a.low, 2.0);
  EXPECT_EQ(a.high, 9.0);
  EXPECT_EQ(a.definition, "impacts");
  EXPECT_EQ(a.source, "a source");
  EXPECT_TRUE(a.layers.empty() && a.rate.empty() && a.metric.empty() && a.note.empty());
  const PublishedObservable& b = s.published.observables[1];
  EXPECT_EQ(b.statistic, "layer");
  EXPECT_EQ(b.layers, std::vector<std::string>{"upper"});
  EXPECT_EQ(b.metric, "fired");
  EXPECT_FALSE(b.value.has_value());
  EXPECT_EQ(b.low, 10.0);  // TOML integers are fine numbers
  EXPECT_EQ(b.high, 14.0);
  EXPECT_EQ(b.selection, "");
  EXPECT_EQ(b.note, "a note");
  EXPECT_EQ(s.positions.at(impacts + ".range").line, 25);
  EXPECT_EQ(s.positions.at(fired).line, 29);  // the [[published.observable]] header
}

TEST(PublishedLoad, EveryStatisticWithTheKeysItTakes) {
  for (const std::string keys :
       {"statistic = \"fate\"\nselection = \"class:ballistic\"\nfate = [\"launch_failure\", \"flight_failure\"]\n",
        "statistic = \"rate\"\nselection = \"all\"\nrate = \"threatening\"\n",
        "statistic = \"intercepts\"\nselection = \"mrbm\"\nlayer = \"upper\"\n",
        "statistic = \"layer\"\nlayer = \"upper\"\nmetric = \"missed_no_channel\"\n",
        "statistic = \"cost\"\n",  // every layer
        "statistic = \"cost\"\nlayer = \"upper\"\n"}) {
    const std::string text = base + "[[published.observable]]\nname = \"x\"\n" + keys +
                             "range = [0, 1]\ndefinition = \"count\"\nsource = \"s\"\n";
    EXPECT_TRUE(problems_of(text).empty()) << keys << listing(problems_of(text));
  }
  EXPECT_EQ(load_scenario_string(base).published, Published{});
}

TEST(PublishedLoad, SourcedConfigsKeepTheirFigures) {
  const Scenario april = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/true_promise_1.toml");
  ASSERT_EQ(april.published.observables.size(), 9u);
  const PublishedObservable& impacts_defended = april.published.observables[0];
  EXPECT_EQ(impacts_defended.name, "impacts-defended");
  EXPECT_EQ(impacts_defended.value, std::optional<double>(3.2));
  EXPECT_EQ(impacts_defended.low, 3.0);
  EXPECT_EQ(impacts_defended.high, 9.0);
  EXPECT_EQ(april.published.observables[1].fates, (std::vector<std::string>{"launch_failure", "flight_failure"}));
  const PublishedObservable& cost = april.published.observables[8];  // a consumption figure, with no headline value
  EXPECT_EQ(cost.statistic, "cost");
  EXPECT_EQ(cost.layers, (std::vector<std::string>{"arrow-3", "arrow-2", "davids-sling", "iron-dome"}));
  EXPECT_FALSE(cost.value.has_value());
  const Scenario october = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/true_promise_2.toml");
  ASSERT_EQ(october.published.observables.size(), 3u);
  EXPECT_EQ(october.published.observables[1].metric, "fired");
  EXPECT_FALSE(october.published.observables[2].value.has_value());  // a qualitative claim
}

TEST(PublishedKeys, UnknownKeyWithDidYouMean) {
  expect_only(published + "sourse = \"x\"\n", fired + ".sourse", 38,
              "unknown key \"sourse\" (did you mean \"source\"?)");
  expect_only(edit(published, "description =", "descripton ="), "published.descripton", 17,
              "unknown key \"descripton\" (did you mean \"description\"?)");
}

TEST(PublishedKeys, MissingRequiredKey) {
  expect_only(edit(published, "source = \"a source\"", ""), impacts, 19, "missing required key \"source\"");
  expect_only(edit(published, "range = [10, 14]", ""), fired, 29, "missing required key \"range\"");
  // A key the statistic takes.
  expect_only(edit(published, "fate = \"leaked_defended\"", ""), impacts, 19, "missing required key \"fate\"");
}

TEST(PublishedKeys, KeyTheStatisticDoesNotTake) {
  expect_only(published + "selection = \"mrbm\"\n", fired + ".selection", 38,
              "statistic \"layer\" does not take \"selection\" (it takes layer and metric)");
  expect_only(edit(published, "value = 3.0", "metric = \"fired\""), impacts + ".metric", 24,
              "statistic \"fate\" does not take \"metric\" (it takes selection and fate)");
}

TEST(PublishedKeys, WrongTypes) {
  expect_only(edit(published, "fate = \"leaked_defended\"", "fate = 3"), impacts + ".fate", 23,
              "must be a name or an array of names, got integer 3");
  expect_only(edit(published, "layer = [\"upper\"]", "layer = [\"upper\", 1]"), fired + ".layer", 32,
              "must be a name or an array of names, got an array holding integer 1");
  expect_only(edit(published, "range = [2.0, 9.0]", "range = [2.0]"), impacts + ".range", 25,
              "must be [low, high], two numbers, got array of 1 value");
  expect_only(edit(published, "range = [2.0, 9.0]", "range = [2.0, \"9\"]"), impacts + ".range", 25,
              "must be [low, high], two numbers");
  expect_only(edit(published, "value = 3.0", "value = \"3\""), impacts + ".value", 24,
              "must be a number, got string \"3\"");
  expect_only(edit(published, "source = \"a source\"", "source = 1"), impacts + ".source", 27,
              "must be a string, got integer 1");
  expect_only(base + "[published]\nobservable = 3\n", "published.observable", 17,
              "must be an array of tables (write [[published.observable]]), got integer 3");
}

TEST(PublishedRules, NamesNotEmptyAndUnique) {
  expect_only(edit(published, "name = \"fired\"", "name = \"\""), "published.observable[1].name", 30,
              "must not be empty");
  expect_only(edit(published, "name = \"fired\"", "name = \"impacts\""), "published.observable[1] \"impacts\".name", 30,
              "duplicate observable name \"impacts\" (first at line 20)");
}

TEST(PublishedRules, StatisticIsOneOfSix) {
  expect_only(edit(published, "statistic = \"layer\"", "statistic = \"layers\""), fired + ".statistic", 31,
              "must be one of \"fate\", \"rate\", \"intercepts\", \"layer\", \"cost\", \"damage\", got "
              "\"layers\" (did you mean \"layer\"?)");
}

// "damage" weighs impacts by their tier's value: without [[tier]] tables it is refused.
TEST(PublishedRules, DamageNeedsTiers) {
  expect_only(edit(edit(published, "statistic = \"layer\"", "statistic = \"damage\"\nselection = \"all\""),
                   "layer = [\"upper\"]\nmetric = \"fired\"\n", ""),
              fired + ".statistic", 31, "it needs [[tier]] tables");
}

TEST(PublishedRules, FatesRatesMetricsAndDefinitionsAreKnown) {
  expect_only(edit(published, "\"leaked_defended\"", "\"leaked_defnded\""), impacts + ".fate", 23,
              "no fate \"leaked_defnded\" (there are: \"launch_failure\", \"flight_failure\", \"intercepted\", "
              "\"leaked_defended\", \"leaked_open\") (did you mean \"leaked_defended\"?)");
  const std::string rate = edit(published, "statistic = \"fate\"", "statistic = \"rate\"");
  expect_only(edit(rate, "fate = \"leaked_defended\"", "rate = \"engagd\""), impacts + ".rate", 23,
              "must be one of \"launched\", \"engaged\", \"threatening\", got \"engagd\" (did you mean \"engaged\"?)");
  expect_only(edit(published, "metric = \"fired\"", "metric = \"fird\""), fired + ".metric", 33,
              "got \"fird\" (did you mean \"fired\"?)");
  expect_only(edit(published, "definition = \"impacts\"", "definition = \"impact\""), impacts + ".definition", 26,
              "must be one of \"engaged\", \"impacts\", \"neutralized\", \"count\", got \"impact\" "
              "(did you mean \"impacts\"?)");
}

TEST(PublishedRules, SelectionIsAGroupAClassOrAll) {
  expect_only(edit(published, "selection = \"mrbm\"", "selection = \"mrbn\""), impacts + ".selection", 22,
              "must be one of \"all\", \"mrbm\", \"class:ballistic\", got \"mrbn\" (did you mean \"mrbm\"?)");
  expect_only(edit(published, "selection = \"mrbm\"", "selection = \"class:balistic\""), impacts + ".selection", 22,
              "(did you mean \"class:ballistic\"?)");
  for (const char* selection : {"selection = \"all\"", "selection = \"class:ballistic\""}) {
    EXPECT_TRUE(problems_of(edit(published, "selection = \"mrbm\"", selection)).empty()) << selection;
  }
}

// A campaign's selections are its groups in every salvo, their classes, and each salvo.
TEST(PublishedRules, CampaignSelectionsAreItsGroupsClassesAndSalvos) {
  const std::string observable = R"(
[[published.observable]]
name = "impacts"
statistic = "fate"
selection = "SELECTION"
fate = "leaked_defended"
range = [0.0, 5.0]
definition = "impacts"
source = "a test"
)";
  for (const char* selection : {"srbm", "mrbm", "class:ballistic", "salvo:second", "all"}) {
    const std::string text = campaign + edit(observable, "SELECTION", selection);
    EXPECT_TRUE(problems_of(text).empty()) << selection << "\n" << listing(problems_of(text));
  }
  const auto problems = problems_of(campaign + edit(observable, "SELECTION", "salvo:third"));
  ASSERT_EQ(problems.size(), 1u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, "published.observable[0] \"impacts\".selection");
  EXPECT_TRUE(contains(problems[0].message, "\"salvo:first\", \"salvo:second\", got \"salvo:third\""))
      << problems[0].message;
}

TEST(PublishedRules, LayersExist) {
  expect_only(edit(published, "layer = [\"upper\"]", "layer = [\"upper\", \"uper\"]"), fired + ".layer", 32,
              "no layer \"uper\" (there are: \"upper\") (did you mean \"upper\"?)");
}

TEST(PublishedRules, ListsNameAtLeastOne) {
  expect_only(edit(published, "layer = [\"upper\"]", "layer = []"), fired + ".layer", 32,
              "must name at least one layer");
  expect_only(edit(published, "fate = \"leaked_defended\"", "fate = []"), impacts + ".fate", 23,
              "must name at least one fate");
}

TEST(PublishedRules, RangeIsOrdered) {
  expect_only(edit(published, "range = [10, 14]", "range = [14, 10]"), fired + ".range", 34,
              "must be [low, high] with low <= high, got [14, 10]");
}

TEST(PublishedRules, ValueLiesWithinTheRange) {
  expect_only(edit(published, "value = 3.0", "value = 9.5"), impacts + ".value", 24,
              "must lie within range [2, 9], got 9.5");
  EXPECT_TRUE(problems_of(edit(published, "value = 3.0", "value = 9")).empty());  // the ends are within
}

TEST(PublishedRules, SourceNotEmpty) {
  expect_only(edit(published, "source = \"another\"", "source = \" \""), fired + ".source", 36, "must not be empty");
}

TEST(PublishedErrors, SeveralReportedTogetherInFileOrder) {
  std::string text = edit(published, "selection = \"mrbm\"", "selection = \"mrbn\"");
  text = edit(text, "range = [2.0, 9.0]", "range = [9.0, 2.0]");
  text = edit(text, "metric = \"fired\"", "metric = 7");
  text = edit(text, "source = \"another\"", "source = \"\"");
  const auto problems = problems_of(text);
  ASSERT_EQ(problems.size(), 4u) << listing(problems);
  EXPECT_EQ(problems[0].line, 22);
  EXPECT_EQ(problems[1].to_string(),
            "test.toml:25:9: " + impacts + ".range: must be [low, high] with low <= high, got [9, 2]");
  EXPECT_EQ(problems[2].key_path, fired + ".metric");
  EXPECT_EQ(problems[2].line, 33);
  EXPECT_EQ(problems[3].key_path, fired + ".source");
  EXPECT_EQ(problems[3].line, 36);
}

TEST(PublishedValidate, EditedInMemory) {
  Scenario s = load_scenario_string(published, "p.toml");
  EXPECT_TRUE(validate(s).empty());
  s.layers[0].name = "renamed";                 // the observable now names no layer
  s.published.observables[0].metric = "fired";  // a key "fate" does not take
  s.published.observables[1].high = 1.0;
  const auto problems = validate(s);
  ASSERT_EQ(problems.size(), 3u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, impacts + ".metric");
  EXPECT_EQ(problems[0].line, 0);  // edited after loading: no file line
  EXPECT_TRUE(contains(problems[0].message, "statistic \"fate\" does not take \"metric\""));
  EXPECT_EQ(problems[1].key_path, fired + ".layer");
  EXPECT_EQ(problems[1].message, "no layer \"upper\" (there are: \"renamed\")");
  EXPECT_EQ(problems[2].key_path, fired + ".range");
  EXPECT_EQ(problems[2].file, "");
  EXPECT_EQ(problems[2].line, 0);
}

TEST(PublishedToToml, RoundTripsWithAwkwardText) {
  Scenario s = load_scenario_string(published);
  s.published.description = "quotes \" and \\ backslash,\ttab";
  s.published.observables[0].fates = {"leaked_defended", "leaked_open"};
  s.published.observables[0].note = "line one\nline two";
  s.published.observables[1].value = 0.1 + 0.2;  // not a short decimal
  s.published.observables[1].low = 0.0;
  s.published.observables[1].high = 1e300;
  ASSERT_TRUE(validate(s).empty()) << listing(validate(s));
  const std::string text = to_toml(s);
  const Scenario again = load_scenario_string(text);
  EXPECT_EQ(again.published, s.published);
  EXPECT_EQ(to_toml(again), text);
}

}  // namespace
}  // namespace salvosim::config_test
