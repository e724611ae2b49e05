// Loads a scenario, runs it and prints one number: proof that the installed headers,
// library and package configuration work for a project that is not salvosim.
#include <cstdio>

#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/simulate.hpp"

int main() {
  const salvosim::Scenario scenario = salvosim::load_scenario_string(R"(
[scenario]
name = "consumer"
[[threat]]
name = "drones"
class = "drone"
count = 10
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 600.0 }
[[layer]]
name = "guns"
fire_units = 1
channels = 1
engagement_time = 5.0
interceptors = "unlimited"
engages.drone = { pk = 0.5, window = { open = 100.0, close = 0.0 } }
)");
  const salvosim::Plan plan = salvosim::compile(scenario);
  salvosim::RunOptions options;
  options.trials = 100;
  const salvosim::Tallies tallies = salvosim::run_trials(plan, options);
  std::printf("trials=%lld\n", static_cast<long long>(tallies.trials));
  return tallies.trials == 100 ? 0 : 1;
}
