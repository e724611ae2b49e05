// What the HDF5 fuzz targets and fuzz_seed_files share: small, valid files of each kind the
// readers take, written by this build (so always of its format).
#pragma once

#include <cstdint>
#include <string>

#include "salvosim/config.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/run.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/sweep_file.hpp"

namespace salvosim::fuzz {

inline constexpr std::int64_t seed_trials = 16;

// A results file of seed_trials trials of `config`, with per-trial and per-threat rows if asked.
inline void write_results_file(const std::string& config, const std::string& path, bool per_rows) {
  const Scenario scenario = load_scenario_file(config);
  const Plan plan = compile(scenario);
  RunRequest request;
  request.options.trials = seed_trials;
  request.options.threads = 1;
  request.options.keep_records = per_rows;
  request.options.keep_outcomes = per_rows;
  ResultsFileWriter writer(path, plan, per_rows, per_rows);
  request.sink = [&](const TrialChunk& chunk) { writer.write_chunk(chunk); };
  writer.finish(run_scenario(plan, scenario, request));
}

// A grid of four points over a small inline scenario: whole (shard 0) or shard `shard` of 2.
inline void write_sweep_file(const std::string& path, std::int64_t shard) {
  const std::string text = R"([sweep]
name = "fuzz-seed"
mode = "grid"
trials = 16
seed = 3

[[axis]]
path = "threat.mrbm.count"
values = [5, 10]

[[axis]]
path = "layer.upper.interceptors"
name = "magazine"
values = [4, "unlimited"]

[[base.threat]]
name = "mrbm"
count = 10
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 600.0 }

[[base.layer]]
name = "upper"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 20
engages.mrbm = { pk = 0.7, window = { open = 300.0, close = 60.0 } }
)";
  SweepOptions options;
  options.threads = 1;
  if (shard > 0) options.shard = {shard, 2};
  write_sweep(path, run_sweep(load_sweep_string(text, "fuzz_seed.toml"), options));
}

}  // namespace salvosim::fuzz
