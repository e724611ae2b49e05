// TOML -> Scenario. The loader checks the shape of the file (known keys, required keys, value
// types); validate.cpp checks the values. Both collect every problem before anything throws.
#include "salvosim/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config_detail.hpp"

namespace salvosim {

std::string ConfigProblem::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ":" + std::to_string(line);
      if (column > 0) out += ":" + std::to_string(column);
    }
    out += ": ";
  }
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

namespace {

std::string one_per_line(const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const ConfigProblem& problem : problems) {
    if (!out.empty()) out += '\n';
    out += problem.to_string();
  }
  return out;
}

}  // namespace

ConfigError::ConfigError(std::vector<ConfigProblem> problems)
    : std::runtime_error(one_per_line(problems)), problems_(std::move(problems)) {}

namespace {

enum class Presence { optional, required };

// What a value is, for the "got ..." of a message: `string "fast"`, `integer 5`, `float 3.0`
// (with the ".0" that makes it a float in TOML), `boolean true`, `table`, `array of 3 values`.
std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "string \"" + node.as_string()->get() + "\"";
    case toml::node_type::integer:
      return "integer " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: {
      std::string text = detail::format_number(node.as_floating_point()->get());
      if (text.find_first_of(".en") == std::string::npos) text += ".0";  // 'n': inf and nan
      return "float " + text;
    }
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "boolean true" : "boolean false";
    case toml::node_type::table:
      return "table";
    case toml::node_type::array: {
      const std::size_t size = node.as_array()->size();
      return "array of " + std::to_string(size) + (size == 1 ? " value" : " values");
    }
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "nothing";
  }
}

// Taking a TOML value as a C++ one: false when the type does not fit. A float never passes
// for an integer (3.0 as a count is a mistake worth pointing out); an integer is a fine float.
bool take(const toml::node& node, double& out) {
  if (const auto* value = node.as_floating_point()) {
    out = value->get();
    return true;
  }
  if (const auto* value = node.as_integer()) {
    out = static_cast<double>(value->get());
    return true;
  }
  return false;
}
bool take(const toml::node& node, std::int64_t& out) {
  const auto* value = node.as_integer();
  if (value != nullptr) out = value->get();
  return value != nullptr;
}
bool take(const toml::node& node, std::string& out) {
  const auto* value = node.as_string();
  if (value != nullptr) out = value->get();
  return value != nullptr;
}
bool take(const toml::node& node, bool& out) {
  const auto* value = node.as_boolean();
  if (value != nullptr) out = value->get();
  return value != nullptr;
}
const char* expected(const double&) { return "a number"; }
const char* expected(const std::int64_t&) { return "an integer"; }
const char* expected(const std::string&) { return "a string"; }
const char* expected(const bool&) { return "true or false"; }

// Collects what the loader finds: problems, positions, and which values could not be read
// (so that validate() does not report them a second time).
class Loader {
 public:
  Loader(std::string file, Scenario& scenario) : file_(std::move(file)), scenario_(scenario) {}

  void record(const std::string& path, const toml::node& node) {
    scenario_.positions[path] = position(node.source());
  }

  // A problem at `where`; `unreadable` (if not empty) is the key path of the value it leaves
  // at its default.
  void report(const toml::source_region& where, const std::string& path, std::string message,
              const std::string& unreadable) {
    const SourcePosition at = position(where);
    problems_.push_back({at.file, at.line, at.column, path, std::move(message)});
    if (!unreadable.empty()) unreadable_.insert(unreadable);
  }

  // Reads one value into `out`, or reports its type.
  template <class T>
  bool read_value(const toml::node& node, const std::string& path, T& out) {
    record(path, node);
    if (take(node, out)) return true;
    report(node.source(), path, std::string("must be ") + expected(out) + ", got " + describe(node), path);
    return false;
  }

  std::vector<ConfigProblem>& problems() { return problems_; }
  const std::set<std::string>& unreadable() const { return unreadable_; }

 private:
  SourcePosition position(const toml::source_region& where) const {
    return {file_, static_cast<std::int64_t>(where.begin.line), static_cast<std::int64_t>(where.begin.column)};
  }

