// Fuzz target: the bytes of a sweep file, as read_sweep reads them and `salvosim merge` then
// joins them. Like results_file_bytes_fuzzer, this fuzzes libhdf5's parser more than our
// reader, and is not run by the test command (docs/developing.md#fuzzing). The file must be
// refused with std::runtime_error (reading) or std::invalid_argument (merging), or give
// results whose arrays fill their shapes.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "consistent_results.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/sweep.hpp"
#include "temporary_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const salvosim::fuzz::TemporaryFile file("salvosim-sweep-fuzz");
  file.write(data, size);
  salvosim::SweepResults sweep;
  try {
    sweep = salvosim::read_sweep(file.path());
  } catch (const std::runtime_error&) {
    return 0;  // refused with a message: what a bad file should get
  }
  salvosim::fuzz::check_consistent(sweep.summary);
  try {
    salvosim::fuzz::check_consistent(salvosim::merge_sweeps({sweep}).summary);
  } catch (const std::invalid_argument&) {
    return 0;  // a shard that cannot stand alone: refused with a message
  }
  return 0;
}
