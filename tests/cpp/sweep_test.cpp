// Sweeps (sweep.hpp): the sweep file and its errors, value generators and the Latin
// hypercube, point expansion and its errors (naming the axis and the point), shards, and the
// central promise: the same bytes however a sweep is run: threads, ranks (simulated here by
// threads passing messages, the MPI runs are in tests/python/test_sweep_files.py), trials of a
// point split across ranks, shards merged, a run stopped and resumed from its checkpoints.
#include "salvosim/sweep.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/sweep_file.hpp"
#include "salvosim/team.hpp"
#include "same_results.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

// A base scenario with every kind of value an axis may set: counts, probabilities, a
// magazine that may be "unlimited", a salvo-doctrine layer and a shoot-look-shoot one.
const std::string base_scenario = R"([scenario]
name = "sweep-test"

[[threat]]
name = "drone"
class = "drone"
count = 12
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 2000.0, sd = 30.0 }
p_launch = 0.95
defended_fraction = 0.7

[[threat]]
name = "mrbm"
class = "ballistic"
count = 6
launch = { waves = [[1500.0, 3], [1550.0, 3]] }
flight_time = { mean = 450.0, sd = 20.0 }
p_flight = 0.9

[[layer]]
name = "upper"
fire_units = 1
channels = 2
engagement_time = 60.0
interceptors = 8
shots = 2
doctrine = "shoot-look-shoot"
max_engagements = 2
kill_assessment = 0.9
engages.ballistic = { pk = 0.7, detect = 0.95, window = { open = 400.0, close = 100.0 } }

[[layer]]
name = "point"
fire_units = 2
channels = 2
engagement_time = 20.0
interceptors = "unlimited"
point_defense = true
engages.drone = { pk = 0.8, window = { open = 120.0, close = 5.0 } }
engages.mrbm = { pk = 0.3, window = { open = 60.0, close = 10.0 } }
)";

// The [[...]] tables of the base, moved under [base] for a sweep file with an inline base.
std::string inline_base() {
  std::string text = base_scenario;
  for (const char* table : {"scenario]", "threat]", "layer]"}) {
    for (std::size_t at = text.find(std::string("[") + table); at != std::string::npos;
         at = text.find(std::string("[") + table, at + 6)) {
      text.insert(at + 1, "base.");
    }
  }
  return text;
}

// A sweep file: `head` goes in [sweep] (after an inline base), `axes` after it.
std::string sweep_text(const std::string& head, const std::string& axes) {
  return "[sweep]\nname = \"t\"\ntrials = 600\nseed = 7\n" + head + "\n" + inline_base() + "\n" + axes;
}

const std::string two_axes = R"(
[[axis]]
path = "threat.drone.count"
name = "drones"
values = [4, 16, 30]

[[axis]]
path = "layer.upper.interceptors"
values = [2, "unlimited"]
)";

// The 1-based line of the first `needle` in `text`.
std::int64_t line_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  return at == std::string::npos ? 0
                                 : 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
}

std::string problems_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no ConfigError)";
}

// Every byte of two sweeps' results: the arrays and coordinates, the points, the sweep's
// description; provenance (time, threads, ranks) aside.
void expect_same_results(const SweepResults& a, const SweepResults& b) {
  ASSERT_EQ(a.sweep_dims, b.sweep_dims);
  ASSERT_EQ(a.summary.coordinates.size(), b.summary.coordinates.size());
  for (std::size_t k = 0; k < a.summary.coordinates.size(); ++k) {
    const Coordinate& x = a.summary.coordinates[k];
    const Coordinate& y = b.summary.coordinates[k];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.labels, y.labels) << x.name;
    EXPECT_EQ(x.values, y.values) << x.name;
    ASSERT_EQ(x.numbers.size(), y.numbers.size()) << x.name;
    EXPECT_TRUE(test_support::same_bits(x.numbers, y.numbers)) << x.name;
  }
  ASSERT_EQ(a.summary.arrays.size(), b.summary.arrays.size());
  for (std::size_t k = 0; k < a.summary.arrays.size(); ++k) {
    const DataArray& x = a.summary.arrays[k];
    const DataArray& y = b.summary.arrays[k];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.dims, y.dims) << x.name;
    EXPECT_EQ(x.shape, y.shape) << x.name;
    EXPECT_EQ(x.integers, y.integers) << x.name;
    ASSERT_EQ(x.values.size(), y.values.size()) << x.name;
    EXPECT_TRUE(test_support::same_bits(x.values, y.values)) << x.name;
  }
  ASSERT_EQ(a.points.size(), b.points.size());
  for (std::size_t k = 0; k < a.points.size(); ++k) {
    EXPECT_EQ(a.points[k].index, b.points[k].index);
    EXPECT_EQ(a.points[k].scenario_text, b.points[k].scenario_text);
    EXPECT_EQ(a.points[k].seed, b.points[k].seed);
    EXPECT_EQ(a.points[k].trials, b.points[k].trials);
  }
  EXPECT_EQ(a.info.id, b.info.id);
  EXPECT_EQ(a.info.points, b.info.points);
}

// A team of `size` ranks that are threads of this process, passing messages through
// mailboxes: the driver's protocol without MPI.
class ThreadTeams {
 public:
  explicit ThreadTeams(int size) : boxes_(static_cast<std::size_t>(size)) {
    for (int r = 0; r < size; ++r) teams_.push_back(std::make_unique<Member>(*this, r));
  }
  Team& operator[](int rank) { return *teams_[static_cast<std::size_t>(rank)]; }
  int size() const { return static_cast<int>(boxes_.size()); }

 private:
  struct Box {
    std::mutex mutex;
    std::condition_variable arrived;
    std::deque<TeamMessage> messages;
  };
  class Member final : public Team {
   public:
    Member(ThreadTeams& all, int rank) : all_(all), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return all_.size(); }
    void send(int to, std::vector<std::int64_t> data) override {
      Box& box = all_.boxes_.at(static_cast<std::size_t>(to));
      const std::lock_guard lock(box.mutex);
      box.messages.push_back({rank_, std::move(data)});
      box.arrived.notify_one();
    }
    std::optional<TeamMessage> poll() override {
      Box& box = all_.boxes_[static_cast<std::size_t>(rank_)];
      const std::lock_guard lock(box.mutex);
      if (box.messages.empty()) return std::nullopt;
      TeamMessage message = std::move(box.messages.front());
      box.messages.pop_front();
      return message;
    }
    TeamMessage receive() override {
      Box& box = all_.boxes_[static_cast<std::size_t>(rank_)];
      std::unique_lock lock(box.mutex);
      box.arrived.wait(lock, [&] { return !box.messages.empty(); });
      TeamMessage message = std::move(box.messages.front());
      box.messages.pop_front();
      return message;
    }
    void abort(int code, const std::string& why) override {
      ADD_FAILURE() << "rank " << rank_ << " aborted (" << code << "): " << why;
      std::abort();
    }

   private:
    ThreadTeams& all_;
    int rank_;
  };
  std::vector<Box> boxes_;
  std::vector<std::unique_ptr<Member>> teams_;
};

