// The front door of a run (run.hpp): a request is checked by one set of rules, the run's
// provenance is stamped once, and the statistics are those of the kernel's tallies.
#include "salvosim/run.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/version.hpp"
#include "same_results.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

Scenario example() { return load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/example.toml"); }

RunRequest request_of(std::int64_t trials, std::uint64_t seed, int threads = 1, std::uint64_t first_trial = 0) {
  RunRequest request;
  request.options.trials = trials;
  request.options.seed = seed;
  request.options.threads = threads;
  request.options.first_trial = first_trial;
  return request;
}

std::string refusal(const Scenario& scenario, const RunRequest& request) {
  try {
    run_scenario(scenario, request);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(RunScenario, StampsProvenanceOnce) {
  const Scenario scenario = example();
  const Results results = run_scenario(scenario, request_of(300, 11, 2, 40));
  const RunInfo& info = results.info;
  EXPECT_EQ(info.scenario_name, scenario.name);
  EXPECT_EQ(info.scenario_text, scenario.source_text);  // the file's text, comments and all
  EXPECT_EQ(info.source_name, scenario.source_name);
  EXPECT_EQ(info.seed, 11u);
  EXPECT_EQ(info.first_trial, 40u);
  EXPECT_EQ(info.trials, 300);
  EXPECT_EQ(info.threads, worker_count(2));
  EXPECT_EQ(info.salvosim_version, version());
  EXPECT_EQ(info.git_sha1, git_sha1());
  EXPECT_THAT(info.created, MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));
}

// The front door adds provenance and nothing else: its statistics are summarize() of the
// kernel's tallies for the same trials, whatever the threads.
TEST(RunScenario, StatisticsAreThoseOfTheTallies) {
  const Scenario scenario = example();
  const Plan plan = compile(scenario);
  const RunRequest request = request_of(2000, 5, 2, 100);
  const Results front = run_scenario(plan, scenario, request);
  const Results direct = summarize(plan, run_trials(plan, request.options), front.info);
  test_support::expect_same_arrays(direct, front);
  test_support::expect_same_arrays(front, run_scenario(scenario, request_of(2000, 5, 1, 100)));
}

TEST(RunScenario, HandsPerTrialOutputToTheSinkAndReportsProgress) {
  const Scenario scenario = example();
  const Plan plan = compile(scenario);
  RunRequest request = request_of(500, 3, 2, 7);
  request.options.keep_records = true;
  std::uint64_t next = 7;
  std::int64_t last_done = 0;
  request.sink = [&](const TrialChunk& chunk) {
    EXPECT_EQ(chunk.first_trial, next);
    EXPECT_NE(chunk.records, nullptr);
    EXPECT_EQ(chunk.outcomes, nullptr);
    next += static_cast<std::uint64_t>(chunk.trials);
  };
  request.progress = [&](std::int64_t done, std::int64_t total) {
    EXPECT_EQ(total, 500);
    EXPECT_GT(done, last_done);
    last_done = done;
    return true;
  };
  run_scenario(plan, scenario, request);
  EXPECT_EQ(next, 507u);
  EXPECT_EQ(last_done, 500);
  request.sink = {};
  request.progress = [](std::int64_t, std::int64_t) { return false; };
  EXPECT_THROW(run_scenario(plan, scenario, request), RunCancelled);
}

TEST(RunScenario, RequestsAreCheckedByOneSetOfRules) {
  const Scenario scenario = example();
  EXPECT_EQ(refusal(scenario, request_of(0, 1)), "trials must be an integer in [1, 2147483647], got 0");
  EXPECT_EQ(refusal(scenario, request_of(-5, 1)), "trials must be an integer in [1, 2147483647], got -5");
  EXPECT_THAT(refusal(scenario, request_of(max_run_trials + 1, 1)),
              HasSubstr("got 2147483648 (split larger runs into trial ranges: first_trial)"));
  EXPECT_EQ(refusal(scenario, request_of(10, 1, -1)),
            "threads must be an integer in [0, 4096] (0: every core), got -1");
  EXPECT_THAT(refusal(scenario, request_of(10, 1, max_threads + 1)), HasSubstr("got 4097"));
  EXPECT_THAT(refusal(scenario, request_of(10, 1, 1, std::numeric_limits<std::uint64_t>::max() - 5)),
              HasSubstr("first_trial + trials overflows the trial index"));
  // The edges are fine.
  EXPECT_EQ(run_scenario(scenario, request_of(5, 1, 1, std::numeric_limits<std::uint64_t>::max() - 5)).info.trials, 5);
  EXPECT_EQ(trials_problem(1), "");
  EXPECT_EQ(trials_problem(max_run_trials), "");
  EXPECT_EQ(trials_problem(0), trials_rule() + ", got 0");
}

// A scenario edited since it was loaded is kept as it is now, not as its file says.
TEST(RunScenario, KeepsTheTextOfTheScenarioThatRan) {
  Scenario scenario = example();
  EXPECT_EQ(provenance_text(scenario), scenario.source_text);
  ASSERT_EQ(scenario.layers[0].shots, 2);
  scenario.layers[0].shots = 1;
  const std::string text = provenance_text(scenario);
  EXPECT_EQ(text, to_toml(scenario));
  EXPECT_EQ(load_scenario_string(text).layers[0].shots, 1);
  EXPECT_EQ(run_scenario(scenario, request_of(10, 1)).info.scenario_text, text);
}

TEST(RunScenario, StampMadeByIsWhatEveryOutputCarries) {
  RunInfo info;
  info.seed = 9;
  stamp_made_by(info);
  EXPECT_EQ(info.salvosim_version, version());
  EXPECT_EQ(info.git_sha1, git_sha1());
  EXPECT_FALSE(info.created.empty());
  EXPECT_EQ(info.seed, 9u);
}

}  // namespace
}  // namespace salvosim
