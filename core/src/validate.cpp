// Every rule of MODEL.md §1, checked on the in-memory structs, so that a scenario edited from
// Python is held to the same rules as one read from a file.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "config_detail.hpp"
#include "salvosim/config.hpp"
#include "salvosim/names.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim {
namespace {

// The counter-based random stream (rng.hpp) keys the threat index on 32 bits, the layer index
// on 8 bits and the engagement number of one threat in one layer on 20 bits: beyond these,
// two draws would share a counter. The kernel's requests hold a threat's index as a signed
// 32-bit integer, which halves the first.
constexpr std::int64_t max_threats = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t max_layers = 255;
constexpr std::int64_t max_engagements_per_threat = std::int64_t{1} << 20;
// The plan keeps the kill probability of every partial salvo, 16 bytes a shot for each group
// a layer engages, and a trial's interceptor counts grow with shots: no engagement needs more.

// The key path one level up: `threat[0] "a".flight_time.sd` -> `threat[0] "a".flight_time`
// -> `threat[0] "a"` -> `threat[0]` -> `threat` -> "". Dots and brackets inside a quoted
// name do not count.
std::string parent_path(const std::string& path) {
  std::size_t cut = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '.' || c == '[' || (c == ' ' && i + 1 < path.size() && path[i + 1] == '"')) cut = i;
  }
  return path.substr(0, cut);
}

// Collects problems, placing each at the value's position in the file (or the nearest
// enclosing table's, for a value that was left to its default or set from code).
class Checker {
 public:
  Checker(const Scenario& scenario, const std::set<std::string>& unreadable)
      : scenario_(scenario), unreadable_(unreadable) {}

  // False if the loader already reported one of these values: rules on them are skipped.
  template <class... Paths>
  bool readable(const Paths&... paths) const {
    return (... && readable_one(paths));
  }

  const SourcePosition* position(const std::string& path) const {
    for (std::string p = path; !p.empty(); p = parent_path(p)) {
      if (auto it = scenario_.positions.find(p); it != scenario_.positions.end()) return &it->second;
    }
    return nullptr;
  }

  void report(const std::string& path, std::string message) {
    ConfigProblem problem;
    problem.file = scenario_.source_name;
    if (const SourcePosition* where = position(path)) {
      if (!where->file.empty()) problem.file = where->file;
      problem.line = where->line;
      problem.column = where->column;
    }
    problem.key_path = path;
    problem.message = std::move(message);
    problems_.push_back(std::move(problem));
  }

  // A value's own rule (check_value), skipped when the value is already known to be
  // unreadable. True if the value is readable and obeys it.
  template <class T>
  bool value(const std::string& path, ValueRule rule, const T& given) {
    if (!readable(path)) return false;
    std::string problem = check_value(rule, given);
    if (problem.empty()) return true;
    report(path, std::move(problem));
    return false;
  }
  // The name rule (config_detail.hpp name_problem) on a name that may be empty (a class).
  void name(const std::string& path, const std::string& value) {
    if (!readable(path)) return;
    if (std::string problem = detail::name_problem(value); !problem.empty()) report(path, std::move(problem));
  }

  // Where an earlier occurrence of a name was written, for "duplicate ... (first at line 12)".
  std::string first_at(const std::string& name_path, const std::string& entry) const {
    auto it = scenario_.positions.find(name_path);
    if (it != scenario_.positions.end() && it->second.line > 0) {
      return "first at line " + std::to_string(it->second.line);
    }
    return "first is " + entry;
  }

  // A name, not empty and unique among the entries seen so far (`seen`: name -> key path of
  // its first `name`): "duplicate <noun> name ... (first at line 12)".
  void unique_name(std::map<std::string, std::string>& seen, const std::string& name_path, const std::string& name,
                   const char* noun) {
    value(name_path, ValueRule::name, name);
    if (name.empty() || !readable(name_path)) return;
    auto [first, inserted] = seen.emplace(name, name_path);
    if (!inserted) {
      report(name_path, std::string("duplicate ") + noun + " name \"" + name + "\" (" +
                            first_at(first->second, parent_path(first->second)) + ")");
    }
  }

  std::vector<ConfigProblem> take() { return std::move(problems_); }

 private:
  // A value is unreadable when it, or a table holding it, was reported by the loader.
  bool readable_one(const std::string& path) const {
    if (unreadable_.empty()) return true;
    for (std::string p = path; !p.empty(); p = parent_path(p)) {
      if (unreadable_.count(p) != 0) return false;
    }
    return true;
  }

  const Scenario& scenario_;
  const std::set<std::string>& unreadable_;
  std::vector<ConfigProblem> problems_;
};

