// `salvosim run`: one scenario, its statistics as a table or JSON, optionally an HDF5 file.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "default_scenario.hpp"
#include "salvosim/config.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/precision.hpp"
#include "salvosim/report.hpp"
#include "salvosim/results.hpp"
#include "salvosim/run.hpp"

namespace salvosim::cli {
namespace {

struct RunArguments {
  std::string config;
  std::int64_t trials = 100000;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string out;
  bool json = false;
  bool per_trial = false;
  bool per_threat = false;
  std::string max_memory;
  std::vector<std::string> target_se;  // each STAT=SE[,STAT=SE...]
  std::int64_t batch = default_batch_trials;
};

Scenario load(const std::string& config) {
  if (config.empty()) return load_scenario_string(default_scenario_text, default_scenario_name);
  return load_scenario_file(config);
}

int run(const RunArguments& args) {
  const std::int64_t max_memory = max_memory_bytes(args.max_memory);
  const Scenario scenario = load(args.config);
  const Plan plan = compile(scenario, max_memory);

  RunRequest request;
  request.options.trials = args.trials;
  request.options.seed = args.seed;
  request.options.threads = args.threads;
  request.options.keep_records = args.per_trial;
  request.options.keep_outcomes = args.per_threat;
  request.options.max_memory = max_memory;
  for (const std::string& text : args.target_se) {
    for (SeTarget& target : parse_se_targets(text)) request.precision.targets.push_back(std::move(target));
  }
  request.precision.batch_trials = args.batch;

  std::optional<ResultsFileWriter> writer;
  if (!args.out.empty()) writer.emplace(args.out, plan, args.per_trial, args.per_threat);
  if (writer) request.sink = [&](const TrialChunk& chunk) { writer->write_chunk(chunk); };

  const Results results = [&] {
    ProgressLine progress;  // gone (its line cleared) before the results are printed
    request.progress = [&](std::int64_t done, std::int64_t total) {
      if (interrupted) return false;
      const double rate = static_cast<double>(done) / progress.elapsed();
      char text[160];
      std::snprintf(text, sizeof text, "%5.1f%%  %lld/%lld trials  %.0f trials/s  %.1f s left",
                    100.0 * static_cast<double>(done) / static_cast<double>(total), static_cast<long long>(done),
                    static_cast<long long>(total), rate, static_cast<double>(total - done) / rate);
      progress.show(text, done == total);
      return true;
    };
    return run_scenario(plan, scenario, request);
  }();
  if (writer) writer->finish(results);
  if (results.info.precision.used() && !results.info.precision.reached) {
    std::cerr << "salvosim: warning: " << printable(precision_summary(results.info)) << "\n";
  }
  std::cout << (args.json ? format_json(results) : format_table(results));
  if (!args.out.empty() && !args.json) std::cout << "\nwrote " << args.out << "\n";
  return exit_ok;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArguments>();
  CLI::App* cmd = app.add_subcommand("run", "Run a scenario and print its statistics");
  cmd->add_option("config", args->config,
                  "Scenario file (TOML); without one, the built-in default scenario (" +
                      std::string(default_scenario_name) + ")");
  cmd->add_option("--trials,-n", args->trials, "Number of trials")
      ->capture_default_str()
      ->check(CLI::Range(min_run_trials, max_run_trials));
  cmd->add_option("--seed,-s", args->seed, "Random seed: the same seed gives the same results")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);  // checked on the text: "-3" would otherwise wrap around
  add_threads_option(cmd, args->threads, "Worker threads");
  add_max_memory_option(cmd, args->max_memory);
  cmd->add_option("--out,-o", args->out, "Write the results to this HDF5 file");
  cmd->add_option("--target-se", args->target_se,
                  "Run in batches until each statistic's standard error is at most its target, --trials at most: "
                  "STAT=SE[,STAT=SE...], e.g. fate.all.intercepted=0.05 (docs/cli.md)")
      ->allow_extra_args(false)  // one STAT=SE list an occurrence: `--target-se X=1 CONFIG` leaves CONFIG be
      ->take_all();
  cmd->add_option("--batch", args->batch, "Trials per batch of a run with --target-se")
      ->capture_default_str()
      ->check(CLI::Range(min_run_trials, max_run_trials));
  cmd->add_flag("--json", args->json, "Print the summary as one JSON object instead of a table");
  cmd->add_flag("--per-trial", args->per_trial, "Store every trial's counts in the HDF5 file (needs --out)");
  cmd->add_flag("--per-threat", args->per_threat, "Store every threat's fate in every trial (needs --out; large)");
  return {cmd, [args, cmd] {
            if ((args->per_trial || args->per_threat) && args->out.empty()) {
              std::cerr << "salvosim run: --per-trial and --per-threat need --out FILE\n";
              return exit_bad_input;
            }
            if (args->target_se.empty() && (*cmd)["--batch"]->count() > 0) {
              std::cerr << "salvosim run: --batch needs --target-se STAT=SE\n";
              return exit_bad_input;
            }
            watch_for_interrupt();
            return guarded([&] { return run(*args); });
          }};
}

}  // namespace salvosim::cli
