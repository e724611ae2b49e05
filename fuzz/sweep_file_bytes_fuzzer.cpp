// Fuzz target: the bytes of a sweep file, as read_sweep reads them and `salvosim merge` then
// joins them. Like results_file_bytes_fuzzer, this fuzzes libhdf5's parser more than our
// reader, and is not run by the test command (docs/developing.md#fuzzing). The file must be
// refused with an exception that says why (file_readers.hpp), or give results whose arrays
// fill their shapes.
#include <cstddef>
#include <cstdint>

#include "file_readers.hpp"
#include "temporary_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const salvosim::fuzz::TemporaryFile file("salvosim-sweep-fuzz");
  file.write(data, size);
  salvosim::fuzz::read_sweep_file(file.path());
  return 0;
}