  std::string file_;
  Scenario& scenario_;
  std::vector<ConfigProblem> problems_;
  std::set<std::string> unreadable_;
};

// One TOML table being read at key path `path`, with the keys valid there: any other key is
// reported at once, with a "did you mean" among the valid ones.
class TableReader {
 public:
  TableReader(Loader& loader, const toml::table& table, std::string path, std::vector<std::string> keys)
      : loader_(loader), table_(table), path_(std::move(path)) {
    for (auto&& [key, node] : table_) {
      if (std::find(keys.begin(), keys.end(), key.str()) != keys.end()) continue;
      loader_.report(key.source(), this->path(key.str()),
                     "unknown key \"" + std::string(key.str()) + "\"" + detail::did_you_mean(key.str(), keys), "");
    }
  }

  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool has(std::string_view key) const { return table_.contains(key); }

  // The value of `key` (its position recorded), or nullptr when absent (reported if required).
  const toml::node* find(std::string_view key, Presence presence) {
    const toml::node* node = table_.get(key);
    if (node != nullptr) {
      loader_.record(path(key), *node);
    } else if (presence == Presence::required) {
      loader_.report(table_.source(), path_, "missing required key \"" + std::string(key) + "\"", path(key));
    }
    return node;
  }

  template <class T>
  bool read(std::string_view key, T& out, Presence presence) {
    const toml::node* node = find(key, presence);
    return node != nullptr && loader_.read_value(*node, path(key), out);
  }

  // The sub-table at `key`; `shape` shows what is expected, e.g. "{ mean = ..., sd = ... }".
  const toml::table* table(std::string_view key, Presence presence, std::string_view shape) {
    const toml::node* node = find(key, presence);
    if (node == nullptr) return nullptr;
    if (const toml::table* table = node->as_table()) return table;
    problem(key, *node, "must be a table " + std::string(shape) + ", got " + describe(*node));
    return nullptr;
  }

  // A problem with the value of `key`, which is left at its default.
  void problem(std::string_view key, const toml::node& node, std::string message) {
    loader_.report(node.source(), path(key), std::move(message), path(key));
  }

 private:
  Loader& loader_;
  const toml::table& table_;
  std::string path_;
};

// The plain keys of an entity: the config key, the member it fills, and whether it is required.
// Keys with more to them (names, tables, "unlimited", enumerations) are read by hand.
template <class Entity>
struct Field {
  std::string_view key;
  std::variant<double Entity::*, std::int64_t Entity::*, std::string Entity::*, bool Entity::*> member;
  Presence presence = Presence::optional;
};

template <class Entity>
using Fields = std::vector<Field<Entity>>;

template <class Entity>
void read_fields(TableReader& reader, Entity& entity, const Fields<Entity>& fields) {
  for (const Field<Entity>& field : fields) {
    std::visit([&](auto member) { reader.read(field.key, entity.*member, field.presence); }, field.member);
  }
}

// The keys valid in a table: its plain fields and the keys read by hand.
template <class Entity>
std::vector<std::string> keys_of(const Fields<Entity>& fields, std::initializer_list<std::string_view> more = {}) {
  std::vector<std::string> keys;
  for (const Field<Entity>& field : fields) keys.emplace_back(field.key);
  for (std::string_view key : more) keys.emplace_back(key);
  return keys;
}

constexpr Presence required = Presence::required;
constexpr Presence optional = Presence::optional;

