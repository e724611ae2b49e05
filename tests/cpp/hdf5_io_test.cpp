// Results files (hdf5_io.hpp): what is written reads back exactly, per-trial rows add up to
// the summary's exact sums, an unfinished file never appears under its final name, and bad
// files are refused with a message that names them. The per-trial data are read here with
// the HDF5 C API directly, not through the code under test.
#include "salvosim/hdf5_io.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hdf5_checksum.hpp"
#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/sweep_file.hpp"
#include "same_results.hpp"

namespace salvosim {
namespace {

namespace fs = std::filesystem;

// The example of docs/model.md (configs/example.toml), built in code so that this test does
// not depend on the TOML loader.
Scenario example_scenario() {
  Scenario s;
  s.name = "example";
  s.description = "two groups against two layers";
  ThreatGroup shahed;
  shahed.name = "shahed";
  shahed.threat_class = "drone";
  shahed.count = 50;
  shahed.launch = {LaunchSpec::Kind::uniform, 0.0, 3600.0, {}};
  shahed.flight_time = {28000.0, 2000.0};
  shahed.p_launch = 0.97;
  shahed.p_flight = 0.95;
  shahed.defended_fraction = 0.7;
  shahed.cost = 35000;
  ThreatGroup mrbm;
  mrbm.name = "mrbm";
  mrbm.threat_class = "ballistic";
  mrbm.count = 30;
  mrbm.launch.kind = LaunchSpec::Kind::waves;
  mrbm.launch.waves = {{20000.0, 15}, {20600.0, 15}};
  mrbm.flight_time = {720.0, 30.0};
  mrbm.p_launch = 0.8;
  mrbm.p_flight = 0.8;
  s.threats = {shahed, mrbm};

  Layer upper;
  upper.name = "upper-tier";
  upper.fire_units = 2;
  upper.channels = 4;
  upper.engagement_time = 90.0;
  upper.interceptors = 48;
  upper.shots = 2;
  upper.doctrine = Doctrine::shoot_look_shoot;
  upper.look_time = 10.0;
  upper.max_engagements = 2;
  upper.kill_assessment = 0.9;
  upper.point_defense = true;
  upper.cost = 3000000;
  upper.engages = {{"ballistic", 0.7, 0.95, {420.0, 120.0}}};
  Layer short_range;
  short_range.name = "short-range";
  short_range.fire_units = 6;
  short_range.channels = 2;
  short_range.engagement_time = 20.0;
  short_range.point_defense = true;
  short_range.cost = 50000;
  short_range.engages = {{"drone", 0.9, 0.9, {120.0, 5.0}}, {"mrbm", 0.3, 0.8, {60.0, 10.0}}};
  s.layers = {upper, short_range};
  // Not UTF-8 clean ASCII on purpose: strings must come back byte for byte.
  s.source_text = "[scenario]\nname = \"example\"  # défense — “layered”\n";
  s.source_name = "configs/example.toml";
  return s;
}

RunInfo example_info(const Scenario& scenario, std::uint64_t seed, std::uint64_t first_trial) {
  RunInfo info;
  info.scenario_name = scenario.name;
  info.scenario_text = scenario.source_text;
  info.source_name = scenario.source_name;
  info.seed = seed;
  info.first_trial = first_trial;
  info.threads = 2;
  info.salvosim_version = "0.1.0-test";
  info.git_sha1 = "0123456789abcdef0123456789abcdef01234567";
  info.created = "2026-11-22T03:15:00Z";
  return info;
}

// A fresh directory per test, removed afterwards.
class Hdf5IoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("salvosim_hdf5_io_test_" + std::to_string(::getpid())) / test->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_.parent_path()); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    return names;
  }

  fs::path dir_;
};

constexpr std::int64_t trials = 3000;
constexpr std::uint64_t first_trial = 1000;
constexpr std::uint64_t seed = 42;

