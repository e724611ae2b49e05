// SweepSpec -> every point's scenario, validated. Each point is the base scenario's TOML tree
// with the axis values set at their key paths, loaded by the scenario loader itself, so that
// a point obeys exactly the rules of a scenario file. A problem is reported at the axis that
// set the value (or at the base's value it clashes with), naming the point.
#include <toml++/toml.h>

#include <cstdint>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "config_detail.hpp"
#include "salvosim/config.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/tallies.hpp"
#include "sweep_path.hpp"
#include "sweep_values.hpp"
#include "toml_reader.hpp"

namespace salvosim {
namespace {

using namespace detail;

// At most this many problems are listed; the rest are counted.
constexpr std::size_t max_listed_problems = 50;

// The node a ConfigProblem's key path (`threat[1] "mrbm".launch.waves[0]`, `scenario.name`)
// names in a scenario's TOML tree, or the nearest enclosing node found.
const toml::node* find_node(const toml::table& root, const std::string& key_path) {
  const toml::node* node = &root;
  std::size_t k = 0;
  for (const char* array : {"threat", "layer"}) {
    const std::string head = std::string(array) + "[";
    if (key_path.rfind(head, 0) != 0) continue;
    const std::size_t close = key_path.find(']', head.size());
    const toml::array* entries = root.get_as<toml::array>(array);
    if (close == std::string::npos || entries == nullptr) return node;
    const std::size_t index = std::stoul(key_path.substr(head.size(), close - head.size()));
    if (index >= entries->size()) return node;
    node = entries->get(index);
    k = close + 1;
    if (const auto* name = node->as_table() ? node->as_table()->get_as<std::string>("name") : nullptr) {
      const std::string quoted = " \"" + name->get() + "\"";
      if (key_path.compare(k, quoted.size(), quoted) == 0) k += quoted.size();
    }
  }
  bool first = k == 0;
  while (k < key_path.size()) {
    if (key_path[k] == '[') {
      const std::size_t close = key_path.find(']', k);
      const toml::array* array = node->as_array();
      if (close == std::string::npos || array == nullptr) return node;
      const std::size_t index = std::stoul(key_path.substr(k + 1, close - k - 1));
      if (index >= array->size()) return node;
      node = array->get(index);
      k = close + 1;
      // An entry's name after its index (`salvo[0] "night-1".threat[2] "mrbm"`).
      if (key_path.compare(k, 2, " \"") == 0) {
        const std::size_t quote = key_path.find('"', k + 2);
        if (quote == std::string::npos) return node;
        k = quote + 1;
      }
      continue;
    }
    if (!first && key_path[k] != '.') return node;
    if (!first) ++k;
    first = false;
    const std::size_t end = key_path.find_first_of(".[", k);
    const std::string key = key_path.substr(k, end == std::string::npos ? std::string::npos : end - k);
    const toml::table* table = node->as_table();
    const toml::node* child = table ? table->get(key) : nullptr;
    if (child == nullptr) return node;
    node = child;
    k = end == std::string::npos ? key_path.size() : end;
  }
  return node;
}

// The entries a `threat.<group>` or `layer.<layer>` axis may name in a scenario's TOML tree,
// each with its key path: the [[layer]] tables, or the [[threat]] groups and then every
// [[salvo.threat]] group of a campaign. `Table` is toml::table, const or not.
template <class Table>
using TableOf = std::conditional_t<std::is_const_v<Table>, const toml::table, toml::table>;
template <class Table>
std::vector<std::pair<TableOf<Table>*, std::string>> named_entries(Table& tree, AxisPath::Kind kind) {
  std::vector<std::pair<TableOf<Table>*, std::string>> out;
  // The named tables of the array `key` of `parent`, their key paths under `prefix`.
  const auto add = [&](Table& parent, const char* key, const std::string& prefix) {
    auto* array = parent.template get_as<toml::array>(key);
    for (std::size_t e = 0; array != nullptr && e < array->size(); ++e) {
      auto* entry = array->get(e)->as_table();
      const auto* name = entry ? entry->template get_as<std::string>("name") : nullptr;
      if (name != nullptr) out.emplace_back(entry, prefix + entry_path(key, static_cast<std::int64_t>(e), name->get()));
    }
  };
  if (kind == AxisPath::Kind::layer) {
    add(tree, "layer", "");
    return out;
  }
  add(tree, "threat", "");
  auto* salvos = tree.template get_as<toml::array>("salvo");
  for (std::size_t s = 0; salvos != nullptr && s < salvos->size(); ++s) {
    auto* salvo = salvos->get(s)->as_table();
    if (salvo == nullptr) continue;
    const auto* name = salvo->template get_as<std::string>("name");
    add(*salvo, "threat", salvo_path(static_cast<std::int64_t>(s), name ? name->get() : "") + ".");
  }
  return out;
}

SourcePosition position_of(const toml::node& node, const std::string& file) {
  const toml::source_position& begin = node.source().begin;
  return {file, static_cast<std::int64_t>(begin.line), static_cast<std::int64_t>(begin.column)};
}

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
  void add(ConfigProblem problem) { add({problem.key_path, problem.message, ""}, std::move(problem)); }
  bool empty() const { return problems_.empty(); }

