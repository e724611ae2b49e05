// Loading scenarios from TOML and checking them (config.hpp): every rule of MODEL.md §1, each
// with the key path, line and message it must be reported with.
#include "salvosim/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "salvosim/scenario.hpp"

#ifndef SALVOSIM_TEST_DATA_DIR
#error "SALVOSIM_TEST_DATA_DIR (the absolute path of tests/data) must be defined"
#endif

namespace salvosim {
namespace {

// Whether `text` contains `part` (GoogleTest without GoogleMock has no HasSubstr).
::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

std::string config_path(const std::string& name) {
  return std::string(SALVOSIM_TEST_DATA_DIR) + "/configs/" + name;
}

// A small valid scenario. Tests break one line of it (keeping every line number) or append a
// key to its layer (line 16), and check where the problem is reported.
const std::string base = R"([[threat]]
name = "mrbm"
class = "ballistic"
count = 10
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 600.0, sd = 20.0 }
p_launch = 0.9

[[layer]]
name = "upper"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 20
engages.ballistic = { pk = 0.7, window = { open = 300.0, close = 60.0 } }
)";
const std::string threat0 = "threat[0] \"mrbm\"";
const std::string layer0 = "layer[0] \"upper\"";

// `text` with the first occurrence of `from` replaced by `to`.
std::string edit(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "no \"" << from << "\" to replace";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::vector<ConfigProblem> problems_of(std::string_view text) {
  try {
    load_scenario_string(text, "test.toml");
  } catch (const ConfigError& error) {
    return error.problems();
  }
  return {};
}

std::string listing(const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const ConfigProblem& problem : problems) out += "\n  " + problem.to_string();
  return out;
}

// Exactly one problem, at `key_path` on `line`, with `message` in its message.
void expect_only(const std::vector<ConfigProblem>& problems, const std::string& key_path,
                 std::int64_t line, const std::string& message) {
  ASSERT_EQ(problems.size(), 1u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, key_path) << listing(problems);
  EXPECT_EQ(problems[0].line, line) << listing(problems);
  EXPECT_TRUE(contains(problems[0].message, message)) << listing(problems);
}

// Loading `text` fails with exactly that one problem.
void expect_only(std::string_view text, const std::string& key_path, std::int64_t line,
                 const std::string& message) {
  expect_only(problems_of(text), key_path, line, message);
}

// The one problem of loading the file `path` (no key path: the file as a whole).
ConfigProblem file_problem(const std::string& path) {
  try {
    load_scenario_file(path);
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.problems().size(), 1u) << error.what();
    if (!error.problems().empty()) return error.problems()[0];
  }
  ADD_FAILURE() << path << " loaded without error";
  return {};
}

// ---- Loading what is right ----------------------------------------------------------------

TEST(ConfigLoad, BaseIsValid) {
  EXPECT_TRUE(problems_of(base).empty()) << listing(problems_of(base));
}

