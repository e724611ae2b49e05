// The HDF5 fuzz targets' FileEditor carries on through signals, as it must under libFuzzer's
// -timeout alarm, whose handler has no SA_RESTART: std::filesystem::copy_file, which it once
// used, failed a CI run with EINTR that way. Here an alarm every 50 us interrupts 200 edits of
// a results file; each edited file must be there, sealed (HDF5 opens it), and no edit may
// throw or trap. A ctest of the fuzz preset.
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/time.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "hdf5_edits.hpp"
#include "seed_files.hpp"
#include "temporary_file.hpp"

namespace {

volatile sig_atomic_t alarms = 0;
void count_alarm(int /*signal*/) { alarms = alarms + 1; }

}  // namespace

int main() {
  using salvosim::fuzz::TemporaryFile;
  const TemporaryFile base("salvosim-file-editor-test-base");
  const TemporaryFile edited("salvosim-file-editor-test");
  salvosim::fuzz::write_results_file(SALVOSIM_TEST_DATA_DIR "/configs/minimal.toml", base.path(), true);
  const salvosim::fuzz::FileEditor editor(base.path());

  struct sigaction action {};
  action.sa_handler = count_alarm;  // sa_flags 0: interrupted system calls fail with EINTR
  sigaction(SIGALRM, &action, nullptr);
  const itimerval every_50_us{{0, 50}, {0, 50}};
  setitimer(ITIMER_REAL, &every_50_us, nullptr);

  std::vector<std::uint8_t> input(64);
  for (int round = 0; round < 200; ++round) {
    for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<std::uint8_t>(i * 37 + round * 11);
    FuzzedDataProvider provider(input.data(), input.size());
    editor.edit(provider, edited);
    const hid_t file = H5Fopen(edited.path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
      std::fprintf(stderr, "edit %d left a file HDF5 cannot open\n", round);
      return 1;
    }
    H5Fclose(file);
  }
  const itimerval off{};
  setitimer(ITIMER_REAL, &off, nullptr);
  if (alarms < 10) {
    std::fprintf(stderr, "only %d alarms arrived: the edits were hardly interrupted\n", static_cast<int>(alarms));
    return 1;
  }
  std::printf("200 edits through %d alarms\n", static_cast<int>(alarms));
  return 0;
}
