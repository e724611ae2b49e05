// Loading scenarios from TOML (config.hpp): what is right loads with its values and defaults, and a
// file that cannot be read or parsed gives one problem that says why.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "config_test_support.hpp"
#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::config_test {
namespace {

// ---- Loading what is right ----------------------------------------------------------------

TEST(ConfigLoad, BaseIsValid) { EXPECT_TRUE(problems_of(base).empty()) << listing(problems_of(base)); }

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
  EXPECT_EQ(short_range.look_time, 0.0);                  // default
  EXPECT_FALSE(short_range.max_engagements.has_value());  // default: unlimited
  EXPECT_EQ(short_range.kill_assessment, 1.0);            // default
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
  EXPECT_TRUE(
      problems_of(edit(base, "launch = { start = 0.0, duration = 60.0 }", "launch = { waves = [[0, 4], [30.5, 6]] }"))
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

}  // namespace
}  // namespace salvosim::config_test