// `launch` of the threat group at key path `group`.
void check_launch(Checker& check, const std::string& group, const ThreatGroup& threat) {
  const std::string path = group + ".launch";
  const LaunchSpec& launch = threat.launch;
  if (launch.kind == LaunchSpec::Kind::uniform) {
    check.value(path + ".start", field_rule::launch::start, launch.start);
    check.value(path + ".duration", field_rule::launch::duration, launch.duration);
    return;
  }
  const std::string waves_path = path + ".waves";
  if (!check.readable(waves_path)) return;
  // Summed in a wider type: each count fits in int64, the sum of several may not.
  long double sum = 0;
  bool counts_readable = true;
  std::int64_t w = 0;
  for (const Wave& wave : launch.waves) {
    const std::string wave_path = waves_path + "[" + std::to_string(w++) + "]";
    check.value(wave_path + ".time", field_rule::launch::wave_time, wave.time);
    check.value(wave_path + ".count", field_rule::launch::wave_count, wave.count);
    counts_readable = counts_readable && check.readable(wave_path, wave_path + ".count");
    sum += static_cast<long double>(wave.count);
  }
  if (counts_readable && check.readable(group + ".count") && sum != static_cast<long double>(threat.count)) {
    const bool overflows = sum > static_cast<long double>(std::numeric_limits<std::int64_t>::max());
    const std::string total = overflows ? "more than 2^63" : std::to_string(static_cast<std::int64_t>(sum));
    check.report(waves_path, "waves add up to " + total + ", but count is " + std::to_string(threat.count));
  }
}

// `[[tier]]`: at most max_tiers, named uniquely by the name rule, with names that cannot be
// taken for another selection's label.
void check_tiers(Checker& check, const Scenario& scenario) {
  const auto count = static_cast<std::int64_t>(scenario.tiers.size());
  if (count > max_tiers) {
    check.report(detail::tier_path(max_tiers, scenario.tiers[max_tiers].name),
                 "at most 64 tiers (a layer's engaged tiers are a 64-bit mask), got " + std::to_string(count));
  }
  std::map<std::string, std::string> first_name_path;
  for (std::int64_t t = 0; t < count; ++t) {
    const Tier& tier = scenario.tiers[static_cast<std::size_t>(t)];
    const std::string key = detail::tier_path(t, tier.name);
    check.unique_name(first_name_path, key + ".name", tier.name, "tier");
    if (check.readable(key + ".name") && is_reserved_selection_name(tier.name)) {
      check.report(key + ".name", std::string(reserved_selection_name_message));
    }
    check.value(key + ".value", field_rule::tier::value, tier.value);
  }
}

std::vector<std::string> tier_names(const Scenario& scenario) {
  std::vector<std::string> names;
  for (const Tier& tier : scenario.tiers) names.push_back(tier.name);
  return names;
}

// A group's `targets`: with declared tiers, shares of declared tiers in [0, 1] adding up to 1
// (within target_sum_tolerance); without, not allowed.
void check_targets(Checker& check, const Scenario& scenario, const std::string& group, const ThreatGroup& threat) {
  const std::string path = group + ".targets";
  if (!check.readable(path)) return;
  if (scenario.tiers.empty()) {
    if (!threat.targets.empty()) {
      check.report(path, "targets needs [[tier]] tables to name; without them a group aims by defended_fraction");
    }
    return;
  }
  if (threat.defended_fraction != 1.0 && check.readable(group + ".defended_fraction")) {
    check.report(group + ".defended_fraction", detail::defended_fraction_with_tiers());
  }
  if (threat.targets.empty()) {
    check.report(path, "the scenario declares [[tier]] tables: every group needs targets = { <tier> = share, ... }");
    return;
  }
  const std::vector<std::string> names = tier_names(scenario);
  double sum = 0.0;
  bool readable = true;
  for (const auto& [name, share] : threat.targets) {
    const std::string entry = path + "." + name;
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      check.report(entry, "no tier named \"" + name + "\"" + detail::did_you_mean(name, names));
      readable = false;
    }
    readable = check.value(entry, field_rule::threat::target_share, share) && readable;
    sum += share;
  }
  if (readable && !(std::abs(sum - 1.0) <= target_sum_tolerance)) {
    check.report(path, "the shares must add up to 1 (within 1e-9), but add up to " + detail::format_number(sum));
  }
}