// Runs the example with per-trial and per-threat output into `path`. The sink hands the
// writer pieces of 250 trials, so that rows are appended many times and across HDF5 chunks.
Results run_to_file(const std::string& path, const Plan& plan, const RunInfo& info) {
  ResultsFileWriter writer(path, plan, true, true);
  RunOptions options;
  options.trials = trials;
  options.seed = info.seed;
  options.first_trial = info.first_trial;
  options.threads = 2;
  options.keep_records = true;
  options.keep_outcomes = true;
  const Tallies tallies = run_trials(plan, options, [&](const TrialChunk& chunk) {
    for (std::int64_t begin = 0; begin < chunk.trials; begin += 250) {
      TrialChunk piece;
      piece.first_trial = chunk.first_trial + static_cast<std::uint64_t>(begin);
      piece.trials = std::min<std::int64_t>(250, chunk.trials - begin);
      piece.records = chunk.records + begin * plan.layout.size();
      piece.outcomes = chunk.outcomes + begin * plan.threat_count();
      writer.write_chunk(piece);
    }
  });
  Results results = summarize(plan, tallies, info);
  writer.finish(results);
  return results;
}

// --- Reading the file with the HDF5 C API, independently of hdf5_io.cpp ---

struct Raw {
  std::vector<hsize_t> shape;
  std::vector<std::int64_t> values;  // converted to int64 by HDF5
};

Raw read_raw(const std::string& path, const std::string& dataset) {
  Raw raw;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(file, 0);
  const hid_t d = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
  EXPECT_GE(d, 0) << dataset;
  const hid_t space = H5Dget_space(d);
  raw.shape.resize(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, raw.shape.data(), nullptr);
  raw.values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  EXPECT_GE(H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.values.data()), 0);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(file);
  return raw;
}

// Replaces (or deletes, with an empty `version`) the root attribute `version`, or deletes
// the link `unlink`; then rewrites the file's checksum, so that the reader's other checks are
// what is tested (hdf5_damage_test.cpp tests the checksum).
void tamper(const std::string& path, const std::vector<int>& version, const std::string& unlink = "") {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  if (!unlink.empty()) {
    EXPECT_GE(H5Ldelete(file, unlink.c_str(), H5P_DEFAULT), 0);
  } else {
    EXPECT_GE(H5Adelete(file, "version"), 0);
    const hsize_t size = version.size();
    const hid_t space = H5Screate_simple(1, &size, nullptr);
    const hid_t attribute = H5Acreate2(file, "version", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(H5Awrite(attribute, H5T_NATIVE_INT, version.data()), 0);
    H5Aclose(attribute);
    H5Sclose(space);
  }
  H5Fclose(file);
  hdf5::write_checksum(hdf5::Context(path), path);
}

// Expects `action` to throw std::runtime_error whose message contains every one of `parts`.
void expect_error(const std::function<void()>& action, std::initializer_list<std::string> parts) {
  try {
    action();
    ADD_FAILURE() << "no exception; expected one saying: " << *parts.begin();
  } catch (const std::runtime_error& error) {
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(error.what()).find(part), std::string::npos)
          << "\"" << error.what() << "\" lacks \"" << part << "\"";
    }
  }
}

void expect_same(const Results& expected, const Results& actual) {
  const RunInfo& a = expected.info;
  const RunInfo& b = actual.info;
  EXPECT_EQ(a.scenario_name, b.scenario_name);
  EXPECT_EQ(a.scenario_text, b.scenario_text);
  EXPECT_EQ(a.source_name, b.source_name);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.first_trial, b.first_trial);
  EXPECT_EQ(a.trials, b.trials);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_EQ(a.salvosim_version, b.salvosim_version);
  EXPECT_EQ(a.git_sha1, b.git_sha1);
  EXPECT_EQ(a.created, b.created);

  test_support::expect_same_arrays(expected, actual);
}

TEST_F(Hdf5IoTest, RoundTripsEveryArrayCoordinateAndRunInfo) {
  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  const std::string path = file("run.h5");
  const Results written = run_to_file(path, plan, example_info(scenario, seed, first_trial));
  EXPECT_EQ(files(), std::vector<std::string>{"run.h5"});  // no temporary left beside it
  expect_same(written, read_results(path));
}

