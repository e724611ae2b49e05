// A run to a precision target, as OpenMC's tally triggers: trials run in batches of a fixed
// size until the standard error of every chosen statistic is at or below its target, or until
// the run's trials (the most it may take) are spent. The batches are the consecutive trial
// ranges [first, first + b), [first + b, first + 2b), ... of a plain run, and their tallies are
// exact integers, so the result is that of a plain run of the trials used, byte for byte; and
// since the check falls only between batches, the trials used do not depend on the threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {

// Trials per batch unless told otherwise: long enough that summarizing between batches costs
// little, short enough that a run stops near the trials it needs.
inline constexpr std::int64_t default_batch_trials = 10000;

// A statistic is named by a summary array that has a standard error (`<name>_mean` and
// `<name>_se`, the names of the HDF5 file and of Python's Results) and one label along each
// of its dimensions, dot-separated as key paths are (a label holding dots in double quotes):
// `fate.all.intercepted`, `rate."class:drone".launched`, `layer.arrow-3.fired`,
// `total_interceptor_cost`, `damage.all`.

// The targets of `--target-se`: `STAT=SE[,STAT=SE...]`, e.g.
// "fate.all.intercepted=0.05,rate.all.launched=0.002" (commas and '=' inside quotes belong to
// the name). Checks the form and each SE (se_target_problem), not the names (find_statistic).
// Throws std::invalid_argument saying which target is wrong and how.
std::vector<SeTarget> parse_se_targets(const std::string& text);

// The rule on a target standard error: a finite number > 0; "" if `se` obeys it, else the rule
// with the value.
std::string se_target_problem(double se);

// Where a statistic's standard error is: its `<name>_se` array and the offset in it.
struct StatisticRef {
  std::string se_array;
  std::int64_t offset = 0;
};

// Finds `statistic` among `results`' arrays. Throws std::invalid_argument naming what is not
// there (the array, or a label along a dimension), with the likely one meant ("did you mean").
StatisticRef find_statistic(const Results& results, const std::string& statistic);

struct PrecisionTarget {
  std::vector<SeTarget> targets;  // empty: a plain run
  std::int64_t batch_trials = default_batch_trials;
  bool used() const { return !targets.empty(); }
};

// Checks the target against `plan` before anything runs: at least one target, each named once,
// found among the plan's statistics and with a target obeying se_target_problem, and a batch
// size obeying trials_rule (run.hpp). Throws std::invalid_argument.
void check_precision_target(const Plan& plan, const PrecisionTarget& target);

struct PrecisionRun {
  Tallies tallies;
  PrecisionInfo info;
};

// Runs `options` (its trials the most to run) batch by batch until `target` is met. The sink
// sees every batch's chunks in trial order, `progress` the trials done out of options.trials.
// Throws as run_trials does, and std::invalid_argument for a bad target.
PrecisionRun run_to_precision(const Plan& plan, const RunOptions& options, const PrecisionTarget& target,
                              const ChunkSink& sink = {}, const ProgressCallback& progress = {});

}  // namespace salvosim