// Threat groups: of the plain scenario, or of every salvo of a campaign. Names are unique
// across the whole campaign, and threat indices are numbered across all its groups.
void check_threats(Checker& check, const Scenario& scenario) {
  if (scenario.salvos.empty() && scenario.threats.empty()) {
    if (check.readable("threat")) check.report("threat", "no [[threat]] groups: a scenario needs at least one");
    return;
  }
  if (!scenario.salvos.empty() && !scenario.threats.empty() && check.readable("threat")) {
    check.report("threat",
                 "a campaign ([[salvo]] tables) takes its threat groups inside its salvos, as "
                 "[[salvo.threat]]: move these [[threat]] groups into a salvo");
  }
  std::map<std::string, std::string> first_name_path;  // name -> key path of its first `name`
  std::int64_t threats_so_far = 0;                     // threat indices are numbered across groups
  bool too_many_reported = false;
  for (const SalvoView& salvo : campaign_salvos(scenario)) {
    std::int64_t i = 0;
    for (const ThreatGroup& threat : *salvo.threats) {
      const std::string group = detail::group_path(salvo.index, salvo.name, i++, threat.name);
      check.unique_name(first_name_path, group + ".name", threat.name, "threat");
      if (check.readable(group + ".name") && is_reserved_selection_name(threat.name)) {
        check.report(group + ".name", std::string(reserved_selection_name_message));
      }
      check.value(group + ".count", field_rule::threat::count, threat.count);
      check.name(group + ".class", threat.threat_class);
      if (threat.count > 0 && !too_many_reported) {
        if (threat.count > max_threats - threats_so_far) {
          check.report(group + ".count",
                       "the groups up to this one hold more than 2^31 - 1 = 2147483647 "
                       "threats, the most a scenario can hold (the kernel numbers threats "
                       "with signed 32-bit integers)");
          too_many_reported = true;  // and no more counting: the sum could overflow
        } else {
          threats_so_far += threat.count;
        }
      }
      check_launch(check, group, threat);
      check.value(group + ".flight_time.mean", field_rule::flight_time::mean, threat.flight_time.mean);
      check.value(group + ".flight_time.sd", field_rule::flight_time::sd, threat.flight_time.sd);
      check.value(group + ".p_launch", field_rule::threat::p_launch, threat.p_launch);
      check.value(group + ".p_flight", field_rule::threat::p_flight, threat.p_flight);
      check.value(group + ".defended_fraction", field_rule::threat::defended_fraction, threat.defended_fraction);
      check.value(group + ".cost", field_rule::threat::cost, threat.cost);
      check_targets(check, scenario, group, threat);
    }
  }
}

// The salvos of a campaign: named uniquely, in strictly increasing order of start, each with
// at least one group.
void check_salvos(Checker& check, const Scenario& scenario) {
  std::map<std::string, std::string> first_name_path;
  const Salvo* previous = nullptr;  // the last salvo with a readable start
  std::int64_t previous_index = 0;
  for (std::int64_t s = 0; s < static_cast<std::int64_t>(scenario.salvos.size()); ++s) {
    const Salvo& salvo = scenario.salvos[static_cast<std::size_t>(s)];
    const std::string key = detail::salvo_path(s, salvo.name);
    check.unique_name(first_name_path, key + ".name", salvo.name, "salvo");
    if (check.value(key + ".start", field_rule::salvo::start, salvo.start)) {
      if (previous != nullptr && !(salvo.start > previous->start)) {
        check.report(key + ".start",
                     "salvos must start in strictly increasing order: " + detail::format_number(salvo.start) +
                         " is not after the start of " + detail::salvo_path(previous_index, previous->name) + " (" +
                         detail::format_number(previous->start) + ")");
      }
      previous = &salvo;
      previous_index = s;
    }
    if (salvo.threats.empty() && check.readable(key + ".threat")) {
      check.report(key + ".threat", "no [[salvo.threat]] groups: a salvo needs at least one");
    }
  }
}

// Every name an `engages` key may refer to: group names, then classes.
std::vector<std::string> engageable_names(const Scenario& scenario) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  const std::vector<SalvoView> salvos = campaign_salvos(scenario);
  for (const SalvoView& salvo : salvos) {
    for (const ThreatGroup& threat : *salvo.threats) {
      if (!threat.name.empty() && seen.insert(threat.name).second) names.push_back(threat.name);
    }
  }
  for (const SalvoView& salvo : salvos) {
    for (const ThreatGroup& threat : *salvo.threats) {
      if (!threat.threat_class.empty() && seen.insert(threat.threat_class).second) {
        names.push_back(threat.threat_class);
      }
    }
  }
  return names;
}

