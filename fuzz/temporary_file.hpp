// What the fuzz targets of file readers share: the input bytes written to a file of this
// process's own, since the readers take a path.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace salvosim::fuzz {

// A file under the temporary directory, named after the target and this process (libFuzzer's
// -fork and -jobs run several at once), removed when the process ends.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& stem)
      : path_((std::filesystem::temp_directory_path() / (stem + "." + std::to_string(getpid()) + ".h5")).string()) {}
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() { std::remove(path_.c_str()); }

  // Replaces the file's content with `data`.
  void write(const std::uint8_t* data, std::size_t size) const {
    std::FILE* file = std::fopen(path_.c_str(), "wb");
    if (file == nullptr) __builtin_trap();  // not the input's fault: stop the run
    const bool written = size == 0 || std::fwrite(data, 1, size, file) == size;
    if (std::fclose(file) != 0 || !written) __builtin_trap();
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace salvosim::fuzz