TEST(ConfigLoad, ModelExampleLoadsWithItsValuesAndDefaults) {
  const std::string path = config_path("example.toml");
  const Scenario s = load_scenario_file(path);
  EXPECT_EQ(s.name, "example");
  EXPECT_EQ(s.description, "two groups against two layers");
  EXPECT_EQ(s.source_name, path);
  EXPECT_TRUE(contains(s.source_text, "engages.mrbm = { pk = 0.3"));

  ASSERT_EQ(s.threats.size(), 2u);
  const ThreatGroup& shahed = s.threats[0];
  EXPECT_EQ(shahed.name, "shahed");
  EXPECT_EQ(shahed.threat_class, "drone");
  EXPECT_EQ(shahed.count, 50);
  EXPECT_EQ(shahed.launch.kind, LaunchSpec::Kind::uniform);
  EXPECT_EQ(shahed.launch.start, 0.0);
  EXPECT_EQ(shahed.launch.duration, 3600.0);
  EXPECT_EQ(shahed.flight_time.mean, 28000.0);
  EXPECT_EQ(shahed.flight_time.sd, 2000.0);
  EXPECT_EQ(shahed.p_launch, 0.97);
  EXPECT_EQ(shahed.p_flight, 0.95);
  EXPECT_EQ(shahed.defended_fraction, 0.7);
  EXPECT_EQ(shahed.cost, 35000.0);  // a TOML integer is a fine float

  const ThreatGroup& mrbm = s.threats[1];
  EXPECT_EQ(mrbm.name, "mrbm");
  EXPECT_EQ(mrbm.threat_class, "ballistic");
  EXPECT_EQ(mrbm.count, 30);
  EXPECT_EQ(mrbm.launch.kind, LaunchSpec::Kind::waves);
  ASSERT_EQ(mrbm.launch.waves.size(), 2u);
  EXPECT_EQ(mrbm.launch.waves[0].time, 20000.0);
  EXPECT_EQ(mrbm.launch.waves[0].count, 15);
  EXPECT_EQ(mrbm.launch.waves[1].time, 20600.0);
  EXPECT_EQ(mrbm.launch.waves[1].count, 15);
  EXPECT_EQ(mrbm.flight_time.mean, 720.0);
  EXPECT_EQ(mrbm.flight_time.sd, 30.0);
  EXPECT_EQ(mrbm.p_launch, 0.8);
  EXPECT_EQ(mrbm.p_flight, 0.8);
  EXPECT_EQ(mrbm.defended_fraction, 1.0);  // default
  EXPECT_EQ(mrbm.cost, 0.0);               // default

  ASSERT_EQ(s.layers.size(), 2u);
  const Layer& upper = s.layers[0];
  EXPECT_EQ(upper.name, "upper-tier");
  EXPECT_EQ(upper.fire_units, 2);
  EXPECT_EQ(upper.channels, 4);
  EXPECT_EQ(upper.engagement_time, 90.0);
  EXPECT_EQ(upper.interceptors, std::optional<std::int64_t>(48));
  EXPECT_EQ(upper.shots, 2);
  EXPECT_EQ(upper.doctrine, Doctrine::shoot_look_shoot);
  EXPECT_EQ(upper.look_time, 10.0);
  EXPECT_EQ(upper.max_engagements, std::optional<std::int64_t>(2));
  EXPECT_EQ(upper.kill_assessment, 0.9);
  EXPECT_TRUE(upper.point_defense);
  EXPECT_EQ(upper.coverage, 1.0);
  EXPECT_EQ(upper.cost, 3000000.0);
  ASSERT_EQ(upper.engages.size(), 1u);
  EXPECT_EQ(upper.engages[0].target, "ballistic");
  EXPECT_EQ(upper.engages[0].pk, 0.7);
  EXPECT_EQ(upper.engages[0].detect, 0.95);
  EXPECT_EQ(upper.engages[0].window.open, 420.0);
  EXPECT_EQ(upper.engages[0].window.close, 120.0);

  const Layer& short_range = s.layers[1];
  EXPECT_EQ(short_range.name, "short-range");
  EXPECT_EQ(short_range.fire_units, 6);
  EXPECT_EQ(short_range.channels, 2);
  EXPECT_EQ(short_range.engagement_time, 20.0);
  EXPECT_FALSE(short_range.interceptors.has_value());  // "unlimited"
  EXPECT_EQ(short_range.shots, 1);
  EXPECT_EQ(short_range.doctrine, Doctrine::salvo);
  EXPECT_EQ(short_range.look_time, 0.0);                   // default
  EXPECT_FALSE(short_range.max_engagements.has_value());  // default: unlimited
  EXPECT_EQ(short_range.kill_assessment, 1.0);             // default
  EXPECT_TRUE(short_range.point_defense);
  EXPECT_EQ(short_range.coverage, 1.0);  // default
  EXPECT_EQ(short_range.cost, 50000.0);
  ASSERT_EQ(short_range.engages.size(), 2u);  // in file order
  EXPECT_EQ(short_range.engages[0].target, "drone");
  EXPECT_EQ(short_range.engages[1].target, "mrbm");
  EXPECT_EQ(short_range.engages[1].pk, 0.3);
  EXPECT_EQ(short_range.engages[1].detect, 0.8);
  EXPECT_EQ(short_range.engages[1].window.open, 60.0);
  EXPECT_EQ(short_range.engages[1].window.close, 10.0);

  // Positions of values, by key path (the file has one comment line above MODEL.md's text).
  const SourcePosition& pk = s.positions.at("layer[0] \"upper-tier\".engages.ballistic.pk");
  EXPECT_EQ(pk.file, path);
  EXPECT_EQ(pk.line, 40);
  EXPECT_EQ(pk.column, 28);
  EXPECT_EQ(s.positions.at("threat[1] \"mrbm\".launch.waves").line, 21);
  EXPECT_EQ(s.positions.at("threat[1] \"mrbm\".launch.waves[1].count").line, 21);
  EXPECT_EQ(s.positions.at("threat[0] \"shahed\".count").line, 9);
  EXPECT_EQ(s.positions.at("threat[0] \"shahed\"").line, 6);  // the [[threat]] header
  EXPECT_EQ(s.positions.at("scenario.name").line, 3);
  EXPECT_EQ(s.positions.count("threat[1] \"mrbm\".cost"), 0u);  // left to its default
}

