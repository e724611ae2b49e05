// Axis paths (`threat.mrbm.count`, `layer."s.r.".engages.ballistic.pk`, `trials`): how the
// sweep loader checks them and how point expansion finds the value they name. Not installed.
#pragma once

#include <string>
#include <vector>

namespace salvosim::detail {

struct AxisPath {
  enum class Kind { trials, seed, scenario, threat, layer };
  Kind kind = Kind::scenario;
  std::string entry;              // the threat group or layer named (threat, layer)
  std::vector<std::string> keys;  // the keys inside its table (or inside [scenario])
};

// Throws std::invalid_argument saying what is wrong with the path.
AxisPath parse_axis_path(const std::string& path);

}  // namespace salvosim::detail
