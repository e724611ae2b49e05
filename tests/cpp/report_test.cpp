// The text forms of results (report.hpp): the table a person reads and the JSON scripts parse.
#include "salvosim/report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/simulate.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Two groups; the "duds" never launch, so their launched and engaged rates are undefined.
const char* const scenario_text = R"(
[scenario]
name = "report \"quoted\""
[[threat]]
name = "drones"
class = "drone"
count = 20
launch = { start = 0.0, duration = 100.0 }
flight_time = { mean = 1000.0 }
[[threat]]
name = "duds"
class = "drone"
count = 5
launch = { start = 0.0, duration = 100.0 }
flight_time = { mean = 1000.0 }
p_launch = 0.0
[[layer]]
name = "guns"
fire_units = 2
channels = 1
engagement_time = 10.0
interceptors = 30
cost = 1000
engages.drone = { pk = 0.5, window = { open = 500.0, close = 0.0 } }
)";

Results run_small() {
  const Plan plan = compile(load_scenario_string(scenario_text));
  RunOptions options;
  options.trials = 500;
  options.seed = 5;
  RunInfo info;
  info.scenario_name = "report \"quoted\"";
  info.seed = 5;
  info.salvosim_version = "test";
  return summarize(plan, run_trials(plan, options), info);
}

TEST(Report, TableNamesEveryGroupLayerAndRate) {
  const std::string table = format_table(run_small());
  for (const char* text : {"drones", "duds", "class:drone", "all", "guns", "launch_failure", "leaked_open",
                           "missed_no_channel", "launched", "engaged", "threatening", "500 trials, seed 5"}) {
    EXPECT_THAT(table, HasSubstr(text));
  }
}

TEST(Report, JsonEscapesStringsAndWritesNullForUndefinedStatistics) {
  const std::string json = format_json(run_small());
  EXPECT_THAT(json, HasSubstr(R"("scenario": "report \"quoted\"")"));
  // No duds launch: their launched rate is undefined (0/0), which JSON writes as null.
  EXPECT_THAT(json, HasSubstr(R"("duds": {"launched": {"mean": null)"));
  EXPECT_THAT(json, Not(HasSubstr("nan")));
  EXPECT_THAT(json, Not(HasSubstr("inf")));
  // Every duds threat is a launch failure, in every trial.
  EXPECT_THAT(json, HasSubstr(R"("duds": {"launch_failure": {"mean": 5, "se": 0})"));
}

// The small scenario as a campaign: the drones, then the duds; the guns' magazine of 30 is
// resupplied by 5 before the second salvo.
Results run_campaign() {
  Scenario scenario = load_scenario_string(scenario_text);
  scenario.salvos = {{"night 1", 0.0, {scenario.threats[0]}}, {"night 2", 86400.0, {scenario.threats[1]}}};
  scenario.threats.clear();
  scenario.layers[0].resupply = 5;
  const Plan plan = compile(scenario);
  RunOptions options;
  options.trials = 500;
  options.seed = 5;
  RunInfo info;
  info.scenario_name = "campaign";
  info.salvosim_version = "test";
  return summarize(plan, run_trials(plan, options), info);
}

TEST(Report, CampaignTableShowsEachSalvo) {
  const std::string table = format_table(run_campaign());
  for (const char* text : {"salvo:night 1", "salvo:night 2", "magazine at start", "Layers per trial in each salvo",
                           "threat cost of the campaign"}) {
    EXPECT_THAT(table, HasSubstr(text));
  }
  EXPECT_THAT(format_table(run_small()), Not(HasSubstr("magazine at start")));
  EXPECT_THAT(format_table(run_small()), HasSubstr("threat cost of the salvo"));
}

TEST(Report, CampaignJsonAddsSalvosAndKeepsEveryKey) {
  const std::string json = format_json(run_campaign());
  for (const char* key : {"\"groups\": ", "\"classes\": ", "\"total\": ", "\"layers\": ", "\"rates\": ",
                          "\"group_rates\": ", "\"interceptor_cost\": ", "\"threat_cost\": "}) {
    EXPECT_THAT(json, HasSubstr(key));
  }
  EXPECT_THAT(json, HasSubstr(R"("salvos": {"night 1": {"start": 0, "total": {)"));
  EXPECT_THAT(json, HasSubstr(R"("night 2": {"start": 86400, )"));
  // The guns start full in every trial: 30 interceptors, no spread.
  EXPECT_THAT(json, HasSubstr(R"("magazine": {"mean": 30, "se": 0})"));
  // Salvo selections are not groups.
  EXPECT_THAT(json, Not(HasSubstr(R"("salvo:)")));
  EXPECT_THAT(format_json(run_small()), Not(HasSubstr("\"salvos\"")));
}

TEST(Report, JsonBracesBalance) {
  for (const Results& results : {run_small(), run_campaign()}) {
    const std::string json = format_json(results);
    int depth = 0;
    bool in_string = false;
    for (std::size_t k = 0; k < json.size(); ++k) {
      const char ch = json[k];
      if (in_string) {
        if (ch == '\\')
          ++k;
        else if (ch == '"')
          in_string = false;
        continue;
      }
      if (ch == '"') in_string = true;
      if (ch == '{' || ch == '[') ++depth;
      if (ch == '}' || ch == ']') --depth;
      ASSERT_GE(depth, 0);
    }
    EXPECT_EQ(depth, 0);
    EXPECT_FALSE(in_string);
  }
}

}  // namespace
}  // namespace salvosim
