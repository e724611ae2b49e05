#include "sweep_checkpoint.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>

#include "salvosim/hdf5_io.hpp"
#include "salvosim/sweep_file.hpp"
#include "sweep_assembly.hpp"

namespace salvosim {
namespace {

namespace fs = std::filesystem;

// Checkpoint files are numbered in the order written: `points-<8 or more digits>.h5`.
constexpr std::string_view file_head = "points-";
std::string file_name(std::int64_t number) {
  char name[32];
  std::snprintf(name, sizeof name, "points-%08lld.h5", static_cast<long long>(number));
  return name;
}

bool digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The number of a checkpoint file named `<head><8 or more digits>.h5`, or -1.
std::int64_t file_number(std::string_view name, std::string_view head) {
  constexpr std::string_view tail = ".h5";
  if (name.size() < head.size() + 8 + tail.size() || !name.starts_with(head) || !name.ends_with(tail)) return -1;
  const std::string_view number = name.substr(head.size(), name.size() - head.size() - tail.size());
  return digits(number) && number.size() <= 18 ? std::stoll(std::string(number)) : -1;
}

// Ours: a complete checkpoint, `points-<8 or more digits>.h5`, or one of salvosim 0.1's
// single points, `point-<8 or more digits>.h5` (no longer read, but still ours to clear)...
bool complete_file(std::string_view name) {
  return file_number(name, file_head) >= 0 || file_number(name, "point-") >= 0;
}

// ... or the temporary file of one being written when a run was killed, `<that>.<pid>.partial`.
bool partial_file(std::string_view name) {
  constexpr std::string_view tail = ".partial";
  if (!name.ends_with(tail)) return false;
  name.remove_suffix(tail.size());
  const std::size_t dot = name.rfind('.');
  return dot != std::string_view::npos && digits(name.substr(dot + 1)) && complete_file(name.substr(0, dot));
}

// The checkpoint files of `dir` (`points-<n>.h5`), in the order written.
std::vector<std::string> checkpoint_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (file_number(entry.path().filename().string(), file_head) >= 0) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A checkpoint file read, a damaged one named with what to do.
SweepResults read_checkpoint(const std::string& path, const std::string& dir) {
  try {
    return read_sweep(path);
  } catch (const BadFileError& e) {
    throw BadFileError(std::string(e.what()) + "\n  delete this checkpoint to run its points again, or " + dir +
                       " to start over");
  }
}

// Throws unless point k of checkpoint `saved` is that point of `sweep` as it is now.
void check_held_point(const SweepResults& saved, std::size_t k, const ExpandedSweep& sweep, const std::string& path,
                      const std::string& dir) {
  const SweepPoint& held = saved.points[k];
  const bool known = held.index >= 0 && held.index < static_cast<std::int64_t>(sweep.points.size());
  const SweepPoint* point = known ? &sweep.points[static_cast<std::size_t>(held.index)] : nullptr;
  if (saved.info.id != sweep.id || point == nullptr || held.scenario_text != point->scenario_text ||
      held.seed != point->seed || held.trials != point->trials) {
    throw std::invalid_argument(path + ": this checkpoint is not point " + std::to_string(held.index) +
                                " of this sweep as it is now (the sweep changed since): delete " + dir +
                                " to start over");
  }
}

}  // namespace

std::vector<std::int64_t> CheckpointStatus::missing() const {
  std::vector<std::int64_t> out;
  std::set_difference(points.begin(), points.end(), done.begin(), done.end(), std::back_inserter(out));
  return out;
}

CheckpointStatus checkpoint_status(const ExpandedSweep& sweep, const std::string& dir,
                                   const std::optional<Shard>& shard) {
  CheckpointStatus status;
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_directory(dir, error)) {
    throw std::invalid_argument(dir + " is a file, not a checkpoint directory");
  }
  status.found = fs::is_directory(dir, error);
  std::optional<Shard> of = shard;
  std::set<std::int64_t> done;
  if (status.found) {
    for (const std::string& path : checkpoint_files(dir)) {
      const SweepResults saved = read_checkpoint(path, dir);
      ++status.files;
      const Shard& held = saved.info.shard;
      if (of && (held.index != of->index || held.count != of->count)) {
        throw std::invalid_argument(path + ": a checkpoint of shard " + std::to_string(held.index) + "/" +
                                    std::to_string(held.count) + ", not of shard " + std::to_string(of->index) + "/" +
                                    std::to_string(of->count));
      }
      of = held;
      for (std::size_t k = 0; k < saved.points.size(); ++k) {
        check_held_point(saved, k, sweep, path, dir);
        done.insert(saved.points[k].index);
      }
    }
  }
  status.shard = of.value_or(Shard{});
  status.points = shard_points(sweep, status.shard);
  status.done.assign(done.begin(), done.end());
  return status;
}

