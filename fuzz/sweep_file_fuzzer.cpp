// Fuzz target: a sweep file (docs/sweeps.md#the-sweep-file) whose content is hostile, as
// read_sweep reads it and `salvosim merge` then joins it. The input chooses one of two valid
// files this target writes at start (a whole grid, one shard of it) and the edits made to it
// (hdf5_edits.hpp). The file must be refused with std::runtime_error (reading) or
// std::invalid_argument (merging), or give results whose arrays fill their shapes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "consistent_results.hpp"
#include "hdf5_edits.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/sweep.hpp"
#include "seed_files.hpp"
#include "temporary_file.hpp"

namespace {

using salvosim::fuzz::FileEditor;
using salvosim::fuzz::TemporaryFile;

struct Bases {
  TemporaryFile whole{"salvosim-sweep-fuzz-whole"};
  TemporaryFile shard{"salvosim-sweep-fuzz-shard"};
  std::vector<FileEditor> editors;

  Bases() {
    salvosim::fuzz::write_sweep_file(whole.path(), 0);
    salvosim::fuzz::write_sweep_file(shard.path(), 1);
    for (const TemporaryFile* file : {&whole, &shard}) editors.emplace_back(file->path());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Bases bases;
  static const TemporaryFile file("salvosim-sweep-file-fuzz");
  FuzzedDataProvider input(data, size);
  bases.editors[input.ConsumeIntegralInRange<std::size_t>(0, bases.editors.size() - 1)].edit(input, file.path());
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