void check_engages(Checker& check, const std::string& layer_key, const Layer& layer,
                   const std::vector<std::string>& targets) {
  const std::string path = layer_key + ".engages";
  if (!check.readable(path)) return;
  if (layer.engages.empty()) {
    check.report(path,
                 "a layer must engage at least one threat group or class: add "
                 "engages.<group-or-class> = { pk = ..., window = { open = ..., close = ... } }");
    return;
  }
  std::set<std::string> seen;
  for (const EngagementSpec& spec : layer.engages) {
    const std::string entry = path + "." + spec.target;
    if (!check.readable(entry)) continue;
    // Without any name to refer to (no groups, or unreadable ones: reported already), every
    // target would look unknown.
    if (check.readable("threat") && check.readable("salvo") && !targets.empty() &&
        std::find(targets.begin(), targets.end(), spec.target) == targets.end()) {
      check.report(entry, "engages \"" + spec.target + "\": no threat group or class of that name" +
                              detail::did_you_mean(spec.target, targets));
    }
    if (!seen.insert(spec.target).second) {
      check.report(entry, "engages \"" + spec.target + "\" is listed twice in this layer");
    }
    check.value(entry + ".pk", field_rule::engagement::pk, spec.pk);
    check.value(entry + ".detect", field_rule::engagement::detect, spec.detect);
    const bool open_ok = check.value(entry + ".window.open", field_rule::engagement::window_open, spec.window.open);
    const bool close_ok = check.value(entry + ".window.close", field_rule::engagement::window_close, spec.window.close);
    if (open_ok && close_ok && !(spec.window.open > spec.window.close)) {
      check.report(entry + ".window", "window.open (" + detail::format_number(spec.window.open) +
                                          ") must be greater than window.close (" +
                                          detail::format_number(spec.window.close) + ")");
    }
  }
}

// A campaign's magazine: resupply >= 0 interceptors a salvo (or a schedule of deliveries at
// named salvos), up to capacity >= interceptors; all need a finite magazine.
void check_resupply(Checker& check, const std::string& layer_key, const Layer& layer,
                    const std::vector<SalvoView>& salvos) {
  const std::string resupply = layer_key + ".resupply", capacity = layer_key + ".capacity";
  const auto salvo_count = static_cast<std::int64_t>(salvos.size());
  const bool scheduled = !layer.resupply_schedule.empty();
  if (!layer.magazine.empty()) return;  // no magazine of its own: check_shared_magazine
  if (!layer.interceptors) {
    if (!check.readable(layer_key + ".interceptors")) return;
    for (const auto& [path, set] :
         {std::pair(resupply, layer.resupply != 0 || scheduled), std::pair(capacity, layer.capacity.has_value())}) {
      if (set && check.readable(path)) {
        check.report(path, "applies only to a finite magazine, but this layer's interceptors are \"unlimited\"");
      }
    }
    return;
  }
  check.value(resupply, field_rule::layer::resupply, layer.resupply);
  if (scheduled && layer.resupply != 0 && check.readable(resupply)) {
    check.report(resupply,
                 "is either an integer (each salvo after the first) or a schedule, not both: "
                 "set the integer to 0 or clear the schedule");
  }
  // What the layer can receive over the whole campaign must be a 64-bit count.
  std::int64_t added = 0, ever = 0;
  if (layer.resupply > 0 && *layer.interceptors >= 0 && check.readable(resupply, layer_key + ".interceptors") &&
      (__builtin_mul_overflow(layer.resupply, salvo_count - 1, &added) ||
       __builtin_add_overflow(*layer.interceptors, added, &ever))) {
    check.report(resupply, "interceptors + resupply x (salvos - 1) = " + std::to_string(*layer.interceptors) + " + " +
                               std::to_string(layer.resupply) + " x " + std::to_string(salvo_count - 1) +
                               " is more than 2^63 - 1, the most a count can hold");
  }
  std::vector<std::string> later;  // the salvos a delivery may name: all but the first
  for (std::size_t s = 1; s < salvos.size(); ++s) later.push_back(salvos[s].name);
  ever = *layer.interceptors;
  bool summable = *layer.interceptors >= 0 && check.readable(layer_key + ".interceptors");
  for (const auto& [salvo, count] : layer.resupply_schedule) {
    const std::string path = resupply + "." + salvo;
    if (!check.readable(path)) {
      summable = false;
      continue;
    }
    if (!salvos.empty() && salvo == salvos[0].name) {
      check.report(path,
                   "names the first salvo, which starts with interceptors: a schedule delivers at later "
                   "salvos only");
    } else if (std::find(later.begin(), later.end(), salvo) == later.end()) {
      check.report(path, "no salvo named \"" + salvo + "\"" + detail::did_you_mean(salvo, later));
    }
    if (!check.value(path, field_rule::layer::delivery, count)) {
      summable = false;
    } else if (summable && __builtin_add_overflow(ever, count, &ever)) {
      check.report(path,
                   "interceptors + the schedule's deliveries up to this one are more than 2^63 - 1, the "
                   "most a count can hold");
      summable = false;
    }
  }
  if (layer.capacity && *layer.capacity < *layer.interceptors &&
      check.readable(capacity, layer_key + ".interceptors")) {
    check.report(capacity, "must be >= interceptors (" + std::to_string(*layer.interceptors) +
                               "), the magazine at the campaign's start; got " + std::to_string(*layer.capacity));
  }
}