// Runs the sweep on `ranks` ranks that are threads; rank 0's results.
SweepResults run_on_ranks(const SweepSpec& spec, int ranks, SweepOptions options = {}) {
  ThreadTeams teams(ranks);
  std::vector<std::optional<SweepResults>> results(static_cast<std::size_t>(ranks));
  std::vector<std::thread> threads;
  options.threads = 1;
  for (int r = 0; r < ranks; ++r) {
    threads.emplace_back([&, r] { results[static_cast<std::size_t>(r)] = run_sweep(spec, options, teams[r]); });
  }
  for (std::thread& thread : threads) thread.join();
  for (int r = 1; r < ranks; ++r) EXPECT_FALSE(results[static_cast<std::size_t>(r)].has_value());
  return *results[0];
}

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("salvosim_sweep_test_" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// ---------------------------------------------------------------------------------------
// The sweep file

TEST(SweepFile, ShippedSweepsLoadAndExpand) {
  for (const fs::directory_entry& entry : fs::directory_iterator(std::string(SALVOSIM_CONFIGS_DIR) + "/sweeps")) {
    SCOPED_TRACE(entry.path().string());
    const SweepSpec spec = load_sweep_file(entry.path().string());
    const ExpandedSweep sweep = expand_sweep(spec);
    EXPECT_GE(sweep.points.size(), 2u);
  }
  const SweepSpec spec = load_sweep_file(std::string(SALVOSIM_CONFIGS_DIR) + "/sweeps/salvo_vs_magazine.toml");
  EXPECT_EQ(spec.name, "salvo-vs-magazine");
  EXPECT_EQ(spec.mode, SweepMode::grid);
  EXPECT_EQ(spec.trials, 10000);
  ASSERT_EQ(spec.axes.size(), 2u);
  EXPECT_EQ(spec.axes[0].path, "threat.shahed.count");
  EXPECT_EQ(spec.axes[0].dimension(), "drones");
  EXPECT_EQ(sweep_shape(spec), (std::vector<std::int64_t>{20, 10}));
  EXPECT_THAT(spec.base_text, HasSubstr("true-promise-1-illustrative"));
}

TEST(SweepFile, ReadsEveryKindOfAxis) {
  const SweepSpec spec = load_sweep_string(sweep_text("", R"(
[[axis]]
path = "threat.drone.count"
range = { start = 30, stop = 10, step = -10 }

[[axis]]
path = "layer.point.engages.drone.pk"
linspace = { start = 0.5, stop = 0.9, num = 5 }

[[axis]]
path = "layer.upper.engages.ballistic.detect"
random = { distribution = "uniform", low = 0.8, high = 1.0, samples = 4, seed = 11 }

[[axis]]
path = "layer.point.point_defense"
values = [true, false]
)"),
                                           "sweep.toml");
  ASSERT_EQ(spec.axes.size(), 4u);
  EXPECT_EQ(spec.axes[0].values, (std::vector<SweepValue>{std::int64_t{30}, std::int64_t{20}, std::int64_t{10}}));
  ASSERT_EQ(spec.axes[1].values.size(), 5u);
  EXPECT_EQ(std::get<double>(spec.axes[1].values.front()), 0.5);
  EXPECT_EQ(std::get<double>(spec.axes[1].values.back()), 0.9);  // the end exactly, not 0.5 + 4 * 0.1
  EXPECT_EQ(std::get<double>(spec.axes[1].values[2]), 0.7);
  for (const SweepValue& value : spec.axes[2].values) {
    EXPECT_GE(std::get<double>(value), 0.8);
    EXPECT_LT(std::get<double>(value), 1.0);
  }
  EXPECT_EQ(spec.axes[3].values, (std::vector<SweepValue>{true, false}));
  EXPECT_EQ(spec.base_table, "base");
  EXPECT_EQ(sweep_shape(spec), (std::vector<std::int64_t>{3, 5, 4, 2}));

  // The same seed draws the same samples; another seed, others.
  const auto draws = [](int seed) {
    return load_sweep_string(sweep_text("",
                                        "[[axis]]\npath = \"layer.upper.engages.ballistic.pk\"\n"
                                        "random = { distribution = \"loguniform\", low = 0.1, high = 0.9, "
                                        "samples = 6, seed = " +
                                            std::to_string(seed) + " }\n"))
        .axes[0]
        .values;
  };
  EXPECT_EQ(draws(3), draws(3));
  EXPECT_NE(draws(3), draws(4));
}

TEST(SweepFile, LatinHypercubePutsOneSampleInEachStratumOfEachAxis) {
  const std::int64_t samples = 40;
  const SweepSpec spec = load_sweep_string(sweep_text("mode = \"latin-hypercube\"\nsamples = 40\nsample_seed = 5", R"(
[[axis]]
path = "layer.upper.engages.ballistic.pk"
random = { distribution = "uniform", low = 0.2, high = 0.6 }

[[axis]]
path = "threat.drone.count"
random = { distribution = "integer", low = 1, high = 40 }

[[axis]]
path = "layer.upper.shots"
values = [1, 2]
)"));
  EXPECT_EQ(sweep_shape(spec), (std::vector<std::int64_t>{samples}));
  // Uniform on [0.2, 0.6): sample k's stratum is floor((x - 0.2) / 0.01); each once.
  std::set<std::int64_t> strata, counts;
  for (const SweepValue& value : spec.axes[0].values) {
    strata.insert(static_cast<std::int64_t>((std::get<double>(value) - 0.2) / 0.4 * samples));
  }
  EXPECT_EQ(strata.size(), static_cast<std::size_t>(samples));
  // Integers 1..40 over 40 strata: each integer exactly once.
  for (const SweepValue& value : spec.axes[1].values) counts.insert(std::get<std::int64_t>(value));
  EXPECT_EQ(counts.size(), static_cast<std::size_t>(samples));
  EXPECT_EQ(*counts.begin(), 1);
  EXPECT_EQ(*counts.rbegin(), 40);
  // Two levels over 40 strata: 20 each.
  EXPECT_EQ(std::count(spec.axes[2].values.begin(), spec.axes[2].values.end(), SweepValue{std::int64_t{1}}), 20);
  EXPECT_EQ(expand_sweep(spec).points.size(), static_cast<std::size_t>(samples));
}

TEST(SweepFile, ReportsEveryProblemWithItsLine) {
  const std::string text = R"([sweep]
name = "bad"
trails = 100
mode = "gird"
seed = -1

[base]
[[base.threat]]
name = "x"

[[axis]]
path = "threat.x.count"

[[axis]]
path = "thret.x.count"
values = []

[[axis]]
path = "layer.a.pk"
range = { start = 0, stop = 10, step = 0 }
linspace = { start = 0, stop = 1, num = 3 }

[[axis]]
path = "threat.x.name"
values = ["a", "b"]
)";
  const std::string what = problems_of([&] { load_sweep_string(text, "bad.toml"); });
  EXPECT_THAT(what, HasSubstr("bad.toml:3:1: sweep.trails: unknown key \"trails\" (did you mean \"trials\"?)"));
  EXPECT_THAT(what, HasSubstr("sweep: missing required key \"trials\""));
  EXPECT_THAT(what, HasSubstr("bad.toml:4:8: sweep.mode: must be \"grid\", \"zip\" or \"latin-hypercube\", got "
                              "string \"gird\" (did you mean \"grid\"?)"));
  EXPECT_THAT(what, HasSubstr("sweep.seed: must be >= 0, got -1"));
  EXPECT_THAT(what,
              HasSubstr("axis[0] \"threat.x.count\": needs its values: one of values, range, linspace or random"));
  EXPECT_THAT(what, HasSubstr("axis[1] \"thret.x.count\".path: \"thret.x.count\" must start with threat, layer, "
                              "tier, scenario, trials or seed, not \"thret\" (did you mean \"threat\"?)"));
  EXPECT_THAT(what, HasSubstr("axis[1] \"thret.x.count\".values: is empty"));
  EXPECT_THAT(what, HasSubstr("axis[2] \"layer.a.pk\": gives its values twice (range and linspace): keep one"));
  EXPECT_THAT(what, HasSubstr("axis[3] \"threat.x.name\".path: \"threat.x.name\" cannot vary a name"));
}

// A name written empty is refused by the name rule, for the sweep and for an axis (which
// without `name` is named by its path).
TEST(SweepFile, RefusesEmptyNames) {
  const std::string text = R"([sweep]
name = ""
trials = 10

[base]
[[base.threat]]
name = "x"

[[axis]]
path = "threat.x.count"
name = ""
values = [1, 2]
)";
  const std::string what = problems_of([&] { load_sweep_string(text, "empty.toml"); });
  EXPECT_THAT(what, HasSubstr("empty.toml:2:8: sweep.name: must not be empty"));
  EXPECT_THAT(what, HasSubstr("empty.toml:11:8: axis[0] \"threat.x.count\".name: must not be empty (leave `name` out "
                              "to name the axis by its path)"));
}

