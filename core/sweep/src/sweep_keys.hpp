// The keys of a sweep file's tables: the sweep loader (sweep_config.cpp) accepts exactly these,
// and the JSON Schema of a sweep file (sweep_schema.cpp) is made from them. Not installed.
#pragma once

#include <string>
#include <vector>

namespace salvosim::detail {

inline const std::vector<std::string> sweep_root_keys = {"sweep", "axis", "base"};
inline const std::vector<std::string> sweep_table_keys = {"name",   "description", "base",    "mode",
                                                          "trials", "seed",        "samples", "sample_seed"};
// An axis: its path and name, and its values in one of four ways (axis_value_keys).
inline const std::vector<std::string> axis_keys = {"path", "name", "values", "range", "linspace", "random"};
inline const std::vector<std::string> axis_value_keys = {"values", "range", "linspace", "random"};
inline const std::vector<std::string> range_keys = {"start", "stop", "step"};
inline const std::vector<std::string> linspace_keys = {"start", "stop", "num"};
inline const std::vector<std::string> random_keys = {"distribution", "low", "high", "samples", "seed"};

}  // namespace salvosim::detail