// A layer that fires from another's magazine (`magazine = "<layer>"`): an earlier layer with
// a magazine of its own, and nothing of a magazine of its own.
void check_shared_magazine(Checker& check, const Scenario& scenario, std::int64_t index) {
  const Layer& layer = scenario.layers[static_cast<std::size_t>(index)];
  const std::string key = detail::layer_path(index, layer.name);
  const std::string path = key + ".magazine";
  if (layer.magazine.empty() || !check.readable(path)) return;
  std::vector<std::string> earlier;
  std::int64_t source = -1;
  for (std::int64_t l = 0; l < static_cast<std::int64_t>(scenario.layers.size()); ++l) {
    const std::string& name = scenario.layers[static_cast<std::size_t>(l)].name;
    if (name == layer.magazine && source < 0) source = l;
    if (l < index) earlier.push_back(name);
  }
  if (source == index) {
    check.report(path, "names this layer itself: a layer fires from its own magazine unless it names an earlier one");
  } else if (source < 0) {
    check.report(path, "no layer named \"" + layer.magazine + "\"" + detail::did_you_mean(layer.magazine, earlier));
  } else if (source > index) {
    check.report(path, "names \"" + layer.magazine +
                           "\", a later layer: the magazine must belong to a layer listed before this one");
  } else if (!scenario.layers[static_cast<std::size_t>(source)].magazine.empty()) {
    check.report(path, "names \"" + layer.magazine + "\", which fires from the magazine of \"" +
                           scenario.layers[static_cast<std::size_t>(source)].magazine +
                           "\" itself: name the layer that owns the magazine");
  }
  const char* own = "a layer that fires from another's magazine (magazine = \"";
  const std::string why =
      std::string(own) + layer.magazine + "\") has no magazine of its own; set it on \"" + layer.magazine + "\"";
  if (layer.interceptors && check.readable(key + ".interceptors")) check.report(key + ".interceptors", why);
  if ((layer.resupply != 0 || !layer.resupply_schedule.empty()) && check.readable(key + ".resupply")) {
    check.report(key + ".resupply", why);
  }
  if (layer.capacity && check.readable(key + ".capacity")) check.report(key + ".capacity", why);
}

// Whether the magazine layer `index` fires from is finite (its own, or the shared one's);
// nullopt when that is not known: the magazine named is not a valid one (reported elsewhere).
std::optional<bool> finite_magazine(const Scenario& scenario, std::int64_t index) {
  const Layer& layer = scenario.layers[static_cast<std::size_t>(index)];
  if (layer.magazine.empty()) return layer.interceptors.has_value();
  for (std::int64_t l = 0; l < index; ++l) {
    const Layer& source = scenario.layers[static_cast<std::size_t>(l)];
    if (source.name == layer.magazine && source.magazine.empty()) return source.interceptors.has_value();
  }
  return std::nullopt;
}

void check_tier_names(Checker& check, const Scenario& scenario, const std::string& owner,
                      const std::optional<std::vector<std::string>>& tiers, bool point_defense_given);

// Stock-aware doctrine: reserves and rationing rules, on a finite magazine only.
void check_rations(Checker& check, const Scenario& scenario, std::int64_t index, std::int64_t salvos) {
  const Layer& layer = scenario.layers[static_cast<std::size_t>(index)];
  const std::string key = detail::layer_path(index, layer.name);
  const std::optional<bool> finite_or_unknown = finite_magazine(scenario, index);
  const bool unlimited_known = finite_or_unknown == false && check.readable(key + ".interceptors", key + ".magazine");
  const std::string unlimited =
      "applies only to a finite magazine, but the magazine this layer fires from is "
      "\"unlimited\"";
  for (const auto& [name, value, rule] :
       {std::tuple("reserve", layer.reserve, field_rule::layer::reserve),
        std::tuple("reserve_per_salvo", layer.reserve_per_salvo, field_rule::layer::reserve_per_salvo)}) {
    const std::string path = key + "." + name;
    if (check.value(path, rule, value) && value != 0 && unlimited_known) check.report(path, unlimited);
  }
  std::int64_t per_salvo = 0, held = 0;
  if (layer.reserve >= 0 && layer.reserve_per_salvo > 0 &&
      check.readable(key + ".reserve", key + ".reserve_per_salvo") &&
      (__builtin_mul_overflow(layer.reserve_per_salvo, salvos - 1, &per_salvo) ||
       __builtin_add_overflow(layer.reserve, per_salvo, &held))) {
    check.report(key + ".reserve_per_salvo",
                 "reserve + reserve_per_salvo x (salvos - 1) is more than 2^63 - 1, "
                 "the most a count can hold");
  }
  std::map<std::int64_t, std::string> first_below;  // below -> key path of its first rule
  for (std::size_t r = 0; r < layer.rations.size(); ++r) {
    const Ration& ration = layer.rations[r];
    const std::string path = key + ".ration[" + std::to_string(r) + "]";
    if (!check.readable(path)) continue;
    if (unlimited_known) check.report(path, unlimited);
    if (check.value(path + ".below", field_rule::ration::below, ration.below)) {
      auto [first, inserted] = first_below.emplace(ration.below, path);
      if (!inserted) {
        check.report(path + ".below", "below = " + std::to_string(ration.below) +
                                          " is given by another rule of this layer too (" +
                                          check.first_at(first->second + ".below", first->second) +
                                          "): each rule needs its own threshold");
      }
    }
    if (ration.shots) check.value(path + ".shots", field_rule::ration::shots, *ration.shots);
    if (!ration.shots && !ration.doctrine && !ration.point_defense && !ration.tiers &&
        check.readable(path + ".shots", path + ".doctrine", path + ".point_defense", path + ".tiers")) {
      check.report(path, "a rationing rule must give at least one of shots, doctrine, point_defense, tiers");
    }
    check_tier_names(check, scenario, path, ration.tiers, ration.point_defense.has_value());
  }
}

