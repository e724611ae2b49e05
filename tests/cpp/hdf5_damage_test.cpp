// Readers that trust nothing (hdf5_io.hpp): results and sweep files that are damaged (bits
// flipped, cut short), foreign, or missing a dataset, an axis or an attribute they need are
// refused with BadFileError naming the file and the path inside it, never read half-way or
// crashed on. Files are damaged here with the HDF5 C API and plain byte edits, and re-sealed
// (their checksum rewritten) where the test is of the structural checks behind it.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "hdf5_checksum.hpp"
#include "salvosim/config.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/results.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/sweep_file.hpp"

namespace salvosim {
namespace {

namespace fs = std::filesystem;

std::vector<char> bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Rewrites the checksum after an edit through HDF5, so that the structural checks are what
// the reader meets (a checksum of the user block must match, or nothing else is looked at).
void reseal(const std::string& path) { hdf5::write_checksum(hdf5::Context(path), path); }

// Opens `path` read-write with the HDF5 C API, runs `edit` on it, closes it and reseals it.
void edit(const std::string& path, const std::function<void(hid_t)>& change) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0) << path;
  change(file);
  ASSERT_GE(H5Fclose(file), 0);
  reseal(path);
}

// Expects `read` to throw BadFileError whose message holds every one of `parts`.
void expect_bad(const std::function<void()>& read, const std::vector<std::string>& parts) {
  try {
    read();
    ADD_FAILURE() << "read without error; expected one saying: " << parts.front();
  } catch (const BadFileError& error) {
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(error.what()).find(part), std::string::npos)
          << "\"" << error.what() << "\" lacks \"" << part << "\"";
    }
  }
}

class Hdf5DamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("salvosim_damage_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  // A results file of the example scenario, summary only.
  std::string results_file(const std::string& name, const std::string& config = "example.toml") {
    const Scenario scenario = load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/" + config);
    const Plan plan = compile(scenario);
    RunOptions options;
    options.trials = 100;
    options.seed = 3;
    RunInfo info;
    info.scenario_name = scenario.name;
    info.scenario_text = scenario.source_text;
    info.seed = 3;
    const Results results = summarize(plan, run_trials(plan, options), info);
    const std::string path = file(name);
    write_results(path, plan, results);
    return path;
  }

  // Shard `index` of 2 of a small grid over the example (3 x 2 points), as merge reads them.
  std::string shard_file(const std::string& name, int index) {
    const std::string text = "[sweep]\nname = \"small\"\nbase = \"" + std::string(SALVOSIM_CONFIGS_DIR) +
                             "/example.toml\"\nmode = \"grid\"\ntrials = 50\nseed = 1\n\n"
                             "[[axis]]\npath = \"threat.shahed.count\"\nvalues = [10, 20, 30]\n\n"
                             "[[axis]]\npath = \"layer.upper-tier.interceptors\"\nname = \"magazine\"\n"
                             "values = [10, 40]\n";
    SweepOptions options;
    options.threads = 1;
    options.shard = {index, 2};
    options.checkpoint_dir = file(name + ".checkpoint");
    const std::string path = file(name);
    write_sweep(path, run_sweep(load_sweep_string(text, "small.toml"), options));
    return path;
  }

  fs::path dir_;
};

// Every bit flip this test makes, at offsets spread over the whole file (the user block, the
// superblock, object headers, the heaps, raw data), is caught by the checksum before HDF5
// reads anything.
TEST_F(Hdf5DamageTest, AFlippedBitAnywhereIsCaughtByTheChecksum) {
  const std::string original = results_file("original.h5");
  const std::vector<char> bytes = bytes_of(original);
  ASSERT_GT(bytes.size(), hdf5::checksum_block_size);
  const std::string damaged = file("damaged.h5");
  for (std::size_t k = 0; k < 97; ++k) {
    const std::size_t offset = k * (bytes.size() - 1) / 96;
    std::vector<char> copy = bytes;
    copy[offset] = static_cast<char>(copy[offset] ^ (1 << (k % 8)));
    write_bytes(damaged, copy);
    SCOPED_TRACE("bit " + std::to_string(k % 8) + " of byte " + std::to_string(offset));
    // A flip in the header's text may leave it unreadable rather than mismatched.
    expect_bad([&] { read_results(damaged); }, {damaged, offset < hdf5::checksum_block_size ? "" : "damaged"});
  }
}

TEST_F(Hdf5DamageTest, ATruncatedOrExtendedFileIsRefused) {
  const std::string original = results_file("original.h5");
  const std::vector<char> bytes = bytes_of(original);
  const std::string damaged = file("damaged.h5");
  for (std::size_t size : {std::size_t{0}, std::size_t{7}, std::size_t{100}, std::size_t{512}, std::size_t{600},
                           bytes.size() / 2, bytes.size() - 1}) {
    write_bytes(damaged, std::vector<char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size)));
    SCOPED_TRACE("cut to " + std::to_string(size) + " bytes");
    expect_bad([&] { read_results(damaged); }, {damaged});
  }
  std::vector<char> longer = bytes;
  longer.push_back('\0');
  write_bytes(damaged, longer);
  expect_bad([&] { read_results(damaged); }, {damaged, "damaged", "cut short, or added to"});
}

