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
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config_detail.hpp"
#include "config_fields.hpp"
#include "config_published.hpp"
#include "toml_reader.hpp"

namespace salvosim {

std::string printable(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += {'\\', 'x', hex[c >> 4], hex[c & 15]};
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {  // U+0080-U+009F, C1 controls (CSI is U+009B)
      const auto c1 = static_cast<unsigned char>(text[++i]);
      out += {'\\', 'u', '0', '0', hex[c1 >> 4], hex[c1 & 15]};
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

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
  return printable(out + message);
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

using namespace detail;  // the TOML reading machinery (toml_reader.hpp)

// `{ start, duration }` or `{ waves = [[time, count], ...] }`.
void read_launch(Loader& loader, TableReader& group, LaunchSpec& launch) {
  const char* shape = "{ start = ..., duration = ... } or { waves = [[time, count], ...] }";
  const toml::table* table = group.table("launch", required, shape);
  if (table == nullptr) return;
  const std::string path = group.path("launch");
  TableReader reader(loader, *table, path, keys_of(uniform_launch_fields, launch_keys_by_hand));
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
      loader.report(element.source(), wave_path, "must be a [time, count] pair, got " + describe(element), wave_path);
      continue;
    }
    loader.read_value(*pair->get(0), wave_path + ".time", wave.time);
    loader.read_value(*pair->get(1), wave_path + ".count", wave.count);
  }
}

// `targets = { <tier> = share, ... }`: the shares by tier name (validate() checks names and sums).
void read_targets(Loader& loader, TableReader& group, ThreatGroup& threat) {
  const toml::table* table = group.table("targets", optional, "of <tier> = share");
  if (table == nullptr) return;
  for (auto&& [key, node] : *table) {
    // Kept even when unreadable (as 0), so that validate() knows the sum is not worth checking.
    double& share = threat.targets[std::string(key.str())];
    loader.read_value(node, group.path("targets") + "." + std::string(key.str()), share);
  }
}

// Group `index` of salvo `salvo` (named `salvo_name`; -1 for a plain scenario's groups). With
// declared tiers, a group aims by `targets`, and `defended_fraction` has no meaning.
ThreatGroup read_threat(Loader& loader, const toml::table& table, std::int64_t salvo, std::string_view salvo_name,
                        std::int64_t index, bool tiers_declared) {
  ThreatGroup threat;
  const auto* name = table.get_as<std::string>("name");
  const std::string path = detail::group_path(salvo, salvo_name, index, name != nullptr ? name->get() : "");
  loader.record(path, table);
  TableReader reader(loader, table, path, keys_of(threat_fields, threat_keys_by_hand));
  reader.read("name", threat.name, required);
  read_fields(reader, threat, threat_fields);
  read_targets(loader, reader, threat);
  // Written at all (even as 1), it is a mistake worth pointing out: validate() sees only values
  // that differ from the default.
  if (const toml::node* node = table.get("defended_fraction"); node != nullptr && tiers_declared) {
    loader.report(node->source(), reader.path("defended_fraction"), detail::defended_fraction_with_tiers(),
                  reader.path("defended_fraction"));
  }
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

// Returns false when `doctrine` is there but unreadable; `given` tells whether it is there.
bool read_doctrine(TableReader& reader, Doctrine& out, bool* given = nullptr) {
  const toml::node* node = reader.find("doctrine", optional);
  if (given != nullptr) *given = node != nullptr;
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
      loader.report(node.source(), path, "must be a table " + std::string(shape) + ", got " + describe(node), path);
      continue;
    }
    TableReader reader(loader, *entry, path, keys_of(engagement_fields, engagement_keys_by_hand));
    read_fields(reader, spec, engagement_fields);
    if (const toml::table* window = reader.table("window", required, "{ open = ..., close = ... }")) {
      TableReader window_reader(loader, *window, reader.path("window"), keys_of(window_fields));
      read_fields(window_reader, spec.window, window_fields);
    }
  }
}

// `tiers = ["populated", ...]`: the tiers a layer or a rationing rule engages (validate()
// checks the names).
void read_tier_names(TableReader& reader, std::optional<std::vector<std::string>>& tiers) {
  const toml::node* node = reader.find("tiers", optional);
  if (node == nullptr) return;
  const toml::array* array = node->as_array();
  std::vector<std::string> names;
  if (array != nullptr) {
    for (const toml::node& element : *array) {
      const auto* text = element.as_string();
      if (text == nullptr) {
        array = nullptr;
        break;
      }
      names.push_back(text->get());
    }
  }
  if (array == nullptr) {
    reader.problem("tiers", *node, "must be an array of tier names, got " + describe(*node));
    return;
  }
  tiers = std::move(names);
}

