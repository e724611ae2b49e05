// What the fuzz targets of file readers share: the input bytes written to a file of this
// process's own, since the readers take a path.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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

  // Replaces the file's content with `data`. libFuzzer's -timeout alarm interrupts system calls
  // (its handler has no SA_RESTART), so an interrupted or partial write is carried on.
  // std::filesystem::copy_file gives up on EINTR, and failed a CI run that way; so may fwrite.
  void write(const std::uint8_t* data, std::size_t size) const {
    int fd = -1;
    do {
      fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) __builtin_trap();  // not the input's fault: stop the run
    while (size > 0) {
      const ssize_t written = ::write(fd, data, size);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) __builtin_trap();
      data += written;
      size -= static_cast<std::size_t>(written);
    }
    if (::close(fd) != 0 && errno != EINTR) __builtin_trap();
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace salvosim::fuzz