// The random stream numbers the engagements of one threat in one layer on 20 bits: a
// shoot-look-shoot layer must not be able to engage one threat more often than that.
void check_engagement_bound(Checker& check, const std::string& layer_key, const Layer& layer) {
  const std::string path = layer_key + ".max_engagements";
  if (layer.max_engagements && *layer.max_engagements <= max_engagements_per_threat) return;
  if (!check.readable(path, layer_key + ".engagement_time", layer_key + ".look_time")) return;
  const double cycle = layer.engagement_time + layer.look_time;
  if (!(cycle > 0.0) || !std::isfinite(cycle)) return;  // reported as a bad engagement_time
  double widest = 0.0;
  std::string widest_target;
  for (const EngagementSpec& spec : layer.engages) {
    const double width = spec.window.open - spec.window.close;
    if (std::isfinite(width) && width > widest) {
      widest = width;
      widest_target = spec.target;
    }
  }
  const double engagements = widest / cycle;
  if (engagements <= static_cast<double>(max_engagements_per_threat)) return;
  const std::string limit = layer.max_engagements ? "max_engagements = " + std::to_string(*layer.max_engagements)
                                                  : "max_engagements unlimited";
  check.report(path, "with " + limit + ", the window of engages \"" + widest_target + "\" allows about " +
                         detail::format_number(std::floor(engagements)) +
                         " engagements of one threat ((open - close) / (engagement_time + look_time)), "
                         "more than the 2^20 = 1048576 the random stream can number: set "
                         "max_engagements to at most 1048576");
}

// A layer's or a rationing rule's `tiers` at `owner` + ".tiers": declared tiers, each once, at
// least one; not with point_defense (its shorthand for the defended tiers) when that is given.
void check_tier_names(Checker& check, const Scenario& scenario, const std::string& owner,
                      const std::optional<std::vector<std::string>>& tiers, bool point_defense_given) {
  const std::string path = owner + ".tiers";
  if (!tiers || !check.readable(path)) return;
  if (scenario.tiers.empty()) {
    check.report(path,
                 "tiers needs [[tier]] tables to name; without them point_defense = true engages the threats aimed "
                 "at a defended area only");
    return;
  }
  if (point_defense_given && check.readable(owner + ".point_defense")) {
    check.report(path, "give tiers or point_defense (the defended tiers), not both");
  }
  if (tiers->empty()) {
    check.report(path, "must name at least one tier (leave tiers out to engage every tier)");
    return;
  }
  const std::vector<std::string> names = tier_names(scenario);
  std::set<std::string> seen;
  for (const std::string& name : *tiers) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      check.report(path, "no tier named \"" + name + "\"" + detail::did_you_mean(name, names));
    } else if (!seen.insert(name).second) {
      check.report(path, "tier \"" + name + "\" is listed twice");
    }
  }
}