TEST_F(Hdf5IoTest, PerTrialRowsAddUpToTheSummarysExactSums) {
  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  const std::string path = file("run.h5");
  const Results results = run_to_file(path, plan, example_info(scenario, seed, first_trial));
  const std::int64_t groups = plan.group_count(), layers = plan.layer_count(), threats = plan.threat_count();
  const auto n = static_cast<hsize_t>(trials);

  const Raw trial = read_raw(path, "/per_trial/trial");
  ASSERT_EQ(trial.shape, (std::vector<hsize_t>{n}));
  for (std::int64_t t = 0; t < trials; ++t) EXPECT_EQ(trial.values[t], static_cast<std::int64_t>(first_trial) + t);
  EXPECT_EQ(read_raw(path, "/per_threat/trial").values, trial.values);

  const Raw fates = read_raw(path, "/per_trial/fates");
  const Raw engaged = read_raw(path, "/per_trial/engaged");
  const Raw intercepts = read_raw(path, "/per_trial/intercepts");
  const Raw layer_metrics = read_raw(path, "/per_trial/layer_metrics");
  const auto g = static_cast<hsize_t>(groups), l = static_cast<hsize_t>(layers);
  ASSERT_EQ(fates.shape, (std::vector<hsize_t>{n, g, static_cast<hsize_t>(fate_count)}));
  ASSERT_EQ(engaged.shape, (std::vector<hsize_t>{n, g}));
  ASSERT_EQ(intercepts.shape, (std::vector<hsize_t>{n, g, l}));
  ASSERT_EQ(layer_metrics.shape, (std::vector<hsize_t>{n, l, static_cast<hsize_t>(layer_metric_count)}));

  // Each group's own selection, and "all", against sums over the rows.
  const auto exact = [&](const char* name, std::initializer_list<std::int64_t> index) {
    const DataArray& a = results.array(name);
    return a.integers[static_cast<std::size_t>(a.offset(index))];
  };
  const std::int64_t all = results.index("selection", "all");
  for (std::int64_t f = 0; f < fate_count; ++f) {
    std::int64_t total = 0;
    for (std::int64_t grp = 0; grp < groups; ++grp) {
      const std::int64_t s = results.index("selection", plan.groups[grp].name);
      std::int64_t sum = 0, squares = 0;
      for (std::int64_t t = 0; t < trials; ++t) {
        const std::int64_t v = fates.values[(t * groups + grp) * fate_count + f];
        sum += v;
        squares += v * v;
      }
      EXPECT_EQ(sum, exact("fate_sum", {s, f}));
      EXPECT_EQ(squares, exact("fate_sum_squares", {s, f}));
      total += sum;
    }
    EXPECT_EQ(total, exact("fate_sum", {all, f}));
  }
  for (std::int64_t grp = 0; grp < groups; ++grp) {
    const std::int64_t s = results.index("selection", plan.groups[grp].name);
    std::int64_t sum = 0;
    for (std::int64_t t = 0; t < trials; ++t) sum += engaged.values[t * groups + grp];
    EXPECT_EQ(sum, exact("engaged_sum", {s}));
    for (std::int64_t layer = 0; layer < layers; ++layer) {
      std::int64_t killed = 0;
      for (std::int64_t t = 0; t < trials; ++t) killed += intercepts.values[(t * groups + grp) * layers + layer];
      EXPECT_EQ(killed, exact("intercepts_sum", {s, layer}));
    }
  }
  for (std::int64_t k = 0; k < layers * layer_metric_count; ++k) {
    std::int64_t sum = 0;
    for (std::int64_t t = 0; t < trials; ++t) sum += layer_metrics.values[t * layers * layer_metric_count + k];
    EXPECT_EQ(sum, results.array("layer_sum").integers[static_cast<std::size_t>(k)]);
  }

  // Per threat: counting fates and killers threat by threat gives the same per-trial sums.
  const Raw fate = read_raw(path, "/per_threat/fate");
  const Raw killer = read_raw(path, "/per_threat/intercept_layer");
  const Raw threat_group = read_raw(path, "/per_threat/threat_group");
  ASSERT_EQ(fate.shape, (std::vector<hsize_t>{n, static_cast<hsize_t>(threats)}));
  ASSERT_EQ(killer.shape, fate.shape);
  ASSERT_EQ(threat_group.values, std::vector<std::int64_t>(plan.threat_group.begin(), plan.threat_group.end()));
  std::vector<std::int64_t> fate_counts(static_cast<std::size_t>(trials * groups * fate_count), 0);
  std::vector<std::int64_t> kill_counts(static_cast<std::size_t>(trials * groups * layers), 0);
  for (std::int64_t t = 0; t < trials; ++t) {
    for (std::int64_t i = 0; i < threats; ++i) {
      const std::int64_t grp = threat_group.values[i];
      ++fate_counts[(t * groups + grp) * fate_count + fate.values[t * threats + i]];
      const std::int64_t layer = killer.values[t * threats + i];
      if (layer >= 0) ++kill_counts[(t * groups + grp) * layers + layer];
    }
  }
  EXPECT_EQ(fate_counts, fates.values);
  EXPECT_EQ(kill_counts, intercepts.values);
}

