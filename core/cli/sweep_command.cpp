// `salvosim sweep`: run a sweep file, in one process or on every process of an MPI job, whole
// or one shard of it, going on from its checkpoints with --resume; rank 0 writes the file.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "commands.hpp"
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

struct SweepArguments {
  std::string sweep;
  std::string out;
  int threads = 0;
  std::string shard;
  bool resume = false;
  double checkpoint_every = 1.0;
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

// The command that goes on from the checkpoints of this one.
std::string resume_command(const SweepArguments& args) {
  std::string command = "salvosim sweep " + shell_word(args.sweep) + " --out " + shell_word(args.out);
  if (args.threads != 0) command += " --threads " + std::to_string(args.threads);
  if (!args.shard.empty()) command += " --shard " + shell_word(args.shard);
  if (args.checkpoint_every != SweepOptions{}.checkpoint_seconds) {
    std::ostringstream seconds;
    seconds << args.checkpoint_every;  // shortest form: 0, 0.5, 30
    command += " --checkpoint-every " + seconds.str();
  }
  return command + " --resume";
}

std::string shape_text(const SweepSpec& spec) {
  std::string text;
  for (std::int64_t extent : sweep_shape(spec)) text += (text.empty() ? "" : " x ") + std::to_string(extent);
  return spec.mode == SweepMode::grid ? "grid " + text : std::string(to_string(spec.mode)) + " of " + text;
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
    results = run_sweep(spec, options, team, lead ? progress : SweepProgressCallback{});
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

}  // namespace

Command add_sweep_command(CLI::App& app) {
  auto args = std::make_shared<SweepArguments>();
  CLI::App* cmd =
      app.add_subcommand("sweep",
                         "Run a sweep (many scenarios from one base, docs/sweeps.md); under mpirun, on every process");
  cmd->add_option("sweep", args->sweep, "Sweep file (TOML)")->required();
  cmd->add_option("--out,-o", args->out, "Write the results to this HDF5 file")->required();
  add_threads_option(cmd, args->threads, "Worker threads per process");
  cmd->add_option("--shard", args->shard, "Run only the I-th of N slices of the points (1 <= I <= N), e.g. 2/8");
  cmd->add_flag("--resume", args->resume,
                "Go on from the points completed by an earlier run (kept in OUT.checkpoint/)");
  cmd->add_option("--checkpoint-every", args->checkpoint_every,
                  "Write the points completed to OUT.checkpoint/ at most every this many seconds (0: each point)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  return {cmd, [args] {
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