TEST(SweepFile, ReportsGeneratorAndCombinationProblems) {
  EXPECT_THAT(problems_of([] {
                load_sweep_string(sweep_text("",
                                             "[[axis]]\npath = \"threat.drone.count\"\n"
                                             "range = { start = 0, stop = 10, step = 0 }\n"));
              }),
              HasSubstr("axis[0] \"threat.drone.count\".range: step must not be 0"));
  EXPECT_THAT(problems_of([] {
                load_sweep_string(sweep_text("",
                                             "[[axis]]\npath = \"threat.drone.count\"\n"
                                             "range = { start = 10, stop = 0 }\n"));
              }),
              HasSubstr("holds no values"));
  EXPECT_THAT(problems_of([] {
                load_sweep_string(sweep_text("",
                                             "[[axis]]\npath = \"layer.upper.engages.ballistic.pk\"\n"
                                             "random = { distribution = \"unifrom\", low = 1, high = 0, "
                                             "samples = 3 }\n"));
              }),
              HasSubstr("must be \"uniform\", \"loguniform\" or \"integer\", got \"unifrom\" (did you mean "
                        "\"uniform\"?)"));
  EXPECT_THAT(problems_of([] {
                load_sweep_string(sweep_text("",
                                             "[[axis]]\npath = \"layer.upper.engages.ballistic.pk\"\n"
                                             "random = { distribution = \"uniform\", low = 1, high = 0, "
                                             "samples = 3 }\n"));
              }),
              HasSubstr("needs low < high, got [1, 0]"));
  EXPECT_THAT(problems_of([] { load_sweep_string(sweep_text("mode = \"zip\"", two_axes)); }),
              HasSubstr("axis[1] \"layer.upper.interceptors\": has 2 values but axis[0] \"threat.drone.count\" has "
                        "3: zipped axes need as many values each"));
  EXPECT_THAT(problems_of([] {
                load_sweep_string(sweep_text("", "[[axis]]\npath = \"threat.drone.count\"\nvalues = [1, 2, 1]\n"));
              }),
              HasSubstr("has the value 1 twice: a grid's axis values label its points"));
  EXPECT_THAT(problems_of([] { load_sweep_string(sweep_text("mode = \"latin-hypercube\"", two_axes)); }),
              HasSubstr("mode \"latin-hypercube\" needs samples = <number of points>"));
  EXPECT_THAT(problems_of([] {
                load_sweep_string(sweep_text("mode = \"latin-hypercube\"\nsamples = 4",
                                             "[[axis]]\npath = \"layer.upper.engages.ballistic.pk\"\n"
                                             "random = { distribution = \"uniform\", low = 0, high = 1, samples = 3 "
                                             "}\n"));
              }),
              HasSubstr("is set for the whole design in mode \"latin-hypercube\": [sweep] samples"));
  EXPECT_THAT(problems_of([] {
                load_sweep_string(sweep_text("",
                                             "[[axis]]\npath = \"threat.drone.count\"\nname = \"count\"\n"
                                             "values = [1]\n"));
              }),
              HasSubstr("\"count\" is the name of a dimension or dataset of every sweep file"));
  EXPECT_THAT(problems_of(
                  [] { load_sweep_string(sweep_text("", "[[axis]]\npath = \"trials\"\nvalues = [100, 0.5]\n")); }),
              HasSubstr("has the value 0.5, but trials must be an integer in [1, 2147483647]"));
  EXPECT_THAT(problems_of([] { load_sweep_string("[sweep]\ntrials = 10\n" + two_axes); }),
              HasSubstr("sweep.base: missing: give base = \"<scenario file>\" in [sweep], or the scenario inline as "
                        "[base]"));
  EXPECT_THAT(problems_of([] { load_sweep_string("[sweep]\ntrials = 10\nbase = \"/no/such.toml\"\n" + two_axes); }),
              HasSubstr("sweep.base: cannot read the base scenario: /no/such.toml: no such file"));
  // A base that never ends is refused once it is larger than any scenario, not read until
  // memory runs out.
  EXPECT_THAT(problems_of([] { load_sweep_string("[sweep]\ntrials = 10\nbase = \"/dev/zero\"\n" + two_axes); }),
              HasSubstr("sweep.base: cannot read the base scenario: /dev/zero: is larger than 64 MiB: not a scenario "
                        "file"));
  EXPECT_THAT(problems_of([] { load_sweep_string("[sweep]\ntrials = 10\nbase = \"x.toml\"\n" + inline_base()); }),
              HasSubstr("is given twice: as a path and as an inline [base] table"));
  EXPECT_THAT(problems_of([] { load_sweep_string(""); }), HasSubstr("contains no sweep"));
  EXPECT_THAT(problems_of([] { load_sweep_file("/no/such/sweep.toml"); }),
              HasSubstr("/no/such/sweep.toml: no such file"));
}

// ---------------------------------------------------------------------------------------
// Points

TEST(SweepPoints, GridIsRowMajorAndEveryPointIsAScenario) {
  const SweepSpec spec = load_sweep_string(sweep_text("", two_axes), "sweep.toml");
  const ExpandedSweep sweep = expand_sweep(spec);
  ASSERT_EQ(sweep.points.size(), 6u);
  // The last axis fastest.
  EXPECT_EQ(sweep.points[1].values, (std::vector<SweepValue>{std::int64_t{4}, std::string("unlimited")}));
  EXPECT_EQ(sweep.points[2].values, (std::vector<SweepValue>{std::int64_t{16}, std::int64_t{2}}));
  EXPECT_EQ(sweep.scenarios[2].threats[0].count, 16);
  EXPECT_EQ(sweep.scenarios[2].layers[0].interceptors, std::optional<std::int64_t>(2));
  EXPECT_FALSE(sweep.scenarios[1].layers[0].interceptors.has_value());
  // The stored text is the scenario that ran: it loads back to the same plan.
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    const Scenario again = load_scenario_string(sweep.points[p].scenario_text);
    EXPECT_EQ(again.threats[0].count, sweep.scenarios[p].threats[0].count);
    EXPECT_EQ(again.name, "sweep-test");
    EXPECT_EQ(sweep.points[p].trials, 600);
    EXPECT_EQ(sweep.points[p].seed, 7u);
  }
  // Values not varied stay as in the base; the id is stable and tells sweeps apart.
  EXPECT_EQ(sweep.scenarios[5].layers[1].engages[0].pk, 0.8);
  EXPECT_EQ(expand_sweep(spec).id, sweep.id);
  SweepSpec reseeded = spec;
  reseeded.seed = 8;
  EXPECT_NE(expand_sweep(reseeded).id, sweep.id);
}