void check_layers(Checker& check, const Scenario& scenario) {
  const auto layer_count = static_cast<std::int64_t>(scenario.layers.size());
  if (layer_count > max_layers) {
    check.report(detail::layer_path(max_layers, scenario.layers[max_layers].name),
                 "at most 255 layers (the random stream numbers layers on 8 bits), got " + std::to_string(layer_count));
  }
  const std::vector<std::string> targets = engageable_names(scenario);
  const std::vector<SalvoView> salvos = campaign_salvos(scenario);
  std::map<std::string, std::string> first_name_path;
  for (std::int64_t j = 0; j < layer_count; ++j) {
    const Layer& layer = scenario.layers[static_cast<std::size_t>(j)];
    const std::string key = detail::layer_path(j, layer.name);
    check.unique_name(first_name_path, key + ".name", layer.name, "layer");
    check.value(key + ".fire_units", field_rule::layer::fire_units, layer.fire_units);
    check.value(key + ".channels", field_rule::layer::channels, layer.channels);
    check.value(key + ".engagement_time", field_rule::layer::engagement_time, layer.engagement_time);
    check.value(key + ".interceptors", field_rule::layer::interceptors, layer.interceptors);
    check_shared_magazine(check, scenario, j);
    check_resupply(check, key, layer, salvos);
    check_rations(check, scenario, j, static_cast<std::int64_t>(salvos.size()));
    check.value(key + ".shots", field_rule::layer::shots, layer.shots);
    std::int64_t channels = 0;
    if (layer.fire_units >= 1 && layer.channels >= 1 && check.readable(key + ".fire_units", key + ".channels") &&
        __builtin_mul_overflow(layer.fire_units, layer.channels, &channels)) {
      check.report(key + ".channels", "fire_units x channels = " + std::to_string(layer.fire_units) + " x " +
                                          std::to_string(layer.channels) +
                                          " is more than 2^63 - 1, the most a count can hold");
    }
    const bool doctrine_known = check.readable(key + ".doctrine");
    // A rule that switches to shoot-look-shoot makes look_time and max_engagements apply.
    if (layer.doctrine == Doctrine::shoot_look_shoot || detail::rations_look(layer)) {
      check.value(key + ".look_time", field_rule::layer::look_time, layer.look_time);
      check.value(key + ".max_engagements", field_rule::layer::max_engagements, layer.max_engagements);
    } else if (doctrine_known) {
      if (layer.look_time != 0.0 && check.readable(key + ".look_time")) {
        check.report(key + ".look_time", detail::only_for_shoot_look_shoot());
      }
      if (layer.max_engagements && check.readable(key + ".max_engagements")) {
        check.report(key + ".max_engagements", detail::only_for_shoot_look_shoot());
      }
    }
    check.value(key + ".kill_assessment", field_rule::layer::kill_assessment, layer.kill_assessment);
    check.value(key + ".coverage", field_rule::layer::coverage, layer.coverage);
    check.value(key + ".cost", field_rule::layer::cost, layer.cost);
    check_tier_names(check, scenario, key, layer.tiers, layer.point_defense);
    check_engages(check, key, layer, targets);
    if (layer.doctrine == Doctrine::shoot_look_shoot || detail::rations_look(layer)) {
      check_engagement_bound(check, key, layer);
    }
  }
}

}  // namespace

namespace detail {

std::vector<ConfigProblem> validate_scenario(const Scenario& scenario, const std::set<std::string>& unreadable) {
  Checker check(scenario, unreadable);
  check.value("scenario.name", field_rule::scenario::name, scenario.name);
  check_tiers(check, scenario);
  check_salvos(check, scenario);
  check_threats(check, scenario);
  check_layers(check, scenario);
  std::vector<ConfigProblem> problems = check.take();
  check_published(scenario, unreadable, problems);
  return problems;
}

}  // namespace detail

std::string check_value(ValueRule rule, double value) {
  const std::string got = ", got " + detail::format_number(value);
  const bool finite = std::isfinite(value);
  switch (rule) {
    case ValueRule::probability:
      return value >= 0.0 && value <= 1.0 ? "" : "must be in [0, 1]" + got;
    case ValueRule::finite:
      return finite ? "" : "must be a finite number" + got;
    case ValueRule::positive:
      return !finite ? "must be a finite number" + got : value > 0.0 ? "" : "must be > 0" + got;
    case ValueRule::non_negative:
      return !finite ? "must be a finite number" + got : value >= 0.0 ? "" : "must be >= 0" + got;
    case ValueRule::before_impact:
      return !finite        ? "must be a finite number" + got
             : value >= 0.0 ? ""
                            : "must be >= 0 (seconds before impact)" + got;
    default:
      throw std::logic_error("check_value: not a rule on a number");
  }
}

std::string check_value(ValueRule rule, std::int64_t value) {
  if (rule == ValueRule::shots && value > max_shots) {
    return "must be <= 2^20 = " + std::to_string(max_shots) + " (interceptors fired in one engagement), got " +
           std::to_string(value);
  }
  if (rule == ValueRule::shots) rule = ValueRule::at_least_one;
  const std::int64_t least = rule == ValueRule::count ? 0 : rule == ValueRule::at_least_one ? 1 : -1;
  if (least < 0) throw std::logic_error("check_value: not a rule on an integer");
  return value >= least ? "" : "must be an integer >= " + std::to_string(least) + ", got " + std::to_string(value);
}