  [[noreturn]] void raise() {
    std::vector<ConfigProblem> listed;
    for (std::size_t k = 0; k < problems_.size() && k < max_listed_problems; ++k) {
      ConfigProblem problem = problems_[k];
      if (more_at_[k] > 0) {
        problem.message +=
            " (and at " + std::to_string(more_at_[k]) + " more point" + (more_at_[k] > 1 ? "s)" : ")");
      }
      listed.push_back(std::move(problem));
    }
    if (problems_.size() > max_listed_problems) {
      listed.push_back({"", 0, 0, "", "... and " + std::to_string(problems_.size() - max_listed_problems) +
                                         " more problems not listed"});
    }
    throw ConfigError(std::move(listed));
  }

 private:
  std::vector<ConfigProblem> problems_;
  std::vector<std::int64_t> more_at_;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> seen_;
};

// An axis tied to the base: where its value goes and how problems name it.
struct ResolvedAxis {
  AxisPath path;
  std::string where;     // `axis[1] "layer.arrow-3.interceptors"`
  std::string key_path;  // as the scenario loader spells it: `layer[2] "arrow-3".interceptors`
  bool special() const { return path.kind == AxisPath::Kind::trials || path.kind == AxisPath::Kind::seed; }
};

class Expander {
 public:
  explicit Expander(const SweepSpec& spec) : spec_(spec), parsed_(parse_toml(spec.base_text, spec.base_source)) {
    if (spec.axes.empty()) throw std::invalid_argument("a sweep needs at least one axis");
    written_ = spec.base_table.empty() ? &parsed_ : parsed_.get_as<toml::table>(spec.base_table);
    if (written_ == nullptr) {
      fail(spec.base_source, 0, 0, "has no table [" + spec.base_table + "] holding the base scenario");
    }
    base_ = *written_;
  }

  ExpandedSweep run() {
    check_base();
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
    out.base_text = spec_.base_table.empty() ? spec_.base_text : toml_text_of(base_);
    return out;
  }

 private:
  // The base alone, with exactly the messages `salvosim validate` gives for it.
  void check_base() {
    const bool inline_base = !spec_.base_table.empty();
    try {
      load_scenario_string(inline_base ? toml_text_of(base_) : spec_.base_text, spec_.base_source);
    } catch (const ConfigError& error) {
      for (ConfigProblem problem : error.problems()) {
        if (inline_base) {
          const SourcePosition at = position_of(*find_node(*written_, problem.key_path), spec_.base_source);
          problem.file = at.file;
          problem.line = at.line;
          problem.column = at.column;
          if (!problem.key_path.empty()) problem.key_path = spec_.base_table + "." + problem.key_path;
        }
        problems_.add(std::move(problem));
      }
      problems_.raise();
    }
    // A base without a name takes the sweep's, rather than the loader's "unnamed".
    if (!base_.contains("scenario")) base_.insert("scenario", toml::table{});
    if (toml::table* scenario = base_.get_as<toml::table>("scenario"); scenario && !scenario->contains("name")) {
      scenario->insert("name", spec_.name);
    }
  }