TEST(SweepPoints, TrialsAndSeedAxesSetThePointsRuns) {
  const ExpandedSweep sweep = expand_sweep(load_sweep_string(sweep_text("mode = \"zip\"", R"(
[[axis]]
path = "trials"
values = [100, 200]

[[axis]]
path = "seed"
values = [1, 99]
)")));
  EXPECT_EQ(sweep.points[1].trials, 200);
  EXPECT_EQ(sweep.points[1].seed, 99u);
  EXPECT_EQ(sweep.points[0].scenario_text, sweep.points[1].scenario_text);
}

TEST(SweepPoints, ProblemsNameTheAxisAndThePoint) {
  // A pk out of range at two points, a count that breaks the waves rule at every point, a
  // float where a count must be an integer.
  const std::string text = sweep_text("", R"(
[[axis]]
path = "layer.upper.engages.ballistic.pk"
name = "pk"
values = [0.5, 1.2, 1.3]

[[axis]]
path = "threat.mrbm.count"
values = [7, 8]
)");
  const std::string what = problems_of([&] { expand_sweep(load_sweep_string(text, "sweep.toml")); });
  const std::string axis_at = "sweep.toml:" + std::to_string(line_of(text, "[[axis]]")) + ":1: ";
  EXPECT_THAT(what,
              HasSubstr(axis_at +
                        "axis[0] \"layer.upper.engages.ballistic.pk\": at point 2 (pk = 1.2, "
                        "threat.mrbm.count = 7): layer[0] \"upper\".engages.ballistic.pk: must be in [0, 1], got 1.2"));
  EXPECT_THAT(what, HasSubstr("got 1.3"));
  // Reported where the base sets the waves, in the sweep file (the base is inline there).
  const std::string waves_at = "sweep.toml:" + std::to_string(line_of(text, "launch = { waves")) + ":";
  EXPECT_THAT(what, HasSubstr(waves_at));
  EXPECT_THAT(what, HasSubstr("base.threat[1] \"mrbm\".launch.waves: at point 0 (pk = 0.5, threat.mrbm.count = 7): "
                              "waves add up to 6, but count is 7 (and at 2 more points)"));

  EXPECT_THAT(problems_of([] {
                expand_sweep(load_sweep_string(sweep_text(
                    "", "[[axis]]\npath = \"threat.drone.count\"\nlinspace = { start = 1, stop = 2, num = 2 }\n")));
              }),
              HasSubstr("threat[0] \"drone\".count: must be an integer, got float 1.0"));
}

// A point is the base with its axes' fields set in place: the same scenario, to the byte of
// its text, as the base file with that value written in, loaded. One case per kind of field:
// numbers (an integer given for one too), integers, booleans, strings, "unlimited",
// doctrines, keys the base leaves out, and values in launch, flight_time, engages and window.
TEST(SweepPoints, EachPointIsTheBaseWithItsValueWrittenIn) {
  struct Case {
    std::string path, value, from, to;
  };
  const std::vector<Case> cases = {
      {"threat.drone.count", "20", "count = 12", "count = 20"},
      {"threat.drone.launch.duration", "90", "duration = 60.0", "duration = 90"},
      {"threat.mrbm.flight_time.sd", "25.5", "sd = 20.0", "sd = 25.5"},
      {"threat.drone.cost", "1000", "defended_fraction = 0.7", "defended_fraction = 0.7\ncost = 1000"},
      {"layer.upper.interceptors", "\"unlimited\"", "interceptors = 8", "interceptors = \"unlimited\""},
      {"layer.upper.max_engagements", "\"unlimited\"", "max_engagements = 2", "max_engagements = \"unlimited\""},
      {"layer.upper.capacity", "20", "shots = 2", "shots = 2\ncapacity = 20"},
      {"layer.point.doctrine", "\"shoot-look-shoot\"", "point_defense = true",
       "point_defense = true\ndoctrine = \"shoot-look-shoot\""},
      {"layer.point.point_defense", "false", "point_defense = true", "point_defense = false"},
      {"layer.point.engages.mrbm.window.open", "70.0", "open = 60.0", "open = 70.0"},
      {"layer.upper.engages.ballistic.detect", "0.5", "detect = 0.95", "detect = 0.5"},
      {"scenario.description", "\"a \\\"quoted\\\" one\"", "name = \"sweep-test\"",
       "name = \"sweep-test\"\ndescription = \"a \\\"quoted\\\" one\""},
      {"scenario.name", "\"renamed\"", "name = \"sweep-test\"", "name = \"renamed\""},
  };
  for (const Case& c : cases) {
    std::string edited = base_scenario;
    const std::size_t at = edited.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    edited.replace(at, c.from.size(), c.to);
    const ExpandedSweep sweep = expand_sweep(
        load_sweep_string(sweep_text("", "[[axis]]\npath = \"" + c.path + "\"\nvalues = [" + c.value + "]\n")));
    ASSERT_EQ(sweep.points.size(), 1u);
    EXPECT_EQ(sweep.points[0].scenario_text, to_toml(load_scenario_string(edited))) << c.path;
  }
}

// A string value is written as TOML reads it back: quotes, backslashes, line breaks, tabs,
// other control characters and DEL escaped (to_toml_text, the writer's and the report's one
// escaping). Such a value goes through a sweep file and a point's stored text unchanged.
TEST(SweepPoints, StringValuesNeedingEscapesRoundTrip) {
  const std::vector<std::string> texts = {"a \"quoted\" name", "back\\slash", "two\nlines\tand\rtab",
                                          std::string("del\x7f") + "ctl\x01", "unicode \xc3\xa9"};
  std::string values;
  for (const std::string& text : texts) values += (values.empty() ? "" : ", ") + to_toml_text(SweepValue(text));
  const SweepSpec spec = load_sweep_string(sweep_text("mode = \"zip\"",
                                                      "[[axis]]\npath = \"scenario.description\"\n"
                                                      "values = [" +
                                                          values + "]\n"));
  ASSERT_EQ(spec.axes[0].values.size(), texts.size());
  const ExpandedSweep sweep = expand_sweep(spec);
  for (std::size_t k = 0; k < texts.size(); ++k) {
    EXPECT_EQ(std::get<std::string>(spec.axes[0].values[k]), texts[k]);
    EXPECT_EQ(sweep.scenarios[k].description, texts[k]);
    EXPECT_EQ(load_scenario_string(sweep.points[k].scenario_text).description, texts[k]);
  }
  EXPECT_EQ(to_toml_text(SweepValue(std::string("a\"b"))), "\"a\\\"b\"");
}

// The one parser of key paths, and the setter a point uses, as the bindings offer them.
// What set_key_path says when it refuses to set `key` to `value`, or "(accepted)".
std::string refusal_of(Scenario& scenario, const std::string& key, const SweepValue& value) {
  try {
    set_key_path(scenario, key, value);
  } catch (const std::invalid_argument& error) {
    return std::string(error.what());
  }
  return std::string("(accepted)");
}

TEST(KeyPaths, ParseAndSetAsASweepPointDoes) {
  const KeyPath path = parse_key_path("layer.\"s.r.\".engages.ballistic.pk");
  EXPECT_EQ(path.head, "layer");
  EXPECT_EQ(path.entry, "s.r.");
  EXPECT_EQ(path.keys, (std::vector<std::string>{"engages", "ballistic", "pk"}));
  EXPECT_EQ(parse_key_path("trials").head, "trials");
  EXPECT_EQ(parse_key_path("scenario.name").keys, std::vector<std::string>{"name"});
  for (const std::string bad : {"", "layer..pk", "layer.\"open.pk", "layer.x", "salvo.a.b", "threat.a.name"}) {
    EXPECT_THROW(parse_key_path(bad), std::invalid_argument) << bad;
  }

  Scenario scenario = load_scenario_string(base_scenario);
  set_key_path(scenario, "layer.upper.engages.ballistic.pk", SweepValue(0.4));
  set_key_path(scenario, "threat.drone.flight_time.mean", SweepValue(std::int64_t{1900}));
  set_key_path(scenario, "layer.point.interceptors", SweepValue(std::int64_t{30}));
  EXPECT_EQ(scenario.layers[0].engages[0].pk, 0.4);
  EXPECT_EQ(scenario.threats[0].flight_time.mean, 1900.0);
  EXPECT_EQ(scenario.layers[1].interceptors, 30);
  const auto refusal = [&](const std::string& key, const SweepValue& value) {
    return refusal_of(scenario, key, value);
  };
  EXPECT_EQ(refusal("threat.drone.count", SweepValue(2.5)),
            "threat[0] \"drone\".count: must be an integer, got float 2.5");
  EXPECT_THAT(refusal("layer.upper.shot", SweepValue(std::int64_t{1})),
              HasSubstr("has no key shot (did you mean \"shots\"?)"));
  EXPECT_THAT(refusal("seed", SweepValue(std::int64_t{1})), HasSubstr("names no value of a scenario"));
}

// Tiers (docs/sweeps.md): a tier's keys and a group's shares are reachable; a layer's tiers
// (a list) and an undeclared tier are not.
TEST(KeyPaths, TierKeys) {
  const KeyPath path = parse_key_path("tier.military.value");
  EXPECT_EQ(path.head, "tier");
  EXPECT_EQ(path.entry, "military");
  Scenario scenario = load_scenario_file(std::string(SALVOSIM_TEST_DATA_DIR) + "/configs/tiers.toml");
  set_key_path(scenario, "tier.military.value", SweepValue(std::int64_t{5}));
  set_key_path(scenario, "tier.open.defended", SweepValue(true));
  set_key_path(scenario, "threat.mrbm.targets.populated", SweepValue(0.25));
  EXPECT_EQ(scenario.tiers[1].value, 5.0);
  EXPECT_TRUE(scenario.tiers[2].defended);
  EXPECT_EQ(scenario.threats[0].targets.at("populated"), 0.25);
  const auto refusal = [&](const std::string& key, const SweepValue& value) {
    return refusal_of(scenario, key, value);
  };
  EXPECT_THAT(refusal("tier.militray.value", SweepValue(1.0)),
              HasSubstr("declares no tier named \"militray\" (did you mean \"military\"?)"));
  EXPECT_THAT(refusal("tier.military.valeu", SweepValue(1.0)), HasSubstr("has no key valeu (did you mean \"value\"?)"));
  EXPECT_THAT(refusal("tier.military.name", SweepValue(std::string("x"))), HasSubstr("cannot vary a name"));
  EXPECT_THAT(refusal("threat.mrbm.targets.citadel", SweepValue(0.5)), HasSubstr("declares no tier named \"citadel\""));
  EXPECT_THAT(refusal("threat.mrbm.targets.populated", SweepValue(std::string("x"))),
              HasSubstr("must be a number, got string \"x\""));
  EXPECT_THAT(refusal("layer.upper.tiers", SweepValue(std::string("x"))), HasSubstr("is an array"));
}

// A sweep of a scenario with tiers: the damage and the tier selections come out the same on
// one thread as on ranks (the tallies of the tiers go through the wire), and the damage of a
// tier scales with its value.
TEST(SweepRunsTiers, SameBytesOnRanksAndDamageFollowsTheValue) {
  const SweepSpec spec = load_sweep_string("[sweep]\nname = \"t\"\ntrials = 1500\nseed = 3\nbase = \"" +
                                               std::string(SALVOSIM_TEST_DATA_DIR) +
                                               "/configs/tiers.toml\"\n[[axis]]\npath = \"tier.military.value\"\n"
                                               "values = [0.0, 2.0, 4.0]\n",
                                           "sweep.toml");
  SweepOptions one_thread;
  one_thread.threads = 1;
  const SweepResults reference = run_sweep(spec, one_thread);
  expect_same_results(reference, run_on_ranks(spec, 2));
  const Results& r = reference.summary;
  const DataArray& damage = r.array("damage_mean");
  ASSERT_EQ(damage.dims, (std::vector<std::string>{"tier.military.value", "selection"}));
  const std::int64_t military = r.index("selection", "tier:military");
  const std::int64_t leaked = static_cast<std::int64_t>(Fate::leaked_defended);
  for (std::int64_t p = 0; p < 3; ++p) {
    const double leaks =
        r.array("fate_mean").values[static_cast<std::size_t>(r.array("fate_mean").offset({p, military, leaked}))];
    EXPECT_DOUBLE_EQ(damage.values[static_cast<std::size_t>(damage.offset({p, military}))],
                     2.0 * static_cast<double>(p) * leaks);
  }
}

// Every problem of the base is listed, each once (they used to collapse into the first).
TEST(SweepPoints, EveryProblemOfTheBaseIsListed) {
  std::string text = sweep_text("", "[[axis]]\npath = \"layer.point.coverage\"\nvalues = [0.5]\n");
  text.replace(text.find("count = 12"), 10, "count = -1");
  text.replace(text.find("p_launch = 0.95"), 15, "p_launch = 2.0");
  const std::string what = problems_of([&] { expand_sweep(load_sweep_string(text)); });
  EXPECT_THAT(what, HasSubstr("base.threat[0] \"drone\".count: must be an integer >= 0, got -1\n"));
  EXPECT_THAT(what, HasSubstr("base.threat[0] \"drone\".p_launch: must be in [0, 1], got 2"));
  EXPECT_THAT(what, Not(HasSubstr("more point")));
}

TEST(SweepPoints, PathsMustExistInTheBase) {
  const auto problems = [](const std::string& path) {
    return problems_of(
        [&] { expand_sweep(load_sweep_string(sweep_text("", "[[axis]]\npath = \"" + path + "\"\nvalues = [1]\n"))); });
  };
  EXPECT_THAT(problems("threat.drones.count"),
              HasSubstr("the base scenario has no threat group named \"drones\" (did you mean \"drone\"?)"));
  EXPECT_THAT(problems("layer.uper.shots"), HasSubstr("no layer named \"uper\" (did you mean \"upper\"?)"));
  EXPECT_THAT(problems("layer.upper.engages.cruise.pk"), HasSubstr("layer \"upper\".engages has no table cruise"));
  EXPECT_THAT(problems("layer.upper.engages"), HasSubstr("layer \"upper\".engages is a table: an axis sets one value"));
  // A key the base leaves at its default is set; a key no scenario has is refused at the axis,
  // before any point is made.
  EXPECT_THAT(problems("layer.upper.shot"),
              HasSubstr(
                  "axis[0] \"layer.upper.shot\".path: layer \"upper\" has no key shot (did you mean \"shots\"?)"));
  EXPECT_EQ(expand_sweep(load_sweep_string(sweep_text("",
                                                      "[[axis]]\npath = \"layer.point.coverage\"\n"
                                                      "values = [0.5]\n")))
                .scenarios[0]
                .layers[1]
                .coverage,
            0.5);
}

// A campaign as a base: `threat.<group>` finds a group in any salvo, a layer's resupply is an
// axis like any other, and a problem inside a salvo is reported at its line.
TEST(SweepPoints, CampaignGroupsAndResupply) {
  const std::string base = R"(
[base.scenario]
name = "campaign"
[[base.salvo]]
name = "one"
start = 0.0
[[base.salvo.threat]]
name = "a"
count = 4
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }
[[base.salvo]]
name = "two"
start = 100.0
[[base.salvo.threat]]
name = "b"
count = 3
launch = { start = 0.0, duration = 5.0 }
flight_time = { mean = 500.0 }
[[base.salvo.threat]]
name = "c"
count = 2
launch = { waves = [[0.0, 2]] }
flight_time = { mean = 500.0 }
[[base.layer]]
name = "l"
fire_units = 1
channels = 1
engagement_time = 10.0
interceptors = 5
engages.a = { pk = 0.5, window = { open = 100.0, close = 0.0 } }
engages.b = { pk = 0.5, window = { open = 100.0, close = 0.0 } }
)";
  const std::string head = "[sweep]\nname = \"t\"\ntrials = 100\nseed = 7\n";
  const ExpandedSweep sweep = expand_sweep(load_sweep_string(head + base + R"(
[[axis]]
path = "threat.b.count"
values = [3, 6]
[[axis]]
path = "layer.l.resupply"
values = [0, 2]
)",
                                                             "sweep.toml"));
  ASSERT_EQ(sweep.points.size(), 4u);
  EXPECT_EQ(sweep.scenarios[3].salvos[1].threats[0].count, 6);
  EXPECT_EQ(sweep.scenarios[3].layers[0].resupply, 2);
  EXPECT_EQ(sweep.scenarios[0].salvos[0].threats[0].count, 4);
  // Count 6 against waves of 2: reported inside its salvo, at the base's line.
  const std::string text = head + base + "[[axis]]\npath = \"threat.c.count\"\nvalues = [6]\n";
  const std::string what = problems_of([&] { expand_sweep(load_sweep_string(text, "sweep.toml")); });
  EXPECT_THAT(what, HasSubstr("sweep.toml:" + std::to_string(line_of(text, "launch = { waves")) + ":"));
  EXPECT_THAT(what, HasSubstr("salvo[1] \"two\".threat[1] \"c\".launch.waves: at point 0"));
  EXPECT_THAT(problems_of([&] {
                expand_sweep(load_sweep_string(head + base + "[[axis]]\npath = \"threat.d.count\"\nvalues = [1]\n"));
              }),
              HasSubstr("the base scenario has no threat group named \"d\""));
}

