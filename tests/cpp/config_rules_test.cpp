// The value rules of MODEL.md §1 (config.hpp), each with the key path, line and message it must be
// reported with.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "config_test_support.hpp"
#include "salvosim/config.hpp"

namespace salvosim::config_test {
namespace {

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
      {base + "doctrine = \"shoot-look-shoot\"\nkill_assessment = nan\n", layer0 + ".kill_assessment", 17, "got nan"},
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
  expect_only(edit(base, "channels = 2", "channels = -2"), layer0 + ".channels", 12, "must be an integer >= 1, got -2");
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
  expect_only(edit(base, "mean = 600.0", "mean = -600.0"), threat0 + ".flight_time.mean", 6, "must be > 0, got -600");
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
  expect_only(edit(base, "close = 60.0", "close = -5"), layer0 + ".engages.ballistic.window.close", 15, "must be >= 0");
}

TEST(ConfigRules, NamesNotEmpty) {
  expect_only(edit(base, "name = \"mrbm\"", "name = \"\""), "threat[0].name", 2, "must not be empty");
  expect_only(edit(base, "name = \"upper\"", "name = \"\""), "layer[0].name", 10, "must not be empty");
  expect_only("[scenario]\nname = \"\"\n" + base, "scenario.name", 2, "must not be empty");
}

TEST(ConfigRules, ThreatNamesUnique) {
  const std::string second =
      "[[threat]]\nname = \"mrbm\"\ncount = 1\nlaunch = { start = 0.0, duration = 0.0 }\n"
      "flight_time = { mean = 60.0 }\n\n";
  expect_only(second + base, "threat[1] \"mrbm\".name", 8, "duplicate threat name \"mrbm\" (first at line 2)");
}

TEST(ConfigRules, LayerNamesUnique) {
  expect_only(base +
                  "\n[[layer]]\nname = \"upper\"\nfire_units = 1\nchannels = 1\nengagement_time = 1\n"
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
  expect_only(edit(base, "engages.ballistic = { pk = 0.7, window = { open = 300.0, close = 60.0 } }", "engages = {}"),
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
  const std::string second =
      "\n[[threat]]\nname = \"swarm\"\ncount = 2147483637\n"
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
  const std::string wide =
      edit(edit(edit(base, "engagement_time = 60.0", "engagement_time = 0.5"), "open = 300.0", "open = 2097212.0"),
           "flight_time = { mean = 600.0", "flight_time = { mean = 3e6");
  const std::string sls = wide + "doctrine = \"shoot-look-shoot\"\nlook_time = 0.5\n";
  expect_only(sls, layer0 + ".max_engagements", 9, "2^20");
  EXPECT_TRUE(contains(problems_of(sls).at(0).message, "max_engagements unlimited"));
  EXPECT_TRUE(problems_of(sls + "max_engagements = 1000\n").empty());
  expect_only(sls + "max_engagements = 2000000\n", layer0 + ".max_engagements", 18, "max_engagements = 2000000");
  EXPECT_TRUE(problems_of(wide).empty());  // salvo: one engagement per threat
}

}  // namespace
}  // namespace salvosim::config_test
