// `salvosim sweep`: run a sweep file, in one process or on every process of an MPI job, whole
// or one shard of it, going on from its checkpoints with --resume; rank 0 writes the file.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "salvosim/config.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/run.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/sweep_file.hpp"
#include "salvosim/team.hpp"

namespace salvosim::cli {
namespace {

// Outside a terminal (a batch job's log) the progress line is written this often.
constexpr double log_every_seconds = 60.0;
// --dry-run: the wall time of one task the shards are planned for, and how many points it lists.
constexpr double default_target_hours = 4.0;
constexpr std::int64_t points_listed = 10;

struct SweepArguments {
  std::string sweep;
  std::string out;
  int threads = 0;
  std::string shard;
  bool resume = false;
  double checkpoint_every = 1.0;
  bool dry_run = false;
  bool status = false;
  double target_hours = default_target_hours;
};

// `text` as one word of a POSIX shell's command line.
std::string shell_word(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::strchr("@%+=:,./-_", c) != nullptr;
  });
  if (plain) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The command that runs this sweep as `args` say (without --resume).
std::string sweep_command_line(const SweepArguments& args) {
  std::string command = "salvosim sweep " + shell_word(args.sweep) + " --out " + shell_word(args.out);
  if (args.threads != 0) command += " --threads " + std::to_string(args.threads);
  if (!args.shard.empty()) command += " --shard " + shell_word(args.shard);
  if (args.checkpoint_every != SweepOptions{}.checkpoint_seconds) {
    std::ostringstream seconds;
    seconds << args.checkpoint_every;  // shortest form: 0, 0.5, 30
    command += " --checkpoint-every " + seconds.str();
  }
  return command;
}

// The command that goes on from the checkpoints of this one.
std::string resume_command(const SweepArguments& args) { return sweep_command_line(args) + " --resume"; }

std::string shape_text(const SweepSpec& spec) {
  std::string text;
  for (std::int64_t extent : sweep_shape(spec)) text += (text.empty() ? "" : " x ") + std::to_string(extent);
  return spec.mode == SweepMode::grid ? "grid " + text : std::string(to_string(spec.mode)) + " of " + text;
}

std::string point_text(const SweepSpec& spec, const SweepPoint& point) {
  std::string text;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    text += (a == 0 ? "" : "  ") + spec.axes[a].dimension() + "=" + to_label(point.values[a]);
  }
  return text + "  (" + std::to_string(point.trials) + " trials)";
}

std::string list_text(const std::vector<std::int64_t>& points) {
  std::string text;
  const auto shown = std::min<std::size_t>(points.size(), 20);
  for (std::size_t k = 0; k < shown; ++k) text += (k == 0 ? "" : ", ") + std::to_string(points[k]);
  if (points.size() > shown) text += ", ... (" + std::to_string(points.size() - shown) + " more)";
  return text;
}

// `salvosim sweep --dry-run`: the points, their estimated cost and the shards for a wall time.
int dry_run(const SweepArguments& args) {
  const SweepSpec spec = load_sweep_file(args.sweep);
  const ExpandedSweep sweep = expand_sweep(spec);
  const auto points = static_cast<std::int64_t>(sweep.points.size());
  std::cout << "sweep \"" << printable(spec.name) << "\": " << shape_text(spec) << ", " << points
            << (points == 1 ? " point" : " points") << ", each valid\n";
  const std::int64_t listed = std::min(points, points_listed);
  std::cout << (listed < points ? "the first " + std::to_string(listed) + " points:\n" : std::string("points:\n"));
  for (std::int64_t p = 0; p < listed; ++p) {
    std::cout << "  " << p << ": " << printable(point_text(spec, sweep.points[static_cast<std::size_t>(p)])) << "\n";
  }
  if (interrupted) throw RunCancelled();
  const SweepEstimate estimate = estimate_sweep(sweep, args.threads);
  std::cout << "cost: timed point";
  for (std::size_t k = 0; k < estimate.timed_points.size(); ++k) {
    std::cout << (k == 0 ? " " : ", ") << estimate.timed_points[k] << " (" << estimate.timed_trials[k] << " trials)";
  }
  std::cout << " on " << estimate.threads << " thread" << (estimate.threads > 1 ? "s" : "") << " in "
            << format_duration(estimate.timing_seconds)
            << ", scaled to every point by its estimated cost (threats x the layers that engage them x trials)\n"
            << "estimated: " << format_duration(estimate.total_seconds()) << " for the whole sweep on "
            << estimate.threads << " thread" << (estimate.threads > 1 ? "s" : "") << "\n";
  const ShardPlan plan = plan_shards(sweep, estimate, args.target_hours * 3600.0);
  const double longest = *std::max_element(plan.shard_seconds.begin(), plan.shard_seconds.end());
  std::cout << "for at most " << format_duration(args.target_hours * 3600.0)
            << " a task (--target-hours): " << plan.shards << " shard" << (plan.shards > 1 ? "s" : "")
            << ", the longest estimated at " << format_duration(longest) << "\n";
  if (!plan.fits) {
    std::cout << "  (even one point a shard takes longer than that: raise --target-hours, or run on more threads)\n";
  }
  if (plan.shards <= points_listed) {
    for (std::size_t k = 0; k < plan.shard_seconds.size(); ++k) {
      std::cout << "  shard " << k + 1 << "/" << plan.shards << ": " << format_duration(plan.shard_seconds[k]) << "\n";
    }
  }
  std::cout << "  as a Slurm job array: sbatch --array=1-" << plan.shards << " configs/slurm/sweep_array.sbatch\n"
            << "  or one shard at a time: salvosim sweep " << shell_word(args.sweep) << " --shard I/" << plan.shards
            << " --out OUT-I.h5\n"
            << "(a dry run: nothing was written)\n";
  return exit_ok;
}