// The magazine's scalar keys (docs/model.md §2.3.1): reserves, a rule's keys by its index in
// the layer, a schedule's deliveries by salvo; and each refusal says what the base lacks.
TEST(KeyPaths, ReachReservesRulesAndSchedules) {
  std::string text = base_scenario;  // "point", the last layer, with a finite magazine, a reserve and a rule
  const std::string unlimited = "interceptors = \"unlimited\"";
  text.replace(text.find(unlimited), unlimited.size(), "interceptors = 10");
  Scenario scenario = load_scenario_string(text + "reserve = 2\n\n[[layer.ration]]\nbelow = 4\nshots = 1\n");
  set_key_path(scenario, "layer.point.reserve", SweepValue(std::int64_t{3}));
  EXPECT_EQ(scenario.layers[1].reserve, 3);
  set_key_path(scenario, "layer.point.reserve_per_salvo", SweepValue(std::int64_t{1}));
  EXPECT_EQ(scenario.layers[1].reserve_per_salvo, 1);
  set_key_path(scenario, "layer.point.ration.0.below", SweepValue(std::int64_t{6}));
  set_key_path(scenario, "layer.point.ration.0.shots", SweepValue(std::int64_t{2}));
  set_key_path(scenario, "layer.point.ration.0.doctrine", SweepValue(std::string("shoot-look-shoot")));
  set_key_path(scenario, "layer.point.ration.0.point_defense", SweepValue(false));
  ASSERT_EQ(scenario.layers[1].rations.size(), 1u);
  EXPECT_EQ(scenario.layers[1].rations[0].below, 6);
  EXPECT_EQ(scenario.layers[1].rations[0].shots, 2);
  EXPECT_EQ(scenario.layers[1].rations[0].doctrine, Doctrine::shoot_look_shoot);
  EXPECT_EQ(scenario.layers[1].rations[0].point_defense, false);
  set_key_path(scenario, "layer.upper.resupply", SweepValue(std::int64_t{4}));
  EXPECT_EQ(scenario.layers[0].resupply, 4);
  set_key_path(scenario, "layer.point.magazine", SweepValue(std::string("upper")));
  EXPECT_EQ(scenario.layers[1].magazine, "upper");
  const auto refusal = [&](const std::string& key, const SweepValue& value) {
    try {
      set_key_path(scenario, key, value);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_THAT(refusal("layer.point.ration.1.shots", SweepValue(std::int64_t{1})),
              HasSubstr("has no ration 1 (it has 1 rationing rules, numbered from 0)"));
  EXPECT_THAT(refusal("layer.point.ration.0.shot", SweepValue(std::int64_t{1})),
              HasSubstr("has no key shot (did you mean \"shots\"?)"));
  EXPECT_THAT(refusal("layer.point.ration.0.shots", SweepValue(1.5)), HasSubstr("must be an integer, got float 1.5"));
  EXPECT_THAT(refusal("layer.point.ration.0.doctrine", SweepValue(std::string("salv"))),
              HasSubstr("(did you mean \"salvo\"?)"));
  EXPECT_THAT(refusal("layer.point.resupply.two", SweepValue(std::int64_t{1})), HasSubstr("has no key two"));
  // A schedule's delivery, in a campaign.
  Scenario campaign = load_scenario_string(R"(
[[salvo]]
name = "one"
start = 0.0
[[salvo.threat]]
name = "a"
count = 4
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }
[[salvo]]
name = "two"
start = 100.0
[[salvo.threat]]
name = "b"
count = 3
launch = { start = 0.0, duration = 5.0 }
flight_time = { mean = 500.0 }
[[layer]]
name = "l"
fire_units = 1
channels = 1
engagement_time = 10.0
interceptors = 5
resupply = { two = 3 }
engages.a = { pk = 0.5, window = { open = 100.0, close = 0.0 } }
)");
  set_key_path(campaign, "layer.l.resupply.two", SweepValue(std::int64_t{9}));
  EXPECT_EQ(campaign.layers[0].resupply_schedule.at("two"), 9);
}

// look_time on a salvo-doctrine layer is an axis like any other when a rule of the layer
// switches to shoot-look-shoot, and refused when none does.
TEST(SweepPoints, LookTimeOfASalvoLayerWithALookingRule) {
  const std::string head = "[sweep]\nname = \"t\"\ntrials = 100\nseed = 7\n";
  const std::string base = R"(
[[base.threat]]
name = "a"
count = 4
launch = { start = 0.0, duration = 10.0 }
flight_time = { mean = 500.0 }
[[base.layer]]
name = "l"
fire_units = 1
channels = 1
engagement_time = 10.0
interceptors = 5
engages.a = { pk = 0.5, window = { open = 100.0, close = 0.0 } }
)";
  const std::string rule = "[[base.layer.ration]]\nbelow = 3\ndoctrine = \"shoot-look-shoot\"\n";
  const std::string axis = "[[axis]]\npath = \"layer.l.look_time\"\nvalues = [1.0, 2.0]\n";
  const ExpandedSweep sweep = expand_sweep(load_sweep_string(head + base + rule + axis, "sweep.toml"));
  ASSERT_EQ(sweep.points.size(), 2u);
  EXPECT_EQ(sweep.scenarios[1].layers[0].look_time, 2.0);
  EXPECT_THAT(problems_of([&] { expand_sweep(load_sweep_string(head + base + axis, "sweep.toml")); }),
              HasSubstr("applies only to doctrine \"shoot-look-shoot\""));
}