const Fields<ThreatGroup> threat_fields = {
    {"class", &ThreatGroup::threat_class, optional},
    {"count", &ThreatGroup::count, required},
    {"p_launch", &ThreatGroup::p_launch, optional},
    {"p_flight", &ThreatGroup::p_flight, optional},
    {"defended_fraction", &ThreatGroup::defended_fraction, optional},
    {"cost", &ThreatGroup::cost, optional},
};
const Fields<LaunchSpec> uniform_launch_fields = {
    {"start", &LaunchSpec::start, required},
    {"duration", &LaunchSpec::duration, required},
};
const Fields<FlightTime> flight_time_fields = {
    {"mean", &FlightTime::mean, required},
    {"sd", &FlightTime::sd, optional},
};
const Fields<Layer> layer_fields = {
    {"fire_units", &Layer::fire_units, required},
    {"channels", &Layer::channels, required},
    {"engagement_time", &Layer::engagement_time, required},
    {"shots", &Layer::shots, optional},
    {"look_time", &Layer::look_time, optional},
    {"kill_assessment", &Layer::kill_assessment, optional},
    {"point_defense", &Layer::point_defense, optional},
    {"coverage", &Layer::coverage, optional},
    {"cost", &Layer::cost, optional},
};
const Fields<EngagementSpec> engagement_fields = {
    {"pk", &EngagementSpec::pk, required},
    {"detect", &EngagementSpec::detect, optional},
};
const Fields<Window> window_fields = {
    {"open", &Window::open, required},
    {"close", &Window::close, required},
};

// The top-level tables. Adding one (issue 6: [[salvo]], [published]) means a key here and a
// reader in read_root.
const std::vector<std::string> top_level_keys = {"scenario", "threat", "layer"};

// `{ start, duration }` or `{ waves = [[time, count], ...] }`.
void read_launch(Loader& loader, TableReader& group, LaunchSpec& launch) {
  const char* shape = "{ start = ..., duration = ... } or { waves = [[time, count], ...] }";
  const toml::table* table = group.table("launch", required, shape);
  if (table == nullptr) return;
  const std::string path = group.path("launch");
  TableReader reader(loader, *table, path, {"start", "duration", "waves"});
  const bool uniform = reader.has("start") || reader.has("duration");
  const bool waves = reader.has("waves");
  if (uniform == waves) {
    loader.report(table->source(), path,
                  std::string(uniform ? "has both start/duration and waves: give " : "must be ") + shape, path);
    return;
  }
  if (uniform) {
    launch.kind = LaunchSpec::Kind::uniform;
    read_fields(reader, launch, uniform_launch_fields);
    return;
  }
  launch.kind = LaunchSpec::Kind::waves;
  const toml::node* node = reader.find("waves", required);
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    reader.problem("waves", *node, "must be an array of [time, count] pairs, got " + describe(*node));
    return;
  }
  std::int64_t w = 0;
  for (const toml::node& element : *array) {
    // A malformed wave still takes its place, so that later waves keep their index.
    Wave& wave = launch.waves.emplace_back();
    const std::string wave_path = path + ".waves[" + std::to_string(w++) + "]";
    loader.record(wave_path, element);
    const toml::array* pair = element.as_array();
    if (pair == nullptr || pair->size() != 2) {
      loader.report(element.source(), wave_path, "must be a [time, count] pair, got " + describe(element),
                    wave_path);
      continue;
    }
    loader.read_value(*pair->get(0), wave_path + ".time", wave.time);
    loader.read_value(*pair->get(1), wave_path + ".count", wave.count);
  }
}

ThreatGroup read_threat(Loader& loader, const toml::table& table, std::int64_t index) {
  ThreatGroup threat;
  const auto* name = table.get_as<std::string>("name");
  const std::string path = detail::threat_path(index, name != nullptr ? name->get() : "");
  loader.record(path, table);
  TableReader reader(loader, table, path, keys_of(threat_fields, {"name", "launch", "flight_time"}));
  reader.read("name", threat.name, required);
  read_fields(reader, threat, threat_fields);
  read_launch(loader, reader, threat.launch);
  if (const toml::table* flight = reader.table("flight_time", required, "{ mean = ..., sd = ... }")) {
    TableReader flight_reader(loader, *flight, reader.path("flight_time"), keys_of(flight_time_fields));
    read_fields(flight_reader, threat.flight_time, flight_time_fields);
  }
  return threat;
}