// `salvosim sweep --status`: the points done and missing in OUT's checkpoints.
int status(SweepArguments args) {
  const SweepSpec spec = load_sweep_file(args.sweep);
  const ExpandedSweep sweep = expand_sweep(spec);
  std::error_code error;
  if (std::filesystem::exists(args.out, error)) {
    const SweepResults written = read_sweep(args.out);
    if (written.info.id != sweep.id) {
      throw std::invalid_argument(args.out + ": a sweep file of another sweep (or of this one before it changed)");
    }
    std::cout << args.out << ": complete";
    if (!written.info.shard.whole())
      std::cout << " (shard " << written.info.shard.index << "/" << written.info.shard.count << ")";
    std::cout << ", " << written.points.size() << " points; nothing to resume\n";
    return exit_ok;
  }
  const std::string dir = args.out + ".checkpoint";
  std::optional<Shard> shard;
  if (!args.shard.empty()) shard = parse_shard(args.shard);
  const CheckpointStatus found = checkpoint_status(sweep, dir, shard);
  if (!found.shard.whole()) {
    args.shard = std::to_string(found.shard.index) + "/" + std::to_string(found.shard.count);
  }
  const std::vector<std::int64_t> missing = found.missing();
  std::cout << "sweep \"" << printable(spec.name) << "\"";
  if (!found.shard.whole()) std::cout << ", shard " << args.shard;
  std::cout << ": " << found.done.size() << " of " << found.points.size() << " points done";
  if (found.found) {
    std::cout << " (" << found.files << " checkpoint file" << (found.files == 1 ? "" : "s") << " in " << dir << ")";
  } else {
    std::cout << " (no checkpoints: " << dir << " does not exist)";
  }
  std::cout << "\n";
  if (!found.done.empty()) std::cout << "done: " << list_text(found.done) << "\n";
  if (!missing.empty()) std::cout << "missing: " << list_text(missing) << "\n";
  if (found.done.empty()) {
    std::cout << "to run them:\n  " << sweep_command_line(args) << "\n";
  } else {
    std::cout << "to go on from them, run\n  " << resume_command(args) << "\n";
  }
  return exit_ok;
}