  // Each axis path checked against the base: its entry and tables must exist there.
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
        if (set_problem.axis == a) problem_at(set_problem.key.empty() ? "" : "." + set_problem.key)(set_problem.message);
      }
      try {
        resolved.path = parse_axis_path(axis.path);
      } catch (const std::invalid_argument& error) {
        problem("\"" + axis.path + "\" " + error.what());
        continue;
      }
      if (!check_values(a, problem_at("")) || resolved.special()) continue;
      const AxisPath& path = resolved.path;
      const toml::table* table = base_.get_as<toml::table>("scenario");
      std::string owner = "[scenario]";
      resolved.key_path = "scenario";
      if (path.kind == AxisPath::Kind::threat || path.kind == AxisPath::Kind::layer) {
        const char* noun = path.kind == AxisPath::Kind::threat ? "threat group" : "layer";
        std::vector<std::string> names;
        table = nullptr;
        for (const auto& [entry, key_path] : named_entries(base_, path.kind)) {
          const std::string& name = entry->get_as<std::string>("name")->get();
          names.push_back(name);
          if (name == path.entry) {
            table = entry;
            resolved.key_path = key_path;
          }
        }
        if (table == nullptr) {
          problem(std::string("the base scenario has no ") + noun + " named \"" + path.entry + "\"" +
                  did_you_mean(path.entry, names));
          continue;
        }
        owner = std::string(noun) + " \"" + path.entry + "\"";
      }
      bool found = true;
      for (std::size_t k = 0; k + 1 < path.keys.size(); ++k) {
        const toml::table* inner = table->get_as<toml::table>(path.keys[k]);
        resolved.key_path += "." + path.keys[k];
        if (inner == nullptr) {
          std::vector<std::string> keys;
          for (auto&& [key, node] : *table) keys.emplace_back(key.str());
          problem(owner + " has no table " + path.keys[k] + did_you_mean(path.keys[k], keys));
          found = false;
          break;
        }
        owner += "." + path.keys[k];
        table = inner;
      }
      if (!found) continue;
      resolved.key_path += "." + path.keys.back();
      if (const toml::node* last = table->get(path.keys.back()); last && (last->is_table() || last->is_array())) {
        problem(owner + "." + path.keys.back() + " is " + (last->is_table() ? "a table" : "an array") +
                ": an axis sets one value");
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
      problem("has " + std::to_string(size) + " values but axis[0] has " +
              std::to_string(spec_.axes[0].values.size()) + ": zipped axes need as many values each");
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

  // The table an axis's value goes into, in a copy of the base tree.
  toml::table& parent_table(toml::table& tree, const AxisPath& path) {
    toml::table* table = tree.get_as<toml::table>("scenario");
    if (path.kind == AxisPath::Kind::threat || path.kind == AxisPath::Kind::layer) {
      for (const auto& [entry, key_path] : named_entries(tree, path.kind)) {
        if (entry->get_as<std::string>("name")->get() == path.entry) table = entry;
      }
    }
    for (std::size_t k = 0; k + 1 < path.keys.size(); ++k) table = table->get_as<toml::table>(path.keys[k]);
    return *table;
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
    toml::table tree = base_;
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
      if (axis.special()) continue;
      toml::table& parent = parent_table(tree, axis.path);
      std::visit([&](const auto& v) { parent.insert_or_assign(axis.path.keys.back(), v); }, value);
    }
    const std::string where = "point " + std::to_string(p) + " (" + label + ")";
    try {
      Scenario scenario = load_scenario_string(toml_text_of(tree), spec_.name + " " + where);
      // What is stored and what runs: the scenario written out in full, every value exact.
      scenario.source_text = to_toml(scenario);
      point.scenario_text = scenario.source_text;
      out.points.push_back(std::move(point));
      out.scenarios.push_back(std::move(scenario));
    } catch (const ConfigError& error) {
      for (const ConfigProblem& problem : error.problems()) report(problem, where);
    }
  }

  void report(const ConfigProblem& problem, const std::string& where) {
    for (std::size_t a = 0; a < axes_.size(); ++a) {
      const std::string& key = axes_[a].key_path;
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
    const SourcePosition at = position_of(*find_node(*written_, problem.key_path), spec_.base_source);
    const bool prefix = !spec_.base_table.empty() && !problem.key_path.empty();
    const std::string key_path = prefix ? spec_.base_table + "." + problem.key_path : problem.key_path;
    problems_.add({"", problem.key_path, problem.message},
                  {at.file, at.line, at.column, key_path, "at " + where + ": " + problem.message});
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
  toml::table parsed_;
  // The base as written, whose nodes know their lines (a copy's do not), and the copy that
  // each point starts from.
  const toml::table* written_ = nullptr;
  toml::table base_;
  std::vector<ResolvedAxis> axes_;
  ProblemList problems_;
  std::int64_t grid_points_ = 1;
};

}  // namespace

ExpandedSweep expand_sweep(const SweepSpec& spec) { return Expander(spec).run(); }

}  // namespace salvosim
