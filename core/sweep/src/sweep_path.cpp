#include "sweep_path.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "config_detail.hpp"
#include "salvosim/sweep.hpp"

namespace salvosim::detail {

AxisPath parse_axis_path(const std::string& path) {
  if (path.empty()) throw std::invalid_argument("is empty");
  const std::vector<std::string> segments = split_dotted_path(path);
  const std::string& head = segments[0];
  AxisPath out;
  if (head == trials_path || head == seed_path) {
    if (segments.size() != 1) throw std::invalid_argument("`" + head + "` takes no further keys");
    out.kind = head == trials_path ? AxisPath::Kind::trials : AxisPath::Kind::seed;
    return out;
  }
  if (head == "scenario") {
    if (segments.size() != 2) throw std::invalid_argument("must be scenario.<key>");
    out.kind = AxisPath::Kind::scenario;
    out.keys = {segments[1]};
    return out;
  }
  if (head != "threat" && head != "layer" && head != "tier") {
    throw std::invalid_argument("must start with threat, layer, tier, scenario, trials or seed, not \"" + head + "\"" +
                                did_you_mean(head, {"threat", "layer", "tier", "scenario", "trials", "seed"}));
  }
  if (segments.size() < 3) throw std::invalid_argument("must be " + head + ".<name>.<key>");
  out.kind = head == "threat" ? AxisPath::Kind::threat : head == "layer" ? AxisPath::Kind::layer : AxisPath::Kind::tier;
  out.entry = segments[1];
  out.keys.assign(segments.begin() + 2, segments.end());
  // Names and classes decide the groups, classes and layers results are reported for; every
  // point of a sweep must report the same ones.
  if (out.keys.size() == 1 && (out.keys[0] == "name" || out.keys[0] == "class")) {
    throw std::invalid_argument("cannot vary a " + out.keys[0] +
                                ": every point of a sweep has the same groups, classes, layers and tiers");
  }
  return out;
}

// Dimension names the statistics already use, and the members of a sweep file's /points.
const std::vector<std::string> reserved_names = {"point", "scenario",     "selection", "group",    "layer",
                                                 "fate",  "layer_metric", "rate",      "quantile", "count",
                                                 "fired", "rate_bin",     "salvo",     "tier"};

std::vector<AxisProblem> axes_problems(const std::vector<const SweepAxis*>& axes, SweepMode mode) {
  std::vector<AxisProblem> problems;
  std::set<std::string> paths, names;
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const SweepAxis& axis = *axes[a];
    const std::string& name = axis.dimension();
    if (!paths.insert(axis.path).second) {
      problems.push_back({a, "path", "\"" + axis.path + "\" is varied by an earlier axis too"});
    }
    if (!names.insert(name).second) {
      problems.push_back({a, "name", "\"" + name + "\" names an earlier axis too: give each axis its own name"});
    }
    if (std::string problem = name_problem(name); !problem.empty()) {
      problems.push_back({a, "name", std::move(problem)});
    } else if (name.find_first_of("/ ") != std::string::npos || name == "." || name == "..") {
      problems.push_back({a, "name",
                          "\"" + name +
                              "\" must not hold '/' or spaces, nor be \".\" or \"..\" (it names "
                              "a dimension, and a dataset of the sweep file)"});
    } else if (std::find(reserved_names.begin(), reserved_names.end(), name) != reserved_names.end() ||
               ((name == trials_path || name == seed_path) && name != axis.path)) {
      problems.push_back(
          {a, "name",
           "\"" + name + "\" is the name of a dimension or dataset of every sweep file: choose another name"});
    }
    if (mode == SweepMode::grid) {
      std::set<std::string> labels;
      for (const SweepValue& value : axis.values) {
        if (!labels.insert(to_label(value)).second) {
          problems.push_back(
              {a, "", "has the value " + to_toml_text(value) + " twice: a grid's axis values label its points"});
          break;
        }
      }
    }
  }
  return problems;
}

}  // namespace salvosim::detail

namespace salvosim {

KeyPath parse_key_path(const std::string& path) {
  detail::AxisPath parsed;
  try {
    parsed = detail::parse_axis_path(path);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument("key path \"" + path + "\" " + error.what());
  }
  static const char* heads[] = {"trials", "seed", "scenario", "threat", "layer", "tier"};  // in AxisPath::Kind order
  return {heads[static_cast<int>(parsed.kind)], parsed.entry, parsed.keys};
}

}  // namespace salvosim
