// Published observables (published.hpp): each statistic evaluated on hand-made records and
// on the summary of those records, against values worked out by hand.
#include "salvosim/published.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hand_records.hpp"
#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {
namespace {

using test_support::three_group_plan;
using ::testing::HasSubstr;

// trial_one then trial_two, as a run keeps them.
std::vector<std::int64_t> two_trials(const Plan& plan) {
  std::vector<std::int64_t> records = test_support::trial_one(plan);
  const std::vector<std::int64_t> second = test_support::trial_two(plan);
  records.insert(records.end(), second.begin(), second.end());
  return records;
}

PublishedObservable observable(std::string statistic, std::string selection = "", std::vector<std::string> fates = {},
                               std::string rate = "", std::vector<std::string> layers = {}, std::string metric = "") {
  PublishedObservable o;
  o.name = "x";
  o.statistic = std::move(statistic);
  o.selection = std::move(selection);
  o.fates = std::move(fates);
  o.rate = std::move(rate);
  o.layers = std::move(layers);
  o.metric = std::move(metric);
  return o;
}

struct Case {
  PublishedObservable observable;
  std::vector<double> per_trial;  // worked out by hand from two_trials; NaN: undefined
  double mean;                    // the mean of the defined trials
};

std::vector<Case> cases() {
  const double nan = std::nan("");
  return {
      // class:drone = a + c: leaked_defended 1 + 0, leaked_open 0 + 1; then none.
      {observable("fate", "class:drone", {"leaked_defended", "leaked_open"}), {2.0, 0.0}, 1.0},
      {observable("fate", "all", {"intercepted"}), {3.0, 9.0}, 6.0},
      // Launched: every fate but launch_failure, 9 - 1 = 8; then 9 of 9.
      {observable("rate", "all", {}, "launched"), {3.0 / 8.0, 1.0}, (3.0 / 8.0 + 1.0) / 2.0},
      // b is not engaged in the first trial: the rate is undefined there, and the mean is the
      // second trial's.
      {observable("rate", "b", {}, "engaged"), {nan, 1.0}, 1.0},
      // Threatening: intercepted + leaked_defended of a and c, 3 + 1; then 7 of 7.
      {observable("rate", "class:drone", {}, "threatening"), {0.75, 1.0}, 0.875},
      {observable("intercepts", "class:drone", {}, "", {"outer", "inner"}), {3.0, 7.0}, 5.0},
      {observable("intercepts", "class:drone", {}, "", {"inner"}), {2.0, 0.0}, 1.0},
      {observable("layer", "", {}, "", {"outer", "inner"}, "fired"), {8.0, 11.0}, 9.5},
      {observable("layer", "", {}, "", {"outer"}, "missed_magazine"), {2.0, 0.0}, 1.0},
      // Fired times unit cost: 5 x 100 + 3 x 2.5, then 7 x 100 + 4 x 2.5; no layer: every layer.
      {observable("cost"), {507.5, 710.0}, 608.75},
      {observable("cost", "", {}, "", {"inner"}), {7.5, 10.0}, 8.75},
  };
}

TEST(Published, EachStatisticInEachTrial) {
  const Plan plan = three_group_plan();
  const std::vector<std::int64_t> records = two_trials(plan);
  for (const Case& c : cases()) {
    const ObservableIndex index = index_observable(c.observable, plan);
    const std::vector<double> values = trial_values(index, plan, records.data(), 2);
    ASSERT_EQ(values.size(), 2u);
    for (std::size_t t = 0; t < 2; ++t) {
      SCOPED_TRACE(c.observable.statistic + " " + c.observable.selection + " trial " + std::to_string(t));
      if (std::isnan(c.per_trial[t])) {
        EXPECT_TRUE(std::isnan(values[t])) << values[t];
      } else {
        EXPECT_DOUBLE_EQ(values[t], c.per_trial[t]);
      }
      EXPECT_EQ(std::isnan(values[t]), std::isnan(trial_value(index, plan, records.data() + t * plan.layout.size())));
    }
  }
}

TEST(Published, MeanFromTheSummaryOfTheSameTrials) {
  const Plan plan = three_group_plan();
  const std::vector<std::int64_t> records = two_trials(plan);
  Tallies tallies(plan);
  tallies.add(records.data());
  tallies.add(records.data() + plan.layout.size());
  const Results results = summarize(plan, tallies, RunInfo{});
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.observable.statistic + " " + c.observable.selection);
    EXPECT_DOUBLE_EQ(observable_mean(c.observable, results), c.mean);
  }
}

