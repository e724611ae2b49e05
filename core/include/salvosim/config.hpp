// Reading scenarios from TOML (the format of docs/model.md) and checking them.
#pragma once

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

// Every rule of docs/model.md §1 and §8 (`[published]`) on an in-memory scenario (after loading, or after editing
// from Python). Positions are taken from scenario.positions where the key path is known.
std::vector<ConfigProblem> validate(const Scenario& scenario);

// Throws ConfigError if validate() finds anything.
void validate_or_throw(const Scenario& scenario);

// The scenario as TOML that loads back to an equal scenario (every key written out, defaults
// included; numbers in their shortest exact form). Used to record a scenario that was built
// or edited in code, whose source text no longer describes it.
std::string to_toml(const Scenario& scenario);

}  // namespace salvosim