TEST(ConfigLoad, RequiredKeysOnlyGiveTheDefaults) {
  const Scenario s = load_scenario_file(config_path("minimal.toml"));
  EXPECT_EQ(s.name, "minimal");  // the file stem, as [scenario] gives no name
  EXPECT_EQ(s.description, "");
  const ThreatGroup& t = s.threats.at(0);
  EXPECT_EQ(t.threat_class, "");
  EXPECT_EQ(t.p_launch, 1.0);
  EXPECT_EQ(t.p_flight, 1.0);
  EXPECT_EQ(t.defended_fraction, 1.0);
  EXPECT_EQ(t.cost, 0.0);
  EXPECT_EQ(t.flight_time.sd, 0.0);
  const Layer& l = s.layers.at(0);
  EXPECT_EQ(l.shots, 1);
  EXPECT_EQ(l.doctrine, Doctrine::salvo);
  EXPECT_EQ(l.look_time, 0.0);
  EXPECT_FALSE(l.max_engagements.has_value());
  EXPECT_EQ(l.kill_assessment, 1.0);
  EXPECT_FALSE(l.point_defense);
  EXPECT_EQ(l.coverage, 1.0);
  EXPECT_EQ(l.cost, 0.0);
  EXPECT_EQ(l.engages.at(0).target, "mrbm");  // a group name, not a class
  EXPECT_EQ(l.engages.at(0).detect, 1.0);
}

TEST(ConfigLoad, StringIsUnnamedUnlessNamed) {
  EXPECT_EQ(load_scenario_string(base).name, "unnamed");
  EXPECT_EQ(load_scenario_string(base).source_name, "<string>");
  EXPECT_EQ(load_scenario_string("[scenario]\nname = \"x\"\n" + base).name, "x");
  EXPECT_EQ(load_scenario_string(base, "mine").source_text, base);
}

TEST(ConfigLoad, ShootLookShootDefaultsToUnlimitedEngagements) {
  const Scenario s = load_scenario_string(base + "doctrine = \"shoot-look-shoot\"\nlook_time = 5\n");
  EXPECT_EQ(s.layers[0].doctrine, Doctrine::shoot_look_shoot);
  EXPECT_EQ(s.layers[0].look_time, 5.0);
  EXPECT_FALSE(s.layers[0].max_engagements.has_value());
}

TEST(ConfigLoad, ZeroLayersIsAnUndefendedBaseline) {
  const Scenario s = load_scenario_string(base.substr(0, base.find("[[layer]]")));
  EXPECT_TRUE(s.layers.empty());
}

TEST(ConfigLoad, CountZeroAndWavesFormAreValid) {
  EXPECT_TRUE(problems_of(edit(base, "count = 10", "count = 0")).empty());
  EXPECT_TRUE(problems_of(edit(base, "launch = { start = 0.0, duration = 60.0 }",
                               "launch = { waves = [[0, 4], [30.5, 6]] }"))
                  .empty());
}

// ---- The file as a whole ------------------------------------------------------------------

TEST(ConfigFile, MissingFile) {
  const ConfigProblem p = file_problem(config_path("no-such-file.toml"));
  EXPECT_EQ(p.file, config_path("no-such-file.toml"));
  EXPECT_EQ(p.line, 0);
  EXPECT_TRUE(contains(p.message, "no such file"));
}

TEST(ConfigFile, DirectoryIsNotAFile) {
  EXPECT_TRUE(contains(file_problem(config_path("")).message, "is a directory"));
}

TEST(ConfigFile, UnreadableFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string path = testing::TempDir() + "salvosim_unreadable.toml";
  std::ofstream(path) << base;
  std::filesystem::permissions(path, std::filesystem::perms::none);
  EXPECT_TRUE(contains(file_problem(path).message, "cannot open"));
  std::filesystem::remove(path);
}

