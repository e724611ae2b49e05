// The `salvosim` command: a thin front end over the core library.
// Exit codes: 0 success, 2 bad input (config, arguments), 1 any other failure, 130 interrupted.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "default_scenario.hpp"
#include "salvosim/config.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/report.hpp"
#include "salvosim/results.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/version.hpp"

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_bad_input = 2;
constexpr int exit_interrupted = 130;

std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted = true; }

struct RunArguments {
  std::string config;
  std::int64_t trials = 100000;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string out;
  bool json = false;
  bool per_trial = false;
  bool per_threat = false;
};

// A progress line on stderr, redrawn in place, for runs that last longer than a second and
// only when a person is watching (stderr is a terminal).
class ProgressLine {
 public:
  ProgressLine() : enabled_(isatty(STDERR_FILENO) != 0), start_(Clock::now()), last_(start_) {}
  bool update(std::int64_t done, std::int64_t total) {
    if (interrupted) return false;
    if (!enabled_) return true;
    const auto now = Clock::now();
    const double elapsed = seconds(now - start_);
    if (elapsed < 1.0 || (seconds(now - last_) < 0.2 && done < total)) return true;
    last_ = now;
    const double rate = static_cast<double>(done) / elapsed;
    std::fprintf(stderr, "\r%5.1f%%  %lld/%lld trials  %.0f trials/s  %.1f s left   ",
                 100.0 * static_cast<double>(done) / static_cast<double>(total), static_cast<long long>(done),
                 static_cast<long long>(total), rate, static_cast<double>(total - done) / rate);
    shown_ = true;
    return true;
  }
  ~ProgressLine() {
    if (shown_) std::fputs("\n", stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  static double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
  bool enabled_;
  bool shown_ = false;
  Clock::time_point start_, last_;
};

salvosim::Scenario load(const std::string& config) {
  if (config.empty()) {
    return salvosim::load_scenario_string(salvosim::cli::default_scenario_text,
                                          salvosim::cli::default_scenario_name);
  }
  return salvosim::load_scenario_file(config);
}

int run(const RunArguments& args) {
  const salvosim::Scenario scenario = load(args.config);
  const salvosim::Plan plan = salvosim::compile(scenario);

  salvosim::RunOptions options;
  options.trials = args.trials;
  options.seed = args.seed;
  options.threads = args.threads;
  options.keep_records = args.per_trial;
  options.keep_outcomes = args.per_threat;

  salvosim::RunInfo info;
  info.scenario_name = scenario.name;
  info.scenario_text = scenario.source_text;
  info.source_name = scenario.source_name;
  info.seed = args.seed;
  info.first_trial = 0;
  info.threads = salvosim::worker_count(args.threads);
  info.salvosim_version = salvosim::version();
  info.git_sha1 = salvosim::git_sha1();
  info.created = salvosim::utc_now();

  std::optional<salvosim::ResultsFileWriter> writer;
  if (!args.out.empty()) writer.emplace(args.out, plan, info, args.per_trial, args.per_threat);
  salvosim::ChunkSink sink;
  if (writer) sink = [&](const salvosim::TrialChunk& chunk) { writer->write_chunk(chunk); };

  salvosim::Tallies tallies = [&] {
    ProgressLine progress;
    return salvosim::run_trials(plan, options, sink,
                                [&](std::int64_t done, std::int64_t total) { return progress.update(done, total); });
  }();
  const salvosim::Results results = salvosim::summarize(plan, tallies, info);
  if (writer) writer->finish(results);
  std::cout << (args.json ? salvosim::format_json(results) : salvosim::format_table(results));
  if (!args.out.empty() && !args.json) std::cout << "\nwrote " << args.out << "\n";
  return exit_ok;
}

int validate(const std::string& config) {
  const salvosim::Scenario scenario = salvosim::load_scenario_file(config);
  const salvosim::Plan plan = salvosim::compile(scenario);
  std::cout << config << ": valid: scenario \"" << scenario.name << "\", " << plan.group_count()
            << " threat groups (" << plan.threat_count() << " threats), " << plan.layer_count() << " layers\n";
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"salvosim " + salvosim::version() +
               ": Monte Carlo simulation of layered air and missile defence against mixed salvos."};
  app.set_version_flag("--version", "salvosim " + salvosim::version() + " (" + salvosim::git_sha1() + ")");
  app.require_subcommand(1);

  RunArguments args;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario and print its statistics");
  run_cmd->add_option("config", args.config,
                      "Scenario file (TOML); without one, the built-in default scenario (" +
                          std::string(salvosim::cli::default_scenario_name) + ")");
  run_cmd->add_option("--trials,-n", args.trials, "Number of trials")->capture_default_str()->check(CLI::Range(std::int64_t{1}, salvosim::max_trials_per_tally));
  run_cmd->add_option("--seed,-s", args.seed, "Random seed: the same seed gives the same results")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);  // checked on the text: "-3" would otherwise wrap around
  run_cmd->add_option("--threads,-t", args.threads, "Worker threads (0: every core)")->capture_default_str()->check(CLI::NonNegativeNumber);
  run_cmd->add_option("--out,-o", args.out, "Write the results to this HDF5 file");
  run_cmd->add_flag("--json", args.json, "Print the summary as one JSON object instead of a table");
  run_cmd->add_flag("--per-trial", args.per_trial, "Store every trial's counts in the HDF5 file (needs --out)");
  run_cmd->add_flag("--per-threat", args.per_threat, "Store every threat's fate in every trial (needs --out; large)");

  std::string validate_config;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Check a scenario file without running it");
  validate_cmd->add_option("config", validate_config, "Scenario file (TOML)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_bad_input;
  }
  if ((args.per_trial || args.per_threat) && args.out.empty()) {
    std::cerr << "salvosim run: --per-trial and --per-threat need --out FILE\n";
    return exit_bad_input;
  }

  std::signal(SIGINT, on_interrupt);
  try {
    if (*run_cmd) return run(args);
    return validate(validate_config);
  } catch (const salvosim::ConfigError& e) {
    std::cerr << "salvosim: invalid scenario:\n" << e.what() << "\n";
    return exit_bad_input;
  } catch (const salvosim::RunCancelled&) {
    std::cerr << "salvosim: interrupted; no output file was written\n";
    return exit_interrupted;
  } catch (const std::invalid_argument& e) {
    std::cerr << "salvosim: " << e.what() << "\n";
    return exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "salvosim: error: " << e.what() << "\n";
    return exit_failure;
  }
}