// `resupply`: an integer a salvo, or a schedule `{ "<salvo>" = count, ... }` (names are
// checked against the salvos by validate()).
void read_resupply(Loader& loader, TableReader& reader, Layer& layer) {
  const toml::node* node = reader.find("resupply", optional);
  if (node == nullptr) return;
  if (const toml::table* schedule = node->as_table()) {
    for (auto&& [key, amount] : *schedule) {
      const std::string salvo(key.str());
      loader.read_value(amount, reader.path("resupply") + "." + salvo, layer.resupply_schedule[salvo]);
    }
    return;
  }
  if (node->as_integer() == nullptr) {
    reader.problem("resupply", *node,
                   "must be an integer (interceptors added at each salvo's start after the first) or a schedule "
                   "{ \"<salvo>\" = count, ... }, got " +
                       describe(*node));
    return;
  }
  loader.read_value(*node, reader.path("resupply"), layer.resupply);
}

// `[[layer.ration]]`: `below`, and the keys that replace the layer's while the rule applies.
void read_rations(Loader& loader, TableReader& layer_reader, Layer& layer) {
  std::int64_t r = 0;
  for (const toml::table* table : entries(layer_reader, "ration")) {
    Ration& ration = layer.rations.emplace_back();
    const std::string path = layer_reader.path("ration") + "[" + std::to_string(r++) + "]";
    loader.record(path, *table);
    TableReader reader(loader, *table, path, keys_of(ration_fields, ration_keys_by_hand));
    read_fields(reader, ration, ration_fields);
    std::int64_t shots = 0;
    if (reader.read("shots", shots, optional)) ration.shots = shots;
    Doctrine doctrine = Doctrine::salvo;
    bool given = false;
    if (read_doctrine(reader, doctrine, &given) && given) ration.doctrine = doctrine;
    bool point_defense = false;
    if (reader.read("point_defense", point_defense, optional)) ration.point_defense = point_defense;
    read_tier_names(reader, ration.tiers);
  }
}

Layer read_layer(Loader& loader, const toml::table& table, std::int64_t index) {
  Layer layer;
  const auto* name = table.get_as<std::string>("name");
  const std::string path = detail::layer_path(index, name != nullptr ? name->get() : "");
  loader.record(path, table);
  TableReader reader(loader, table, path, keys_of(layer_fields, layer_keys_by_hand));
  reader.read("name", layer.name, required);
  read_fields(reader, layer, layer_fields);
  // A layer firing from another's magazine has no `interceptors` of its own (validate() says so).
  reader.read("magazine", layer.magazine, optional);
  read_count_or_unlimited(reader, "interceptors", layer.interceptors, layer.magazine.empty() ? required : optional, 0);
  read_resupply(loader, reader, layer);
  std::int64_t capacity = 0;
  if (reader.read("capacity", capacity, optional)) layer.capacity = capacity;
  const bool doctrine_known = read_doctrine(reader, layer.doctrine);
  read_count_or_unlimited(reader, "max_engagements", layer.max_engagements, optional, 1);
  read_rations(loader, reader, layer);
  // Written under salvo, these would be silently ignored: say so, even when they hold the
  // default (validate() can only see values that differ from it). A rule that switches to
  // shoot-look-shoot uses them.
  if (doctrine_known && layer.doctrine == Doctrine::salvo && !detail::rations_look(layer)) {
    for (const char* key : {"look_time", "max_engagements"}) {
      if (const toml::node* node = table.get(key)) {
        loader.report(node->source(), reader.path(key), detail::only_for_shoot_look_shoot(), reader.path(key));
      }
    }
  }
  read_tier_names(reader, layer.tiers);
  read_engages(loader, reader, layer);
  return layer;
}

// `[[tier]]`: name, value, defended.
Tier read_tier(Loader& loader, const toml::table& table, std::int64_t index) {
  Tier tier;
  const auto* name = table.get_as<std::string>("name");
  const std::string path = detail::tier_path(index, name != nullptr ? name->get() : "");
  loader.record(path, table);
  TableReader reader(loader, table, path, keys_of(tier_fields, tier_keys_by_hand));
  reader.read("name", tier.name, required);
  read_fields(reader, tier, tier_fields);
  return tier;
}

// `[[salvo]]`: name, start, and its own `[[salvo.threat]]` groups.
Salvo read_salvo(Loader& loader, const toml::table& table, std::int64_t index, bool tiers_declared) {
  Salvo salvo;
  const auto* name = table.get_as<std::string>("name");
  const std::string path = detail::salvo_path(index, name != nullptr ? name->get() : "");
  loader.record(path, table);
  TableReader reader(loader, table, path, salvo_keys);
  reader.read("name", salvo.name, required);
  reader.read("start", salvo.start, required);
  std::int64_t g = 0;
  for (const toml::table* group : entries(reader, "threat")) {
    salvo.threats.push_back(
        read_threat(loader, *group, index, name != nullptr ? name->get() : "", g++, tiers_declared));
  }
  return salvo;
}

