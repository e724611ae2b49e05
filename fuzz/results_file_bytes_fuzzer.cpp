// Fuzz target: the bytes of a results file, as read_results reads them. This fuzzes libhdf5
// more than our reader: HDF5 1.10's parser trusts a file's metadata, and a few mutations of a
// valid file overflow its buffers (fuzz/pending/results_file_bytes/). Not run by the test
// command for that reason; docs/developing.md#fuzzing. The file must be refused with
// std::runtime_error or read into Results whose arrays fill their shapes.
#include <cstddef>
#include <cstdint>

#include "file_readers.hpp"
#include "temporary_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const salvosim::fuzz::TemporaryFile file("salvosim-results-fuzz");
  file.write(data, size);
  salvosim::fuzz::read_results_file(file.path());
  return 0;
}
