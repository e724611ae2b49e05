// SweepSpec -> every point's scenario, validated. The base scenario is loaded once, by the
// scenario loader; each axis's key path is resolved once to the field it sets
// (sweep_fields.hpp), and each value checked to fit it. Each point is then a copy of the base
// with its axes' fields set, checked by validate(), as a scenario loaded from a file would be;
// no TOML is written or read per point. A problem is reported at the axis that set the value
// (or at the base's value it clashes with), naming the point and its values.
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "config_detail.hpp"
#include "salvosim/config.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/tallies.hpp"
#include "sweep_fields.hpp"
#include "sweep_path.hpp"
#include "sweep_values.hpp"
#include "toml_reader.hpp"

namespace salvosim {
namespace {

using namespace detail;

// At most this many problems are listed; the rest are counted.
constexpr std::size_t max_listed_problems = 50;

std::string toml_text_of(const toml::table& tree) {
  std::ostringstream text;
  text << toml::toml_formatter(tree);
  return text.str();
}

// FNV-1a, 64 bits: a stable fingerprint (not a secure one) of what a sweep runs.
class Fingerprint {
 public:
  void add(std::string_view bytes) {
    for (const char c : bytes) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 0x100000001b3ull;
    }
    hash_ ^= 0xff;  // a separator no text holds, so that ("ab", "c") != ("a", "bc")
    hash_ *= 0x100000001b3ull;
  }
  std::string hex() const {
    static const char* digits = "0123456789abcdef";
    std::string out(16, '0');
    for (int k = 0; k < 16; ++k) out[static_cast<std::size_t>(15 - k)] = digits[(hash_ >> (4 * k)) & 0xf];
    return out;
  }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ull;
};

// Problems found at points: the same fault at many points is listed once, with a count.
class ProblemList {
 public:
  void add(std::tuple<std::string, std::string, std::string> key, ConfigProblem problem) {
    const auto [it, fresh] = seen_.try_emplace(std::move(key), problems_.size());
    if (!fresh) {
      ++more_at_[it->second];
      return;
    }
    problems_.push_back(std::move(problem));
    more_at_.push_back(0);
  }
  void add(ConfigProblem problem) {
    std::tuple<std::string, std::string, std::string> key{problem.key_path, problem.message, ""};
    add(std::move(key), std::move(problem));  // the key first: arguments are evaluated in no set order
  }
  bool empty() const { return problems_.empty(); }

  [[noreturn]] void raise() {
    std::vector<ConfigProblem> listed;
    for (std::size_t k = 0; k < problems_.size() && k < max_listed_problems; ++k) {
      ConfigProblem problem = problems_[k];
      if (more_at_[k] > 0) {
        problem.message += " (and at " + std::to_string(more_at_[k]) + " more point" + (more_at_[k] > 1 ? "s)" : ")");
      }
      listed.push_back(std::move(problem));
    }
    if (problems_.size() > max_listed_problems) {
      listed.push_back(
          {"", 0, 0, "",
           "... and " + std::to_string(problems_.size() - max_listed_problems) + " more problems not listed"});
    }
    throw ConfigError(std::move(listed));
  }

 private:
  std::vector<ConfigProblem> problems_;
  std::vector<std::int64_t> more_at_;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> seen_;
};

// An axis tied to the base: the field it sets and how problems name it.
struct ResolvedAxis {
  AxisPath path;
  std::string where;                   // `axis[1] "layer.arrow-3.interceptors"`
  std::optional<ScenarioField> field;  // none for trials and seed
  bool special() const { return path.kind == AxisPath::Kind::trials || path.kind == AxisPath::Kind::seed; }
  // The key path of the field as the loader spells it: `layer[2] "arrow-3".interceptors`.
  std::string key_path() const { return field ? field->key_path() : std::string(); }
};

class Expander {
 public:
  explicit Expander(const SweepSpec& spec) : spec_(spec) {
    if (spec.axes.empty()) throw std::invalid_argument("a sweep needs at least one axis");
  }

  ExpandedSweep run() {
    load_base();
    resolve_axes();
    if (!problems_.empty()) problems_.raise();
    const std::vector<std::int64_t> shape = sweep_shape(spec_);
    std::int64_t count = 1;
    for (std::int64_t extent : shape) count *= extent;
    ExpandedSweep out;
    out.points.reserve(static_cast<std::size_t>(count));
    out.scenarios.reserve(static_cast<std::size_t>(count));
    for (std::int64_t p = 0; p < count; ++p) expand_point(p, shape, out);
    if (!problems_.empty()) problems_.raise();
    out.id = fingerprint(out);
    out.base_text = base_text_;
    return out;
  }

