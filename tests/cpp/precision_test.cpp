// A run to a precision target (precision.hpp): batches of fixed size until every chosen
// standard error is at most its target; the result is that of a plain run of the trials used,
// byte for byte, whatever the threads; names and targets are checked before anything runs.
#include "salvosim/precision.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/run.hpp"
#include "same_results.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;

Scenario example() { return load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/example.toml"); }

RunRequest request_of(std::int64_t trials, int threads, std::vector<SeTarget> targets, std::int64_t batch) {
  RunRequest request;
  request.options.trials = trials;
  request.options.seed = 7;
  request.options.threads = threads;
  request.options.first_trial = 5;  // batches start from it, as a plain run does
  request.precision.targets = std::move(targets);
  request.precision.batch_trials = batch;
  return request;
}

std::string refusal(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(ParseSeTargets, ReadsStatisticsAndStandardErrors) {
  const std::vector<SeTarget> targets =
      parse_se_targets("fate.all.intercepted=0.05,rate.\"class:drone\".launched=2e-3,total_interceptor_cost=1000");
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].statistic, "fate.all.intercepted");
  EXPECT_EQ(targets[0].target, 0.05);
  EXPECT_EQ(targets[1].statistic, "rate.\"class:drone\".launched");
  EXPECT_EQ(targets[1].target, 2e-3);
  EXPECT_EQ(targets[2].statistic, "total_interceptor_cost");
  EXPECT_TRUE(std::isnan(targets[0].se));  // not run yet
}

TEST(ParseSeTargets, QuotesKeepCommasAndEqualsInNames) {
  const std::vector<SeTarget> targets = parse_se_targets("layer.\"a,b=c\".fired=0.5");
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].statistic, "layer.\"a,b=c\".fired");
}

TEST(ParseSeTargets, RefusesBadFormsAndTargets) {
  EXPECT_THAT(refusal([] { parse_se_targets("fate.all.intercepted"); }), HasSubstr("must be STAT=SE"));
  EXPECT_THAT(refusal([] { parse_se_targets("fate.all.intercepted=0.1,"); }), HasSubstr("must be STAT=SE"));
  EXPECT_THAT(refusal([] { parse_se_targets("=0.1"); }), HasSubstr("must be STAT=SE"));
  EXPECT_THAT(refusal([] { parse_se_targets("fate.all.intercepted=small"); }), HasSubstr("\"small\" is not a number"));
  EXPECT_THAT(refusal([] { parse_se_targets("fate.all.intercepted=0.1x"); }), HasSubstr("is not a number"));
  EXPECT_THAT(refusal([] { parse_se_targets("fate.all.intercepted=0"); }),
              HasSubstr("\"fate.all.intercepted\": the standard error must be a finite number > 0, got 0"));
  EXPECT_THAT(refusal([] { parse_se_targets("fate.all.intercepted=-0.5"); }), HasSubstr("got -0.5"));
  EXPECT_THAT(refusal([] { parse_se_targets("fate.all.intercepted=inf"); }), HasSubstr("got inf"));
  EXPECT_THAT(refusal([] { parse_se_targets("fate.all.intercepted=nan"); }), HasSubstr("got nan"));
}

TEST(FindStatistic, NamesAnArrayAndItsLabels) {
  const Scenario scenario = example();
  const Results results = run_scenario(scenario, request_of(50, 1, {}, 10));
  const StatisticRef fate = find_statistic(results, "fate.all.intercepted");
  EXPECT_EQ(fate.se_array, "fate_se");
  EXPECT_EQ(fate.offset, results.index("selection", "all") * fate_count + results.index("fate", "intercepted"));
  EXPECT_EQ(find_statistic(results, "total_interceptor_cost").offset, 0);
  EXPECT_EQ(find_statistic(results, "rate.class:drone.engaged").se_array, "rate_se");
  EXPECT_EQ(find_statistic(results, "layer.\"upper-tier\".fired").se_array, "layer_se");
}

TEST(FindStatistic, SaysWhatIsUnknownAndWhatWasMeant) {
  const Scenario scenario = example();
  const Results results = run_scenario(scenario, request_of(50, 1, {}, 10));
  const auto find = [&](const std::string& name) { return refusal([&] { find_statistic(results, name); }); };
  EXPECT_THAT(find("fat.all.intercepted"), HasSubstr("no statistic \"fat\" (did you mean \"fate\"?)"));
  EXPECT_THAT(find("fate.al.intercepted"), HasSubstr("no selection \"al\" (did you mean \"all\"?)"));
  EXPECT_THAT(find("fate.all.intercepte"), HasSubstr("no fate \"intercepte\" (did you mean \"intercepted\"?)"));
  EXPECT_THAT(find("fate.all"), HasSubstr("\"fate\" takes 2 labels, as fate.<selection>.<fate>"));
  EXPECT_THAT(find("fate..intercepted"), HasSubstr("has an empty segment"));
  // An array without a standard error is not a statistic with a target.
  EXPECT_THAT(find("threat_cost"), HasSubstr("no statistic \"threat_cost\""));
}

