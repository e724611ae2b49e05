// The rule each plain key carries in config_fields.hpp (from which the JSON Schema of a
// scenario file is made, config_schema.cpp) is the rule validate() applies at that key: a value
// that breaks it is reported there, with check_value's message. And the schemas are made
// without a key left undescribed (the generators throw otherwise).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "config_fields.hpp"
#include "config_test_support.hpp"
#include "salvosim/config.hpp"

namespace salvosim::config_test {
namespace {

using detail::Field;
using detail::Fields;

// Sets `value` to one that breaks `rule`; returns check_value's message for it.
std::string break_rule(double& value, ValueRule rule) {
  value = rule == ValueRule::probability ? 1.5
          : rule == ValueRule::finite    ? std::numeric_limits<double>::infinity()
          : rule == ValueRule::positive  ? 0.0
                                         : -1.0;
  return check_value(rule, value);
}
std::string break_rule(std::int64_t& value, ValueRule rule) {
  value = rule == ValueRule::count ? -1 : 0;
  return check_value(rule, value);
}
std::string break_rule(std::string& value, ValueRule rule) {
  value = "";
  return check_value(rule, value);
}
std::string break_rule(bool&, ValueRule) {
  ADD_FAILURE() << "a flag has no rule";
  return "";
}

template <class Entity>
void expect_rules_enforced(const Fields<Entity>& fields, const std::function<Entity&(Scenario&)>& locate) {
  // Every plain key's rule is checked in it: a tier, a shoot-look-shoot layer (look_time), a
  // finite magazine, a rationing rule.
  const Scenario base = load_scenario_file(std::string(SALVOSIM_TEST_DATA_DIR) + "/configs/every_table.toml");
  for (const Field<Entity>& field : fields) {
    if (!field.rule) continue;
    Scenario edited = base;
    const std::string message =
        std::visit([&](auto member) { return break_rule(locate(edited).*member, *field.rule); }, field.member);
    ASSERT_FALSE(message.empty()) << field.key;
    const std::string suffix = "." + std::string(field.key);
    bool found = false;
    const std::vector<ConfigProblem> problems = validate(edited);
    for (const ConfigProblem& problem : problems) {
      const bool at_key = problem.key_path.size() >= suffix.size() &&
                          problem.key_path.compare(problem.key_path.size() - suffix.size(), suffix.size(), suffix) == 0;
      found = found || (at_key && problem.message == message);
    }
    EXPECT_TRUE(found) << field.key << ": validate() does not report \"" << message << "\"; it reports:\n"
                       << listing(problems);
  }
}

TEST(ConfigSchema, EachPlainKeysRuleIsTheOneValidateApplies) {
  expect_rules_enforced<ThreatGroup>(detail::threat_fields, [](Scenario& s) -> ThreatGroup& { return s.threats[0]; });
  expect_rules_enforced<Tier>(detail::tier_fields, [](Scenario& s) -> Tier& { return s.tiers[0]; });
  expect_rules_enforced<LaunchSpec>(detail::uniform_launch_fields,
                                    [](Scenario& s) -> LaunchSpec& { return s.threats[0].launch; });
  expect_rules_enforced<FlightTime>(detail::flight_time_fields,
                                    [](Scenario& s) -> FlightTime& { return s.threats[0].flight_time; });
  expect_rules_enforced<Layer>(detail::layer_fields, [](Scenario& s) -> Layer& { return s.layers[0]; });
  expect_rules_enforced<Ration>(detail::ration_fields, [](Scenario& s) -> Ration& { return s.layers[0].rations[0]; });
  expect_rules_enforced<EngagementSpec>(detail::engagement_fields,
                                        [](Scenario& s) -> EngagementSpec& { return s.layers[0].engages[0]; });
  expect_rules_enforced<Window>(detail::window_fields,
                                [](Scenario& s) -> Window& { return s.layers[0].engages[0].window; });
}

TEST(ConfigSchema, TheScenarioSchemaDescribesEveryKeyTheLoaderTakes) {
  // The generator throws std::logic_error for a key of a loader's list without a schema.
  std::string schema;
  ASSERT_NO_THROW(schema = scenario_schema());
  EXPECT_TRUE(contains(schema, "\"$schema\": \"http://json-schema.org/draft-07/schema#\""));
  for (const std::vector<std::string>* keys :
       {&detail::root_keys, &detail::scenario_keys, &detail::threat_keys_by_hand, &detail::layer_keys_by_hand,
        &detail::ration_keys_by_hand, &detail::salvo_keys}) {
    for (const std::string& key : *keys) EXPECT_TRUE(contains(schema, "\"" + key + "\": {")) << key;
  }
  for (const Field<Layer>& field : detail::layer_fields) {
    EXPECT_TRUE(contains(schema, "\"" + std::string(field.key) + "\": {")) << field.key;
  }
}

}  // namespace
}  // namespace salvosim::config_test
