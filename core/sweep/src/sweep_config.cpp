// Sweep file (TOML) -> SweepSpec: the [sweep] table, the base scenario (a path or an inline
// [base]) and the [[axis]] entries with their values, written out or generated. Every problem
// is collected, with its line, before anything throws; the points themselves are checked by
// expand_sweep (sweep_points.cpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "config_detail.hpp"
#include "salvosim/config.hpp"
#include "salvosim/run.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/tallies.hpp"
#include "sweep_keys.hpp"
#include "sweep_path.hpp"
#include "sweep_values.hpp"
#include "toml_reader.hpp"

namespace salvosim {
namespace {

using namespace detail;

// How each generator is written, for messages.
const std::map<std::string, std::string> shapes = {
    {"range", "{ start = ..., stop = ..., step = ... }"},
    {"linspace", "{ start = ..., stop = ..., num = ... }"},
    {"random", "{ distribution = ..., low = ..., high = ..., samples = ..., seed = ... }"},
};

// What an axis says before its values are made: generators need the whole sweep (the Latin
// hypercube draws every axis at once).
struct AxisDraft {
  SweepAxis axis;
  std::string where;  // `axis[1] "layer.arrow-3.interceptors"`
  const toml::table* table = nullptr;
  bool ok = true;                                // false: a problem was reported; make no values
  std::vector<SweepValue> levels;                // values, range, linspace
  std::optional<DistributionSpec> distribution;  // random
  std::int64_t samples = 0;                      // random, in grid and zip modes
  std::optional<std::int64_t> seed;              // random, in grid and zip modes
};

class SweepReader {
 public:
  SweepReader(std::string_view text, std::string source_name)
      : file_(std::move(source_name)), loader_(file_, positions_) {
    spec_.source_text = std::string(text);
    spec_.source_name = file_;
    root_ = parse_toml(text, file_);
    if (root_.empty()) fail(file_, 0, 0, "contains no sweep (the file is empty or holds only comments)");
  }

  SweepSpec read() {
    TableReader reader(loader_, root_, "", sweep_root_keys);
    const toml::table* sweep = reader.table("sweep", Presence::required, "[sweep] of name, base, trials, ...");
    if (sweep != nullptr) read_sweep(*sweep, reader);
    std::int64_t index = 0;
    for (const toml::table* table : entries(reader, "axis")) drafts_.push_back(read_axis(*table, index++));
    // (Anything but an array of tables there is reported by entries(), except an empty one.)
    const toml::node* axes = root_.get("axis");
    if (drafts_.empty() && (axes == nullptr || (axes->is_array() && axes->as_array()->empty()))) {
      loader_.report(root_.source(), "axis", "a sweep needs at least one [[axis]]", "");
    }
    make_values();
    check_axes();
    std::vector<ConfigProblem>& problems = loader_.problems();
    if (!problems.empty()) {
      sort_by_position(problems);
      throw ConfigError(std::move(problems));
    }
    for (AxisDraft& draft : drafts_) spec_.axes.push_back(std::move(draft.axis));
    return std::move(spec_);
  }

 private:
  void report(const toml::node& node, const std::string& path, std::string message) {
    loader_.report(node.source(), path, std::move(message), "");
  }

