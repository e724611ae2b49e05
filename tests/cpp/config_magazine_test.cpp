// Stock-aware doctrine in a scenario file (config.hpp): reserves, [[layer.ration]] rules,
// resupply schedules and shared magazines, their rules, and their round trip through to_toml.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "config_test_support.hpp"
#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::config_test {
namespace {

// The base's layer (line 9-15) with a second layer firing from its magazine (lines 17-23).
const std::string shared = base + R"(
[[layer]]
name = "lower"
fire_units = 2
channels = 1
engagement_time = 30.0
magazine = "upper"
engages.ballistic = { pk = 0.5, window = { open = 100.0, close = 10.0 } }
)";
const std::string layer1 = "layer[1] \"lower\"";

TEST(ConfigMagazine, LoadsReservesRulesSchedulesAndSharedMagazines) {
  const std::string text = edit(campaign, "resupply = 4", "resupply = { second = 12 }\nreserve = 3") +
                           "reserve_per_salvo = 2\n\n[[layer.ration]]\nbelow = 8\nshots = 1\n\n[[layer.ration]]\n"
                           "below = 4\ndoctrine = \"shoot-look-shoot\"\npoint_defense = true\n";
  ASSERT_TRUE(problems_of(text).empty()) << listing(problems_of(text));
  const Layer layer = load_scenario_string(text).layers[0];
  EXPECT_EQ(layer.resupply, 0);
  EXPECT_EQ(layer.resupply_schedule, (std::map<std::string, std::int64_t>{{"second", 12}}));
  EXPECT_EQ(layer.reserve, 3);
  EXPECT_EQ(layer.reserve_per_salvo, 2);
  ASSERT_EQ(layer.rations.size(), 2u);
  EXPECT_EQ(layer.rations[0].below, 8);
  EXPECT_EQ(layer.rations[0].shots, 1);
  EXPECT_FALSE(layer.rations[0].doctrine.has_value());
  EXPECT_FALSE(layer.rations[0].point_defense.has_value());
  EXPECT_EQ(layer.rations[1].doctrine, Doctrine::shoot_look_shoot);
  EXPECT_EQ(layer.rations[1].point_defense, true);
  EXPECT_FALSE(layer.rations[1].shots.has_value());

  ASSERT_TRUE(problems_of(shared).empty()) << listing(problems_of(shared));
  const Scenario s = load_scenario_string(shared);
  EXPECT_EQ(s.layers[1].magazine, "upper");
  EXPECT_FALSE(s.layers[1].interceptors.has_value());
}

TEST(ConfigMagazine, ReserveRules) {
  expect_only(base + "reserve = -1\n", layer0 + ".reserve", 16, "must be an integer >= 0, got -1");
  expect_only(base + "reserve_per_salvo = 1.5\n", layer0 + ".reserve_per_salvo", 16,
              "must be an integer, got float 1.5");
  expect_only(edit(base, "interceptors = 20", "interceptors = \"unlimited\"") + "reserve = 2\n", layer0 + ".reserve",
              16, "applies only to a finite magazine");
  EXPECT_TRUE(problems_of(base + "reserve = 50\n").empty());  // more than the magazine: it never fires
  expect_only(campaign + "reserve = 1\nreserve_per_salvo = 9223372036854775807\n", layer0 + ".reserve_per_salvo", 29,
              "is more than 2^63 - 1");
  EXPECT_TRUE(problems_of(base + "reserve_per_salvo = 9223372036854775807\n").empty());  // one salvo: never used
}

