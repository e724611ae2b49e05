// The kernel: one trial of each standard scenario (simulate_trial alone, then with the tally
// of its record, as run_trials does), and channel scheduling under saturation (N threats
// arriving together at one layer of 8 channels). Items are trials.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "salvosim/config.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {
namespace {

constexpr std::uint64_t seed = 1;

void run_one_trial_per_iteration(benchmark::State& state, const Plan& plan, bool tally) {
  KernelScratch scratch(plan);
  Tallies tallies(plan);
  std::vector<std::int64_t> record(static_cast<std::size_t>(plan.layout.size()));
  std::uint64_t trial = 0;
  for (auto _ : state) {
    simulate_trial(plan, seed, trial++, scratch, record.data());
    if (tally) tallies.add(record.data());
    benchmark::DoNotOptimize(record.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["threats"] = static_cast<double>(plan.threat_count());
}

void BM_Trial(benchmark::State& state) {
  const std::string file = bench::standard_scenarios[state.range(0)];
  state.SetLabel(file);
  run_one_trial_per_iteration(state, bench::plan_of(file), false);
}
BENCHMARK(BM_Trial)->DenseRange(0, 3);

void BM_TrialAndTally(benchmark::State& state) {
  const std::string file = bench::standard_scenarios[state.range(0)];
  state.SetLabel(file);
  run_one_trial_per_iteration(state, bench::plan_of(file), true);
}
BENCHMARK(BM_TrialAndTally)->DenseRange(0, 3);

// N ballistic threats in one wave, one impact time give or take a few seconds, against one
// layer of 8 channels with a window for ~3 engagements each: most requests miss for want of a
// channel, and every one goes through the sort and the channel ring.
Plan saturation_plan(std::int64_t n) {
  const std::string text =
      "[scenario]\nname = \"saturation-bench\"\n\n[[threat]]\nname = \"srbm\"\ncount = " + std::to_string(n) +
      "\nlaunch = { waves = [[0.0, " + std::to_string(n) +
      "]] }\nflight_time = { mean = 400.0, sd = 5.0 }\n\n"
      "[[layer]]\nname = \"one\"\nfire_units = 2\nchannels = 4\nengagement_time = 30.0\n"
      "interceptors = \"unlimited\"\nengages.srbm = { pk = 0.7, window = { open = 120.0, close = 20.0 } }\n";
  return compile(load_scenario_string(text, "saturation-bench"));
}

void BM_SaturatedChannels(benchmark::State& state) {
  run_one_trial_per_iteration(state, saturation_plan(state.range(0)), false);
}
BENCHMARK(BM_SaturatedChannels)->Arg(100)->Arg(1000)->Arg(10000);

// A whole run on one thread, tallies included: trials per second as the command line sees it.
void BM_RunTrialsOneThread(benchmark::State& state) {
  const Plan plan = bench::plan_of(bench::standard_scenarios[0]);
  RunOptions options;
  options.trials = 8192;
  options.threads = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(run_trials(plan, options).trials);
    options.first_trial += static_cast<std::uint64_t>(options.trials);
  }
  state.SetItemsProcessed(state.iterations() * options.trials);
}
BENCHMARK(BM_RunTrialsOneThread)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace salvosim
