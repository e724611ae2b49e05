// Hostile input to the loader and the validator (config.hpp, and the sweep loader's axis
// names): counts whose products or sums overflow 64 bits, absurd sizes, names holding control
// characters, and huge keys. Each must be refused at its key path, before anything is
// allocated for it, and nothing raw may reach a terminal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "config_detail.hpp"
#include "config_test_support.hpp"
#include "salvosim/config.hpp"
#include "salvosim/sweep.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

// A small valid scenario; tests replace one of its values.
const std::string base = R"([scenario]
name = "limits"

[[threat]]
name = "mrbm"
class = "ballistic"
count = 10
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 600.0 }

[[layer]]
name = "upper"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 20
shots = 1
engages.ballistic = { pk = 0.7, window = { open = 300.0, close = 60.0 } }
)";

using config_test::edit;
using config_test::listing;
using config_test::problems_of;

// Some problem of loading `text` is at `key_path` and says `message`.
void expect_problem(std::string_view text, const std::string& key_path, const std::string& message) {
  const std::vector<ConfigProblem> problems = problems_of(text);
  for (const ConfigProblem& problem : problems) {
    if (problem.key_path == key_path && problem.message.find(message) != std::string::npos) {
      EXPECT_GT(problem.line, 0) << "no line for " << key_path;
      return;
    }
  }
  ADD_FAILURE() << "no problem at " << key_path << " saying \"" << message << "\"" << listing(problems);
}

// ---- Products and sums of counts ----------------------------------------------------------

TEST(ConfigLimits, ChannelsTimesFireUnitsMustFitSixtyFourBits) {
  const std::string layer = "layer[0] \"upper\".channels";
  // 2 x 2^62 = 2^63 overflows by one; the largest of each overflows by far.
  expect_problem(edit(edit(base, "fire_units = 1", "fire_units = 2"), "channels = 2", "channels = 4611686018427387904"),
                 layer, "fire_units x channels = 2 x 4611686018427387904 is more than 2^63 - 1");
  expect_problem(edit(edit(base, "fire_units = 1", "fire_units = " + std::to_string(int64_max)), "channels = 2",
                      "channels = " + std::to_string(int64_max)),
                 layer, "more than 2^63 - 1");
  // 2^31 x 2^31 = 2^62 fits: many channels are allowed, only a wrapped count is not.
  EXPECT_TRUE(problems_of(edit(edit(base, "fire_units = 1", "fire_units = 2147483648"), "channels = 2",
                               "channels = 2147483648"))
                  .empty());
}

TEST(ConfigLimits, ShotsAreAtMostTwoToTheTwenty) {
  EXPECT_TRUE(problems_of(edit(base, "shots = 1", "shots = 1048576")).empty());
  for (const std::string& shots :
       {std::string("1048577"), std::string("100000000"), std::string("1000000000"), std::to_string(int64_max)}) {
    expect_problem(edit(base, "shots = 1", "shots = " + shots), "layer[0] \"upper\".shots",
                   "must be <= 2^20 = 1048576 (interceptors fired in one engagement), got " + shots);
  }
}

// A campaign's magazine over all its salvos: interceptors + resupply x (salvos - 1).
TEST(ConfigLimits, ResupplyOverAllSalvosMustFitSixtyFourBits) {
  std::string text = "[scenario]\nname = \"c\"\n";
  for (const char* salvo : {"a", "b", "c"}) {
    text += std::string("[[salvo]]\nname = \"") + salvo + "\"\nstart = " +
            (salvo[0] == 'a'   ? "0.0"
             : salvo[0] == 'b' ? "1.0"
                               : "2.0") +
            "\n[[salvo.threat]]\nname = \"t" + salvo +
            "\"\nclass = \"ballistic\"\ncount = 1\n"
            "launch = { start = 0.0, duration = 0.0 }\nflight_time = { mean = 600.0 }\n";
  }
  text += base.substr(base.find("[[layer]]"));
  const std::string with = edit(text, "interceptors = 20", "interceptors = 20\nresupply = 4611686018427387904");
  expect_problem(edit(with, "interceptors = 20", "interceptors = 20\ncapacity = " + std::to_string(int64_max)),
                 "layer[0] \"upper\".resupply",
                 "interceptors + resupply x (salvos - 1) = 20 + 4611686018427387904 x 2");
  // One salvo fewer, and it fits (20 + 2^62).
  const std::string two_salvos =
      text.substr(0, text.find("[[salvo]]\nname = \"c\"")) + text.substr(text.find("[[layer]]"));
  EXPECT_TRUE(problems_of(edit(two_salvos, "interceptors = 20",
                               "interceptors = 20\nresupply = 4611686018427387904\n"
                               "capacity = " +
                                   std::to_string(int64_max)))
                  .empty())
      << listing(problems_of(two_salvos));
}

