// Running many trials (simulate.hpp): the same seed gives identical tallies whatever the
// number of threads and however the trial range is split; options are checked; a progress
// callback can cancel; the chunk sink sees every trial once, in order.
#include "salvosim/simulate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;

// Small but with every source of randomness and every counter in play: uniform and wave
// launches, flight-time spread, launch and flight failures, coverage, detection, point
// defence, shoot-look-shoot, contention for channels and a magazine that runs out.
const char* const scenario_text = R"([scenario]
name = "simulate-test"

[[threat]]
name = "drone-a"
class = "drone"
count = 24
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 2000.0, sd = 30.0 }
p_launch = 0.95
p_flight = 0.9
defended_fraction = 0.7

[[threat]]
name = "drone-b"
class = "drone"
count = 6
launch = { start = 30.0, duration = 30.0 }
flight_time = { mean = 1900.0, sd = 10.0 }
p_launch = 0.9
defended_fraction = 0.5

[[threat]]
name = "ballistic"
class = "ballistic"
count = 8
launch = { waves = [[1500.0, 5], [1550.0, 3]] }
flight_time = { mean = 450.0, sd = 20.0 }
p_launch = 0.85
p_flight = 0.9

[[layer]]
name = "upper"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 10
shots = 2
doctrine = "shoot-look-shoot"
look_time = 10.0
max_engagements = 2
kill_assessment = 0.8
coverage = 0.95
engages.ballistic = { pk = 0.7, detect = 0.95, window = { open = 350.0, close = 60.0 } }

[[layer]]
name = "short-range"
fire_units = 1
channels = 2
engagement_time = 15.0
interceptors = 30
coverage = 0.8
point_defense = true
engages.drone = { pk = 0.8, detect = 0.9, window = { open = 120.0, close = 5.0 } }
engages.ballistic = { pk = 0.3, detect = 0.8, window = { open = 60.0, close = 10.0 } }
)";

Plan test_plan() { return compile(load_scenario_string(scenario_text, "simulate_test")); }

RunOptions options_of(std::int64_t trials, std::uint64_t seed, int threads, std::uint64_t first_trial = 0) {
  RunOptions options;
  options.trials = trials;
  options.seed = seed;
  options.threads = threads;
  options.first_trial = first_trial;
  return options;
}

// Every vector of two tallies, element by element (the integers must be identical, not close).
void expect_same_moments(const std::vector<Moments>& a, const std::vector<Moments>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].sum, b[k].sum) << what << "[" << k << "].sum";
    EXPECT_EQ(a[k].sum_squares, b[k].sum_squares) << what << "[" << k << "].sum_squares";
  }
}

void expect_same_histograms(const std::vector<Histogram>& a, const std::vector<Histogram>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_EQ(a[k].counts, b[k].counts) << what << "[" << k << "]";
}

void expect_same_tallies(const Tallies& a, const Tallies& b) {
  EXPECT_EQ(a.trials, b.trials);
  expect_same_moments(a.fates, b.fates, "fates");
  expect_same_histograms(a.fate_histograms, b.fate_histograms, "fate_histograms");
  expect_same_moments(a.engaged, b.engaged, "engaged");
  expect_same_moments(a.intercepts, b.intercepts, "intercepts");
  expect_same_moments(a.layer_metrics, b.layer_metrics, "layer_metrics");
  expect_same_histograms(a.fired_histograms, b.fired_histograms, "fired_histograms");
  EXPECT_EQ(a.fired_cross, b.fired_cross) << "fired_cross";
  ASSERT_EQ(a.rates.size(), b.rates.size());
  for (std::size_t k = 0; k < a.rates.size(); ++k) {
    EXPECT_EQ(a.rates[k].defined, b.rates[k].defined) << "rates[" << k << "].defined";
    EXPECT_EQ(a.rates[k].fixed.sum, b.rates[k].fixed.sum) << "rates[" << k << "].fixed.sum";
    EXPECT_EQ(a.rates[k].fixed.sum_squares, b.rates[k].fixed.sum_squares) << "rates[" << k << "].fixed.sum_squares";
    EXPECT_EQ(a.rates[k].bins.histogram().counts, b.rates[k].bins.histogram().counts) << "rates[" << k << "].bins";
  }
}

// More trials than one chunk (4096) and than one block per worker, so that the work is
// really spread and handed out in more than one chunk.
constexpr std::int64_t trials = 20000;