// With declared tiers, /per_threat/target_tier holds each threat's tier in each trial: counting the
// threats that reached impact by group and tier gives the per-trial tier_leaked rows. Without
// tiers there is no such dataset.
TEST_F(Hdf5IoTest, PerThreatTiersAddUpToThePerTrialTierLeaks) {
  const Scenario scenario = load_scenario_file(std::string(SALVOSIM_TEST_DATA_DIR) + "/configs/tiers.toml");
  const Plan plan = compile(scenario);
  ASSERT_TRUE(plan.tiers_declared);
  const std::string path = file("tiers.h5");
  run_to_file(path, plan, example_info(scenario, seed, first_trial));
  const std::int64_t groups = plan.group_count(), threats = plan.threat_count();
  const auto tiers = static_cast<std::int64_t>(plan.tiers.size());
  const Raw tier = read_raw(path, "/per_threat/target_tier");
  const Raw fate = read_raw(path, "/per_threat/fate");
  const Raw leaked = read_raw(path, "/per_trial/tier_leaked");
  ASSERT_EQ(tier.shape, (std::vector<hsize_t>{static_cast<hsize_t>(trials), static_cast<hsize_t>(threats)}));
  ASSERT_EQ(leaked.shape, (std::vector<hsize_t>{static_cast<hsize_t>(trials), static_cast<hsize_t>(groups),
                                                static_cast<hsize_t>(tiers)}));
  std::vector<std::int64_t> counts(leaked.values.size(), 0);
  std::vector<std::int64_t> aimed(static_cast<std::size_t>(tiers), 0);
  for (std::int64_t t = 0; t < trials; ++t) {
    for (std::int64_t i = 0; i < threats; ++i) {
      const std::int64_t aim = tier.values[t * threats + i];
      ASSERT_TRUE(aim >= 0 && aim < tiers) << "trial " << t << ", threat " << i << ": tier " << aim;
      ++aimed[static_cast<std::size_t>(aim)];
      const std::int64_t f = fate.values[t * threats + i];
      if (f == static_cast<std::int64_t>(Fate::leaked_defended) || f == static_cast<std::int64_t>(Fate::leaked_open)) {
        ++counts[static_cast<std::size_t>((t * groups + plan.threat_group[static_cast<std::size_t>(i)]) * tiers + aim)];
      }
    }
  }
  EXPECT_EQ(counts, leaked.values);
  for (std::int64_t k = 0; k < tiers; ++k) EXPECT_GT(aimed[static_cast<std::size_t>(k)], 0) << "tier " << k;

  const std::string plain = file("plain.h5");
  const Scenario example = example_scenario();
  run_to_file(plain, compile(example), example_info(example, seed, first_trial));
  const hid_t f = H5Fopen(plain.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_GT(H5Lexists(f, "per_threat/fate", H5P_DEFAULT), 0);
  EXPECT_EQ(H5Lexists(f, "per_threat/target_tier", H5P_DEFAULT), 0);
  EXPECT_EQ(H5Lexists(f, "per_threat/tier", H5P_DEFAULT), 0);
  H5Fclose(f);
}

// The example as a campaign of two salvos (MODEL.md §5): the drones, then the missiles.
Scenario example_campaign() {
  Scenario s = example_scenario();
  s.salvos = {{"drones", 0.0, {s.threats[0]}}, {"missiles", 50000.0, {s.threats[1]}}};
  s.threats.clear();
  s.layers[0].resupply = 6;
  return s;
}

std::vector<int> version_of(const std::string& path) {
  std::vector<int> version(2, -1);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(file, 0);
  const hid_t attribute = H5Aopen(file, "version", H5P_DEFAULT);
  EXPECT_GE(H5Aread(attribute, H5T_NATIVE_INT, version.data()), 0);
  H5Aclose(attribute);
  H5Fclose(file);
  return version;
}

TEST_F(Hdf5IoTest, CampaignRoundTripsWithItsSalvoDimension) {
  const Scenario scenario = example_campaign();
  const Plan plan = compile(scenario);
  const std::string path = file("campaign.h5");
  const Results written = run_to_file(path, plan, example_info(scenario, seed, first_trial));
  expect_same(written, read_results(path));
  EXPECT_EQ(read_results(path).coordinate("salvo").labels, (std::vector<std::string>{"drones", "missiles"}));
  EXPECT_EQ(version_of(path), (std::vector<int>{1, 2}));

  // Per trial: each salvo's counters add up to the campaign's, row by row, and to the
  // summary's exact per-salvo sums; the magazine rows are those of the summary.
  const auto n = static_cast<hsize_t>(trials);
  const std::int64_t layers = plan.layer_count();
  const Raw campaign = read_raw(path, "/per_trial/layer_metrics");
  const Raw salvos = read_raw(path, "/per_trial/salvo_layer_metrics");
  const Raw magazines = read_raw(path, "/per_trial/salvo_magazine");
  ASSERT_EQ(salvos.shape, (std::vector<hsize_t>{n, 2, 2, static_cast<hsize_t>(layer_metric_count)}));
  ASSERT_EQ(magazines.shape, (std::vector<hsize_t>{n, 2, 2}));
  const std::int64_t block = layers * layer_metric_count;
  std::vector<std::int64_t> sums(static_cast<std::size_t>(2 * block), 0), magazine_sums(4, 0);
  for (std::int64_t t = 0; t < trials; ++t) {
    for (std::int64_t k = 0; k < block; ++k) {
      const std::int64_t first = salvos.values[(t * 2 + 0) * block + k];
      const std::int64_t second = salvos.values[(t * 2 + 1) * block + k];
      ASSERT_EQ(campaign.values[t * block + k], first + second) << "trial " << t;
      sums[k] += first;
      sums[block + k] += second;
    }
    for (std::int64_t k = 0; k < 4; ++k) magazine_sums[k] += magazines.values[t * 4 + k];
  }
  EXPECT_EQ(sums, written.array("salvo_layer_sum").integers);
  EXPECT_EQ(magazine_sums, written.array("salvo_magazine_sum").integers);
  EXPECT_EQ(magazine_sums[0], 48 * trials);  // the upper tier starts full
  EXPECT_EQ(magazine_sums[1], -1 * trials);  // the short range is unlimited
  EXPECT_TRUE(std::isnan(written.value("salvo_magazine_mean", {1, 1})));
}

// A campaign of one salvo writes the plain scenario's summary, byte for byte.
TEST_F(Hdf5IoTest, OneSalvoCampaignWritesThePlainScenariosFile) {
  const Scenario plain = example_scenario();
  Scenario one = plain;
  one.salvos = {{"only", 0.0, plain.threats}};
  one.threats.clear();
  const RunInfo info = example_info(plain, seed, first_trial);
  run_to_file(file("plain.h5"), compile(plain), info);
  run_to_file(file("one.h5"), compile(one), info);
  expect_same(read_results(file("plain.h5")), read_results(file("one.h5")));
  EXPECT_EQ(version_of(file("plain.h5")), (std::vector<int>{1, 2}));
  EXPECT_EQ(version_of(file("one.h5")), (std::vector<int>{1, 2}));
  for (const char* dataset : {"/per_trial/fates", "/per_trial/engaged", "/per_trial/intercepts",
                              "/per_trial/layer_metrics", "/per_threat/fate", "/per_threat/intercept_layer"}) {
    EXPECT_EQ(read_raw(file("plain.h5"), dataset).values, read_raw(file("one.h5"), dataset).values) << dataset;
  }
}

TEST_F(Hdf5IoTest, SummaryOnlyFileHasNoPerTrialGroups) {
  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  RunOptions options;
  options.trials = 200;
  options.seed = 7;
  const Results results = summarize(plan, run_trials(plan, options), example_info(scenario, 7, 0));
  const std::string path = file("summary.h5");
  write_results(path, plan, results);
  expect_same(results, read_results(path));
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(H5Lexists(f, "per_trial", H5P_DEFAULT), 0);
  EXPECT_EQ(H5Lexists(f, "per_threat", H5P_DEFAULT), 0);
  H5Fclose(f);
}

TEST_F(Hdf5IoTest, UnfinishedWriterLeavesNoFile) {
  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  const std::string path = file("run.h5");
  {
    ResultsFileWriter writer(path, plan, true, true);
    // Written beside the final name, which does not exist until finish().
    EXPECT_EQ(fs::path(writer.temporary_path()).parent_path(), dir_);
    EXPECT_TRUE(fs::exists(writer.temporary_path()));
    EXPECT_FALSE(fs::exists(path));
    RunOptions options;
    options.trials = 300;
    options.seed = seed;
    options.keep_records = options.keep_outcomes = true;
    run_trials(plan, options, [&](const TrialChunk& chunk) { writer.write_chunk(chunk); });
  }
  EXPECT_TRUE(files().empty());
}

TEST_F(Hdf5IoTest, CancelledRunLeavesNoFile) {
  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  const std::string path = file("run.h5");
  RunOptions options;
  options.trials = 10000;  // several chunks: the cancel comes after the first
  options.seed = seed;
  options.keep_records = true;
  EXPECT_THROW(
      {
        ResultsFileWriter writer(path, plan, true, false);
        run_trials(
            plan, options, [&](const TrialChunk& chunk) { writer.write_chunk(chunk); },
            [](std::int64_t, std::int64_t) { return false; });
        writer.finish(Results{});
      },
      RunCancelled);
  EXPECT_TRUE(files().empty());
}

TEST_F(Hdf5IoTest, FinishRefusesResultsOfAnotherRun) {
  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  const std::string path = file("run.h5");
  RunOptions options;
  options.trials = 100;
  options.seed = seed;
  options.keep_records = true;
  ResultsFileWriter writer(path, plan, true, false);
  const Tallies tallies = run_trials(plan, options, [&](const TrialChunk& chunk) { writer.write_chunk(chunk); });
  Results results = summarize(plan, tallies, example_info(scenario, seed, 1));  // trials 1..100, not 0..99
  expect_error([&] { writer.finish(results); }, {path, "not those of the per-trial rows"});
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(Hdf5IoTest, ChunksMustFollowOneAnother) {
  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  const std::string path = file("run.h5");
  ResultsFileWriter writer(path, plan, false, false);
  TrialChunk chunk;
  chunk.first_trial = 0;
  chunk.trials = 1;
  writer.write_chunk(chunk);
  chunk.first_trial = 5;
  expect_error([&] { writer.write_chunk(chunk); }, {path, "chunk starts at trial 5, expected 1"});
}

TEST_F(Hdf5IoTest, WriterRefusesAMissingDirectory) {
  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  const std::string path = file("no/such/dir/run.h5");
  expect_error([&] { ResultsFileWriter(path, plan, false, false); }, {path, "does not exist"});
}

TEST_F(Hdf5IoTest, ReaderRefusesMissingForeignAndNewerFiles) {
  const std::string missing = file("missing.h5");
  expect_error([&] { read_results(missing); }, {missing, "no such file"});

  const std::string text = file("text.h5");
  std::ofstream(text) << "not HDF5 at all\n";
  expect_error([&] { read_results(text); }, {text, "starts with neither HDF5's signature nor salvosim's checksum"});

  const std::string foreign = file("foreign.h5");
  H5Fclose(H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  expect_error([&] { read_results(foreign); }, {foreign, "not a salvosim results file"});

  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  RunOptions options;
  options.trials = 10;
  const Results results = summarize(plan, run_trials(plan, options), example_info(scenario, 1, 0));

  const std::string newer = file("newer.h5");
  write_results(newer, plan, results);
  tamper(newer, {2, 0});
  expect_error([&] { read_results(newer); },
               {newer, "results format version 2.0, but this salvosim reads version 1.x"});

  const std::string minor = file("minor.h5");  // a newer minor version is still readable
  write_results(minor, plan, results);
  tamper(minor, {1, 7});
  EXPECT_EQ(read_results(minor).arrays.size(), results.arrays.size());

  const std::string incomplete = file("incomplete.h5");
  write_results(incomplete, plan, results);
  tamper(incomplete, {}, "/scenario/text");
  expect_error([&] { read_results(incomplete); }, {incomplete, "missing dataset /scenario/text"});
}

// ---------------------------------------------------------------------------------------
// Sweep files

// A sweep built in code, as the Python API builds one: the example as its base.
SweepSpec example_sweep(SweepMode mode) {
  SweepSpec spec;
  spec.name = "example-sweep";
  spec.description = "sweep file test";
  spec.base_text = to_toml(example_scenario());
  spec.base_source = "example (built in code)";
  spec.mode = mode;
  spec.trials = 400;
  spec.seed = 5;
  spec.axes = {{"threat.shahed.count", "drones", {std::int64_t{5}, std::int64_t{20}}, {}},
               {"layer.upper-tier.engages.ballistic.pk", "", {0.5, 0.75}, {}},
               {"layer.short-range.interceptors", "magazine", {std::int64_t{10}, std::string("unlimited")}, {}}};
  spec.source_text = "# (built in code)";
  spec.source_name = "<code>";
  return spec;
}

void expect_same_sweep(const SweepResults& a, const SweepResults& b) {
  expect_same(a.summary, b.summary);
  EXPECT_EQ(a.sweep_dims, b.sweep_dims);
  EXPECT_EQ(a.info.name, b.info.name);
  EXPECT_EQ(a.info.description, b.info.description);
  EXPECT_EQ(a.info.mode, b.info.mode);
  EXPECT_EQ(a.info.points, b.info.points);
  EXPECT_EQ(a.info.shard.index, b.info.shard.index);
  EXPECT_EQ(a.info.shard.count, b.info.shard.count);
  EXPECT_EQ(a.info.id, b.info.id);
  EXPECT_EQ(a.info.text, b.info.text);
  EXPECT_EQ(a.info.source_name, b.info.source_name);
  EXPECT_EQ(a.info.base_text, b.info.base_text);
  EXPECT_EQ(a.info.base_source, b.info.base_source);
  EXPECT_EQ(a.info.ranks, b.info.ranks);
  ASSERT_EQ(a.info.axes.size(), b.info.axes.size());
  for (std::size_t k = 0; k < a.info.axes.size(); ++k) {
    EXPECT_EQ(a.info.axes[k].path, b.info.axes[k].path);
    EXPECT_EQ(a.info.axes[k].name, b.info.axes[k].name);
  }
  ASSERT_EQ(a.points.size(), b.points.size());
  for (std::size_t k = 0; k < a.points.size(); ++k) {
    EXPECT_EQ(a.points[k].index, b.points[k].index);
    EXPECT_EQ(a.points[k].seed, b.points[k].seed);
    EXPECT_EQ(a.points[k].trials, b.points[k].trials);
    EXPECT_EQ(a.points[k].scenario_text, b.points[k].scenario_text);
  }
}

TEST_F(Hdf5IoTest, SweepFileRoundTripsAGrid) {
  const SweepResults sweep = run_sweep(example_sweep(SweepMode::grid));
  const std::string path = file("sweep.h5");
  write_sweep(path, sweep);
  EXPECT_EQ(files(), std::vector<std::string>{"sweep.h5"});
  const SweepResults back = read_sweep(path);
  expect_same_sweep(sweep, back);
  EXPECT_EQ(back.sweep_dims, (std::vector<std::string>{"drones", "layer.upper-tier.engages.ballistic.pk", "magazine"}));
  // Axis values come back typed as they were stored: integers, reals, and a mixed axis as text.
  EXPECT_EQ(back.summary.coordinate("drones").values, (std::vector<std::int64_t>{5, 20}));
  EXPECT_EQ(back.summary.coordinate("layer.upper-tier.engages.ballistic.pk").numbers, (std::vector<double>{0.5, 0.75}));
  EXPECT_EQ(back.summary.coordinate("magazine").labels, (std::vector<std::string>{"10", "unlimited"}));
  EXPECT_EQ(back.info.axes[1].values, (std::vector<SweepValue>{0.5, 0.75}));
  EXPECT_EQ(back.points[3].values, (std::vector<SweepValue>{std::int64_t{5}, 0.75, std::string("unlimited")}));
  EXPECT_EQ(back.summary.array("fate_mean").shape, (std::vector<std::int64_t>{2, 2, 2, 5, 5}));
}

TEST_F(Hdf5IoTest, SweepFileRoundTripsPointsAndShards) {
  SweepOptions options;
  options.shard = {2, 3};
  for (SweepMode mode : {SweepMode::zip, SweepMode::grid}) {
    SweepSpec spec = example_sweep(mode);
    const SweepResults sweep = run_sweep(spec, options);
    const std::string path = file(std::string(to_string(mode)) + ".h5");
    write_sweep(path, sweep);
    const SweepResults back = read_sweep(path);
    expect_same_sweep(sweep, back);
    EXPECT_EQ(back.sweep_dims, std::vector<std::string>{"point"});
    EXPECT_EQ(back.info.shard.index, 2);
    // The axes keep every value, for the merge; the points only those of this shard.
    EXPECT_EQ(back.info.axes[0].values.size(), 2u);
    EXPECT_LT(back.points.size(), static_cast<std::size_t>(back.info.points));
  }
}

TEST_F(Hdf5IoTest, SweepAndResultsFilesAreNotTakenForOneAnother) {
  const SweepResults sweep = run_sweep(example_sweep(SweepMode::zip));
  const std::string sweep_path = file("sweep.h5");
  write_sweep(sweep_path, sweep);
  expect_error([&] { read_results(sweep_path); }, {sweep_path, "not a salvosim results file"});

  const Scenario scenario = example_scenario();
  const Plan plan = compile(scenario);
  RunOptions options;
  options.trials = 10;
  const std::string results_path = file("run.h5");
  write_results(results_path, plan, summarize(plan, run_trials(plan, options), example_info(scenario, 1, 0)));
  expect_error([&] { read_sweep(results_path); }, {results_path, "not a salvosim sweep file"});
  expect_error([&] { read_sweep(file("missing.h5")); }, {"missing.h5", "no such file"});
  expect_error([&] { write_sweep(file("no/such/dir/sweep.h5"), sweep); }, {"does not exist"});
}

}  // namespace
}  // namespace salvosim
