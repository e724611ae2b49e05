// Fuzz target: a sweep file (docs/sweeps.md#the-sweep-file) whose content is hostile, as
// read_sweep reads it and `salvosim merge` then joins it. The input chooses one of two valid
// files this target writes at start (a whole grid, one shard of it) and the edits made to it
// (hdf5_edits.hpp). The file must be refused with an exception that says why
// (file_readers.hpp), or give results whose arrays fill their shapes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "file_readers.hpp"
#include "hdf5_edits.hpp"
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
  bases.editors[input.ConsumeIntegralInRange<std::size_t>(0, bases.editors.size() - 1)].edit(input, file);
  salvosim::fuzz::read_sweep_file(file.path());
  return 0;
}