  void read_sweep(const toml::table& table, TableReader& root_reader) {
    TableReader reader(loader_, table, "sweep", sweep_table_keys);
    spec_.name = std::filesystem::path(file_).stem().string();
    if (spec_.name.empty() || spec_.name.front() == '<') spec_.name = "sweep";
    if (reader.read("name", spec_.name, Presence::optional)) {
      if (std::string problem = check_value(ValueRule::name, spec_.name); !problem.empty()) {
        report(*table.get("name"), "sweep.name", std::move(problem));
      }
    }
    reader.read("description", spec_.description, Presence::optional);

    if (const toml::node* node = reader.find("mode", Presence::optional)) {
      const auto* text = node->as_string();
      const std::optional<SweepMode> known = text ? sweep_mode_named(text->get()) : std::nullopt;
      if (!known) {
        report(*node, "sweep.mode",
               "must be \"grid\", \"zip\" or \"latin-hypercube\", got " + describe(*node) +
                   (text ? did_you_mean(text->get(), {std::begin(sweep_mode_names), std::end(sweep_mode_names)}) : ""));
      } else {
        spec_.mode = *known;
      }
    }

    if (const toml::node* node = reader.find("trials", Presence::required)) {
      if (loader_.read_value(*node, "sweep.trials", spec_.trials)) {
        if (std::string problem = trials_problem(spec_.trials); !problem.empty()) {
          report(*node, "sweep.trials", std::move(problem));
        }
      }
    }
    spec_.seed = read_seed(reader, "seed", 1);
    sample_seed_ = read_seed(reader, "sample_seed", 1);
    samples_node_ = reader.find("samples", Presence::optional);
    if (samples_node_ != nullptr && loader_.read_value(*samples_node_, "sweep.samples", samples_) && samples_ < 1) {
      report(*samples_node_, "sweep.samples", "must be >= 1, got " + std::to_string(samples_));
      samples_node_ = nullptr;
    }
    const bool latin = spec_.mode == SweepMode::latin_hypercube;
    if (latin && samples_node_ == nullptr && !reader.has("samples")) {
      loader_.report(table.source(), "sweep", "mode \"latin-hypercube\" needs samples = <number of points>", "");
    }
    if (!latin && samples_node_ != nullptr) {
      report(*samples_node_, "sweep.samples", "applies only to mode \"latin-hypercube\"");
    }
    read_base(reader, root_reader);
  }

  std::uint64_t read_seed(TableReader& reader, std::string_view key, std::uint64_t fallback) {
    std::int64_t value = 0;
    const std::string path = "sweep." + std::string(key);
    const toml::node* node = reader.find(key, Presence::optional);
    if (node == nullptr || !loader_.read_value(*node, path, value)) return fallback;
    if (value < 0) {
      report(*node, path, "must be >= 0, got " + std::to_string(value));
      return fallback;
    }
    return static_cast<std::uint64_t>(value);
  }

  // `base = "path"` (relative to the sweep file) or an inline [base] table: one of them.
  void read_base(TableReader& reader, TableReader& root_reader) {
    const toml::node* path_node = reader.find("base", Presence::optional);
    const toml::node* inline_node = root_reader.find("base", Presence::optional);
    if ((path_node == nullptr) == (inline_node == nullptr)) {
      const toml::node& where = path_node ? *path_node : *root_.get("sweep");
      report(where, "sweep.base",
             path_node ? "is given twice: as a path and as an inline [base] table; keep one"
                       : "missing: give base = \"<scenario file>\" in [sweep], or the scenario inline as [base]");
      return;
    }
    if (inline_node != nullptr) {
      if (!inline_node->is_table()) {
        report(*inline_node, "base",
               "must be a table holding a scenario ([base.scenario], [[base.threat]], ...), got " +
                   describe(*inline_node));
        return;
      }
      spec_.base_text = spec_.source_text;
      spec_.base_source = file_;
      spec_.base_table = "base";
      return;
    }
    std::string relative;
    if (!loader_.read_value(*path_node, "sweep.base", relative)) return;
    namespace fs = std::filesystem;
    const bool beside = !fs::path(relative).is_absolute() && !file_.empty() && file_.front() != '<';
    const std::string path = beside ? (fs::path(file_).parent_path() / relative).lexically_normal().string() : relative;
    try {
      spec_.base_text = read_text_file(path, "scenario");
      spec_.base_source = path;
    } catch (const ConfigError& error) {
      report(*path_node, "sweep.base", "cannot read the base scenario: " + std::string(error.what()));
    }
  }