TEST(ConfigMagazine, RationRules) {
  const std::string rule = "\n[[layer.ration]]\n";  // the rule's table starts on line 17
  expect_only(base + rule + "below = 0\nshots = 1\n", layer0 + ".ration[0].below", 18,
              "must be an integer >= 1, got 0");
  expect_only(base + rule + "shots = 1\n", layer0 + ".ration[0]", 17, "missing required key \"below\"");
  expect_only(base + rule + "below = 5\n", layer0 + ".ration[0]", 17,
              "a rationing rule must give at least one of shots, doctrine, point_defense");
  expect_only(base + rule + "below = 5\nshots = 0\n", layer0 + ".ration[0].shots", 19,
              "must be an integer >= 1, got 0");
  expect_only(base + rule + "below = 5\nshots = 1\nshtos = 2\n", layer0 + ".ration[0].shtos", 20,
              "unknown key \"shtos\" (did you mean \"shots\"?)");
  expect_only(base + rule + "below = 5\ndoctrine = \"look\"\n", layer0 + ".ration[0].doctrine", 19,
              "must be \"salvo\" or \"shoot-look-shoot\"");
  expect_only(base + rule + "below = 5\nshots = 1\n" + rule + "below = 5\nshots = 2\n", layer0 + ".ration[1].below", 22,
              "below = 5 is given by another rule of this layer too (first at line 18)");
  expect_only(edit(base, "interceptors = 20", "interceptors = \"unlimited\"") + rule + "below = 5\nshots = 1\n",
              layer0 + ".ration[0]", 17, "applies only to a finite magazine");
  expect_only(base + "ration = { below = 5 }\n", layer0 + ".ration", 16,
              "must be an array of tables (write [[layer.ration]])");
  // look_time and max_engagements are refused under salvo unless a rule switches to shoot-look-shoot.
  expect_only(base + "look_time = 2.0\n", layer0 + ".look_time", 16, "applies only to doctrine \"shoot-look-shoot\"");
  const std::string looking =
      base + "look_time = 2.0\nmax_engagements = 3\n" + rule + "below = 5\ndoctrine = \"shoot-look-shoot\"\n";
  EXPECT_TRUE(problems_of(looking).empty()) << listing(problems_of(looking));
}

TEST(ConfigMagazine, ScheduleRules) {
  const std::string with = edit(campaign, "resupply = 4", "resupply = { second = 12 }");
  EXPECT_TRUE(problems_of(with).empty()) << listing(problems_of(with));
  expect_only(edit(campaign, "resupply = 4", "resupply = { first = 12 }"), layer0 + ".resupply.first", 26,
              "names the first salvo, which starts with interceptors");
  expect_only(edit(campaign, "resupply = 4", "resupply = { secnod = 12 }"), layer0 + ".resupply.secnod", 26,
              "no salvo named \"secnod\" (did you mean \"second\"?)");
  expect_only(edit(campaign, "resupply = 4", "resupply = { second = -1 }"), layer0 + ".resupply.second", 26,
              "must be an integer >= 0, got -1");
  expect_only(edit(campaign, "resupply = 4", "resupply = { second = 1.5 }"), layer0 + ".resupply.second", 26,
              "must be an integer, got float 1.5");
  expect_only(edit(campaign, "resupply = 4", "resupply = \"often\""), layer0 + ".resupply", 26,
              "must be an integer (interceptors added at each salvo's start after the first) or a schedule");
  expect_only(edit(edit(campaign, "resupply = 4", "resupply = { second = 12 }"), "interceptors = 20",
                   "interceptors = \"unlimited\""),
              layer0 + ".resupply", 26, "applies only to a finite magazine");
  expect_only(edit(campaign, "resupply = 4", "resupply = { second = 9223372036854775800 }"),
              layer0 + ".resupply.second", 26, "interceptors + the schedule's deliveries up to this one are more");
  // From code, both forms at once.
  Scenario s = load_scenario_string(with);
  s.layers[0].resupply = 3;
  const auto problems = validate(s);
  ASSERT_EQ(problems.size(), 1u) << listing(problems);
  EXPECT_TRUE(contains(problems[0].message, "either an integer (each salvo after the first) or a schedule"));
}