TEST(ConfigFile, EmptyFile) {
  const ConfigProblem p = file_problem(config_path("empty.toml"));
  EXPECT_EQ(p.file, config_path("empty.toml"));
  EXPECT_TRUE(contains(p.message, "contains no scenario"));
}

TEST(ConfigFile, OnlyCommentsAndWhitespace) {
  EXPECT_TRUE(contains(file_problem(config_path("comments_only.toml")).message, "contains no scenario"));
  EXPECT_TRUE(contains(problems_of("  \n\t\n").at(0).message, "contains no scenario"));
}

TEST(ConfigFile, MalformedTomlGivesTheParserLine) {
  const ConfigProblem p = file_problem(config_path("malformed.toml"));
  EXPECT_EQ(p.file, config_path("malformed.toml"));
  EXPECT_EQ(p.line, 4);  // the unclosed inline table
  EXPECT_GT(p.column, 0);
  EXPECT_TRUE(contains(p.message, "malformed TOML"));
}

TEST(ConfigFile, DuplicateTomlKeyIsMalformed) {
  const auto problems = problems_of(edit(base, "p_launch = 0.9", "count = 11"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 7);
  EXPECT_TRUE(contains(problems[0].message, "malformed TOML"));
}

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
  expect_only(edit(base, "close = 60.0", "close = 60.0, clsoe = 1"), layer0 + ".engages.ballistic.window.clsoe",
              15, "did you mean \"close\"?");
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
  expect_only(edit(base, "flight_time = { mean = 600.0, sd = 20.0 }", "flight_time = 600.0"),
              threat0 + ".flight_time", 6, "must be a table { mean = ..., sd = ... }, got float 600.0");
  expect_only(edit(base, "{ pk = 0.7, window = { open = 300.0, close = 60.0 } }", "0.7"),
              layer0 + ".engages.ballistic", 15, "must be a table");
  expect_only(edit(base, "[[threat]]", "[threat]"), "threat", 1,
              "must be an array of tables (write [[threat]]), got table");
  expect_only(edit(base, "count = 10", "count = 1979-05-27"), threat0 + ".count", 4,
              "must be an integer, got date");
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

// ---- Value rules ---------------------------------------------------------------------------

TEST(ConfigRules, ProbabilitiesInZeroOne) {
  struct Case {
    std::string text;
    std::string key_path;
    std::int64_t line;
    std::string got;
  };
  const std::vector<Case> cases = {
      {edit(base, "p_launch = 0.9", "p_launch = 1.3"), threat0 + ".p_launch", 7, "got 1.3"},
      {edit(base, "p_launch = 0.9", "p_flight = -0.1"), threat0 + ".p_flight", 7, "got -0.1"},
      {edit(base, "p_launch = 0.9", "defended_fraction = 2"), threat0 + ".defended_fraction", 7, "got 2"},
      {base + "coverage = 1.01\n", layer0 + ".coverage", 16, "got 1.01"},
      {base + "doctrine = \"shoot-look-shoot\"\nkill_assessment = nan\n", layer0 + ".kill_assessment", 17,
       "got nan"},
      {edit(base, "pk = 0.7", "pk = 70"), layer0 + ".engages.ballistic.pk", 15, "got 70"},
      {edit(base, "pk = 0.7", "pk = 0.7, detect = -1"), layer0 + ".engages.ballistic.detect", 15, "got -1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key_path);
    expect_only(c.text, c.key_path, c.line, "must be in [0, 1], " + c.got);
  }
}

TEST(ConfigRules, CountIsAnIntegerAtLeastZero) {
  expect_only(edit(base, "count = 10", "count = -4"), threat0 + ".count", 4, "must be an integer >= 0, got -4");
}

TEST(ConfigRules, FireUnitsChannelsShotsAtLeastOne) {
  expect_only(edit(base, "fire_units = 1", "fire_units = 0"), layer0 + ".fire_units", 11,
              "must be an integer >= 1, got 0");
  expect_only(edit(base, "channels = 2", "channels = -2"), layer0 + ".channels", 12,
              "must be an integer >= 1, got -2");
  expect_only(base + "shots = 0\n", layer0 + ".shots", 16, "must be an integer >= 1, got 0");
}

TEST(ConfigRules, InterceptorsAtLeastZero) {
  expect_only(edit(base, "interceptors = 20", "interceptors = -1"), layer0 + ".interceptors", 14,
              "must be an integer >= 0 or \"unlimited\", got -1");
  EXPECT_TRUE(problems_of(edit(base, "interceptors = 20", "interceptors = 0")).empty());
}

TEST(ConfigRules, MaxEngagementsAtLeastOne) {
  expect_only(base + "doctrine = \"shoot-look-shoot\"\nmax_engagements = 0\n", layer0 + ".max_engagements", 17,
              "must be an integer >= 1 or \"unlimited\", got 0");
}

TEST(ConfigRules, EngagementTimePositive) {
  expect_only(edit(base, "engagement_time = 60.0", "engagement_time = 0"), layer0 + ".engagement_time", 13,
              "must be > 0, got 0");
}

TEST(ConfigRules, TimesMustBeFinite) {
  expect_only(edit(base, "engagement_time = 60.0", "engagement_time = inf"), layer0 + ".engagement_time", 13,
              "must be a finite number, got inf");
  expect_only(edit(base, "start = 0.0", "start = -inf"), threat0 + ".launch.start", 5,
              "must be a finite number, got -inf");
  expect_only(edit(base, "launch = { start = 0.0, duration = 60.0 }", "launch = { waves = [[nan, 10]] }"),
              threat0 + ".launch.waves[0].time", 5, "must be a finite number, got nan");
  expect_only(edit(base, "open = 300.0", "open = inf"), layer0 + ".engages.ballistic.window.open", 15,
              "must be a finite number, got inf");
}

TEST(ConfigRules, FlightTimeMeanPositiveSdNonNegative) {
  expect_only(edit(base, "mean = 600.0", "mean = -600.0"), threat0 + ".flight_time.mean", 6,
              "must be > 0, got -600");
  expect_only(edit(base, "sd = 20.0", "sd = -1.5"), threat0 + ".flight_time.sd", 6, "must be >= 0, got -1.5");
}

TEST(ConfigRules, LaunchDurationNonNegative) {
  expect_only(edit(base, "duration = 60.0", "duration = -60.0"), threat0 + ".launch.duration", 5,
              "must be >= 0, got -60");
}

TEST(ConfigRules, LaunchIsOneOfTwoForms) {
  expect_only(edit(base, "duration = 60.0", "duration = 60.0, waves = [[0, 10]]"), threat0 + ".launch", 5,
              "has both start/duration and waves");
  expect_only(edit(base, "launch = { start = 0.0, duration = 60.0 }", "launch = {}"), threat0 + ".launch", 5,
              "must be { start = ..., duration = ... } or { waves = [[time, count], ...] }");
}

TEST(ConfigRules, WavesAddUpToCount) {
  expect_only(edit(edit(base, "count = 10", "count = 30"), "launch = { start = 0.0, duration = 60.0 }",
                   "launch = { waves = [[20000.0, 15], [20600.0, 13]] }"),
              threat0 + ".launch.waves", 5, "waves add up to 28, but count is 30");
}

TEST(ConfigRules, WaveCountsNonNegativeAndPairs) {
  expect_only(edit(base, "launch = { start = 0.0, duration = 60.0 }", "launch = { waves = [[0, 14], [1, -4]] }"),
              threat0 + ".launch.waves[1].count", 5, "must be an integer >= 0, got -4");
  expect_only(edit(base, "launch = { start = 0.0, duration = 60.0 }", "launch = { waves = [[0, 4, 6]] }"),
              threat0 + ".launch.waves[0]", 5, "must be a [time, count] pair, got array of 3 values");
  expect_only(edit(base, "launch = { start = 0.0, duration = 60.0 }", "launch = { waves = 10 }"),
              threat0 + ".launch.waves", 5, "must be an array of [time, count] pairs, got integer 10");
}

TEST(ConfigRules, CostsNonNegative) {
  expect_only(edit(base, "p_launch = 0.9", "cost = -35000"), threat0 + ".cost", 7, "must be >= 0, got -35000");
  expect_only(base + "cost = -1e6\n", layer0 + ".cost", 16, "must be >= 0, got -1000000");
}

TEST(ConfigRules, LookTimeNonNegative) {
  expect_only(base + "doctrine = \"shoot-look-shoot\"\nlook_time = -10\n", layer0 + ".look_time", 17,
              "must be >= 0, got -10");
}

TEST(ConfigRules, WindowOpenAfterClose) {
  expect_only(edit(base, "open = 300.0", "open = 30"), layer0 + ".engages.ballistic.window", 15,
              "window.open (30) must be greater than window.close (60)");
  expect_only(edit(base, "open = 300.0", "open = 60"), layer0 + ".engages.ballistic.window", 15,
              "window.open (60) must be greater than window.close (60)");
}

TEST(ConfigRules, WindowCloseNonNegative) {
  expect_only(edit(base, "close = 60.0", "close = -5"), layer0 + ".engages.ballistic.window.close", 15,
              "must be >= 0");
}

TEST(ConfigRules, NamesNotEmpty) {
  expect_only(edit(base, "name = \"mrbm\"", "name = \"\""), "threat[0].name", 2, "must not be empty");
  expect_only(edit(base, "name = \"upper\"", "name = \"\""), "layer[0].name", 10, "must not be empty");
  expect_only("[scenario]\nname = \"\"\n" + base, "scenario.name", 2, "must not be empty");
}

TEST(ConfigRules, ThreatNamesUnique) {
  const std::string second = "[[threat]]\nname = \"mrbm\"\ncount = 1\nlaunch = { start = 0.0, duration = 0.0 }\n"
                             "flight_time = { mean = 60.0 }\n\n";
  expect_only(second + base, "threat[1] \"mrbm\".name", 8, "duplicate threat name \"mrbm\" (first at line 2)");
}

TEST(ConfigRules, LayerNamesUnique) {
  expect_only(base + "\n[[layer]]\nname = \"upper\"\nfire_units = 1\nchannels = 1\nengagement_time = 1\n"
                     "interceptors = 1\nengages.mrbm = { pk = 1, window = { open = 2, close = 0 } }\n",
              "layer[1] \"upper\".name", 18, "duplicate layer name \"upper\" (first at line 10)");
}

TEST(ConfigRules, EngagesNamesAGroupOrClass) {
  expect_only(edit(base, "engages.ballistic", "engages.balistic"), layer0 + ".engages.balistic", 15,
              "engages \"balistic\": no threat group or class of that name (did you mean \"ballistic\"?)");
  expect_only(edit(base, "engages.ballistic", "engages.cruise"), layer0 + ".engages.cruise", 15,
              "engages \"cruise\": no threat group or class of that name");
}

TEST(ConfigRules, LayerEngagesSomething) {
  expect_only(edit(base, "engages.ballistic = { pk = 0.7, window = { open = 300.0, close = 60.0 } }", ""),
              layer0 + ".engages", 9, "a layer must engage at least one threat group or class");
  expect_only(edit(base, "engages.ballistic = { pk = 0.7, window = { open = 300.0, close = 60.0 } }",
                   "engages = {}"),
              layer0 + ".engages", 15, "a layer must engage at least one threat group or class");
}

TEST(ConfigRules, LookTimeAndMaxEngagementsOnlyUnderShootLookShoot) {
  expect_only(base + "look_time = 10\n", layer0 + ".look_time", 16,
              "applies only to doctrine \"shoot-look-shoot\", but this layer's doctrine is \"salvo\"");
  // Even when written with the default value: it would be ignored.
  expect_only(base + "doctrine = \"salvo\"\nmax_engagements = \"unlimited\"\n", layer0 + ".max_engagements", 17,
              "applies only to doctrine \"shoot-look-shoot\"");
  expect_only(base + "look_time = 0\n", layer0 + ".look_time", 16, "applies only to doctrine");
}

TEST(ConfigRules, NoThreatGroups) {
  const auto problems = problems_of("[scenario]\nname = \"empty\"\n");
  expect_only(problems, "threat", 0, "no [[threat]] groups");
  EXPECT_EQ(problems.at(0).file, "test.toml");
}

TEST(ConfigRules, NoThreatGroupsIsTheOnlyProblemOfALayerWithNothingToEngage) {
  expect_only(base.substr(base.find("[[layer]]")), "threat", 0, "no [[threat]] groups");
}

TEST(ConfigRules, AtMostTwoToThe31MinusOneThreats) {
  // The kernel numbers threats, across groups, with signed 32-bit integers.
  const std::string second = "\n[[threat]]\nname = \"swarm\"\ncount = 2147483637\n"
                             "launch = { start = 0.0, duration = 0.0 }\nflight_time = { mean = 60.0 }\n";
  const std::string threats = base.substr(0, base.find("[[layer]]"));
  EXPECT_TRUE(problems_of(threats + second).empty());  // 10 + 2147483637 = 2^31 - 1
  expect_only(threats + edit(second, "2147483637", "2147483638"), "threat[1] \"swarm\".count", 12,
              "more than 2^31 - 1 = 2147483647 threats, the most a scenario can hold");
}

TEST(ConfigRules, AtMost255Layers) {
  std::string text = base;
  for (int j = 1; j <= 255; ++j) {
    text += "[[layer]]\nname = \"l" + std::to_string(j) +
            "\"\nfire_units = 1\nchannels = 1\nengagement_time = 1\ninterceptors = 1\n"
            "engages.mrbm = { pk = 1, window = { open = 2, close = 0 } }\n";
  }
  // 256 layers: the 256th (index 255) starts at line 16 + 254 * 7 = 1794.
  expect_only(text, "layer[255] \"l255\"", 1794, "at most 255 layers");
  EXPECT_TRUE(contains(problems_of(text).at(0).message, "got 256"));
  EXPECT_TRUE(problems_of(text.substr(0, text.rfind("[[layer]]"))).empty());  // 255 are fine
}

TEST(ConfigRules, ShootLookShootEngagementNumberFitsTwentyBits) {
  // A window of 2^21 s with 1 s cycles: about 2 million engagements of one threat.
  const std::string wide = edit(edit(edit(base, "engagement_time = 60.0", "engagement_time = 0.5"),
                                     "open = 300.0", "open = 2097212.0"),
                                "flight_time = { mean = 600.0", "flight_time = { mean = 3e6");
  const std::string sls = wide + "doctrine = \"shoot-look-shoot\"\nlook_time = 0.5\n";
  expect_only(sls, layer0 + ".max_engagements", 9, "2^20");
  EXPECT_TRUE(contains(problems_of(sls).at(0).message, "max_engagements unlimited"));
  EXPECT_TRUE(problems_of(sls + "max_engagements = 1000\n").empty());
  expect_only(sls + "max_engagements = 2000000\n", layer0 + ".max_engagements", 18, "max_engagements = 2000000");
  EXPECT_TRUE(problems_of(wide).empty());  // salvo: one engagement per threat
}

// ---- Many problems at once -----------------------------------------------------------------

// ---- Campaigns: [[salvo]] ------------------------------------------------------------------

// Two salvos (lines 1-18) and the base's layer with a resupply (lines 20-27).
const std::string campaign = R"([[salvo]]
name = "first"
start = 0.0
[[salvo.threat]]
name = "mrbm"
class = "ballistic"
count = 10
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 600.0, sd = 20.0 }
[[salvo]]
name = "second"
start = 3600.0
[[salvo.threat]]
name = "srbm"
class = "ballistic"
count = 5
launch = { waves = [[0.0, 5]] }
flight_time = { mean = 300.0 }

[[layer]]
name = "upper"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 20
resupply = 4
engages.ballistic = { pk = 0.7, window = { open = 300.0, close = 60.0 } }
)";
const std::string salvo0 = "salvo[0] \"first\"", salvo1 = "salvo[1] \"second\"";

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
  EXPECT_TRUE(contains(problems[0].message, "a campaign ([[salvo]] tables) takes its threat groups inside its "
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
  const std::string both = edit(campaign, "engages.ballistic", "engages.srbm = { pk = 0.5, window = { open = 100.0, "
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

TEST(ConfigValidate, EditedScenarioPointsAtTheOriginalLine) {
  Scenario s = load_scenario_string(base, "base.toml");
  EXPECT_TRUE(validate(s).empty());
  s.threats[0].p_launch = 1.5;
  s.layers[0].engages[0].window.close = 400.0;
  const auto problems = validate(s);
  ASSERT_EQ(problems.size(), 2u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, threat0 + ".p_launch");
  EXPECT_EQ(problems[0].file, "base.toml");
  EXPECT_EQ(problems[0].line, 7);
  EXPECT_EQ(problems[0].message, "must be in [0, 1], got 1.5");
  EXPECT_EQ(problems[1].key_path, layer0 + ".engages.ballistic.window");
  EXPECT_EQ(problems[1].line, 15);
  EXPECT_EQ(problems[1].message, "window.open (300) must be greater than window.close (400)");
  EXPECT_THROW(validate_or_throw(s), ConfigError);
}

TEST(ConfigValidate, ValueLeftToItsDefaultPointsAtItsTable) {
  Scenario s = load_scenario_string(base, "base.toml");
  s.threats[0].defended_fraction = -1;  // not in the file: reported at the [[threat]] header
  expect_only(validate(s), threat0 + ".defended_fraction", 1, "must be in [0, 1], got -1");
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
}  // namespace salvosim

namespace salvosim {

// Equality of the [published] structs, for the tests (the installed headers stay C++17).
bool operator==(const PublishedObservable& a, const PublishedObservable& b) {
  const auto fields = [](const PublishedObservable& o) {
    return std::tie(o.name, o.statistic, o.selection, o.fates, o.rate, o.layers, o.metric, o.value, o.low, o.high,
                    o.definition, o.source, o.note);
  };
  return fields(a) == fields(b);
}
bool operator==(const Published& a, const Published& b) {
  return a.description == b.description && a.observables == b.observables;
}

namespace {

// to_toml: what it writes loads back to the same scenario, every field, and is stable.
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
  }
}

void expect_same_scenario(const Scenario& a, const Scenario& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  expect_same_groups(a.threats, b.threats);
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

TEST(ToToml, EditedValuesAndAwkwardTextRoundTrip) {
  Scenario scenario = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/example.toml");
  scenario.description = "quotes \" and \\ backslash,\ttab and ünïcode";
  scenario.layers[0].interceptors = std::nullopt;      // unlimited
  scenario.layers[0].max_engagements = 3;
  scenario.layers[1].engages[0].pk = 0.1 + 0.2;        // not a short decimal
  scenario.threats[0].launch.duration = 1e-7;
  scenario.layers[1].engages[0].target = "shahed";     // a group name instead of a class
  scenario.threats[1].threat_class = "";               // no class at all
  scenario.layers[0].engages[0].target = "mrbm";
  const Scenario again = load_scenario_string(to_toml(scenario));
  expect_same_scenario(scenario, again);
}

}  // namespace
}  // namespace salvosim

namespace salvosim {
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
  ASSERT_EQ(april.published.observables.size(), 8u);
  const PublishedObservable& impacts_defended = april.published.observables[0];
  EXPECT_EQ(impacts_defended.name, "impacts-defended");
  EXPECT_EQ(impacts_defended.value, std::optional<double>(3.2));
  EXPECT_EQ(impacts_defended.low, 3.0);
  EXPECT_EQ(impacts_defended.high, 9.0);
  EXPECT_EQ(april.published.observables[1].fates, (std::vector<std::string>{"launch_failure", "flight_failure"}));
  const Scenario october = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/true_promise_2.toml");
  ASSERT_EQ(october.published.observables.size(), 3u);
  EXPECT_EQ(october.published.observables[1].metric, "fired");
  EXPECT_FALSE(october.published.observables[2].value.has_value());  // a qualitative claim
}

TEST(PublishedKeys, UnknownKeyWithDidYouMean) {
  expect_only(published + "sourse = \"x\"\n", fired + ".sourse", 38, "unknown key \"sourse\" (did you mean \"source\"?)");
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
  expect_only(edit(published, "name = \"fired\"", "name = \"impacts\""), "published.observable[1] \"impacts\".name",
              30, "duplicate observable name \"impacts\" (first at line 20)");
}

TEST(PublishedRules, StatisticIsOneOfFive) {
  expect_only(edit(published, "statistic = \"layer\"", "statistic = \"layers\""), fired + ".statistic", 31,
              "must be one of \"fate\", \"rate\", \"intercepts\", \"layer\", \"cost\", got \"layers\" "
              "(did you mean \"layer\"?)");
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
  expect_only(edit(published, "source = \"another\"", "source = \" \""), fired + ".source", 36,
              "must not be empty");
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
  EXPECT_EQ(problems[0].line, 19);  // not in the file: at the observable's header
  EXPECT_TRUE(contains(problems[0].message, "statistic \"fate\" does not take \"metric\""));
  EXPECT_EQ(problems[1].key_path, fired + ".layer");
  EXPECT_EQ(problems[1].message, "no layer \"upper\" (there are: \"renamed\")");
  EXPECT_EQ(problems[2].key_path, fired + ".range");
  EXPECT_EQ(problems[2].file, "p.toml");
  EXPECT_EQ(problems[2].line, 34);
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
}  // namespace salvosim