TEST(RunTrials, SameSeedSameTalliesWhateverTheThreads) {
  const Plan plan = test_plan();
  const Tallies one = run_trials(plan, options_of(trials, 7, 1));
  EXPECT_EQ(one.trials, trials);
  for (int threads : {2, 8}) {
    SCOPED_TRACE("threads = " + std::to_string(threads));
    expect_same_tallies(one, run_trials(plan, options_of(trials, 7, threads)));
  }
  SCOPED_TRACE("threads = 0 (every core)");
  expect_same_tallies(one, run_trials(plan, options_of(trials, 7, 0)));
}

// Trial k is the same trial in whatever range it is run: pieces of uneven sizes (not chunk
// multiples), run with different thread counts and merged, give the whole range's tallies.
TEST(RunTrials, SplitRangesMergeToTheWhole) {
  const Plan plan = test_plan();
  const Tallies whole = run_trials(plan, options_of(trials, 7, 2));
  Tallies merged(plan);
  const std::int64_t cuts[] = {0, 1, 4999, 12345, trials};
  for (std::size_t p = 0; p + 1 < std::size(cuts); ++p) {
    const auto first = static_cast<std::uint64_t>(cuts[p]);
    merged.merge(run_trials(plan, options_of(cuts[p + 1] - cuts[p], 7, static_cast<int>(p % 3) + 1, first)));
  }
  expect_same_tallies(whole, merged);
}

TEST(RunTrials, DifferentSeedDiffers) {
  const Plan plan = test_plan();
  const Tallies a = run_trials(plan, options_of(trials, 7, 0));
  const Tallies b = run_trials(plan, options_of(trials, 8, 0));
  bool any_different = false;
  for (std::size_t k = 0; k < a.fates.size(); ++k) {
    any_different = any_different || a.fates[k].sum != b.fates[k].sum;
  }
  EXPECT_TRUE(any_different) << "seeds 7 and 8 gave the same fate sums";
  // Shifting the trial range is a different sample too.
  const Tallies c = run_trials(plan, options_of(trials, 7, 0, trials));
  EXPECT_NE(a.fates[0].sum_squares + a.layer_metrics[1].sum, c.fates[0].sum_squares + c.layer_metrics[1].sum);
}

TEST(RunTrials, InvalidOptionsThrow) {
  const Plan plan = test_plan();
  EXPECT_THROW(run_trials(plan, options_of(-1, 7, 1)), std::invalid_argument);
  EXPECT_THROW(run_trials(plan, options_of(10, 7, -1)), std::invalid_argument);
  EXPECT_THROW(run_trials(plan, options_of(max_trials_per_tally + 1, 7, 1)), std::invalid_argument);
  EXPECT_THROW(run_trials(plan, options_of(10, 7, 1, UINT64_MAX - 5)), std::invalid_argument);
  // The last trial index that fits is fine.
  EXPECT_EQ(run_trials(plan, options_of(5, 7, 1, UINT64_MAX - 5)).trials, 5);
}

// Exact sums of squares are 64-bit integers: a run whose counts could overflow them is refused
// before it starts, with what would fit (a huge magazine standing in for "no cap", say).
TEST(RunTrials, CountsWhoseSumsOfSquaresCannotFitAreRefused) {
  const auto with_magazine = [](const std::string& magazine) {
    std::string text = scenario_text;
    const std::string stock = "interceptors = 10\n";  // the first layer's
    text.replace(text.find(stock), stock.size(), "interceptors = " + magazine + "\n");
    return compile(load_scenario_string(text, "simulate_test"));
  };
  // A count whose square alone exceeds 2^63 fits no run at all: compile() refuses it, at its key.
  try {
    with_magazine("4000000000");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("\"upper\".interceptors: one trial could count up to 4000000000"));
  }
  const Plan large = with_magazine("3000000");  // 9e12 a trial: about a million trials fit
  EXPECT_EQ(run_trials(large, options_of(10, 7, 1)).trials, 10);
  try {
    run_trials(large, options_of(2'000'000, 7, 1));
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("at most 1024819 trials fit in one run"));
  }
}

// A run has at least one trial (check_run, run.hpp): zero trials have no statistics to report.
TEST(RunTrials, ZeroTrialsAreRefused) {
  const Plan plan = test_plan();
  std::int64_t chunks = 0;
  try {
    run_trials(plan, options_of(0, 7, 2), [&](const TrialChunk&) { ++chunks; });
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("trials must be an integer in [1, 2147483647], got 0"));
  }
  EXPECT_EQ(chunks, 0);
}