TEST(Published, NamesAreLookedUpAmongThePlansSelectionsAndLayers) {
  const Plan plan = three_group_plan();
  const ObservableIndex drone = index_observable(observable("fate", "class:drone", {"intercepted"}), plan);
  EXPECT_EQ(plan.selections[static_cast<std::size_t>(drone.selection)].label, "class:drone");
  EXPECT_EQ(drone.fates, (std::vector<Fate>{Fate::intercepted}));
  const ObservableIndex cost = index_observable(observable("cost"), plan);
  EXPECT_EQ(cost.layers, (std::vector<std::int64_t>{0, 1}));
  const ObservableIndex rate = index_observable(observable("rate", "all", {}, "threatening"), plan);
  EXPECT_EQ(rate.rate, Rate::threatening);
}

TEST(Published, AnUnknownNameIsAnErrorThatSaysWhichAndWhatThereIs) {
  const Plan plan = three_group_plan();
  auto message = [&](const PublishedObservable& o) {
    try {
      index_observable(o, plan);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(message(observable("fate", "class:ballistic", {"intercepted"})),
              HasSubstr("published observable \"x\": selection \"class:ballistic\" is not one of \"a\", \"b\", \"c\", "
                        "\"class:cruise\", \"class:drone\", \"all\""));
  EXPECT_THAT(message(observable("fate", "all", {"shot_down"})), HasSubstr("fate \"shot_down\""));
  EXPECT_THAT(message(observable("fate", "all")), HasSubstr("names no fate"));
  EXPECT_THAT(message(observable("rate", "all", {}, "defended")), HasSubstr("rate \"defended\""));
  EXPECT_THAT(message(observable("layer", "", {}, "", {"middle"}, "fired")), HasSubstr("layer \"middle\""));
  EXPECT_THAT(message(observable("layer", "", {}, "", {"outer"}, "shots")), HasSubstr("metric \"shots\""));
  EXPECT_THAT(message(observable("intercepts", "all")), HasSubstr("names no layer"));
  EXPECT_THAT(message(observable("mean")), HasSubstr("statistic \"mean\" is not one of \"fate\", \"rate\""));
  EXPECT_THROW(trial_values(index_observable(observable("cost"), plan), plan, nullptr, -1), std::invalid_argument);
}

// A campaign of two salvos: "salvo:<name>" holds that salvo's groups, as the plan numbers them.
TEST(Published, ASalvoSelectionSumsItsGroups) {
  const Plan plan = compile(load_scenario_string(R"([scenario]
name = "two-nights"

[[salvo]]
name = "first"
start = 0.0
[[salvo.threat]]
name = "m1"
class = "ballistic"
count = 2
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }

[[salvo]]
name = "second"
start = 86400.0
[[salvo.threat]]
name = "m2"
class = "ballistic"
count = 3
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }

[[layer]]
name = "only"
fire_units = 1
channels = 1
engagement_time = 10.0
interceptors = "unlimited"
engages.ballistic = { pk = 0.5, window = { open = 300.0, close = 0.0 } }
)",
                                                 "published_test"));
  std::vector<std::int64_t> record(static_cast<std::size_t>(plan.layout.size()), 0);
  record[static_cast<std::size_t>(plan.layout.fate(0, Fate::leaked_defended))] = 2;  // m1
  record[static_cast<std::size_t>(plan.layout.fate(1, Fate::leaked_defended))] = 1;  // m2
  record[static_cast<std::size_t>(plan.layout.fate(1, Fate::intercepted))] = 2;
  const auto value = [&](const std::string& selection) {
    return trial_value(index_observable(observable("fate", selection, {"leaked_defended"}), plan), plan, record.data());
  };
  EXPECT_EQ(value("salvo:first"), 2.0);
  EXPECT_EQ(value("salvo:second"), 1.0);
  EXPECT_EQ(value("class:ballistic"), 3.0);
  EXPECT_DOUBLE_EQ(trial_value(index_observable(observable("rate", "salvo:second", {}, "threatening"), plan), plan,
                               record.data()),
                   2.0 / 3.0);
}

}  // namespace
}  // namespace salvosim