TEST(ConfigLimits, ThreatCountsAddedOverGroupsAreBoundedWithoutOverflow) {
  // Three groups of 2^62: their sum wraps int64; it is reported once, at the group that passes the limit.
  std::string text = base.substr(0, base.find("[[layer]]"));
  for (const char* name : {"a", "b", "c"}) {
    text +=
        std::string("[[threat]]\nname = \"") + name +
        "\"\ncount = 4611686018427387904\nlaunch = { start = 0.0, duration = 0.0 }\nflight_time = { mean = 60.0 }\n";
  }
  const std::vector<ConfigProblem> problems = problems_of(text);
  ASSERT_EQ(problems.size(), 1u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, "threat[1] \"a\".count");
  EXPECT_THAT(problems[0].message, HasSubstr("more than 2^31 - 1 = 2147483647 threats"));
}

TEST(ConfigLimits, WaveCountsAddedWithoutOverflow) {
  const std::string big = std::to_string(int64_max);
  expect_problem(edit(base, "launch = { start = 0.0, duration = 60.0 }",
                      "launch = { waves = [[0.0, " + big + "], [1.0, " + big + "], [2.0, 2]] }"),
                 "threat[0] \"mrbm\".launch.waves", "waves add up to more than 2^63, but count is 10");
}

// ---- Names --------------------------------------------------------------------------------

// Every kind of name, with a control character put in it (TOML escapes), is refused at its
// key, and the message shows the character escaped.
TEST(ConfigLimits, NamesHoldNoControlCharacters) {
  struct Case {
    const char* toml;     // as written in the file
    const char* printed;  // as the message shows it
  };
  const Case cases[] = {{"\\u0000", "\\x00"}, {"\\n", "\\n"},       {"\\t", "\\t"},        {"\\r", "\\r"},
                        {"\\u001b", "\\x1b"}, {"\\u007f", "\\x7f"}, {"\\u009b", "\\u009b"}};
  for (const Case& bad : cases) {
    const std::string n = std::string("x") + bad.toml + "y";
    // [key in the file, key path of the problem]
    const std::vector<std::pair<std::string, std::string>> names = {
        {"name = \"limits\"", "scenario.name"},
        {"name = \"mrbm\"", "threat[0]"},
        {"class = \"ballistic\"", "threat[0] \"mrbm\".class"},
        {"name = \"upper\"", "layer[0]"},
    };
    for (const auto& [key, where] : names) {
      const std::string line = key.substr(0, key.find('=')) + "= \"" + n + "\"";
      const std::string text = edit(base, key, line);
      bool found = false;
      for (const ConfigProblem& problem : problems_of(text)) {
        if (problem.message.find("must not hold control characters") == std::string::npos) continue;
        found = true;
        EXPECT_THAT(problem.key_path, HasSubstr(where));
        const std::string shown = problem.to_string();
        EXPECT_THAT(shown, HasSubstr(std::string("x") + bad.printed + "y")) << shown;
        for (char c : shown) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << shown;
      }
      EXPECT_TRUE(found) << key << " with " << bad.toml << listing(problems_of(text));
    }
  }
}

// "x\0shahed" used to be stored as "x" (and so the same group as "x").
TEST(ConfigLimits, ANameWithNulIsNotTheNameBeforeIt) {
  std::string text = edit(base, "name = \"mrbm\"", "name = \"x\\u0000shahed\"");
  text +=
      "[[threat]]\nname = \"x\"\ncount = 1\nlaunch = { start = 0.0, duration = 0.0 }\nflight_time = { mean = 60.0 }\n";
  expect_problem(text, std::string("threat[0] \"x") + '\0' + "shahed\".name", "must not hold control characters");
}

TEST(ConfigLimits, NamesAreAtMost256Bytes) {
  EXPECT_TRUE(problems_of(edit(base, "name = \"mrbm\"", "name = \"" + std::string(256, 'm') + "\"")).empty());
  const std::string long_name(257, 'm');
  expect_problem(edit(base, "name = \"upper\"", "name = \"" + long_name + "\""), "layer[0] \"" + long_name + "\".name",
                 "a name must be at most 256 bytes long, got 257");
  // UTF-8 is text, not control characters.
  EXPECT_TRUE(problems_of(edit(base, "name = \"mrbm\"", "name = \"Шахед-136 ✈\"")).empty());
}

TEST(ConfigLimits, PublishedObservableNamesFollowTheNameRule) {
  const std::string text = base +
                           "[[published.observable]]\nname = \"a\\u001bb\"\nstatistic = \"fate\"\nselection = \"all\"\n"
                           "fate = \"intercepted\"\nrange = [0.0, 10.0]\ndefinition = \"count\"\nsource = \"s\"\n";
  const std::vector<ConfigProblem> problems = problems_of(text);
  ASSERT_EQ(problems.size(), 1u) << listing(problems);
  EXPECT_THAT(problems[0].key_path, HasSubstr(".name"));
  EXPECT_THAT(problems[0].to_string(), HasSubstr("a\\x1bb"));
}