// `interceptors` and `max_engagements`: an integer (its range is validate()'s business) or
// "unlimited", kept as nullopt.
void read_count_or_unlimited(TableReader& reader, std::string_view key, std::optional<std::int64_t>& out,
                             Presence presence, std::int64_t min) {
  const toml::node* node = reader.find(key, presence);
  if (node == nullptr) return;
  if (const auto* value = node->as_integer()) {
    out = value->get();
    return;
  }
  const auto* text = node->as_string();
  if (text != nullptr && text->get() == "unlimited") {
    out.reset();
    return;
  }
  reader.problem(key, *node,
                 "must be an integer >= " + std::to_string(min) + " or \"unlimited\", got " + describe(*node) +
                     (text != nullptr ? detail::did_you_mean(text->get(), {"unlimited"}) : ""));
}

// Returns false when `doctrine` is there but unreadable.
bool read_doctrine(TableReader& reader, Doctrine& out) {
  const toml::node* node = reader.find("doctrine", optional);
  if (node == nullptr) return true;
  const std::vector<std::string> names = {to_string(Doctrine::salvo), to_string(Doctrine::shoot_look_shoot)};
  const auto* text = node->as_string();
  if (text != nullptr && text->get() == names[0]) {
    out = Doctrine::salvo;
    return true;
  }
  if (text != nullptr && text->get() == names[1]) {
    out = Doctrine::shoot_look_shoot;
    return true;
  }
  reader.problem("doctrine", *node,
                 "must be \"salvo\" or \"shoot-look-shoot\", got " + describe(*node) +
                     (text != nullptr ? detail::did_you_mean(text->get(), names) : ""));
  return false;
}

// `engages.<group-or-class> = { pk, detect, window = { open, close } }`, in file order.
void read_engages(Loader& loader, TableReader& layer_reader, Layer& layer) {
  const char* shape = "{ pk = ..., detect = ..., window = { open = ..., close = ... } }";
  const toml::table* table =
      layer_reader.table("engages", optional, "of engages.<group-or-class> = " + std::string(shape));
  if (table == nullptr) return;
  for (auto&& [key, node] : *table) {
    EngagementSpec& spec = layer.engages.emplace_back();
    spec.target = std::string(key.str());
    const std::string path = layer_reader.path("engages") + "." + spec.target;
    loader.record(path, node);
    const toml::table* entry = node.as_table();
    if (entry == nullptr) {
      loader.report(node.source(), path, "must be a table " + std::string(shape) + ", got " + describe(node),
                    path);
      continue;
    }
    TableReader reader(loader, *entry, path, keys_of(engagement_fields, {"window"}));
    read_fields(reader, spec, engagement_fields);
    if (const toml::table* window = reader.table("window", required, "{ open = ..., close = ... }")) {
      TableReader window_reader(loader, *window, reader.path("window"), keys_of(window_fields));
      read_fields(window_reader, spec.window, window_fields);
    }
  }
}

Layer read_layer(Loader& loader, const toml::table& table, std::int64_t index) {
  Layer layer;
  const auto* name = table.get_as<std::string>("name");
  const std::string path = detail::layer_path(index, name != nullptr ? name->get() : "");
  loader.record(path, table);
  TableReader reader(loader, table, path,
                     keys_of(layer_fields, {"name", "interceptors", "doctrine", "max_engagements", "engages"}));
  reader.read("name", layer.name, required);
  read_fields(reader, layer, layer_fields);
  read_count_or_unlimited(reader, "interceptors", layer.interceptors, required, 0);
  const bool doctrine_known = read_doctrine(reader, layer.doctrine);
  read_count_or_unlimited(reader, "max_engagements", layer.max_engagements, optional, 1);
  // Written under salvo, these would be silently ignored: say so, even when they hold the
  // default (validate() can only see values that differ from it).
  if (doctrine_known && layer.doctrine == Doctrine::salvo) {
    for (const char* key : {"look_time", "max_engagements"}) {
      if (const toml::node* node = table.get(key)) {
        loader.report(node->source(), reader.path(key), detail::only_for_shoot_look_shoot(), reader.path(key));
      }
    }
  }
  read_engages(loader, reader, layer);
  return layer;
}