std::string check_value(ValueRule rule, const std::optional<std::int64_t>& value) {
  const std::int64_t least = rule == ValueRule::count_or_unlimited          ? 0
                             : rule == ValueRule::at_least_one_or_unlimited ? 1
                                                                            : -1;
  if (least < 0) throw std::logic_error("check_value: not a rule on a count or \"unlimited\"");
  if (!value || *value >= least) return "";
  return "must be an integer >= " + std::to_string(least) + " or \"unlimited\", got " + std::to_string(*value);
}

std::string check_value(ValueRule rule, const std::string& value) {
  if (rule != ValueRule::name) throw std::logic_error("check_value: not a rule on a string");
  return value.empty() ? "must not be empty" : detail::name_problem(value);
}

std::string describe_rule(ValueRule rule) {
  switch (rule) {
    case ValueRule::finite:
      return "a finite number";
    case ValueRule::positive:
      return "a finite number > 0";
    case ValueRule::non_negative:
      return "a finite number >= 0";
    case ValueRule::probability:
      return "a number in [0, 1]";
    case ValueRule::before_impact:
      return "a finite number >= 0 (seconds before impact)";
    case ValueRule::count:
      return "an integer >= 0";
    case ValueRule::at_least_one:
      return "an integer >= 1";
    case ValueRule::count_or_unlimited:
      return "an integer >= 0, or \"unlimited\"";
    case ValueRule::at_least_one_or_unlimited:
      return "an integer >= 1, or \"unlimited\"";
    case ValueRule::shots:
      return "an integer in [1, 2^20 = " + std::to_string(max_shots) + "]";
    case ValueRule::name:
      return "a name: not empty, at most " + std::to_string(detail::max_name_bytes) + " bytes, no control characters";
  }
  throw std::logic_error("describe_rule: unknown rule");
}

namespace {

// What a source text describes, written by to_toml (empty: the text does not load), remembered
// for the last few texts. Runs of edited copies of one scenario (a calibration, a sensitivity
// analysis, sweeps from Python) ask it of the same text thousands of times, and loading a
// sourced config's text (20 KB, most of it comments) costs 25 times what writing the scenario
// does: about 0.45 ms of a 400-trial run's 2.5. Texts over a MiB are loaded every time (their
// scenarios cost far more to run); a mutex guards the few entries.
constexpr std::size_t remembered_sources = 4;
constexpr std::size_t largest_remembered_source = std::size_t{1} << 20;
struct RememberedSource {
  std::string text, name, default_name, written;
};

std::string written_source(const std::string& text, const std::string& name, const std::string& default_name) {
  const auto load = [&]() -> std::string {
    try {
      return to_toml(detail::load_scenario_text(text, name, default_name));
    } catch (const ConfigError&) {
      return {};
    }
  };
  if (text.size() > largest_remembered_source) return load();
  // Never destroyed: a run at exit (from another static's destructor) may still ask.
  static auto* const mutex = new std::mutex;
  static auto* const remembered = new std::vector<RememberedSource>;  // the most recently used last
  // The entry for (text, name, default_name) moved to the back, or end() (the caller holds the
  // mutex).
  const auto find = [&] {
    auto at = std::find_if(remembered->begin(), remembered->end(), [&](const RememberedSource& s) {
      return s.text == text && s.name == name && s.default_name == default_name;
    });
    if (at != remembered->end()) at = std::rotate(at, at + 1, remembered->end());
    return at;
  };
  {
    const std::scoped_lock lock(*mutex);
    if (const auto at = find(); at != remembered->end()) return at->written;
  }
  std::string written = load();  // outside the lock: other texts need not wait for this one
  const std::scoped_lock lock(*mutex);
  if (find() == remembered->end()) {  // another thread may have loaded it meanwhile
    if (remembered->size() == remembered_sources) remembered->erase(remembered->begin());
    remembered->push_back({text, name, default_name, written});
  }
  return written;
}

}  // namespace

bool source_text_describes(const Scenario& scenario, const std::string& written) {
  if (scenario.source_text.empty()) return false;
  const std::string described =
      written_source(scenario.source_text, scenario.source_name, scenario.source_default_name);
  return !described.empty() && described == written;
}

bool source_text_describes(const Scenario& scenario) { return source_text_describes(scenario, to_toml(scenario)); }

std::vector<ConfigProblem> validate(const Scenario& scenario) {
  std::vector<ConfigProblem> problems = detail::validate_scenario(scenario, {});
  if (problems.empty() || scenario.positions.empty() || source_text_describes(scenario)) return problems;
  // Edited since it was loaded (from Python): the file's lines and names describe values that
  // are no longer there, so the problems name key paths only.
  Scenario edited = scenario;
  edited.positions.clear();
  edited.source_name.clear();
  return detail::validate_scenario(edited, {});
}

void validate_or_throw(const Scenario& scenario) {
  std::vector<ConfigProblem> problems = validate(scenario);
  if (!problems.empty()) throw ConfigError(std::move(problems));
}

}  // namespace salvosim