TEST(ConfigMagazine, SharedMagazineRules) {
  expect_only(edit(shared, "magazine = \"upper\"", "magazine = \"uper\""), layer1 + ".magazine", 22,
              "no layer named \"uper\" (did you mean \"upper\"?)");
  expect_only(edit(shared, "magazine = \"upper\"", "magazine = \"lower\""), layer1 + ".magazine", 22,
              "names this layer itself");
  expect_only(edit(shared, "magazine = \"upper\"", "magazine = \"upper\"\ninterceptors = 4"), layer1 + ".interceptors",
              23, "has no magazine of its own; set it on \"upper\"");
  expect_only(edit(shared, "magazine = \"upper\"", "magazine = \"upper\"\ncapacity = 4"), layer1 + ".capacity", 23,
              "has no magazine of its own");
  expect_only(edit(shared, "magazine = \"upper\"", "magazine = \"upper\"\nresupply = 4"), layer1 + ".resupply", 23,
              "has no magazine of its own");
  // The magazine must be an earlier layer's own.
  const std::string later =
      edit(edit(shared, "interceptors = 20", "magazine = \"lower\""), "magazine = \"upper\"", "interceptors = 20");
  expect_only(later, layer0 + ".magazine", 14, "names \"lower\", a later layer");
  const std::string chain = shared + R"(
[[layer]]
name = "point"
fire_units = 2
channels = 1
engagement_time = 30.0
magazine = "lower"
engages.ballistic = { pk = 0.5, window = { open = 50.0, close = 10.0 } }
)";
  expect_only(chain, "layer[2] \"point\".magazine", 30,
              "names \"lower\", which fires from the magazine of \"upper\" itself: name the layer that owns the "
              "magazine");
  // A reserve and rules on a shared magazine: finite if the owner's is.
  EXPECT_TRUE(problems_of(edit(shared, "magazine = \"upper\"", "magazine = \"upper\"\nreserve = 3")).empty());
  expect_only(edit(edit(shared, "magazine = \"upper\"", "magazine = \"upper\"\nreserve = 3"), "interceptors = 20",
                   "interceptors = \"unlimited\""),
              layer1 + ".reserve", 23, "the magazine this layer fires from is \"unlimited\"");
}

TEST(ConfigMagazine, RoundTripThroughToToml) {
  const std::string text = edit(campaign, "resupply = 4", "resupply = { second = 12 }\nreserve = 3");
  Scenario s = load_scenario_string(
      text +
      "reserve_per_salvo = 2\nlook_time = 4.0\n\n[[layer.ration]]\nbelow = 8\nshots = 1\n\n[[layer.ration]]\n"
      "below = 4\ndoctrine = \"shoot-look-shoot\"\npoint_defense = false\n");
  s.layers.push_back(load_scenario_string(shared).layers[1]);
  s.layers[1].reserve = 1;
  const Scenario back = load_scenario_string(to_toml(s));
  EXPECT_EQ(to_toml(back), to_toml(s));
  for (std::size_t l = 0; l < 2; ++l) {
    const Layer &x = s.layers[l], &y = back.layers[l];
    EXPECT_EQ(x.resupply_schedule, y.resupply_schedule);
    EXPECT_EQ(x.reserve, y.reserve);
    EXPECT_EQ(x.reserve_per_salvo, y.reserve_per_salvo);
    EXPECT_EQ(x.magazine, y.magazine);
    EXPECT_EQ(x.interceptors, y.interceptors);
    EXPECT_EQ(x.look_time, y.look_time);
    ASSERT_EQ(x.rations.size(), y.rations.size());
    for (std::size_t r = 0; r < x.rations.size(); ++r) {
      EXPECT_EQ(x.rations[r].below, y.rations[r].below);
      EXPECT_EQ(x.rations[r].shots, y.rations[r].shots);
      EXPECT_EQ(x.rations[r].doctrine, y.rations[r].doctrine);
      EXPECT_EQ(x.rations[r].point_defense, y.rations[r].point_defense);
    }
  }
  EXPECT_EQ(back.layers[0].rations.size(), 2u);
  EXPECT_EQ(back.layers[1].magazine, "upper");
  // A scenario without the keys writes none of them.
  const std::string plain = to_toml(load_scenario_string(base));
  for (const char* key : {"reserve", "[[layer.ration]]", "magazine =", "resupply"}) {
    EXPECT_FALSE(contains(plain, key)) << key;
  }
}

}  // namespace
}  // namespace salvosim::config_test
