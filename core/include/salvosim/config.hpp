// Reading scenarios from TOML (the format of docs/model.md) and checking them.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "salvosim/scenario.hpp"

namespace salvosim {

// One broken rule. `key_path` names the value, e.g. `layer[0] "upper-tier".engages.ballistic.pk`
// or `threat[1] "mrbm".launch.waves`; file/line/column are empty/0 when unknown.
struct ConfigProblem {
  std::string file;
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::string key_path;
  std::string message;  // the rule and the offending value, e.g. "must be in [0, 1], got 1.3"

  // "file:line:column: key_path: message" (leaving out what is unknown), printable (below).
  std::string to_string() const;
};

// `text` safe to print on a terminal: control characters (C0, DEL and C1: newline, ESC, NUL,
// ...) written as escapes (\n, \t, \x1b, \u009b); everything else, UTF-8 included, as it is.
// Every message that quotes what a user wrote passes through it before it is shown.
std::string printable(std::string_view text);

// Every problem found, not just the first; what() lists them one per line.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<ConfigProblem> problems);
  const std::vector<ConfigProblem>& problems() const noexcept { return problems_; }

 private:
  std::vector<ConfigProblem> problems_;
};

// Parse and validate; throws ConfigError (with every problem found) on any error, including
// a missing, unreadable or empty file and malformed TOML.
Scenario load_scenario_file(const std::string& path);
Scenario load_scenario_string(std::string_view toml_text, const std::string& source_name = "<string>");

// The rules one value obeys on its own, whatever else the scenario holds (docs/model.md §1).
// validate() checks each field by the rule field_rule names for it, and the Python bindings
// check an assignment by the same rule before making it. check_value returns "" when the
// value obeys the rule, else the rule and the value, e.g. "must be in [0, 1], got 1.3".
// Rules between fields (window open > close, capacity >= interceptors, unique names, ...)
// need the whole scenario: validate() alone checks those.
enum class ValueRule {
  finite,                     // a finite number
  positive,                   // finite and > 0
  non_negative,               // finite and >= 0
  probability,                // in [0, 1]
  before_impact,              // finite and >= 0, in seconds before impact
  count,                      // an integer >= 0
  at_least_one,               // an integer >= 1
  count_or_unlimited,         // an integer >= 0, or "unlimited" (no value)
  at_least_one_or_unlimited,  // an integer >= 1, or "unlimited" (no value)
  shots,                      // an integer in [1, max_shots]
  name,                       // not empty, at most 256 bytes, no control characters
};
// The most interceptors one engagement may fire: the kill tables grow with it.
inline constexpr std::int64_t max_shots = std::int64_t{1} << 20;
std::string check_value(ValueRule rule, double value);
std::string check_value(ValueRule rule, std::int64_t value);
std::string check_value(ValueRule rule, const std::optional<std::int64_t>& value);
std::string check_value(ValueRule rule, const std::string& value);
// What a rule allows, as a phrase ("a number in [0, 1]"): the docstrings of the Python
// attributes say it, so that the range a user reads is the one check_value applies.
std::string describe_rule(ValueRule rule);

// How far a group's target shares may add up from 1 (floating-point sums of shares as written).
inline constexpr double target_sum_tolerance = 1e-9;

// The rule of each field that has one on its own, by entity and key.
namespace field_rule {
namespace scenario {
inline constexpr ValueRule name = ValueRule::name;
}
namespace salvo {
inline constexpr ValueRule name = ValueRule::name, start = ValueRule::finite;
}
namespace threat {
inline constexpr ValueRule name = ValueRule::name, count = ValueRule::count, p_launch = ValueRule::probability,
                           p_flight = ValueRule::probability, defended_fraction = ValueRule::probability,
                           cost = ValueRule::non_negative, target_share = ValueRule::probability;
}
namespace tier {
inline constexpr ValueRule name = ValueRule::name, value = ValueRule::non_negative;
}
namespace launch {
inline constexpr ValueRule start = ValueRule::finite, duration = ValueRule::non_negative, wave_time = ValueRule::finite,
                           wave_count = ValueRule::count;
}
namespace flight_time {
inline constexpr ValueRule mean = ValueRule::positive, sd = ValueRule::non_negative;
}
namespace layer {
inline constexpr ValueRule name = ValueRule::name, fire_units = ValueRule::at_least_one,
                           channels = ValueRule::at_least_one, engagement_time = ValueRule::positive,
                           interceptors = ValueRule::count_or_unlimited, resupply = ValueRule::count,
                           shots = ValueRule::shots, look_time = ValueRule::non_negative,
                           max_engagements = ValueRule::at_least_one_or_unlimited,
                           kill_assessment = ValueRule::probability, coverage = ValueRule::probability,
                           cost = ValueRule::non_negative, reserve = ValueRule::count,
                           reserve_per_salvo = ValueRule::count, delivery = ValueRule::count;
}
namespace ration {
inline constexpr ValueRule below = ValueRule::at_least_one, shots = ValueRule::shots;
}
namespace engagement {
inline constexpr ValueRule pk = ValueRule::probability, detect = ValueRule::probability,
                           window_open = ValueRule::finite, window_close = ValueRule::before_impact;
}
}  // namespace field_rule

// Every rule of docs/model.md §1 and §8 (`[published]`) on an in-memory scenario (after loading, or after editing
// from Python). Positions are taken from scenario.positions where the key path is known, while
// the scenario is still what its source text says (source_text_describes); a scenario edited
// since gets problems with key paths only, never the line of a value that was replaced.
std::vector<ConfigProblem> validate(const Scenario& scenario);

// True while the scenario is what its source text says (loaded and not edited since), so that
// positions in that text still describe its values. False without a source text. `written` is
// to_toml(scenario), for a caller that has it already.
bool source_text_describes(const Scenario& scenario);
bool source_text_describes(const Scenario& scenario, const std::string& written);

// Throws ConfigError if validate() finds anything.
void validate_or_throw(const Scenario& scenario);

// The JSON Schema (draft-07) of a scenario file, as `salvosim schema` prints it: made from the
// keys the loader accepts and the rules above, for editors that check TOML as it is typed
// (docs/editors.md). It refuses a subset of what validate() refuses: keys, types, ranges,
// enumerations, required keys; the rules between values are validate()'s alone.
std::string scenario_schema();

// The scenario as TOML that loads back to an equal scenario (every key written out, defaults
// included; numbers in their shortest exact form). Used to record a scenario that was built
// or edited in code, whose source text no longer describes it.
std::string to_toml(const Scenario& scenario);

}  // namespace salvosim