  AxisDraft read_axis(const toml::table& table, std::int64_t index) {
    AxisDraft draft;
    draft.table = &table;
    const auto* path = table.get_as<std::string>("path");
    draft.where = entry_path("axis", index, path ? path->get() : "");
    draft.axis.position = {file_, static_cast<std::int64_t>(table.source().begin.line),
                           static_cast<std::int64_t>(table.source().begin.column)};
    TableReader reader(loader_, table, draft.where, axis_keys);
    if (reader.read("path", draft.axis.path, Presence::required)) {
      try {
        parse_axis_path(draft.axis.path);
      } catch (const std::invalid_argument& error) {
        report(*table.get("path"), reader.path("path"), "\"" + draft.axis.path + "\" " + error.what());
        draft.ok = false;
      }
    } else {
      draft.ok = false;
    }
    // Without `name` an axis is named by its path; a name written empty is a mistake.
    if (reader.read("name", draft.axis.name, Presence::optional) && draft.axis.name.empty()) {
      report(*table.get("name"), reader.path("name"),
             "must not be empty (leave `name` out to name the axis by its path)");
    }

    std::vector<std::string> given;
    for (const std::string& key : axis_value_keys) {
      if (reader.has(key)) given.emplace_back(key);
    }
    if (given.size() != 1) {
      loader_.report(table.source(), draft.where,
                     given.empty() ? "needs its values: one of values, range, linspace or random"
                                   : "gives its values twice (" + given[0] + " and " + given[1] + "): keep one",
                     "");
      draft.ok = false;
      return draft;
    }
    const std::string& kind = given[0];
    const toml::node& node = *table.get(kind);
    const std::string where = reader.path(kind);
    if (kind == "values") {
      read_values(node, where, draft);
    } else if (const toml::table* spec = reader.table(kind, Presence::required, shapes.at(kind))) {
      try {
        if (kind == "range") read_range(*spec, where, draft);
        if (kind == "linspace") read_linspace(*spec, where, draft);
        if (kind == "random") read_random(*spec, where, draft);
      } catch (const std::invalid_argument& error) {
        report(node, where, error.what());
        draft.ok = false;
      }
    } else {
      draft.ok = false;
    }
    return draft;
  }

  void read_values(const toml::node& node, const std::string& where, AxisDraft& draft) {
    const toml::array* array = node.as_array();
    if (array == nullptr || array->empty()) {
      report(node, where,
             array ? "is empty: an axis needs at least one value" : "must be an array, got " + describe(node));
      draft.ok = false;
      return;
    }
    std::int64_t k = 0;
    for (const toml::node& element : *array) {
      const std::string element_path = where + "[" + std::to_string(k++) + "]";
      if (const auto* i = element.as_integer()) {
        draft.levels.emplace_back(i->get());
      } else if (const auto* f = element.as_floating_point()) {
        draft.levels.emplace_back(f->get());
      } else if (const auto* s = element.as_string()) {
        draft.levels.emplace_back(s->get());
      } else if (const auto* b = element.as_boolean()) {
        draft.levels.emplace_back(b->get());
      } else {
        report(element, element_path, "must be a number, a string or true/false, got " + describe(element));
        draft.ok = false;
      }
    }
  }

  // Reads the plain keys of a generator table, each required unless given a default.
  template <class T>
  bool field(TableReader& reader, std::string_view key, T& out, bool required) {
    return reader.read(key, out, required ? Presence::required : Presence::optional) || !required;
  }

  void read_range(const toml::table& table, const std::string& where, AxisDraft& draft) {
    TableReader reader(loader_, table, where, range_keys);
    std::int64_t start = 0, stop = 0, step = 1;
    const bool read = field(reader, "start", start, true) & field(reader, "stop", stop, true) &
                      field(reader, "step", step, false);  // `&`, not `&&`: every problem is reported
    if (!read) {
      draft.ok = false;
      return;
    }
    draft.levels = integer_range(start, stop, step);
  }

