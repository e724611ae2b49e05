// Sweeps: many scenarios made from one base scenario by varying some of its values along
// axes, each run with the same kernel, and their statistics gathered into arrays over the
// sweep's dimensions (docs/sweeps.md).
//
//   SweepSpec (sweep file, or built in code) --expand_sweep--> validated points
//     --run_sweep (threads; MPI ranks through a Team)--> SweepResults --> sweep HDF5 file
//
// Results do not depend on how a sweep is split: every point's trials are the same trials
// (same seed, same trial indices) wherever they run, their tallies are exact integers, and
// each point's statistics are computed once from its summed tallies. One process, N threads,
// N MPI ranks, N shards merged, or a run stopped and resumed give the same bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "salvosim/results.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim {

class Team;

// One value of an axis: what a TOML scalar can be (`48`, `0.7`, `"unlimited"`, `true`).
using SweepValue = std::variant<std::int64_t, double, std::string, bool>;

// As TOML writes it: 48, 0.7, "unlimited" (quoted), true.
std::string to_toml_text(const SweepValue& value);
// As a label: the same, but a string without its quotes.
std::string to_label(const SweepValue& value);

// How axes combine into points. A Latin hypercube is drawn when the sweep file is loaded;
// its points are then laid out like a zip (one `point` dimension).
enum class SweepMode { grid, zip, latin_hypercube };
// The modes' names, as sweep files, sweep files in HDF5 and the Python API spell them, in
// the order of SweepMode.
inline constexpr const char* sweep_mode_names[] = {"grid", "zip", "latin-hypercube"};
const char* to_string(SweepMode mode);
// The mode named `name`, or nullopt: the one reading of a mode's name.
std::optional<SweepMode> sweep_mode_named(std::string_view name);

// The two axis paths that are not scenario values: they vary each point's trials and seed.
inline constexpr std::string_view trials_path = "trials";
inline constexpr std::string_view seed_path = "seed";

// The JSON Schema (draft-07) of a sweep file, as `salvosim schema --sweep` prints it: the keys
// the sweep loader accepts, their types and ranges, with the scenario's schema
// (scenario_schema) for an inline [base]; for editors (docs/editors.md).
std::string sweep_schema();

// Key paths: the one notation for a value of a scenario, for sweep axes and calibration
// targets alike: `threat.<group>.<key>...`, `layer.<layer>.<key>...` (e.g.
// `layer.upper-tier.engages.ballistic.pk`), `scenario.<key>`, or `trials` / `seed` (not
// scenario values: a point's trials and seed). A segment holding dots is written in double
// quotes: `layer."s.r.".cost`.
struct KeyPath {
  std::string head;               // "threat", "layer", "tier", "scenario", "trials" or "seed"
  std::string entry;              // the threat group or layer named (threat, layer)
  std::vector<std::string> keys;  // the keys inside its table (or inside [scenario])
};
// Throws std::invalid_argument saying what is wrong with the path (not where: the caller knows).
KeyPath parse_key_path(const std::string& path);

// Sets the scenario value `path` names to `value`, as a sweep point does: the group, layer
// and keys must be in `scenario`, and the value of the type the loader takes there (an
// integer is a fine number, "unlimited" a fine magazine). Throws std::invalid_argument saying
// what does not fit. The scenario is not validated: call validate() when done.
void set_key_path(Scenario& scenario, const std::string& path, const SweepValue& value);

struct SweepAxis {
  // A key path into the scenario: `threat.<group>.<key>...`, `layer.<layer>.<key>...`
  // (e.g. `layer.upper-tier.engages.ballistic.pk`), `scenario.<key>`, or `trials` / `seed`.
  // A segment holding dots is written in double quotes: `layer."s.r.".cost`.
  std::string path;
  // The dimension's name in results; empty: the path.
  std::string name;
  std::vector<SweepValue> values;
  // Where the axis is written, for messages (file empty when built in code).
  SourcePosition position;

  const std::string& dimension() const { return name.empty() ? path : name; }
};

struct SweepSpec {
  std::string name;
  std::string description;
  // The base scenario as TOML text, and where it came from (messages, provenance). A base
  // written inline in a sweep file is its table `base_table` ("base"): then base_text is the
  // sweep file's text and base_source its name, so that messages give its lines.
  std::string base_text;
  std::string base_source;
  std::string base_table;
  SweepMode mode = SweepMode::grid;
  std::vector<SweepAxis> axes;
  std::int64_t trials = 10000;  // per point, unless an axis varies `trials`
  std::uint64_t seed = 1;       // of every point (common random numbers), unless an axis varies `seed`
  // Provenance: the sweep file's text and name (empty when built in code).
  std::string source_text;
  std::string source_name;
};

