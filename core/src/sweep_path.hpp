// Axis paths (`threat.mrbm.count`, `layer."s.r.".engages.ballistic.pk`, `trials`): how the
// sweep loader checks them and how point expansion finds the value they name. Not installed.
#pragma once

#include <string>
#include <vector>

#include "salvosim/sweep.hpp"

namespace salvosim::detail {

struct AxisPath {
  enum class Kind { trials, seed, scenario, threat, layer };
  Kind kind = Kind::scenario;
  std::string entry;              // the threat group or layer named (threat, layer)
  std::vector<std::string> keys;  // the keys inside its table (or inside [scenario])
};

// Throws std::invalid_argument saying what is wrong with the path.
AxisPath parse_axis_path(const std::string& path);

// What is wrong with an axis's dimension name (SweepAxis::dimension()), or "" if nothing: it
// names a dimension of the sweep's arrays, so it may hold no '/' or spaces and may not be a
// name the statistics or a sweep file already use (`selection`, `salvo`, `point`, ...).
std::string axis_name_problem(const SweepAxis& axis);

}  // namespace salvosim::detail