  void read_linspace(const toml::table& table, const std::string& where, AxisDraft& draft) {
    TableReader reader(loader_, table, where, linspace_keys);
    double start = 0, stop = 0;
    std::int64_t num = 0;
    const bool read =
        field(reader, "start", start, true) & field(reader, "stop", stop, true) & field(reader, "num", num, true);
    if (!read) {
      draft.ok = false;
      return;
    }
    draft.levels = linspace(start, stop, num);
  }

  void read_random(const toml::table& table, const std::string& where, AxisDraft& draft) {
    const bool latin = spec_.mode == SweepMode::latin_hypercube;
    TableReader reader(loader_, table, where, random_keys);
    DistributionSpec spec;
    std::string name;
    bool ok = field(reader, "distribution", name, true);
    if (ok) {
      const auto known = std::find(std::begin(distribution_names), std::end(distribution_names), name);
      if (known == std::end(distribution_names)) {
        report(*table.get("distribution"), reader.path("distribution"),
               "must be \"uniform\", \"loguniform\" or \"integer\", got \"" + name + "\"" +
                   did_you_mean(name, {"uniform", "loguniform", "integer"}));
        ok = false;
      } else {
        spec.kind = static_cast<Distribution>(known - std::begin(distribution_names));
      }
    }
    ok = field(reader, "low", spec.low, true) & field(reader, "high", spec.high, true) & ok;
    if (latin) {
      for (const char* key : {"samples", "seed"}) {
        if (const toml::node* node = table.get(key)) {
          report(*node, reader.path(key),
                 std::string("is set for the whole design in mode \"latin-hypercube\": ") +
                     (key == std::string("samples") ? "[sweep] samples" : "[sweep] sample_seed"));
          ok = false;
        }
      }
    } else {
      ok = field(reader, "samples", draft.samples, true) & ok;
      std::int64_t seed = 0;
      if (const toml::node* node = reader.find("seed", Presence::optional)) {
        if (loader_.read_value(*node, reader.path("seed"), seed) && seed >= 0) {
          draft.seed = static_cast<std::uint64_t>(seed);
        } else {
          if (seed < 0) report(*node, reader.path("seed"), "must be >= 0, got " + std::to_string(seed));
          ok = false;
        }
      }
    }
    if (!ok) {
      draft.ok = false;
      return;
    }
    check_distribution(spec);
    if (!latin && (draft.samples < 1 || draft.samples > max_axis_values)) {
      throw std::invalid_argument("samples must be in [1, " + std::to_string(max_axis_values) + "], got " +
                                  std::to_string(draft.samples));
    }
    draft.distribution = spec;
  }

  // Written-out values as they are; random ones drawn (every axis at once for a Latin
  // hypercube, where each axis takes one value per stratum of its distribution or levels).
  void make_values() {
    const bool latin = spec_.mode == SweepMode::latin_hypercube;
    std::vector<std::vector<double>> strata;
    if (latin && samples_node_ != nullptr) {
      try {
        strata = latin_hypercube(samples_, static_cast<std::int64_t>(drafts_.size()), sample_seed_);
      } catch (const std::invalid_argument& error) {
        report(*samples_node_, "sweep.samples", error.what());
        return;
      }
    }
    for (std::size_t a = 0; a < drafts_.size(); ++a) {
      AxisDraft& draft = drafts_[a];
      if (!draft.ok) continue;
      if (latin) {
        if (strata.empty()) continue;
        for (double u : strata[a]) {
          if (draft.distribution) {
            draft.axis.values.push_back(distribution_value(*draft.distribution, u));
          } else {
            const auto n = static_cast<double>(draft.levels.size());
            draft.axis.values.push_back(draft.levels[static_cast<std::size_t>(std::min(std::floor(u * n), n - 1))]);
          }
        }
      } else if (draft.distribution) {
        draft.axis.values = random_samples(*draft.distribution, draft.samples, draft.seed.value_or(sample_seed_),
                                           static_cast<std::uint32_t>(a));
      } else {
        draft.axis.values = std::move(draft.levels);
      }
    }
  }

