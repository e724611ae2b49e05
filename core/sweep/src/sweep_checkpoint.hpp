// Checkpoints of a sweep: completed points' statistics, kept a little while and written
// together as a partial sweep file (sweep_file.hpp) of their own, at most every so many
// seconds, so that thousands of small points do not cost a file each. Each file is written
// whole or not at all, so that a sweep killed at any moment can go on from the points
// written; what a resumed run reads back assembles into the same bytes. Not installed.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "salvosim/results.hpp"
#include "salvosim/sweep.hpp"

namespace salvosim::detail {

class Checkpoints {
 public:
  // Opens the directory, creating it. Unless `resume`, a directory that holds checkpoints
  // already is refused (std::invalid_argument): they belong to an earlier run. `info`
  // describes the sweep (as its results will); `every_seconds` is how long completed points
  // may wait to be written (0: each is written as it completes).
  Checkpoints(std::string dir, bool resume, SweepInfo info, double every_seconds);

  // The points among `points` completed before, each checked to be that point of this sweep
  // (same scenario, seed and trials): point index -> its statistics as saved.
  std::map<std::int64_t, Results> completed(const ExpandedSweep& sweep, const std::vector<std::int64_t>& points) const;

  // Keeps a completed point's statistics (trimmed for the sweep); true when `every_seconds`
  // have passed since the last write, and the points kept are due to be written (flush).
  bool add(const SweepPoint& point, const Results& results);
  // Writes the points kept, if any, as one file carrying `provenance`.
  void flush(const RunInfo& provenance);

 private:
  using Clock = std::chrono::steady_clock;

  std::string dir_;
  SweepInfo info_;
  double every_seconds_ = 0.0;
  std::int64_t next_file_ = 0;
  std::map<std::int64_t, std::pair<SweepPoint, Results>> kept_;  // point index -> what to write
  Clock::time_point last_write_;
};

}  // namespace salvosim::detail