TEST(RunTrials, ProgressReturningFalseCancels) {
  const Plan plan = test_plan();
  std::vector<std::int64_t> reported;
  std::int64_t chunks = 0;
  EXPECT_THROW(run_trials(
                   plan, options_of(trials, 7, 2), [&](const TrialChunk&) { ++chunks; },
                   [&](std::int64_t done, std::int64_t total) {
                     EXPECT_EQ(total, trials);
                     reported.push_back(done);
                     return reported.size() < 2;  // stop after the second chunk
                   }),
               RunCancelled);
  ASSERT_EQ(reported.size(), 2u) << "the run went on after the callback said stop";
  EXPECT_EQ(chunks, 2);
  EXPECT_GT(reported[0], 0);
  EXPECT_GT(reported[1], reported[0]);
  EXPECT_LT(reported[1], trials);
}

TEST(RunTrials, ProgressReachesTheTotal) {
  const Plan plan = test_plan();
  std::vector<std::int64_t> reported;
  run_trials(plan, options_of(trials, 7, 2), {}, [&](std::int64_t done, std::int64_t) {
    reported.push_back(done);
    return true;
  });
  ASSERT_FALSE(reported.empty());
  for (std::size_t k = 1; k < reported.size(); ++k) EXPECT_GT(reported[k], reported[k - 1]);
  EXPECT_EQ(reported.back(), trials);
}

// The sink gets consecutive chunks in trial order, covering [first_trial, first_trial + trials)
// once; each record is what simulate_trial gives for that trial on its own, and adding the
// records up gives the returned tallies.
TEST(RunTrials, ChunkSinkSeesEveryTrialOnceInOrder) {
  const Plan plan = test_plan();
  const std::uint64_t first = 1000003;
  const std::int64_t n = 10000;
  RunOptions options = options_of(n, 9, 2, first);
  options.keep_records = true;
  options.keep_outcomes = true;

  const std::int64_t record_size = plan.layout.size();
  KernelScratch scratch(plan);
  std::vector<std::int64_t> record(static_cast<std::size_t>(record_size));
  std::vector<ThreatOutcome> outcomes(static_cast<std::size_t>(plan.threat_count()));
  Tallies from_records(plan);
  std::uint64_t next = first;
  std::int64_t chunks = 0, record_mismatches = 0, outcome_mismatches = 0;
  const Tallies returned = run_trials(plan, options, [&](const TrialChunk& chunk) {
    ++chunks;
    EXPECT_EQ(chunk.first_trial, next) << "chunks out of order or with a gap";
    ASSERT_GT(chunk.trials, 0);
    ASSERT_NE(chunk.records, nullptr);
    ASSERT_NE(chunk.outcomes, nullptr);
    for (std::int64_t k = 0; k < chunk.trials; ++k) {
      const std::int64_t* kept = chunk.records + k * record_size;
      from_records.add(kept);
      // Check a sample of trials against a run of the kernel on its own.
      if (k % 97 != 0) continue;
      simulate_trial(plan, options.seed, chunk.first_trial + static_cast<std::uint64_t>(k), scratch, record.data(),
                     outcomes.data());
      record_mismatches += !std::equal(record.begin(), record.end(), kept);
      const ThreatOutcome* kept_outcomes = chunk.outcomes + k * plan.threat_count();
      for (std::int64_t i = 0; i < plan.threat_count(); ++i) {
        const ThreatOutcome& alone = outcomes[static_cast<std::size_t>(i)];
        outcome_mismatches += alone.fate != kept_outcomes[i].fate || alone.tier != kept_outcomes[i].tier ||
                              alone.intercept_layer != kept_outcomes[i].intercept_layer;
      }
    }
    next += static_cast<std::uint64_t>(chunk.trials);
  });
  EXPECT_EQ(next, first + static_cast<std::uint64_t>(n)) << "trials left out";
  EXPECT_GT(chunks, 1);
  EXPECT_EQ(record_mismatches, 0);
  EXPECT_EQ(outcome_mismatches, 0);
  expect_same_tallies(returned, from_records);
}

// Without keep_records/keep_outcomes the sink still sees every chunk, with no buffers.
TEST(RunTrials, ChunkSinkWithoutRecords) {
  const Plan plan = test_plan();
  std::int64_t seen = 0;
  run_trials(plan, options_of(9000, 9, 2), [&](const TrialChunk& chunk) {
    EXPECT_EQ(chunk.first_trial, static_cast<std::uint64_t>(seen));
    EXPECT_EQ(chunk.records, nullptr);
    EXPECT_EQ(chunk.outcomes, nullptr);
    seen += chunk.trials;
  });
  EXPECT_EQ(seen, 9000);
}

}  // namespace
}  // namespace salvosim