TEST(SweepPoints, ABaseThatBreaksARuleIsReportedAtItsLine) {
  const std::string text = sweep_text("", two_axes);
  const std::string bad =
      text.substr(0, text.find("p_launch = 0.95")) + "p_launch = 1.95" + text.substr(text.find("p_launch = 0.95") + 15);
  const std::string what = problems_of([&] { expand_sweep(load_sweep_string(bad, "sweep.toml")); });
  EXPECT_THAT(what, HasSubstr("sweep.toml:" + std::to_string(line_of(bad, "p_launch = 1.95")) +
                              ":12: base.threat[0] \"drone\".p_launch: must be in [0, 1], got 1.95"));
}

// ---------------------------------------------------------------------------------------
// Shards

TEST(SweepShards, ParseAndCheck) {
  EXPECT_EQ(parse_shard("2/8").index, 2);
  EXPECT_EQ(parse_shard("2/8").count, 8);
  for (const char* bad : {"3/2", "0/2", "2", "a/b", "1/0", "-1/2", "1/2/3", "/2"}) {
    EXPECT_THROW(parse_shard(bad), std::invalid_argument) << bad;
  }
  try {
    parse_shard("3/2");
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("shard 3/2 does not exist: a shard is I/N with 1 <= I <= N"));
  }
}

