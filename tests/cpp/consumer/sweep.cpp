// Runs a two-point sweep and prints its points: proof that the installed sweep library, its
// headers and its package configuration work for a project that is not salvosim.
#include <cstdio>

#include "salvosim/sweep.hpp"

int main() {
  const salvosim::SweepSpec spec = salvosim::load_sweep_string(R"(
[sweep]
name = "consumer-sweep"
trials = 50

[base.scenario]
name = "consumer"
[[base.threat]]
name = "drones"
class = "drone"
count = 10
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 600.0 }
[[base.layer]]
name = "guns"
fire_units = 1
channels = 1
engagement_time = 5.0
interceptors = "unlimited"
engages.drone = { pk = 0.5, window = { open = 100.0, close = 0.0 } }

[[axis]]
path = "layer.guns.engages.drone.pk"
values = [0.3, 0.6]
)");
  salvosim::SweepOptions options;
  options.threads = 1;
  const salvosim::SweepResults results = salvosim::run_sweep(spec, options);
  std::printf("points=%zu\n", results.points.size());
  return results.points.size() == 2 ? 0 : 1;
}