// The entries of `[[key]]`. Anything else there (a single [key] table, an array of numbers)
// is reported, and the whole array left unread rather than read with shifted indices.
std::vector<const toml::table*> entries(TableReader& root, std::string_view key) {
  const toml::node* node = root.find(key, optional);
  if (node == nullptr) return {};
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    if (array == nullptr || !array->empty()) {
      root.problem(key, *node,
                   "must be an array of tables (write [[" + std::string(key) + "]]), got " + describe(*node));
    }
    return {};
  }
  std::vector<const toml::table*> tables;
  for (const toml::node& element : *array) tables.push_back(element.as_table());
  return tables;
}

void read_root(Loader& loader, const toml::table& root, Scenario& scenario) {
  TableReader reader(loader, root, "", top_level_keys);
  if (const toml::table* table = reader.table("scenario", optional, "[scenario] of name and description")) {
    TableReader scenario_reader(loader, *table, "scenario", {"name", "description"});
    scenario_reader.read("name", scenario.name, optional);
    scenario_reader.read("description", scenario.description, optional);
  }
  std::int64_t index = 0;
  for (const toml::table* table : entries(reader, "threat")) {
    scenario.threats.push_back(read_threat(loader, *table, index++));
  }
  index = 0;
  for (const toml::table* table : entries(reader, "layer")) {
    scenario.layers.push_back(read_layer(loader, *table, index++));
  }
}

[[noreturn]] void fail(const std::string& file, std::int64_t line, std::int64_t column, std::string message) {
  throw ConfigError({ConfigProblem{file, line, column, "", std::move(message)}});
}

[[noreturn]] void fail_malformed(const std::string& file, const toml::parse_error& error) {
  fail(file, error.source().begin.line, error.source().begin.column,
       "malformed TOML: " + std::string(error.description()));
}

Scenario parse_scenario(std::string_view text, const std::string& source_name, const std::string& default_name) {
  toml::table root;
#if TOML_EXCEPTIONS
  try {
    root = toml::parse(text, std::string_view(source_name));
  } catch (const toml::parse_error& error) {
    fail_malformed(source_name, error);
  }
#else
  toml::parse_result result = toml::parse(text, std::string_view(source_name));
  if (!result) fail_malformed(source_name, result.error());
  root = std::move(result).table();
#endif
  if (root.empty()) fail(source_name, 0, 0, "contains no scenario (the file is empty or holds only comments)");

  Scenario scenario;
  scenario.name = default_name;
  scenario.source_text = std::string(text);
  scenario.source_name = source_name;
  Loader loader(source_name, scenario);
  read_root(loader, root, scenario);

  std::vector<ConfigProblem> problems = std::move(loader.problems());
  for (ConfigProblem& problem : detail::validate_scenario(scenario, loader.unreadable())) {
    problems.push_back(std::move(problem));
  }
  if (problems.empty()) return scenario;
  // In file order; problems without a line (such as "no [[threat]] groups") last.
  auto line_of = [](const ConfigProblem& p) {
    return p.line > 0 ? p.line : std::numeric_limits<std::int64_t>::max();
  };
  std::stable_sort(problems.begin(), problems.end(), [&](const ConfigProblem& a, const ConfigProblem& b) {
    return std::pair(line_of(a), a.column) < std::pair(line_of(b), b.column);
  });
  throw ConfigError(std::move(problems));
}

std::string read_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) fail(path, 0, 0, "no such file");
  if (error) fail(path, 0, 0, "cannot open: " + error.message());
  if (status.type() == fs::file_type::directory) fail(path, 0, 0, "is a directory, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, 0, 0, "cannot open: " + std::string(std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(path, 0, 0, "cannot read: " + std::string(std::strerror(errno)));
  return text.str();
}

}  // namespace

Scenario load_scenario_file(const std::string& path) {
  const std::string text = read_file(path);
  std::string stem = std::filesystem::path(path).stem().string();
  return parse_scenario(text, path, stem.empty() ? "unnamed" : stem);
}

Scenario load_scenario_string(std::string_view toml_text, const std::string& source_name) {
  return parse_scenario(toml_text, source_name, "unnamed");
}

}  // namespace salvosim