// Parse a sweep file (docs/sweeps.md) and check its shape: keys, types, value generators.
// The points themselves are checked by expand_sweep. Throws ConfigError with every problem.
SweepSpec load_sweep_file(const std::string& path);
SweepSpec load_sweep_string(std::string_view toml_text, const std::string& source_name = "<string>");

// Whether a TOML text is a sweep file (it has a [sweep] table) rather than a scenario; false for
// text that is not TOML at all.
bool is_sweep_text(std::string_view toml_text);

// One point of a sweep: its axis values and what runs there.
struct SweepPoint {
  std::int64_t index = 0;          // 0 .. points - 1; a grid is row-major (the last axis fastest)
  std::vector<SweepValue> values;  // one per axis
  std::int64_t trials = 0;
  std::uint64_t seed = 0;
  std::string scenario_text;  // the point's full scenario (TOML), as run and as stored
};

struct ExpandedSweep {
  std::vector<SweepPoint> points;
  std::vector<Scenario> scenarios;  // [point], validated
  // The base scenario's text: the base file's, or a base written inline, written out alone.
  std::string base_text;
  // Identifies the sweep by what it runs (every point's scenario, seed and trials): shards
  // and checkpoints of the same sweep carry the same id.
  std::string id;
};

// Every point of the sweep, each validated by the rules of a scenario. Throws ConfigError
// listing every problem, each naming the axis and the point (or the base scenario), before
// anything runs.
ExpandedSweep expand_sweep(const SweepSpec& spec);

// The shape of the complete sweep's leading dimensions: one per axis for a grid, else the
// number of points.
std::vector<std::int64_t> sweep_shape(const SweepSpec& spec);

// The I-th of N slices of a sweep, 1 <= I <= N (a Slurm job array's task).
struct Shard {
  std::int64_t index = 1;
  std::int64_t count = 1;
  bool whole() const { return count == 1; }
};
// "I/N" -> Shard; throws std::invalid_argument unless 1 <= I <= N.
Shard parse_shard(const std::string& text);
void check_shard(const Shard& shard);

// The points of one shard, in increasing order: points are dealt to shards by estimated
// cost (largest first, each to the least loaded shard), so that shards take about as long.
std::vector<std::int64_t> shard_points(const ExpandedSweep& sweep, const Shard& shard);

// The shard (0 .. count - 1) each point goes to among `count` shards: shard_points' rule.
std::vector<std::int64_t> deal_points(const ExpandedSweep& sweep, std::int64_t count);

// Estimated cost of a point, in arbitrary units: what load balancing goes by.
double point_cost(const Scenario& scenario, std::int64_t trials);

// A sweep's cost in seconds, estimated before it runs (`salvosim sweep --dry-run`): a few
// points (the cheapest, the median and the costliest by point_cost) are timed on `threads`
// threads for a fraction of their trials, and every point's point_cost is turned into seconds
// at the rate measured.
struct SweepEstimate {
  std::vector<std::int64_t> timed_points;  // the points timed
  std::vector<std::int64_t> timed_trials;  // the trials run of each
  double timing_seconds = 0.0;             // spent timing
  double seconds_per_cost = 0.0;           // the rate measured
  int threads = 1;                         // worker threads the estimate is for
  std::vector<double> point_seconds;       // [point]: estimated time of each point
  double total_seconds() const;
};
SweepEstimate estimate_sweep(const ExpandedSweep& sweep, int threads);

// The fewest shards (at most one per point) whose longest is estimated to take at most
// `target_seconds`, and the estimated time of each; `fits` is false when even one point a shard
// takes longer (then the shards are one per point).
struct ShardPlan {
  std::int64_t shards = 1;
  std::vector<double> shard_seconds;
  bool fits = true;
};
ShardPlan plan_shards(const ExpandedSweep& sweep, const SweepEstimate& estimate, double target_seconds);

struct SweepOptions {
  int threads = 0;  // per process; 0: every core
  Shard shard;
  // Completed points are written here (empty: no checkpoints), several to a file, at most
  // every `checkpoint_seconds` (0: each point as it completes), and when the sweep stops.
  // With `resume`, points found there are not run again.
  std::string checkpoint_dir;
  bool resume = false;
  double checkpoint_seconds = 1.0;
};