TEST_F(Hdf5DamageTest, ForeignFilesAreBadInput) {
  const std::string text = file("text.h5");
  std::ofstream(text) << "not HDF5\n";
  expect_bad([&] { read_results(text); }, {text, "not a salvosim file"});
  expect_bad([&] { read_sweep(text); }, {text, "not a salvosim file"});
  const std::string foreign = file("foreign.h5");
  H5Fclose(H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  expect_bad([&] { read_results(foreign); }, {foreign, "not a salvosim results file"});
  const std::string results = results_file("results.h5");
  expect_bad([&] { read_sweep(results); }, {results, "not a salvosim sweep file"});
  expect_bad([&] { read_results(file("missing.h5")); }, {file("missing.h5"), "no such file"});
}

// Every array of the summary, and every attribute of the root, is needed: a file without one
// is refused with its path, not read as a smaller summary.
TEST_F(Hdf5DamageTest, EverySummaryArrayAndRootAttributeIsRequired) {
  for (const char* config : {"example.toml", "campaign_example.toml"}) {
    const std::string original = results_file("original.h5", config);
    const bool campaign = read_results(original).has_array("salvo_start");
    for (const SummaryArray& array : summary_arrays(campaign)) {
      const std::string damaged = file("no_" + array.name + ".h5");
      fs::copy_file(original, damaged);
      const std::string path = "/summary/" + array.name;
      edit(damaged, [&](hid_t f) { EXPECT_GE(H5Ldelete(f, path.c_str(), H5P_DEFAULT), 0); });
      expect_bad([&] { read_results(damaged); }, {damaged, "missing dataset " + path});
      fs::remove(damaged);
    }
    for (const char* attribute : {"filetype", "version", "scenario_name", "seed", "first_trial", "trials", "threads",
                                  "salvosim_version", "git_sha1", "created"}) {
      const std::string damaged = file(std::string("no_") + attribute + ".h5");
      fs::copy_file(original, damaged);
      edit(damaged, [&](hid_t f) { EXPECT_GE(H5Adelete(f, attribute), 0); });
      expect_bad([&] { read_results(damaged); }, {damaged, attribute});
      fs::remove(damaged);
    }
    fs::remove(original);
  }
}

// An array whose type, dimensions or extents are not those of the layout is refused.
TEST_F(Hdf5DamageTest, MalformedArraysAreRefused) {
  const std::string original = results_file("original.h5");

  const std::string strings = file("strings.h5");
  fs::copy_file(original, strings);
  edit(strings, [](hid_t f) {
    EXPECT_GE(H5Ldelete(f, "/summary/fate_mean", H5P_DEFAULT), 0);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 4);
    const hsize_t size = 2;
    const hid_t space = H5Screate_simple(1, &size, nullptr);
    const hid_t d = H5Dcreate2(f, "/summary/fate_mean", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, "abcdefgh"), 0);
    H5Dclose(d);
    H5Sclose(space);
    H5Tclose(type);
  });
  expect_bad([&] { read_results(strings); }, {strings, "/summary/fate_mean"});

  const std::string no_dims = file("no_dims.h5");
  fs::copy_file(original, no_dims);
  edit(no_dims,
       [](hid_t f) { EXPECT_GE(H5Adelete_by_name(f, "/summary/rate_mean", "DIMENSION_LIST", H5P_DEFAULT), 0); });
  expect_bad([&] { read_results(no_dims); }, {no_dims, "DIMENSION_LIST of /summary/rate_mean"});

  const std::string bad_class = file("bad_class.h5");  // a scale whose CLASS is not a string
  fs::copy_file(original, bad_class);
  edit(bad_class, [](hid_t f) {
    EXPECT_GE(H5Adelete_by_name(f, "/summary/fate", "CLASS", H5P_DEFAULT), 0);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a =
        H5Acreate_by_name(f, "/summary/fate", "CLASS", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const std::int64_t value = 7;
    EXPECT_GE(H5Awrite(a, H5T_NATIVE_INT64, &value), 0);
    H5Aclose(a);
    H5Sclose(space);
  });
  expect_bad([&] { read_results(bad_class); }, {bad_class, "attribute CLASS of /summary/fate is not a string"});

  const std::string short_coordinate = file("short_coordinate.h5");  // a coordinate shorter than its arrays
  fs::copy_file(original, short_coordinate);
  edit(short_coordinate, [](hid_t f) {
    const hid_t d = H5Dopen2(f, "/summary/quantile", H5P_DEFAULT);
    const hid_t space = H5Dget_space(d);
    hsize_t size = 0;
    H5Sget_simple_extent_dims(space, &size, nullptr);
    H5Sclose(space);
    H5Dclose(d);
    // Remade one shorter, under the old name, and made a scale again: the arrays still point
    // at the old dataset, which is now no coordinate of the group.
    EXPECT_GE(H5Lmove(f, "/summary/quantile", f, "/old_quantile", H5P_DEFAULT, H5P_DEFAULT), 0);
    const hsize_t shorter = size - 1;
    const hid_t new_space = H5Screate_simple(1, &shorter, nullptr);
    const hid_t q =
        H5Dcreate2(f, "/summary/quantile", H5T_IEEE_F64LE, new_space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const std::vector<double> values(shorter, 0.5);
    EXPECT_GE(H5Dwrite(q, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
    H5Dclose(q);
    H5Sclose(new_space);
  });
  expect_bad([&] { read_results(short_coordinate); }, {short_coordinate, "/summary/fate_quantile"});
}

// A file written before the checksum (format 1.1 and older: HDF5's signature at byte 0) is
// still read, with every structural check. Such a file is the bytes after the user block.
TEST_F(Hdf5DamageTest, FilesWithoutAChecksumAreReadWithTheirStructureChecked) {
  const std::string original = results_file("original.h5");
  const std::vector<char> bytes = bytes_of(original);
  const std::vector<char> unsealed(bytes.begin() + static_cast<std::ptrdiff_t>(hdf5::checksum_block_size), bytes.end());
  const std::string old = file("old.h5");
  write_bytes(old, unsealed);
  const Results expected = read_results(original);
  const Results read = read_results(old);
  EXPECT_EQ(read.arrays.size(), expected.arrays.size());
  EXPECT_EQ(read.array("fate_sum").integers, expected.array("fate_sum").integers);

  const hid_t f = H5Fopen(old.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_GE(H5Ldelete(f, "/summary/rate_se", H5P_DEFAULT), 0);
  H5Fclose(f);
  expect_bad([&] { read_results(old); }, {old, "missing dataset /summary/rate_se"});
}

TEST_F(Hdf5DamageTest, SweepFilesNeedEveryAxisPointColumnAndArray) {
  const std::string original = shard_file("shard1.h5", 1);
  const SweepResults sweep = read_sweep(original);
  ASSERT_EQ(sweep.points.size(), 3U);
  std::vector<std::string> needed{"/axes/magazine", "/axes/threat.shahed.count", "/points/point",    "/points/seed",
                                  "/points/trials", "/points/scenario",          "/points/magazine", "/sweep/text",
                                  "/summary/point"};
  for (const SummaryArray& array : summary_arrays(false)) {
    if (array.name != "rate_histogram") needed.push_back("/summary/" + array.name);  // left out of sweeps
  }
  for (const std::string& path : needed) {
    const std::string damaged = file("damaged.h5");
    fs::copy_file(original, damaged, fs::copy_options::overwrite_existing);
    edit(damaged, [&](hid_t f) { EXPECT_GE(H5Ldelete(f, path.c_str(), H5P_DEFAULT), 0); });
    SCOPED_TRACE(path);
    // Without an axis, the points its grid has no longer add up; without the coordinate
    // point, the arrays' dimension is no coordinate; the rest is missing as such.
    const std::string said = path.starts_with("/axes/") ? "/axes"
                             : path == "/summary/point" ? "is not a coordinate of its group"
                                                        : path;
    expect_bad([&] { read_sweep(damaged); }, {damaged, said});
  }
  for (const char* attribute : {"points", "shard", "mode", "sweep_id"}) {
    const std::string damaged = file("damaged.h5");
    fs::copy_file(original, damaged, fs::copy_options::overwrite_existing);
    edit(damaged, [&](hid_t f) { EXPECT_GE(H5Adelete(f, attribute), 0); });
    expect_bad([&] { read_sweep(damaged); }, {damaged, attribute});
  }
}

// What merge reads: a shard without an axis or an array is refused before anything is
// assembled (it once read past a buffer, or merged into a file without the array).
TEST_F(Hdf5DamageTest, MergeOfDamagedShardsIsRefusedNamingTheFile) {
  const std::string first = shard_file("shard1.h5", 1);
  const std::string second = shard_file("shard2.h5", 2);
  for (const std::string& path : {first, second}) {
    edit(path, [](hid_t f) { EXPECT_GE(H5Ldelete(f, "/summary/fate_mean", H5P_DEFAULT), 0); });
  }
  expect_bad(
      [&] {
        merge_sweeps({read_sweep(first), read_sweep(second)}, {first, second});
      },
      {first, "missing dataset /summary/fate_mean"});
}

}  // namespace
}  // namespace salvosim