void read_root(Loader& loader, const toml::table& root, Scenario& scenario) {
  TableReader reader(loader, root, "", root_keys);
  if (const toml::table* table = reader.table("scenario", optional, "[scenario] of name and description")) {
    TableReader scenario_reader(loader, *table, "scenario", scenario_keys);
    scenario_reader.read("name", scenario.name, optional);
    scenario_reader.read("description", scenario.description, optional);
  }
  std::int64_t index = 0;
  for (const toml::table* table : entries(reader, "tier")) scenario.tiers.push_back(read_tier(loader, *table, index++));
  const bool tiers_declared = !scenario.tiers.empty();
  index = 0;
  for (const toml::table* table : entries(reader, "threat")) {
    scenario.threats.push_back(read_threat(loader, *table, -1, "", index++, tiers_declared));
  }
  index = 0;
  for (const toml::table* table : entries(reader, "salvo")) {
    scenario.salvos.push_back(read_salvo(loader, *table, index++, tiers_declared));
  }
  index = 0;
  for (const toml::table* table : entries(reader, "layer")) {
    scenario.layers.push_back(read_layer(loader, *table, index++));
  }
  read_published(loader, reader, scenario.published);
}

}  // namespace

namespace detail {

Scenario load_scenario_text(std::string_view text, const std::string& source_name, const std::string& default_name) {
  return read_scenario(parse_toml(text, source_name), text, source_name, default_name);
}

Scenario read_scenario(const toml::table& root, std::string_view text, const std::string& source_name,
                       const std::string& default_name) {
  if (root.empty()) fail(source_name, 0, 0, "contains no scenario (the file is empty or holds only comments)");

  Scenario scenario;
  scenario.name = default_name;
  scenario.source_text = std::string(text);
  scenario.source_name = source_name;
  scenario.source_default_name = default_name;
  Loader loader(source_name, scenario.positions);
  read_root(loader, root, scenario);

  std::vector<ConfigProblem> problems = std::move(loader.problems());
  for (ConfigProblem& problem : detail::validate_scenario(scenario, loader.unreadable())) {
    problems.push_back(std::move(problem));
  }
  if (problems.empty()) return scenario;
  sort_by_position(problems);
  throw ConfigError(std::move(problems));
}

std::vector<std::string> split_dotted_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t k = 0;
  while (true) {
    std::string segment;
    if (k < path.size() && path[k] == '"') {
      const std::size_t close = path.find('"', k + 1);
      if (close == std::string::npos) throw std::invalid_argument("has a quote that is not closed");
      segment = path.substr(k + 1, close - k - 1);
      k = close + 1;
      if (k < path.size() && path[k] != '.') throw std::invalid_argument("has text after a closing quote");
    } else {
      const std::size_t dot = path.find('.', k);
      segment = path.substr(k, dot == std::string::npos ? std::string::npos : dot - k);
      if (segment.find('"') != std::string::npos) throw std::invalid_argument("has a quote inside a segment");
      k = dot == std::string::npos ? path.size() : dot;
    }
    if (segment.empty()) throw std::invalid_argument("has an empty segment");
    segments.push_back(std::move(segment));
    if (k >= path.size()) return segments;
    ++k;  // the dot
    if (k >= path.size()) throw std::invalid_argument("ends with a dot");
  }
}

std::string name_problem(std::string_view name) {
  if (name.size() > max_name_bytes) {
    return "a name must be at most " + std::to_string(max_name_bytes) + " bytes long, got " +
           std::to_string(name.size());
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool c1 = c == 0xc2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(name[i + 1]) <= 0x9f;
    if (c < 0x20 || c == 0x7f || c1) {
      return "a name must not hold control characters (NUL, newline, tab, ESC, DEL, ...), got \"" + std::string(name) +
             "\"";
    }
  }
  return "";
}

[[noreturn]] void fail(const std::string& file, std::int64_t line, std::int64_t column, std::string message) {
  throw ConfigError({ConfigProblem{file, line, column, "", std::move(message)}});
}

[[noreturn]] static void fail_malformed(const std::string& file, const toml::parse_error& error) {
  fail(file, error.source().begin.line, error.source().begin.column,
       "malformed TOML: " + std::string(error.description()));
}

std::string read_text_file(const std::string& path, const std::string& kind) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) fail(path, 0, 0, "no such file");
  if (error) fail(path, 0, 0, "cannot open: " + error.message());
  if (status.type() == fs::file_type::directory) fail(path, 0, 0, "is a directory, not a " + kind + " file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, 0, 0, "cannot open: " + std::string(std::strerror(errno)));
  // A scenario or a sweep is kilobytes of text. The bound stops a path to a device or a pipe
  // that never ends (base = "/dev/zero" in a sweep file) from being read until memory runs out.
  constexpr std::size_t max_text_file_bytes = std::size_t{64} << 20;
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_text_file_bytes) fail(path, 0, 0, "is larger than 64 MiB: not a " + kind + " file");
  }
  if (in.bad()) fail(path, 0, 0, "cannot read: " + std::string(std::strerror(errno)));
  return text;
}

toml::table parse_toml(std::string_view text, const std::string& source_name) {
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
  return root;
}

}  // namespace detail

Scenario load_scenario_file(const std::string& path) {
  const std::string text = detail::read_text_file(path, "scenario");
  std::string stem = std::filesystem::path(path).stem().string();
  return detail::load_scenario_text(text, path, stem.empty() ? "unnamed" : stem);
}

Scenario load_scenario_string(std::string_view toml_text, const std::string& source_name) {
  return detail::load_scenario_text(toml_text, source_name, "unnamed");
}

}  // namespace salvosim
