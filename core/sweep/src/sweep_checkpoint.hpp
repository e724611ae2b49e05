// Checkpoints of a sweep: each completed point's statistics in a small results file of its
// own (hdf5_io.hpp), written whole or not at all, so that a sweep killed at any moment can
// go on from the points it finished. Not installed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/sweep.hpp"

namespace salvosim::detail {

class Checkpoints {
 public:
  // Opens the directory, creating it. Unless `resume`, a directory that holds checkpoints
  // already is refused (std::invalid_argument): they belong to an earlier run.
  Checkpoints(std::string dir, bool resume);

  // The points among `points` completed before, each checked to be that point of this sweep
  // (same scenario, seed and trials): point index -> its statistics as saved.
  std::map<std::int64_t, Results> completed(const ExpandedSweep& sweep, const std::vector<std::int64_t>& points) const;

  void save(std::int64_t point, const Plan& plan, const Results& results) const;

 private:
  std::string dir_;
};

}  // namespace salvosim::detail
