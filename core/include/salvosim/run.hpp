// The front door of a run: the one call that checks a run request, runs it and returns its
// statistics with their provenance. The command line, the Python bindings and the sweep
// driver parse their own arguments and present what comes back; none of them assembles a
// run, stamps provenance or re-checks what is checked here.
#pragma once

#include <cstdint>
#include <string>

#include "salvosim/parallel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/precision.hpp"
#include "salvosim/results.hpp"
#include "salvosim/scenario.hpp"
#include "salvosim/simulate.hpp"

namespace salvosim {

// The trials of one run: at least one, at most what the fixed-point sums hold (tallies.hpp).
inline constexpr std::int64_t min_run_trials = 1;
inline constexpr std::int64_t max_run_trials = max_trials_per_tally;
// Worker threads: 0 means every core, at most max_threads (parallel.hpp).

// What to run: the trial range, seed and threads (RunOptions), and where per-trial output and
// progress go. keep_records / keep_outcomes hand every chunk's records / outcomes to `sink`.
struct RunRequest {
  RunOptions options;
  // With targets: run in batches until they are met, options.trials at most (precision.hpp);
  // the results' info.precision says how it went.
  PrecisionTarget precision;
  ChunkSink sink;             // per-trial output, chunk by chunk in trial order
  ProgressCallback progress;  // between chunks; returning false stops the run (RunCancelled)
};

// The rule on the trials of one run, "must be an integer in [1, 2147483647]"; and "" if
// `trials` obeys it, else the rule with the value ("..., got 0"), for callers that report it
// at their own key path (a sweep file's `trials`).
std::string trials_rule();
std::string trials_problem(std::int64_t trials);

// Every rule a run request obeys: the trials range, the trial index not overflowing, the
// threads, and this plan's exact sums fitting in 64 bits for this many trials. Throws
// std::invalid_argument saying which rule and the value. run_trials calls it.
void check_run(const Plan& plan, const RunOptions& options);

// Stamps what made a result: this salvosim's version and git commit, and the time now.
void stamp_made_by(RunInfo& info);

// The scenario text to keep with results: its source file's text (with comments and sources)
// while the scenario still is what that text says, else the scenario as TOML (to_toml).
std::string provenance_text(const Scenario& scenario);

// The provenance of a run of `scenario` with `options`, stamped now (stamp_made_by).
// `trials` is filled in when the run's tallies are summarized.
RunInfo run_info(const Scenario& scenario, const RunOptions& options);

// Checks the request, runs it and returns the statistics with their provenance. `plan` must
// be compile(scenario) (the overload without it compiles the scenario, validating it first:
// ConfigError). Throws std::invalid_argument for a bad request (a precision target included),
// RunCancelled when `progress` stops the run, and whatever `sink` throws.
Results run_scenario(const Scenario& scenario, const RunRequest& request);
Results run_scenario(const Plan& plan, const Scenario& scenario, const RunRequest& request);

}  // namespace salvosim
