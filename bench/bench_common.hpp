// Shared by the benchmark programs: loading the standard scenarios and labelling the run.
#pragma once

#include <benchmark/benchmark.h>

#include <string>

#include "salvosim/config.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"

namespace salvosim::bench {

// A scenario of configs/ compiled, e.g. plan_of("saturation.toml").
inline Plan plan_of(const std::string& file) {
  return compile(load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/" + file));
}

// The standard scenarios of bench/README.md, by benchmark argument.
inline const char* const standard_scenarios[] = {"true_promise_1_illustrative.toml", "saturation.toml", "example.toml",
                                                 "large_raid.toml"};

// Records in the output which instruction set the batched draws used.
inline void label_run() { benchmark::AddCustomContext("salvosim_draw_isa", kernel_draw_isa()); }

}  // namespace salvosim::bench
