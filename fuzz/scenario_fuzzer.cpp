// Fuzz target: a scenario's TOML text, as `salvosim run` and load_scenario_* take it.
//
// Loading must either give a valid scenario or throw ConfigError; nothing else may escape.
// A valid scenario must write itself out as TOML that loads again to the same text, compile,
// run a few trials and summarize them. Scenarios too large to run in milliseconds are loaded
// and validated only (is_small), so that every input costs about the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/simulate.hpp"
#include "small_scenario.hpp"

using salvosim::Scenario;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Scenario scenario;
  try {
    scenario = salvosim::load_scenario_string(text, "fuzz.toml");
  } catch (const salvosim::ConfigError&) {
    return 0;  // refused with a message: what bad input should get
  }
  // A loaded scenario is valid: what it writes out must load again (or this throws), to the
  // same scenario, which writes out the same text.
  const std::string written = salvosim::to_toml(scenario);
  if (salvosim::to_toml(salvosim::load_scenario_string(written, "fuzz.toml (written out)")) != written) {
    __builtin_trap();
  }
  if (!salvosim::fuzz::is_small(scenario)) return 0;

  const salvosim::Plan plan = salvosim::compile(scenario);
  salvosim::RunOptions options;
  options.trials = 3;
  options.seed = 7;
  options.threads = 1;
  options.keep_records = true;
  options.keep_outcomes = true;
  std::int64_t handed_over = 0;
  const salvosim::Tallies tallies =
      salvosim::run_trials(plan, options, [&](const salvosim::TrialChunk& chunk) { handed_over += chunk.trials; });
  if (handed_over != options.trials) __builtin_trap();
  salvosim::RunInfo info;
  info.trials = options.trials;
  info.seed = options.seed;
  salvosim::summarize(plan, tallies, info);
  return 0;
}