  // Rules across axes: names, special axes' values, zip lengths, grid labels and size.
  void check_axes() {
    // The rules on the axes as a set, reported at the key they concern.
    std::vector<const AxisDraft*> checked;
    std::vector<const SweepAxis*> axes;
    for (const AxisDraft& draft : drafts_) {
      if (!draft.ok || draft.axis.path.empty()) continue;
      checked.push_back(&draft);
      axes.push_back(&draft.axis);
    }
    for (const AxisProblem& problem : axes_problems(axes, spec_.mode)) {
      const AxisDraft& draft = *checked[problem.axis];
      const toml::table& table = *draft.table;
      const toml::node* node = problem.key.empty() ? nullptr : table.get(problem.key);
      report(node ? *node : table, draft.where + (problem.key.empty() ? "" : "." + problem.key), problem.message);
    }

    std::int64_t points = 1;
    bool too_many = false;
    for (std::size_t a = 0; a < drafts_.size(); ++a) {
      AxisDraft& draft = drafts_[a];
      if (!draft.ok || draft.axis.path.empty()) continue;
      const toml::table& table = *draft.table;
      check_special_values(draft);
      const auto size = static_cast<std::int64_t>(draft.axis.values.size());
      if (spec_.mode == SweepMode::zip && a > 0 && drafts_[0].ok) {
        const auto first = static_cast<std::int64_t>(drafts_[0].axis.values.size());
        if (size != first) {
          loader_.report(table.source(), draft.where,
                         "has " + std::to_string(size) + " values but " + drafts_[0].where + " has " +
                             std::to_string(first) + ": zipped axes need as many values each",
                         "");
        }
      }
      if (spec_.mode == SweepMode::grid) {
        if (size > 0 && points > max_sweep_points / size) too_many = true;
        points *= std::max<std::int64_t>(size, 1);
      }
    }
    if (too_many) {
      loader_.report(root_.source(), "sweep", "the grid has more than " + std::to_string(max_sweep_points) + " points",
                     "");
    }
  }

  // `trials` and `seed` axes: integers in range, checked here since they need no scenario.
  void check_special_values(const AxisDraft& draft) {
    const bool trials = draft.axis.path == trials_path;
    if (!trials && draft.axis.path != seed_path) return;
    for (const SweepValue& value : draft.axis.values) {
      const auto* integer = std::get_if<std::int64_t>(&value);
      const bool ok = integer != nullptr && (trials ? trials_problem(*integer).empty() : *integer >= 0);
      if (!ok) {
        loader_.report(draft.table->source(), draft.where,
                       "has the value " + to_toml_text(value) + ", but " +
                           (trials ? "trials " + trials_rule() : std::string("a seed must be an integer >= 0")),
                       "");
        return;
      }
    }
  }

  std::string file_;
  std::map<std::string, SourcePosition> positions_;
  Loader loader_;
  toml::table root_;
  SweepSpec spec_;
  std::vector<AxisDraft> drafts_;
  std::uint64_t sample_seed_ = 1;
  std::int64_t samples_ = 0;
  const toml::node* samples_node_ = nullptr;
};

}  // namespace

SweepSpec load_sweep_string(std::string_view toml_text, const std::string& source_name) {
  return SweepReader(toml_text, source_name).read();
}

bool is_sweep_text(std::string_view toml_text) {
  try {
    return detail::parse_toml(toml_text, "").contains("sweep");
  } catch (const ConfigError&) {
    return false;  // not TOML: the scenario loader says where
  }
}

SweepSpec load_sweep_file(const std::string& path) {
  const std::string text = read_text_file(path, "sweep");
  return load_sweep_string(text, path);
}

}  // namespace salvosim
