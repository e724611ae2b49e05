// Writes the seed corpus of the HDF5 fuzz targets (seed_files.hpp) into two directories, so
// that mutations start from files that read. Built with the targets, run by scripts/fuzz.sh.
//
// Usage: fuzz_seed_files RESULTS_DIR SWEEP_DIR
#include <cstdio>
#include <exception>
#include <filesystem>

#include "seed_files.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using namespace salvosim::fuzz;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s RESULTS_DIR SWEEP_DIR\n", argv[0]);
    return 2;
  }
  try {
    const fs::path results_dir = argv[1];
    const fs::path sweep_dir = argv[2];
    fs::create_directories(results_dir);
    fs::create_directories(sweep_dir);
    write_results_file(SALVOSIM_TEST_DATA_DIR "/configs/minimal.toml", (results_dir / "minimal.h5").string(), false);
    write_results_file(SALVOSIM_TEST_DATA_DIR "/configs/minimal.toml", (results_dir / "minimal_rows.h5").string(),
                       true);
    write_results_file(SALVOSIM_CONFIGS_DIR "/campaign_example.toml", (results_dir / "campaign.h5").string(), false);
    write_results_file(SALVOSIM_TEST_DATA_DIR "/configs/tiers.toml", (results_dir / "tiers_rows.h5").string(), true);
    write_sweep_file((sweep_dir / "grid.h5").string(), 0);
    write_sweep_file((sweep_dir / "grid_shard_1_of_2.h5").string(), 1);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fuzz_seed_files: %s\n", error.what());
    return 1;
  }
  return 0;
}
