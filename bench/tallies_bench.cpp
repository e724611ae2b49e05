// Accumulating one trial's record into the tallies (Tallies::add), which run_trials does once
// per trial: for small scenarios it is a visible share of the time. Items are trials.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {
namespace {

void add_trials(benchmark::State& state, const std::string& file) {
  state.SetLabel(file);
  const Plan plan = bench::plan_of(file);
  // 256 real records, replayed.
  constexpr std::size_t kept = 256;
  const auto size = static_cast<std::size_t>(plan.layout.size());
  std::vector<std::int64_t> records(kept * size);
  KernelScratch scratch(plan);
  for (std::size_t t = 0; t < kept; ++t) simulate_trial(plan, 1, t, scratch, &records[t * size]);
  Tallies tallies(plan);
  std::size_t t = 0;
  for (auto _ : state) {
    tallies.add(&records[t * size]);
    t = (t + 1) % kept;
  }
  benchmark::DoNotOptimize(tallies.trials);
  state.SetItemsProcessed(state.iterations());
}

void BM_TalliesAdd(benchmark::State& state) { add_trials(state, bench::standard_scenarios[state.range(0)]); }
BENCHMARK(BM_TalliesAdd)->DenseRange(0, 3);

// What `salvosim run` runs without a config (bench/README.md: "default"): its four declared tiers
// add tier selections and add_tier_leaks, which the standard scenarios above do not have.
void BM_TalliesAddDefault(benchmark::State& state) { add_trials(state, "true_promise_1.toml"); }
BENCHMARK(BM_TalliesAddDefault);

}  // namespace
}  // namespace salvosim