TEST(RunToPrecision, StopsAtTheFirstBatchThatMeetsTheTarget) {
  const Scenario scenario = example();
  // The standard error after n trials is about sd / sqrt(n): aim between those of 2 and of 3 batches.
  const Results probe = run_scenario(scenario, request_of(400, 1, {}, 10));
  const double sd =
      probe.value("fate_se", {probe.index("selection", "all"), probe.index("fate", "intercepted")}) * std::sqrt(400.0);
  const double target = sd / std::sqrt(250.0);  // between sd/sqrt(200) and sd/sqrt(300)
  const Results results = run_scenario(scenario, request_of(100000, 2, {{"fate.all.intercepted", target}}, 100));
  const PrecisionInfo& p = results.info.precision;
  EXPECT_TRUE(p.reached);
  EXPECT_EQ(p.batch_trials, 100);
  EXPECT_EQ(p.max_trials, 100000);
  EXPECT_EQ(results.info.trials % 100, 0);
  EXPECT_GE(results.info.trials, 200);  // sd is estimated from 400 trials: a batch either way
  EXPECT_LE(results.info.trials, 400);
  ASSERT_EQ(p.targets.size(), 1u);
  EXPECT_LE(p.targets[0].se, target);
  EXPECT_EQ(p.targets[0].se,
            results.value("fate_se", {results.index("selection", "all"), results.index("fate", "intercepted")}));
  // One batch fewer would not have met it: the run stopped at the first boundary that did.
  const Results shorter = run_scenario(scenario, request_of(results.info.trials - 100, 1, {}, 10));
  EXPECT_GT(shorter.value("fate_se", {shorter.index("selection", "all"), shorter.index("fate", "intercepted")}),
            target);
}

TEST(RunToPrecision, IsAPlainRunOfTheTrialsUsedWhateverTheThreads) {
  const Scenario scenario = example();
  const std::vector<SeTarget> targets{{"fate.all.intercepted", 0.05}, {"rate.all.launched", 0.004}};
  const Results one = run_scenario(scenario, request_of(20000, 1, targets, 250));
  const Results two = run_scenario(scenario, request_of(20000, 2, targets, 250));
  const Results four = run_scenario(scenario, request_of(20000, 4, targets, 250));
  ASSERT_TRUE(one.info.precision.reached);
  EXPECT_EQ(one.info.trials, two.info.trials);
  EXPECT_EQ(one.info.trials, four.info.trials);
  EXPECT_GT(one.info.trials, 250);  // more than one batch: the batches were merged
  test_support::expect_same_arrays(one, two);
  test_support::expect_same_arrays(one, four);
  const Results plain = run_scenario(scenario, request_of(one.info.trials, 2, {}, 1));
  EXPECT_FALSE(plain.info.precision.used());
  test_support::expect_same_arrays(plain, one);
}

TEST(RunToPrecision, SaysSoWhenTheTrialsRunOut) {
  const Scenario scenario = example();
  const Results results = run_scenario(scenario, request_of(1050, 1, {{"rate.all.launched", 1e-9}}, 200));
  const PrecisionInfo& p = results.info.precision;
  EXPECT_FALSE(p.reached);
  EXPECT_EQ(results.info.trials, 1050);  // every trial allowed, the last batch cut short
  EXPECT_GT(p.targets[0].se, 1e-9);
  test_support::expect_same_arrays(run_scenario(scenario, request_of(1050, 2, {}, 1)), results);
}

TEST(RunToPrecision, RefusesBadTargetsBeforeRunning) {
  const Scenario scenario = example();
  const auto refused = [&](std::vector<SeTarget> targets, std::int64_t batch) {
    return refusal([&] { run_scenario(scenario, request_of(1000, 1, std::move(targets), batch)); });
  };
  EXPECT_THAT(refused({{"fate.all.intercepted", 0.1}, {"fate.all.intercepted", 0.2}}, 10), HasSubstr("given twice"));
  EXPECT_THAT(refused({{"fate.all.intercepted", 0.0}}, 10), HasSubstr("must be a finite number > 0, got 0"));
  EXPECT_THAT(refused({{"fate.all.intercepted", -1.0}}, 10), HasSubstr("got -1"));
  EXPECT_THAT(refused({{"rates.all.launched", 0.1}}, 10), HasSubstr("(did you mean \"rate\"?)"));
  EXPECT_THAT(refused({{"fate.all.intercepted", 0.1}}, 0), HasSubstr("batch trials must be an integer in [1, "));
  PrecisionTarget none;
  EXPECT_THAT(refusal([&] { check_precision_target(compile(scenario), none); }), HasSubstr("names no statistic"));
}

}  // namespace
}  // namespace salvosim
