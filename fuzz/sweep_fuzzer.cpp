// Fuzz target: a sweep file's TOML text (docs/sweeps.md), as `salvosim sweep` and
// load_sweep_* take it.
//
// Loading and expanding must either succeed or throw ConfigError; nothing else may escape.
// A small sweep of small scenarios is then run (two trials a point), written to a sweep file
// and read back. The text is read as if it were a file in configs/sweeps/, so that the
// bases of the seed corpus (`base = "../example.toml"`) are found.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "file_readers.hpp"
#include "salvosim/config.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/sweep_file.hpp"
#include "small_scenario.hpp"
#include "temporary_file.hpp"

namespace {

constexpr std::int64_t max_points = 8;

bool is_small(const salvosim::SweepSpec& spec) {
  std::int64_t combinations = 1;
  for (const salvosim::SweepAxis& axis : spec.axes) {
    // `trials` as an axis would override the two trials a point run here.
    if (axis.path == salvosim::trials_path) return false;
    combinations *= static_cast<std::int64_t>(axis.values.size());
    if (combinations > max_points) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  salvosim::SweepSpec spec;
  salvosim::ExpandedSweep expanded;
  try {
    spec = salvosim::load_sweep_string(text, SALVOSIM_CONFIGS_DIR "/sweeps/fuzz.toml");
    if (!is_small(spec)) return 0;
    expanded = salvosim::expand_sweep(spec);
  } catch (const salvosim::ConfigError&) {
    return 0;  // refused with a message: what bad input should get
  }
  for (const salvosim::Scenario& scenario : expanded.scenarios) {
    if (!salvosim::fuzz::is_small(scenario)) return 0;
  }

  spec.trials = 2;
  salvosim::SweepOptions options;
  options.threads = 1;
  const salvosim::SweepResults sweep = salvosim::run_sweep(spec, options);
  salvosim::fuzz::check_consistent(sweep.summary);
  static const salvosim::fuzz::TemporaryFile file("salvosim-sweep-toml-fuzz");
  salvosim::write_sweep(file.path(), sweep);
  salvosim::fuzz::check_consistent(salvosim::read_sweep(file.path()).summary);
  return 0;
}