namespace detail {

Checkpoints::Checkpoints(std::string dir, bool resume, SweepInfo info, double every_seconds)
    : dir_(std::move(dir)), info_(std::move(info)), every_seconds_(every_seconds), last_write_(Clock::now()) {
  if (!(every_seconds >= 0.0)) {
    throw std::invalid_argument("checkpoints are written at most every " + std::to_string(every_seconds) +
                                " seconds: give 0 or more");
  }
  std::error_code error;
  if (fs::exists(dir_, error) && !fs::is_directory(dir_, error)) {
    throw std::invalid_argument("the checkpoint directory " + dir_ + " is a file");
  }
  if (fs::is_directory(dir_, error)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(dir_, error)) {
      const std::string name = entry.path().filename().string();
      if (!complete_file(name)) continue;
      if (!resume) {
        throw std::invalid_argument("the checkpoint directory " + dir_ +
                                    " holds points of an earlier run: run again with --resume to go on from them, "
                                    "or delete it to start over");
      }
      next_file_ = std::max(next_file_, file_number(name, file_head) + 1);
    }
  }
  // Not create_directories: a missing parent (a mistyped --out) is an error, not something to make.
  if (!fs::is_directory(dir_, error)) fs::create_directory(dir_, error);
  if (error) throw std::runtime_error("cannot create the checkpoint directory " + dir_ + ": " + error.message());
}

std::map<std::int64_t, Results> Checkpoints::completed(const ExpandedSweep& sweep,
                                                       const std::vector<std::int64_t>& points) const {
  const std::set<std::int64_t> wanted(points.begin(), points.end());
  std::map<std::int64_t, Results> done;
  for (const std::string& path : checkpoint_files(dir_)) {
    const SweepResults saved = read_checkpoint(path, dir_);
    for (std::size_t k = 0; k < saved.points.size(); ++k) {
      const SweepPoint& held = saved.points[k];
      if (wanted.count(held.index) == 0) continue;
      check_held_point(saved, k, sweep, path, dir_);
      done.emplace(held.index, point_results(saved, static_cast<std::int64_t>(k)));
    }
  }
  return done;
}

bool Checkpoints::add(const SweepPoint& point, const Results& results) {
  kept_.insert_or_assign(point.index, std::pair(point, results));
  return std::chrono::duration<double>(Clock::now() - last_write_).count() >= every_seconds_;
}

void Checkpoints::flush(const RunInfo& provenance) {
  if (kept_.empty()) return;
  std::vector<SweepPoint> points;
  std::vector<Results> per_point;
  for (auto& [index, entry] : kept_) {  // in increasing index, as a sweep file holds them
    points.push_back(std::move(entry.first));
    per_point.push_back(std::move(entry.second));
  }
  kept_.clear();
  write_sweep((fs::path(dir_) / file_name(next_file_++)).string(),
              assemble_sweep(info_, std::move(points), per_point, provenance));
  last_write_ = Clock::now();
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
