#include "sweep_checkpoint.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <stdexcept>

#include "salvosim/hdf5_io.hpp"

namespace salvosim {
namespace {

namespace fs = std::filesystem;

std::string file_name(std::int64_t point) {
  char name[32];
  std::snprintf(name, sizeof name, "point-%08lld.h5", static_cast<long long>(point));
  return name;
}

bool digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Ours: a complete checkpoint, `point-<8 or more digits>.h5`...
bool complete_file(std::string_view name) {
  constexpr std::string_view head = "point-", tail = ".h5";
  return name.size() >= head.size() + 8 + tail.size() && name.starts_with(head) && name.ends_with(tail) &&
         digits(name.substr(head.size(), name.size() - head.size() - tail.size()));
}

// ... or the temporary file of one being written when a run was killed, `<that>.<pid>.partial`.
bool partial_file(std::string_view name) {
  constexpr std::string_view tail = ".partial";
  if (!name.ends_with(tail)) return false;
  name.remove_suffix(tail.size());
  const std::size_t dot = name.rfind('.');
  return dot != std::string_view::npos && digits(name.substr(dot + 1)) && complete_file(name.substr(0, dot));
}

}  // namespace

namespace detail {

Checkpoints::Checkpoints(std::string dir, bool resume) : dir_(std::move(dir)) {
  std::error_code error;
  if (fs::exists(dir_, error) && !fs::is_directory(dir_, error)) {
    throw std::invalid_argument("the checkpoint directory " + dir_ + " is a file");
  }
  if (!resume && fs::is_directory(dir_, error)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(dir_, error)) {
      if (complete_file(entry.path().filename().string())) {
        throw std::invalid_argument("the checkpoint directory " + dir_ +
                                    " holds points of an earlier run: run again with --resume to go on from them, "
                                    "or delete it to start over");
      }
    }
  }
  // Not create_directories: a missing parent (a mistyped --out) is an error, not something to make.
  if (!fs::is_directory(dir_, error)) fs::create_directory(dir_, error);
  if (error) throw std::runtime_error("cannot create the checkpoint directory " + dir_ + ": " + error.message());
}

std::map<std::int64_t, Results> Checkpoints::completed(const ExpandedSweep& sweep,
                                                       const std::vector<std::int64_t>& points) const {
  std::map<std::int64_t, Results> done;
  for (std::int64_t p : points) {
    const std::string path = (fs::path(dir_) / file_name(p)).string();
    std::error_code error;
    if (!fs::exists(path, error)) continue;
    Results results = [&] {
      try {
        return read_point_checkpoint(path);
      } catch (const BadFileError& e) {
        throw BadFileError(std::string(e.what()) + "\n  delete this checkpoint to run point " + std::to_string(p) +
                           " again, or " + dir_ + " to start over");
      }
    }();
    const SweepPoint& point = sweep.points[static_cast<std::size_t>(p)];
    if (results.info.scenario_text != point.scenario_text || results.info.seed != point.seed ||
        results.info.trials != point.trials) {
      throw std::invalid_argument(path + ": this checkpoint is not point " + std::to_string(p) +
                                  " of this sweep as it is now (the sweep changed since): delete " + dir_ +
                                  " to start over");
    }
    done.emplace(p, std::move(results));
  }
  return done;
}

void Checkpoints::save(std::int64_t point, const Plan& plan, const Results& results) const {
  write_results((fs::path(dir_) / file_name(point)).string(), plan, results);
}

}  // namespace detail

void remove_checkpoints(const std::string& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) return;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (complete_file(name) || partial_file(name)) fs::remove(entry.path(), error);
  }
  fs::remove(dir, error);  // only if empty: anything else there is not ours to delete
}

}  // namespace salvosim