TEST(ConfigLimits, PrintableEscapesControlCharactersOnly) {
  EXPECT_EQ(printable("plain text, ünïcödé ✈"), "plain text, ünïcödé ✈");
  EXPECT_EQ(printable(std::string("a\nb\tc\rd\x1b[31me\x7f") + '\0' + "f"), "a\\nb\\tc\\rd\\x1b[31me\\x7f\\x00f");
  EXPECT_EQ(printable("\xc2\x9b"
                      "2J"),
            "\\u009b2J");                                        // C1 CSI, as UTF-8
  EXPECT_EQ(printable(printable("a\x1b")), printable("a\x1b"));  // escaping twice changes nothing
}

// ---- Sweep axis names: the same rule, checked by the sweep loader ---------------------------

std::string sweep_with_axis_name(const std::string& name_line) {
  std::string scenario = base;
  for (const char* table : {"[scenario]", "[[threat]]", "[[layer]]"}) {
    const std::string t = table;
    const std::size_t at = scenario.find(t);
    scenario.insert(at + t.find_last_of('[') + 1, "base.");
  }
  return "[sweep]\nname = \"s\"\ntrials = 10\nseed = 1\n" + scenario + "\n[[axis]]\npath = \"threat.mrbm.count\"\n" +
         name_line + "\nvalues = [1, 2]\n";
}

std::string sweep_problems(const std::string& text) {
  try {
    load_sweep_string(text, "sweep.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no problem)";
}

TEST(ConfigLimits, SweepAxisNamesFollowTheNameRuleWhenLoaded) {
  EXPECT_EQ(sweep_problems(sweep_with_axis_name("name = \"drones\"")), "(no problem)");
  EXPECT_THAT(sweep_problems(sweep_with_axis_name("name = \".\"")), HasSubstr("nor be \".\" or \"..\""));
  EXPECT_THAT(sweep_problems(sweep_with_axis_name("name = \"..\"")), HasSubstr("nor be \".\" or \"..\""));
  const std::string nul = sweep_problems(sweep_with_axis_name("name = \"a\\u0000b\""));
  EXPECT_THAT(nul, HasSubstr("axis[0] \"threat.mrbm.count\".name"));
  EXPECT_THAT(nul, HasSubstr("must not hold control characters"));
  EXPECT_THAT(nul, HasSubstr("a\\x00b"));
  EXPECT_THAT(sweep_problems(sweep_with_axis_name("name = \"" + std::string(70000, 'a') + "\"")),
              HasSubstr("at most 256 bytes long, got 70000"));
  EXPECT_THAT(sweep_problems(sweep_with_axis_name("name = \"a\\nb\"")), HasSubstr("a\\nb"));
  EXPECT_THAT(sweep_problems(edit(sweep_with_axis_name("name = \"ok\""), "name = \"s\"", "name = \"s\\u001b\"")),
              HasSubstr("sweep.name: a name must not hold control characters"));
}

// ---- Huge keys -----------------------------------------------------------------------------

TEST(ConfigLimits, NoSuggestionForAWordLongerThanAnyTypo) {
  // A word one edit from a candidate is suggested up to max_suggested_word characters; past
  // that (a 1 MB key, say) nothing is measured, so nothing is suggested.
  const std::string candidate(300, 'k');
  EXPECT_EQ(detail::did_you_mean(candidate.substr(0, 200) + "x", {candidate.substr(0, 200)}),
            " (did you mean \"" + candidate.substr(0, 200) + "\"?)");
  EXPECT_EQ(detail::did_you_mean(candidate + "x", {candidate}), "");
  EXPECT_EQ(detail::did_you_mean(std::string(1 << 20, 'k'), {"fire_units", "channels"}), "");
}

TEST(ConfigLimits, EditDistanceKeepsItsValues) {
  EXPECT_EQ(detail::edit_distance("", ""), 0);
  EXPECT_EQ(detail::edit_distance("pk", ""), 2);
  EXPECT_EQ(detail::edit_distance("", "pk"), 2);
  EXPECT_EQ(detail::edit_distance("pK", "pk"), 0);
  EXPECT_EQ(detail::edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(detail::edit_distance("chanels", "channels"), 1);
  EXPECT_EQ(detail::edit_distance("egnages", "engages"), 1);  // a transposition is one edit
  EXPECT_EQ(detail::edit_distance("ca", "abc"), 3);           // optimal string alignment, not Damerau
}

TEST(ConfigLimits, AHugeUnknownKeyIsReportedOnce) {
  const std::string key(1 << 20, 'k');
  const std::vector<ConfigProblem> problems = problems_of(edit(base, "fire_units = 1", key + " = 1\nfire_units = 1"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0].message, HasSubstr("unknown key"));
  EXPECT_THAT(problems[0].message, Not(HasSubstr("did you mean")));
}

}  // namespace
}  // namespace salvosim
