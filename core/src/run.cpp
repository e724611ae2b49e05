#include "salvosim/run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "salvosim/config.hpp"
#include "salvosim/limits.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/version.hpp"

namespace salvosim {
namespace {

// Tallies keep exact sums of squares in 64 bits (tallies.hpp): trials x count^2 must fit.
void check_sums_fit(const Plan& plan, std::int64_t trials) {
  const auto most = static_cast<double>(largest_count(plan).count);  // limits.hpp
  const double limit = static_cast<double>(std::numeric_limits<std::int64_t>::max());
  if (static_cast<double>(trials) * most * most >= limit) {
    const double fit = std::floor(limit / (most * most));
    // Printed from the double: a count of 2^63 or more has no int64 to convert to.
    char most_text[32];
    std::snprintf(most_text, sizeof most_text, "%.0f", most);
    const std::string reach = std::string("this scenario's counts reach ") + most_text + " per trial";
    if (fit < 1.0) {
      throw std::invalid_argument(reach +
                                  ", whose square does not fit in a 64-bit exact sum: give an unbounded "
                                  "magazine as \"unlimited\" rather than a huge number");
    }
    throw std::invalid_argument(reach + ", so at most " + std::to_string(static_cast<std::int64_t>(fit)) +
                                " trials fit in one run (exact sums of squares are 64-bit integers), got " +
                                std::to_string(trials) + ": split the run into trial ranges (first_trial)");
  }
}

}  // namespace

std::string trials_rule() {
  return "must be an integer in [" + std::to_string(min_run_trials) + ", " + std::to_string(max_run_trials) + "]";
}

std::string trials_problem(std::int64_t trials) {
  if (trials >= min_run_trials && trials <= max_run_trials) return "";
  std::string problem = trials_rule() + ", got " + std::to_string(trials);
  if (trials > max_run_trials) problem += " (split larger runs into trial ranges: first_trial)";
  return problem;
}

void check_run(const Plan& plan, const RunOptions& options) {
  if (const std::string problem = trials_problem(options.trials); !problem.empty()) {
    throw std::invalid_argument("trials " + problem);
  }
  if (options.first_trial > std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(options.trials)) {
    throw std::invalid_argument("first_trial + trials overflows the trial index: first_trial " +
                                std::to_string(options.first_trial) + ", trials " + std::to_string(options.trials));
  }
  worker_count(options.threads);  // the threads rule (parallel.hpp) throws std::invalid_argument
  if (options.max_memory < 0) {
    throw std::invalid_argument("max_memory must be >= 0 bytes (0: the default limit), got " +
                                std::to_string(options.max_memory));
  }
  check_sums_fit(plan, options.trials);
  check_run_memory(plan, options);
}

void stamp_made_by(RunInfo& info) {
  info.salvosim_version = version();
  info.git_sha1 = git_sha1();
  info.created = utc_now();
}

std::string provenance_text(const Scenario& scenario) {
  std::string written = to_toml(scenario);
  return source_text_describes(scenario, written) ? scenario.source_text : written;
}

RunInfo run_info(const Scenario& scenario, const RunOptions& options) {
  RunInfo info;
  info.scenario_name = scenario.name;
  info.scenario_text = provenance_text(scenario);
  info.source_name = scenario.source_name;
  info.seed = options.seed;
  info.first_trial = options.first_trial;
  info.threads = worker_count(options.threads);
  stamp_made_by(info);
  return info;
}

Results run_scenario(const Plan& plan, const Scenario& scenario, const RunRequest& request) {
  if (request.precision.used()) {
    PrecisionRun run = run_to_precision(plan, request.options, request.precision, request.sink, request.progress);
    RunInfo info = run_info(scenario, request.options);
    info.precision = std::move(run.info);
    return summarize(plan, run.tallies, std::move(info));
  }
  const Tallies tallies = run_trials(plan, request.options, request.sink, request.progress);  // checks the request
  return summarize(plan, tallies, run_info(scenario, request.options));
}

Results run_scenario(const Scenario& scenario, const RunRequest& request) {
  return run_scenario(compile(scenario), scenario, request);
}

}  // namespace salvosim