TEST(SweepShards, EveryPointInOneShardAndShardsBalanced) {
  const ExpandedSweep sweep = expand_sweep(load_sweep_string(sweep_text("", R"(
[[axis]]
path = "threat.drone.count"
range = { start = 0, stop = 390, step = 10 }
)")));
  const std::int64_t shards = 4;
  std::vector<std::int64_t> seen;
  std::vector<double> cost;
  for (std::int64_t i = 1; i <= shards; ++i) {
    const std::vector<std::int64_t> mine = shard_points(sweep, {i, shards});
    EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
    seen.insert(seen.end(), mine.begin(), mine.end());
    double total = 0;
    for (std::int64_t p : mine) total += point_cost(sweep.scenarios[static_cast<std::size_t>(p)], 600);
    cost.push_back(total);
  }
  std::sort(seen.begin(), seen.end());
  std::vector<std::int64_t> all(40);
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(seen, all);
  // Longest processing time first keeps shards within one point's cost of one another.
  const double largest = point_cost(sweep.scenarios.back(), 600);
  EXPECT_LE(*std::max_element(cost.begin(), cost.end()) - *std::min_element(cost.begin(), cost.end()), largest);
}

// ---------------------------------------------------------------------------------------
// Same bytes however it runs

class SweepRuns : public ::testing::Test {
 protected:
  // Points of unequal cost, a mixed-type axis, and histograms of different lengths.
  SweepSpec spec_ = load_sweep_string(sweep_text("", two_axes), "sweep.toml");
};

TEST_F(SweepRuns, ThreadsRanksAndSplitTrialsGiveTheSameBytes) {
  SweepOptions one_thread;
  one_thread.threads = 1;
  const SweepResults reference = run_sweep(spec_, one_thread);
  EXPECT_EQ(reference.sweep_dims, (std::vector<std::string>{"drones", "layer.upper.interceptors"}));
  EXPECT_EQ(reference.summary.array("fate_mean").shape, (std::vector<std::int64_t>{3, 2, 5, 5}));
  SweepOptions two_threads;
  two_threads.threads = 2;
  expect_same_results(reference, run_sweep(spec_, two_threads));
  expect_same_results(reference, run_on_ranks(spec_, 2));
  expect_same_results(reference, run_on_ranks(spec_, 3));
  // More ranks than points: each point's 600 trials... are too few to split (an item has at
  // least 1024); with more trials, points are cut into ranges that several ranks run.
  SweepSpec long_points = spec_;
  long_points.trials = 5000;
  expect_same_results(run_sweep(long_points, one_thread), run_on_ranks(long_points, 5));
}

TEST_F(SweepRuns, EachPointIsTheRunOfItsScenario) {
  const SweepResults sweep = run_sweep(spec_);
  const ExpandedSweep points = expand_sweep(spec_);
  const std::int64_t p = 3;  // drones = 16, interceptors "unlimited"
  const Plan plan = compile(points.scenarios[p]);
  RunOptions options;
  options.trials = points.points[p].trials;
  options.seed = points.points[p].seed;
  const Results alone = summarize(plan, run_trials(plan, options), {});
  const DataArray& mean = sweep.summary.array("fate_mean");
  const DataArray& single = alone.array("fate_mean");
  for (std::int64_t k = 0; k < single.size(); ++k) {
    EXPECT_EQ(mean.values[static_cast<std::size_t>(p * single.size() + k)], single.values[static_cast<std::size_t>(k)]);
  }
  // Histograms are padded with zeros to the longest point's bins.
  const DataArray& histogram = sweep.summary.array("fate_histogram");
  const std::int64_t bins = histogram.shape.back();
  EXPECT_GT(bins, alone.array("fate_histogram").shape.back());
  EXPECT_FALSE(sweep.summary.has_array("rate_histogram"));
}

TEST_F(SweepRuns, PointResultsAreThePointsRunAsResults) {
  const SweepResults sweep = run_sweep(spec_);
  const ExpandedSweep points = expand_sweep(spec_);
  const std::int64_t p = 3;
  const Plan plan = compile(points.scenarios[p]);
  RunOptions options;
  options.trials = points.points[p].trials;
  options.seed = points.points[p].seed;
  const Results alone = summarize(plan, run_trials(plan, options), {});
  const Results point = point_results(sweep, p);
  for (const char* name : {"fate_mean", "fate_se", "rate_mean", "layer_mean", "intercepts_mean"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(point.array(name).dims, alone.array(name).dims);
    EXPECT_EQ(point.array(name).shape, alone.array(name).shape);
    EXPECT_EQ(point.array(name).values, alone.array(name).values);
  }
  EXPECT_EQ(point.coordinate("selection").labels, alone.coordinate("selection").labels);
  for (const Coordinate& coordinate : point.coordinates) EXPECT_NE(coordinate.name, "drones");
  EXPECT_THROW(point_results(sweep, static_cast<std::int64_t>(sweep.points.size())), std::invalid_argument);
}

TEST_F(SweepRuns, ShardsMergedGiveTheSameBytes) {
  const SweepResults whole = run_sweep(spec_);
  std::vector<SweepResults> shards;
  for (std::int64_t i = 3; i >= 1; --i) {  // in any order
    SweepOptions options;
    options.shard = {i, 3};
    shards.push_back(run_sweep(spec_, options));
    EXPECT_EQ(shards.back().sweep_dims, std::vector<std::string>{"point"});
  }
  expect_same_results(whole, merge_sweeps(shards));

  // What merge refuses.
  const auto refusal = [&](const std::vector<SweepResults>& parts) {
    try {
      merge_sweeps(parts, {"a.h5", "b.h5", "c.h5"});
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(refusal({shards[0], shards[1]}), "shard 1 of 3 is missing");
  EXPECT_EQ(refusal({shards[0], shards[1], shards[1]}), "shard 2 of 3 is given twice: b.h5 and c.h5");
  SweepOptions half;
  half.shard = {1, 2};
  EXPECT_EQ(refusal({shards[0], run_sweep(spec_, half)}), "b.h5 is shard 1 of 2, but a.h5 is one of 3");
  SweepSpec other = spec_;
  other.seed = 8;
  SweepOptions first;
  first.shard = {1, 3};
  EXPECT_THAT(refusal({shards[0], shards[1], run_sweep(other, first)}), HasSubstr("shards of different sweeps: a.h5"));
}

TEST_F(SweepRuns, StoppedAndResumedFromCheckpointsGivesTheSameBytes) {
  const SweepResults whole = run_sweep(spec_);
  const fs::path dir = temp_dir("resume") / "checkpoint";
  SweepOptions options;
  options.checkpoint_dir = dir.string();
  options.checkpoint_seconds = 0.0;  // each point in a file of its own
  // Stop after two points are done (as Ctrl-C does through a progress callback).
  EXPECT_THROW(run_sweep(spec_, options, [](const SweepProgress& p) { return p.points_done < 2; }), RunCancelled);
  std::int64_t saved = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) saved += entry.path().extension() == ".h5";
  EXPECT_EQ(saved, 2);

  // Not without --resume: the checkpoints are another run's.
  try {
    run_sweep(spec_, options);
    ADD_FAILURE() << "an old checkpoint was overwritten";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("holds points of an earlier run: run again with --resume"));
  }
  options.resume = true;
  std::int64_t resumed = -1, ran = 0;
  const SweepResults again = run_sweep(spec_, options, [&](const SweepProgress& p) {
    resumed = p.points_resumed;
    ran = p.points_done - p.points_resumed;
    return true;
  });
  EXPECT_EQ(resumed, 2);
  EXPECT_EQ(ran, 4);
  expect_same_results(whole, again);
  // What a killed run leaves (a temporary file) goes with the checkpoints; nothing else does.
  std::ofstream(dir / "point-00000003.h5.4242.partial") << "half";
  remove_checkpoints(dir.string());
  EXPECT_FALSE(fs::exists(dir));
  fs::create_directories(dir);
  std::ofstream(dir / "notes.txt") << "mine";
  std::ofstream(dir / "point-00000001.h5") << "a checkpoint";
  remove_checkpoints(dir.string());
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
  EXPECT_FALSE(fs::exists(dir / "point-00000001.h5"));
}

// Points completed close together are checkpointed together, in one file; stopped, the sweep
// first writes those it kept, and a run resumed from them gives the same bytes.
TEST_F(SweepRuns, PointsCheckpointedTogetherResumeToTheSameBytes) {
  const SweepResults whole = run_sweep(spec_);
  const fs::path dir = temp_dir("batched") / "checkpoint";
  SweepOptions options;
  options.checkpoint_dir = dir.string();
  options.checkpoint_seconds = 3600.0;  // nothing is written until the sweep stops
  EXPECT_THROW(run_sweep(spec_, options, [](const SweepProgress& p) { return p.points_done < 3; }), RunCancelled);
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(read_sweep(files[0].string()).points.size(), 3u);

  options.resume = true;
  std::int64_t resumed = -1;
  const SweepResults again = run_sweep(spec_, options, [&](const SweepProgress& p) {
    resumed = p.points_resumed;
    return true;
  });
  EXPECT_EQ(resumed, 3);
  expect_same_results(whole, again);
  // The resumed run, done within its checkpoint interval, checkpointed none of its points: the
  // sweep's own results come next (what a failure to write them could lose is at most an
  // interval's points, as when a sweep is killed).
  std::int64_t held = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    held += static_cast<std::int64_t>(read_sweep(entry.path().string()).points.size());
  }
  EXPECT_EQ(held, 3);
  options.checkpoint_seconds = -1.0;
  options.resume = true;
  EXPECT_THROW(run_sweep(spec_, options), std::invalid_argument);
}

TEST_F(SweepRuns, CheckpointsOfAChangedSweepAreRefused) {
  const fs::path dir = temp_dir("changed") / "checkpoint";
  SweepOptions options;
  options.checkpoint_dir = dir.string();
  EXPECT_THROW(run_sweep(spec_, options, [](const SweepProgress& p) { return p.points_done < 1; }), RunCancelled);
  SweepSpec changed = spec_;
  changed.seed = 99;
  options.resume = true;
  try {
    run_sweep(changed, options);
    ADD_FAILURE() << "a checkpoint of another sweep was used";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("this checkpoint is not point"));
    EXPECT_THAT(error.what(), HasSubstr("the sweep changed since"));
  }
}

// What `salvosim sweep --status` shows: the points a stopped sweep checkpointed and those left,
// read as --resume reads them; nothing is made or changed.
TEST_F(SweepRuns, CheckpointStatusListsThePointsDoneAndMissing) {
  const ExpandedSweep sweep = expand_sweep(spec_);
  const fs::path dir = temp_dir("status") / "checkpoint";
  const CheckpointStatus none = checkpoint_status(sweep, dir.string(), std::nullopt);
  EXPECT_FALSE(none.found);
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_TRUE(none.done.empty());
  EXPECT_EQ(none.missing(), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));

  SweepOptions options;
  options.checkpoint_dir = dir.string();
  options.checkpoint_seconds = 0.0;
  EXPECT_THROW(run_sweep(spec_, options, [](const SweepProgress& p) { return p.points_done < 2; }), RunCancelled);
  const CheckpointStatus status = checkpoint_status(sweep, dir.string(), std::nullopt);
  EXPECT_TRUE(status.found);
  EXPECT_EQ(status.files, 2);
  EXPECT_TRUE(status.shard.whole());
  EXPECT_EQ(status.done.size(), 2u);
  EXPECT_EQ(status.missing().size(), 4u);
  EXPECT_EQ(status.points.size(), 6u);
  // Each point done is one the sweep runs, and none is both done and missing.
  std::vector<std::int64_t> both = status.done;
  const std::vector<std::int64_t> missing = status.missing();
  both.insert(both.end(), missing.begin(), missing.end());
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, status.points);

  EXPECT_THROW(checkpoint_status(sweep, dir.string(), Shard{1, 2}), std::invalid_argument);  // of the whole sweep
  SweepSpec changed = spec_;
  changed.seed = 99;
  EXPECT_THROW(checkpoint_status(expand_sweep(changed), dir.string(), std::nullopt), std::invalid_argument);
  std::ofstream(dir / "points-00000009.h5") << "not a checkpoint";
  EXPECT_THROW(checkpoint_status(sweep, dir.string(), std::nullopt), BadFileError);
}