 private:
  // The base alone, with exactly the messages `salvosim validate` gives for it; a base written
  // inline is read from its table in the sweep file, so that its messages give that file's lines.
  void load_base() {
    const bool inline_base = !spec_.base_table.empty();
    std::optional<toml::table> written;
    try {
      if (!inline_base) {
        base_ = load_scenario_string(spec_.base_text, spec_.base_source);
        base_text_ = spec_.base_text;
      } else {
        toml::table parsed = parse_toml(spec_.base_text, spec_.base_source);
        toml::table* table = parsed.get_as<toml::table>(spec_.base_table);
        if (table == nullptr) {
          fail(spec_.base_source, 0, 0, "has no table [" + spec_.base_table + "] holding the base scenario");
        }
        written = std::move(*table);
        base_ = read_scenario(*written, spec_.base_text, spec_.base_source, "unnamed");
      }
    } catch (const ConfigError& error) {
      for (ConfigProblem problem : error.problems()) {
        if (inline_base && !problem.key_path.empty()) problem.key_path = spec_.base_table + "." + problem.key_path;
        problems_.add(std::move(problem));
      }
      problems_.raise();
    }
    // A base without a name takes the sweep's, rather than the loader's "unnamed".
    if (base_.positions.count("scenario.name") == 0) base_.name = spec_.name;
    base_.source_default_name = spec_.name;
    if (inline_base) {
      // The base as stored in the sweep file: its table written out alone, with that name.
      if (!written->contains("scenario")) written->insert("scenario", toml::table{});
      toml::table* scenario = written->get_as<toml::table>("scenario");
      if (scenario != nullptr && !scenario->contains("name")) scenario->insert("name", spec_.name);
      base_text_ = toml_text_of(*written);
    }
  }

  // Each axis path resolved in the base to the field it sets, and each of its values checked
  // to fit that field.
  void resolve_axes() {
    // The sweep loader checks these for a sweep file; a spec built in code (Python) comes here
    // directly, and an axis named like a dimension of the statistics would corrupt the arrays.
    std::vector<const SweepAxis*> axes;
    for (const SweepAxis& axis : spec_.axes) axes.push_back(&axis);
    const std::vector<AxisProblem> set_problems = axes_problems(axes, spec_.mode);
    for (std::size_t a = 0; a < spec_.axes.size(); ++a) {
      const SweepAxis& axis = spec_.axes[a];
      ResolvedAxis& resolved = axes_.emplace_back();
      resolved.where = entry_path("axis", static_cast<std::int64_t>(a), axis.path);
      const auto problem_at = [&](const std::string& key) {
        return [&, key](const std::string& message) {
          problems_.add({axis.position.file, axis.position.line, axis.position.column, resolved.where + key, message});
        };
      };
      const auto problem = problem_at(".path");
      for (const AxisProblem& set_problem : set_problems) {
        if (set_problem.axis == a)
          problem_at(set_problem.key.empty() ? "" : "." + set_problem.key)(set_problem.message);
      }
      try {
        resolved.path = parse_axis_path(axis.path);
      } catch (const std::invalid_argument& error) {
        problem("\"" + axis.path + "\" " + error.what());
        continue;
      }
      if (!check_values(a, problem_at("")) || resolved.special()) continue;
      try {
        resolved.field.emplace(base_, resolved.path);
      } catch (const std::invalid_argument& error) {
        problem(error.what());
        continue;
      }
      for (const SweepValue& value : axis.values) {
        const std::string misfit = resolved.field->misfit(value);
        if (misfit.empty()) continue;
        problem_at("")("has the value " + to_toml_text(value) + ": " + resolved.key_path() + ": " + misfit);
      }
    }
  }

  // What the sweep loader checks already, again for a spec built in code: an axis has values,
  // zipped axes as many each, a grid not too many points, trials and seeds are integers.
  template <class Problem>
  bool check_values(std::size_t a, const Problem& problem) {
    const SweepAxis& axis = spec_.axes[a];
    const auto size = static_cast<std::int64_t>(axis.values.size());
    if (size == 0) {
      problem("has no values");
      return false;
    }
    if (spec_.mode != SweepMode::grid && size != static_cast<std::int64_t>(spec_.axes[0].values.size())) {
      problem("has " + std::to_string(size) + " values but axis[0] has " + std::to_string(spec_.axes[0].values.size()) +
              ": zipped axes need as many values each");
      return false;
    }
    if (spec_.mode == SweepMode::grid) {
      if (grid_points_ > max_sweep_points / size) {
        problem("makes the grid larger than " + std::to_string(max_sweep_points) + " points");
        return false;
      }
      grid_points_ *= size;
    }
    const bool trials = axes_[a].path.kind == AxisPath::Kind::trials;
    if (!axes_[a].special()) return true;
    for (const SweepValue& value : axis.values) {
      const auto* integer = std::get_if<std::int64_t>(&value);
      if (integer == nullptr || *integer < (trials ? 1 : 0) || (trials && *integer > max_trials_per_tally)) {
        problem("has the value " + to_toml_text(value) + ", but " +
                (trials ? "trials must be an integer in [1, " + std::to_string(max_trials_per_tally) + "]"
                        : std::string("a seed must be an integer >= 0")));
        return false;
      }
    }
    return true;
  }

