// Axis paths (`threat.mrbm.count`, `layer."s.r.".engages.ballistic.pk`, `trials`): how the
// sweep loader checks them and how point expansion finds the value they name. Not installed.
#pragma once

#include <string>
#include <vector>

#include "salvosim/sweep.hpp"

namespace salvosim::detail {

struct AxisPath {
  enum class Kind { trials, seed, scenario, threat, layer, tier };
  Kind kind = Kind::scenario;
  std::string entry;              // the threat group, layer or tier named (threat, layer, tier)
  std::vector<std::string> keys;  // the keys inside its table (or inside [scenario])
};

// Throws std::invalid_argument saying what is wrong with the path.
AxisPath parse_axis_path(const std::string& path);

// A problem of one axis found by axes_problems: `key` is "path", "name" or "" (its values).
struct AxisProblem {
  std::size_t axis = 0;  // its index in the list given
  std::string key;
  std::string message;
};

// The rules on axes as a set, for a sweep file (sweep_config.cpp) and a sweep built in code
// (sweep_points.cpp) alike, in axis order: no path varied twice, no dimension name given twice;
// a name holds no '/' or spaces and is not one the statistics or a sweep file already use
// (`selection`, `salvo`, `point`, ...); and a grid axis holds no value twice (values label points).
std::vector<AxisProblem> axes_problems(const std::vector<const SweepAxis*>& axes, SweepMode mode);

}  // namespace salvosim::detail