// A sweep on several ranks stopped by a signal ends on every rank with RunCancelled, whichever
// rank heard it, with the points completed checkpointed; resumed, it gives the same bytes.
TEST_F(SweepRuns, StoppedOnRanksEveryRankEndsAndTheCheckpointsResume) {
  SweepSpec long_points = spec_;
  long_points.trials = 3000;  // items of whole points, several per rank
  const SweepResults whole = run_sweep(long_points);
  for (const int stopper : {0, 2}) {
    const fs::path dir = temp_dir("ranks_stopped_by_" + std::to_string(stopper)) / "checkpoint";
    SweepOptions options;
    options.checkpoint_dir = dir.string();
    options.checkpoint_seconds = 0.0;
    options.threads = 1;
    const int ranks = 3;
    ThreadTeams teams(ranks);
    std::vector<int> cancelled(ranks, 0);
    std::atomic<std::int64_t> asked{0};
    std::vector<std::thread> threads;
    for (int r = 0; r < ranks; ++r) {
      threads.emplace_back([&, r] {
        // Rank `stopper` says stop after its first answers (rank 0: once a point is done).
        const SweepProgressCallback progress = [&, r](const SweepProgress& p) {
          if (r != stopper) return true;
          return r == 0 ? p.points_done < 1 : ++asked < 2;
        };
        try {
          run_sweep(long_points, options, teams[r], progress);
        } catch (const RunCancelled&) {
          cancelled[static_cast<std::size_t>(r)] = 1;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(cancelled, std::vector<int>(ranks, 1)) << "stopped by rank " << stopper;
    options.resume = true;
    expect_same_results(whole, run_on_ranks(long_points, 2, options));
  }
}

// `salvosim sweep --dry-run`: a few points timed, every point's time estimated from its cost,
// and the fewest shards that keep each within a wall time.
TEST_F(SweepRuns, EstimateAndShardPlan) {
  const ExpandedSweep sweep = expand_sweep(spec_);
  const SweepEstimate estimate = estimate_sweep(sweep, 1);
  EXPECT_EQ(estimate.threads, 1);
  EXPECT_EQ(estimate.timed_points.size(), 3u);  // the cheapest, the median and the costliest
  EXPECT_EQ(estimate.timed_trials.size(), 3u);
  EXPECT_GT(estimate.seconds_per_cost, 0.0);
  ASSERT_EQ(estimate.point_seconds.size(), sweep.points.size());
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    EXPECT_DOUBLE_EQ(estimate.point_seconds[p],
                     point_cost(sweep.scenarios[p], sweep.points[p].trials) * estimate.seconds_per_cost);
  }
  const double total = estimate.total_seconds();
  const ShardPlan one = plan_shards(sweep, estimate, total * 2);
  EXPECT_EQ(one.shards, 1);
  EXPECT_TRUE(one.fits);
  EXPECT_DOUBLE_EQ(one.shard_seconds[0], total);
  const double target = total / 2.5;
  const ShardPlan some = plan_shards(sweep, estimate, target);
  EXPECT_GE(some.shards, 3);
  EXPECT_TRUE(some.fits);
  EXPECT_LE(*std::max_element(some.shard_seconds.begin(), some.shard_seconds.end()), target);
  // One shard fewer would not have done: it is the fewest.
  std::vector<double> fewer(static_cast<std::size_t>(some.shards - 1), 0.0);
  const std::vector<std::int64_t> dealt = deal_points(sweep, some.shards - 1);
  for (std::size_t p = 0; p < dealt.size(); ++p) fewer[static_cast<std::size_t>(dealt[p])] += estimate.point_seconds[p];
  EXPECT_GT(*std::max_element(fewer.begin(), fewer.end()), target);
  // A point longer than the target: one point a shard, and it says it does not fit.
  const double longest = *std::max_element(estimate.point_seconds.begin(), estimate.point_seconds.end());
  const ShardPlan tight = plan_shards(sweep, estimate, longest / 2);
  EXPECT_FALSE(tight.fits);
  EXPECT_EQ(tight.shards, static_cast<std::int64_t>(sweep.points.size()));
}

}  // namespace
}  // namespace salvosim
