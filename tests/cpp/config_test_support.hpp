// What the config tests (config_*_test.cpp) share: a small valid scenario and a campaign as TOML
// text, and checks that loading a text reports exactly the problem expected, where expected.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

#ifndef SALVOSIM_TEST_DATA_DIR
#error "SALVOSIM_TEST_DATA_DIR (the absolute path of tests/data) must be defined"
#endif

namespace salvosim {

// Equality of the [published] structs, for the tests (the installed headers stay C++17).
inline bool operator==(const PublishedObservable& a, const PublishedObservable& b) {
  const auto fields = [](const PublishedObservable& o) {
    return std::tie(o.name, o.statistic, o.selection, o.fates, o.rate, o.layers, o.metric, o.value, o.low, o.high,
                    o.definition, o.source, o.note);
  };
  return fields(a) == fields(b);
}
inline bool operator==(const Published& a, const Published& b) {
  return a.description == b.description && a.observables == b.observables;
}

namespace config_test {

// Whether `text` contains `part` (GoogleTest without GoogleMock has no HasSubstr).
inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

inline std::string config_path(const std::string& name) {
  return std::string(SALVOSIM_TEST_DATA_DIR) + "/configs/" + name;
}

// A small valid scenario. Tests break one line of it (keeping every line number) or append a
// key to its layer (line 16), and check where the problem is reported.
inline const std::string base = R"([[threat]]
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
inline const std::string threat0 = "threat[0] \"mrbm\"";
inline const std::string layer0 = "layer[0] \"upper\"";

// `text` with the first occurrence of `from` replaced by `to`.
inline std::string edit(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "no \"" << from << "\" to replace";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

inline std::vector<ConfigProblem> problems_of(std::string_view text) {
  try {
    load_scenario_string(text, "test.toml");
  } catch (const ConfigError& error) {
    return error.problems();
  }
  return {};
}

inline std::string listing(const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const ConfigProblem& problem : problems) out += "\n  " + problem.to_string();
  return out;
}

// Exactly one problem, at `key_path` on `line`, with `message` in its message.
inline void expect_only(const std::vector<ConfigProblem>& problems, const std::string& key_path, std::int64_t line,
                        const std::string& message) {
  ASSERT_EQ(problems.size(), 1u) << listing(problems);
  EXPECT_EQ(problems[0].key_path, key_path) << listing(problems);
  EXPECT_EQ(problems[0].line, line) << listing(problems);
  EXPECT_TRUE(contains(problems[0].message, message)) << listing(problems);
}

// Loading `text` fails with exactly that one problem.
inline void expect_only(std::string_view text, const std::string& key_path, std::int64_t line,
                        const std::string& message) {
  expect_only(problems_of(text), key_path, line, message);
}

// The one problem of loading the file `path` (no key path: the file as a whole).
inline ConfigProblem file_problem(const std::string& path) {
  try {
    load_scenario_file(path);
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.problems().size(), 1u) << error.what();
    if (!error.problems().empty()) return error.problems()[0];
  }
  ADD_FAILURE() << path << " loaded without error";
  return {};
}

// Two salvos (lines 1-18) and the base's layer with a resupply (lines 20-27).
inline const std::string campaign = R"([[salvo]]
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
inline const std::string salvo0 = "salvo[0] \"first\"", salvo1 = "salvo[1] \"second\"";

}  // namespace config_test
}  // namespace salvosim