  void expand_point(std::int64_t p, const std::vector<std::int64_t>& shape, ExpandedSweep& out) {
    SweepPoint point;
    point.index = p;
    point.trials = spec_.trials;
    point.seed = spec_.seed;
    // Grid: row-major, the last axis fastest. Zip and Latin hypercube: one index for all.
    std::int64_t rest = p;
    std::vector<std::int64_t> at(spec_.axes.size(), p);
    if (spec_.mode == SweepMode::grid) {
      for (std::size_t a = spec_.axes.size(); a-- > 0;) {
        at[a] = rest % shape[a];
        rest /= shape[a];
      }
    }
    Scenario scenario = base_;
    std::string label;
    for (std::size_t a = 0; a < spec_.axes.size(); ++a) {
      const SweepValue& value = spec_.axes[a].values[static_cast<std::size_t>(at[a])];
      point.values.push_back(value);
      label += (a ? ", " : "") + spec_.axes[a].dimension() + " = " + to_toml_text(value);
      const ResolvedAxis& axis = axes_[a];
      if (axis.path.kind == AxisPath::Kind::trials) point.trials = std::get<std::int64_t>(value);
      if (axis.path.kind == AxisPath::Kind::seed) {
        point.seed = static_cast<std::uint64_t>(std::get<std::int64_t>(value));
      }
      if (!axis.special()) axis.field->set(scenario, value);
    }
    const std::string where = "point " + std::to_string(p) + " (" + label + ")";
    // The base's own lines stay true of every key the axes did not set (a key they set is reported
    // at its axis by report()), so problems keep them: validate() would drop them all, as it must
    // for a scenario edited from Python.
    std::vector<ConfigProblem> problems = detail::validate_scenario(scenario, {});
    // Written at all in a layer of doctrine "salvo", look_time and max_engagements are refused
    // by the loader (unless a rationing rule switches to shoot-look-shoot); validate() sees them
    // only when they differ from the default.
    for (const ResolvedAxis& axis : axes_) {
      const std::int64_t l = axis.field ? axis.field->shoot_look_shoot_layer() : -1;
      if (l < 0) continue;
      const Layer& layer = scenario.layers[static_cast<std::size_t>(l)];
      if (layer.doctrine != Doctrine::salvo || rations_look(layer)) continue;
      const bool reported = std::any_of(problems.begin(), problems.end(), [&](const ConfigProblem& problem) {
        return problem.key_path == axis.key_path();
      });
      if (!reported) problems.push_back({"", 0, 0, axis.key_path(), only_for_shoot_look_shoot()});
    }
    if (!problems.empty()) {
      for (const ConfigProblem& problem : problems) report(problem, where);
      return;
    }
    // What is stored and what runs: the scenario written out in full, every value exact.
    scenario.source_text = to_toml(scenario);
    scenario.source_name = spec_.name + " " + where;
    scenario.positions.clear();  // the base's lines: of no use once the point is checked
    point.scenario_text = scenario.source_text;
    out.points.push_back(std::move(point));
    out.scenarios.push_back(std::move(scenario));
  }

  void report(const ConfigProblem& problem, const std::string& where) {
    for (std::size_t a = 0; a < axes_.size(); ++a) {
      const std::string key = axes_[a].key_path();
      const bool mine = !key.empty() && problem.key_path.rfind(key, 0) == 0 &&
                        (problem.key_path.size() == key.size() || problem.key_path[key.size()] == '.' ||
                         problem.key_path[key.size()] == '[');
      if (!mine) continue;
      const SourcePosition& at = spec_.axes[a].position;
      problems_.add({axes_[a].where, problem.key_path, problem.message},
                    {at.file, at.line, at.column, axes_[a].where,
                     "at " + where + ": " + problem.key_path + ": " + problem.message});
      return;
    }
    // A clash with a value of the base: reported at that value, where the base says it.
    const bool prefix = !spec_.base_table.empty() && !problem.key_path.empty();
    const std::string key_path = prefix ? spec_.base_table + "." + problem.key_path : problem.key_path;
    problems_.add({"", problem.key_path, problem.message},
                  {problem.file, problem.line, problem.column, key_path, "at " + where + ": " + problem.message});
  }

  std::string fingerprint(const ExpandedSweep& out) const {
    Fingerprint print;
    print.add(to_string(spec_.mode));
    for (const SweepAxis& axis : spec_.axes) {
      print.add(axis.dimension());
      print.add(axis.path);
    }
    for (const SweepPoint& point : out.points) {
      print.add(point.scenario_text);
      print.add(std::to_string(point.seed) + " " + std::to_string(point.trials));
    }
    return print.hex();
  }

  const SweepSpec& spec_;
  Scenario base_;          // loaded and checked once; each point starts from a copy
  std::string base_text_;  // as stored: the base file's text, or an inline base written out alone
  std::vector<ResolvedAxis> axes_;
  ProblemList problems_;
  std::int64_t grid_points_ = 1;
};

}  // namespace

ExpandedSweep expand_sweep(const SweepSpec& spec) { return Expander(spec).run(); }

}  // namespace salvosim