int sweep(const SweepArguments& args, Team& team) {
  const bool lead = team.rank() == 0;
  const SweepSpec spec = load_sweep_file(args.sweep);
  SweepOptions options;
  options.threads = args.threads;
  if (!args.shard.empty()) options.shard = parse_shard(args.shard);
  options.checkpoint_dir = args.out + ".checkpoint";
  options.resume = args.resume;
  options.checkpoint_seconds = args.checkpoint_every;

  std::optional<ProgressLine> line;
  if (lead) line.emplace(log_every_seconds);
  bool told = false;
  const auto progress = [&](const SweepProgress& p) {
    if (interrupted) return false;
    if (!told && p.points_resumed > 0) {
      std::cerr << "salvosim: resuming: " << p.points_resumed << " of " << p.points_total << " points were done in "
                << options.checkpoint_dir << "\n";
    }
    told = true;
    const double run = p.seconds > 0 ? static_cast<double>(p.trials_done) / p.seconds : 0.0;
    const double left = p.fraction_done > 0 ? p.seconds * (1.0 - p.fraction_done) / p.fraction_done : -1.0;
    char text[200];
    std::snprintf(text, sizeof text, "%5.1f%%  %lld/%lld points  %.0f trials/s  %s left", 100.0 * p.fraction_done,
                  static_cast<long long>(p.points_done), static_cast<long long>(p.points_total), run,
                  format_duration(left).c_str());
    line->show(text, p.points_done == p.points_total);
    return true;
  };

  std::optional<SweepResults> results;
  try {
    // The other ranks only ask whether to go on: a signal reaches each process of the job.
    const SweepProgressCallback keep_going = [](const SweepProgress&) { return interrupted == 0; };
    results = run_sweep(spec, options, team, lead ? progress : keep_going);
  } catch (const RunCancelled&) {
    line.reset();
    if (lead) {
      std::cerr << "salvosim: " << interruption() << "; the points completed are kept in " << options.checkpoint_dir
                << "; to go on from them, run\n  " << resume_command(args) << "\n";
    }
    return interrupted_exit_code();
  }
  if (!lead) return exit_ok;
  line.reset();
  write_sweep(args.out, *results);
  remove_checkpoints(options.checkpoint_dir);
  std::cout << "sweep \"" << spec.name << "\": " << shape_text(spec);
  if (!options.shard.whole()) {
    std::cout << ", shard " << options.shard.index << "/" << options.shard.count << " (" << results->points.size()
              << (results->points.size() == 1 ? " point)" : " points)");
  }
  std::cout << ", on " << team.size() << " process" << (team.size() > 1 ? "es" : "") << " of "
            << worker_count(args.threads) << " thread" << (worker_count(args.threads) > 1 ? "s" : "") << "\nwrote "
            << args.out << "\n";
  return exit_ok;
}

// What is wrong with the combination of options, or "".
std::string mode_problem(const SweepArguments& args, CLI::App& cmd) {
  const auto given = [&](const char* option) { return cmd[option]->count() > 0; };
  if (args.dry_run && args.status) return "--dry-run and --status are two different questions: give one";
  if (args.dry_run) {
    for (const char* option : {"--out", "--resume", "--shard", "--checkpoint-every"}) {
      if (given(option)) return std::string("--dry-run writes and runs nothing: leave out ") + option;
    }
    return "";
  }
  if (given("--target-hours")) return "--target-hours plans shards for --dry-run: give it with --dry-run";
  if (args.out.empty()) return "--out FILE is required (the sweep file to write, or with --status, to look for)";
  if (args.status && args.resume)
    return "--status runs nothing: leave out --resume (it prints the command that resumes)";
  return "";
}

}  // namespace

Command add_sweep_command(CLI::App& app) {
  auto args = std::make_shared<SweepArguments>();
  CLI::App* cmd =
      app.add_subcommand("sweep",
                         "Run a sweep (many scenarios from one base, docs/sweeps.md); under mpirun, on every process");
  cmd->add_option("sweep", args->sweep, "Sweep file (TOML)")->required();
  cmd->add_option("--out,-o", args->out, "Write the results to this HDF5 file (required but with --dry-run)");
  add_threads_option(cmd, args->threads, "Worker threads per process");
  cmd->add_option("--shard", args->shard, "Run only the I-th of N slices of the points (1 <= I <= N), e.g. 2/8");
  cmd->add_flag("--resume", args->resume,
                "Go on from the points completed by an earlier run (kept in OUT.checkpoint/)");
  cmd->add_option("--checkpoint-every", args->checkpoint_every,
                  "Write the points completed to OUT.checkpoint/ at most every this many seconds (0: each point)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--dry-run", args->dry_run,
                "Write nothing: list the points, time a few to estimate the cost, and suggest a shard count");
  cmd->add_option("--target-hours", args->target_hours, "With --dry-run: the wall time of one task to plan shards for")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--status", args->status,
                "Run nothing: show the points done and missing in OUT.checkpoint/ and the command that resumes");
  return {cmd, [args, cmd] {
            if (const std::string problem = mode_problem(*args, *cmd); !problem.empty()) {
              std::cerr << "salvosim sweep: " << problem << "\n";
              return exit_bad_input;
            }
            if (args->dry_run || args->status) {
              watch_for_interrupt();
              return guarded([&] { return args->dry_run ? dry_run(*args) : status(*args); }, "sweep");
            }
            // MPI is started (under mpirun) before anything else, and stopped when `team` goes.
            std::unique_ptr<Team> team;
            const int joined = guarded([&] {
              team = join_team();
              return exit_ok;
            });
            if (joined != exit_ok) return joined;
            watch_for_interrupt();
            const bool lead = team->rank() == 0;
            return guarded([&] { return sweep(*args, *team); }, "sweep", lead);
          }};
}

}  // namespace salvosim::cli