struct SweepProgress {
  std::int64_t points_done = 0;   // including those resumed from checkpoints
  std::int64_t points_total = 0;  // of this shard
  std::int64_t points_resumed = 0;
  std::int64_t trials_done = 0;  // run by this session, on every rank
  double fraction_done = 0.0;    // of this session's estimated work
  double seconds = 0.0;          // since this session started
};
// Called on rank 0 as work completes; returning false stops the sweep (RunCancelled). On the
// other ranks of a team it is called between chunks of trials with an empty SweepProgress, only
// to ask whether to go on: returning false there stops the sweep too (every rank throws
// RunCancelled once the others have been told, and rank 0 has checkpointed what it holds).
using SweepProgressCallback = std::function<bool(const SweepProgress&)>;

// What a sweep file says about itself, besides the statistics.
struct SweepInfo {
  std::string name;
  std::string description;
  SweepMode mode = SweepMode::grid;
  std::vector<SweepAxis> axes;  // every value of each axis (its position is not stored)
  std::int64_t points = 0;      // in the whole sweep
  Shard shard;                  // which slice this is; 1/1 for a whole sweep
  std::string id;               // ExpandedSweep::id
  std::string text;             // the sweep file's text
  std::string source_name;
  std::string base_text;  // the base scenario's text
  std::string base_source;
  int ranks = 1;  // processes that ran it (results do not depend on it)
};

struct SweepResults {
  SweepInfo info;
  // The points held, in increasing index: all of them for a whole sweep.
  std::vector<SweepPoint> points;
  // The leading dimensions of every array: one per axis (named SweepAxis::dimension()) for a
  // whole grid, else `point` (the index of each point held).
  std::vector<std::string> sweep_dims;
  // The statistics of summarize() (results.hpp) over sweep_dims + their own dimensions,
  // except `rate_histogram` (10001 bins per selection, rate and point: its quantiles are in
  // rate_quantile). Histograms (`count`, `fired`) are padded with zeros to the longest
  // point's. summary.info holds what RunInfo has room for: salvosim version, git commit,
  // creation time, threads, the base scenario's name and text, and the sweep's seed.
  Results summary;
};

// The statistics of the k-th point held (points[k]; padded as in the sweep) as one run's
// Results, the inverse of assembling a sweep: what merging, resuming and the published
// evaluator (published.hpp) read a point by.
Results point_results(const SweepResults& sweep, std::int64_t k);

// The arrays of summarize() that sweeps leave out.
inline constexpr const char* arrays_left_out_of_sweeps[] = {"rate_histogram"};

// Runs the sweep in this process (threads) and returns its results.
SweepResults run_sweep(const SweepSpec& spec, const SweepOptions& options = {},
                       const SweepProgressCallback& progress = {});

// Runs the sweep on every process of `team` (each calls this): points, and trials within
// points when points are few, are handed out as processes become free; rank 0 gathers them,
// writes checkpoints and returns the results, every other rank returns nullopt. Stopped by a
// progress callback on any rank, it throws RunCancelled on every rank, with nothing left in
// flight between them.
std::optional<SweepResults> run_sweep(const SweepSpec& spec, const SweepOptions& options, Team& team,
                                      const SweepProgressCallback& progress = {});

// What the checkpoints of a stopped sweep hold (`salvosim sweep --status`): each file is read
// and checked as --resume would check it (this sweep, the same points), but nothing is run,
// written or removed.
struct CheckpointStatus {
  bool found = false;                // the directory exists
  std::int64_t files = 0;            // checkpoint files in it
  Shard shard;                       // the shard they are of (the one asked, else the files')
  std::vector<std::int64_t> points;  // the shard's points
  std::vector<std::int64_t> done;    // those checkpointed, in increasing order
  std::vector<std::int64_t> missing() const;
};
// `shard` nullopt: the shard the checkpoints say they are of (the whole sweep if none). Throws
// BadFileError for a file that is not a checkpoint, and std::invalid_argument for checkpoints of
// another sweep, of another shard than `shard`, or a `dir` that is a file.
CheckpointStatus checkpoint_status(const ExpandedSweep& sweep, const std::string& dir,
                                   const std::optional<Shard>& shard);

// Removes the checkpoints of a sweep (SweepOptions::checkpoint_dir) once its results are
// safely stored: the files it wrote there, then the directory if nothing else is left in it.
void remove_checkpoints(const std::string& dir);

// Joins shards of one sweep into the whole sweep's results, identical to those of a run in
// one piece. Throws std::invalid_argument naming what is wrong: shards of different sweeps,
// a shard missing or given twice, a shard of another shard count.
SweepResults merge_sweeps(const std::vector<SweepResults>& shards, const std::vector<std::string>& names = {});

}  // namespace salvosim
