// Fuzz target: a results file (docs/hdf5-format.md) whose content is hostile, as read_results
// reads it. The input chooses one of three valid files this target writes at start (a summary,
// one with per-trial and per-threat rows, a campaign's) and the edits made to it
// (hdf5_edits.hpp). The file must be refused with std::runtime_error or read into Results
// whose arrays fill their shapes.
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
  TemporaryFile summary{"salvosim-results-fuzz-summary"};
  TemporaryFile rows{"salvosim-results-fuzz-rows"};
  TemporaryFile campaign{"salvosim-results-fuzz-campaign"};
  std::vector<FileEditor> editors;

  Bases() {
    salvosim::fuzz::write_results_file(SALVOSIM_TEST_DATA_DIR "/configs/minimal.toml", summary.path(), false);
    salvosim::fuzz::write_results_file(SALVOSIM_TEST_DATA_DIR "/configs/minimal.toml", rows.path(), true);
    salvosim::fuzz::write_results_file(SALVOSIM_CONFIGS_DIR "/campaign_example.toml", campaign.path(), false);
    for (const TemporaryFile* file : {&summary, &rows, &campaign}) editors.emplace_back(file->path());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Bases bases;
  static const TemporaryFile file("salvosim-results-fuzz");
  FuzzedDataProvider input(data, size);
  bases.editors[input.ConsumeIntegralInRange<std::size_t>(0, bases.editors.size() - 1)].edit(input, file);
  salvosim::fuzz::read_results_file(file.path());
  return 0;
}
