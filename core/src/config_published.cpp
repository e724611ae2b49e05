// `[published]`: the figures a scenario is meant to reproduce (docs/model.md §8). The loader
// reads the table's shape here; check_published holds the values to the rules on the
// in-memory scenario, so that one edited from Python (a layer renamed, say) is checked too.
#include "config_published.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config_detail.hpp"
#include "config_schema.hpp"
#include "json_value.hpp"
#include "salvosim/config.hpp"
#include "salvosim/names.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/published.hpp"
#include "salvosim/scenario.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim::detail {
namespace {

using Observable = PublishedObservable;

// The keys whose use depends on the statistic, and the member each fills.
struct StatisticKey {
  std::string_view key;
  std::variant<std::string Observable::*, std::vector<std::string> Observable::*> member;
};
const std::vector<StatisticKey> statistic_keys = {
    {"selection", &Observable::selection}, {"fate", &Observable::fates},    {"rate", &Observable::rate},
    {"layer", &Observable::layers},        {"metric", &Observable::metric},
};

// The keys each statistic takes; all are required, except `layer` of `cost` (left out: every
// layer).
struct Statistic {
  PublishedStatistic kind;
  std::vector<std::string_view> keys;
  std::string_view name() const { return published_statistic_names[static_cast<std::int64_t>(kind)]; }
};
const std::vector<Statistic> statistics = {
    {PublishedStatistic::fate, {"selection", "fate"}},
    {PublishedStatistic::rate, {"selection", "rate"}},
    {PublishedStatistic::intercepts, {"selection", "layer"}},
    {PublishedStatistic::layer, {"layer", "metric"}},
    {PublishedStatistic::cost, {"layer"}},
    {PublishedStatistic::damage, {"selection"}},
};

const std::vector<std::string> definitions = {"engaged", "impacts", "neutralized", "count"};

const std::vector<std::string> published_keys = {"description", "observable"};
const std::vector<std::string> observable_keys = {"name",   "statistic", "selection", "fate",       "rate",   "layer",
                                                  "metric", "value",     "range",     "definition", "source", "note"};

template <class Names>
std::vector<std::string> strings(const Names& names) {
  return std::vector<std::string>(std::begin(names), std::end(names));
}

const Statistic* find_statistic(std::string_view name) {
  const auto it =
      std::find_if(statistics.begin(), statistics.end(), [&](const Statistic& s) { return s.name() == name; });
  return it == statistics.end() ? nullptr : &*it;
}

bool takes(const Statistic& statistic, std::string_view key) {
  return std::find(statistic.keys.begin(), statistic.keys.end(), key) != statistic.keys.end();
}

Presence presence_of(const Statistic& statistic) {
  return statistic.kind == PublishedStatistic::cost ? Presence::optional : Presence::required;
}

std::string does_not_take(const Statistic& statistic, std::string_view key) {
  std::string keys;
  for (std::size_t k = 0; k < statistic.keys.size(); ++k) {
    keys += std::string(k == 0 ? "" : k + 1 == statistic.keys.size() ? " and " : ", ") + std::string(statistic.keys[k]);
  }
  return "statistic \"" + std::string(statistic.name()) + "\" does not take \"" + std::string(key) + "\" (it takes " +
         keys + ")";
}

std::string quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "\"" : ", \"") + name + "\"";
  return out;
}

std::string observable_path(std::int64_t index, std::string_view name) {
  return entry_path("published.observable", index, name);
}

// ---- Reading ------------------------------------------------------------------------------

// `fate` and `layer`: one name, or an array of names.
void read_member(TableReader& reader, std::string_view key, Presence presence, std::vector<std::string>& out) {
  const toml::node* node = reader.find(key, presence);
  if (node == nullptr) return;
  if (const auto* one = node->as_string()) {
    out = {one->get()};
    return;
  }
  std::string got = describe(*node);
  if (const toml::array* array = node->as_array()) {
    const auto bad = std::find_if(array->begin(), array->end(), [](const toml::node& n) { return !n.is_string(); });
    if (bad == array->end()) {
      for (const toml::node& element : *array) out.push_back(element.as_string()->get());
      return;
    }
    got = "an array holding " + describe(*bad);
  }
  reader.problem(key, *node, "must be a name or an array of names, got " + got);
}

void read_member(TableReader& reader, std::string_view key, Presence presence, std::string& out) {
  reader.read(key, out, presence);
}

void read_range(TableReader& reader, Observable& observable) {
  const toml::node* node = reader.find("range", Presence::required);
  if (node == nullptr) return;
  const toml::array* pair = node->as_array();
  if (pair != nullptr && pair->size() == 2 && take(*pair->get(0), observable.low) &&
      take(*pair->get(1), observable.high)) {
    return;
  }
  reader.problem("range", *node, "must be [low, high], two numbers, got " + describe(*node));
}

Observable read_observable(Loader& loader, const toml::table& table, std::int64_t index) {
  Observable observable;
  const auto* name = table.get_as<std::string>("name");
  const std::string path = observable_path(index, name != nullptr ? name->get() : "");
  loader.record(path, table);
  TableReader reader(loader, table, path, observable_keys);
  reader.read("name", observable.name, Presence::required);
  // An unknown or unreadable statistic (reported) takes every key, so that each is still read.
  const Statistic* statistic = reader.read("statistic", observable.statistic, Presence::required)
                                   ? find_statistic(observable.statistic)
                                   : nullptr;
  for (const StatisticKey& key : statistic_keys) {
    if (statistic != nullptr && !takes(*statistic, key.key)) {
      if (const toml::node* node = table.get(key.key))
        reader.problem(key.key, *node, does_not_take(*statistic, key.key));
      continue;
    }
    const Presence presence = statistic != nullptr ? presence_of(*statistic) : Presence::optional;
    std::visit([&](auto member) { read_member(reader, key.key, presence, observable.*member); }, key.member);
  }
  double value = 0.0;
  if (reader.read("value", value, Presence::optional)) observable.value = value;
  read_range(reader, observable);
  reader.read("definition", observable.definition, Presence::required);
  reader.read("source", observable.source, Presence::required);
  reader.read("note", observable.note, Presence::optional);
  return observable;
}

// ---- Checking -----------------------------------------------------------------------------

class Checker {
 public:
  Checker(const Scenario& scenario, const std::set<std::string>& unreadable, std::vector<ConfigProblem>& problems)
      : scenario_(scenario), unreadable_(unreadable), problems_(problems) {}

  // False if the loader reported the value, or a table holding it.
  bool readable(const std::string& entry, std::string_view key) const {
    for (const std::string& path :
         {entry + "." + std::string(key), entry, std::string("published.observable"), std::string("published")}) {
      if (unreadable_.count(path) != 0) return false;
    }
    return true;
  }

  // At the value's line, else its observable's, else the table's.
  void report(const std::string& entry, std::string_view key, std::string message) {
    const std::string path = entry + "." + std::string(key);
    ConfigProblem problem{scenario_.source_name, 0, 0, path, std::move(message)};
    if (const SourcePosition* where = position({path, entry, "published"})) {
      if (!where->file.empty()) problem.file = where->file;
      problem.line = where->line;
      problem.column = where->column;
    }
    problems_.push_back(std::move(problem));
  }

  const SourcePosition* position(std::initializer_list<std::string> paths) const {
    for (const std::string& path : paths) {
      if (auto it = scenario_.positions.find(path); it != scenario_.positions.end()) return &it->second;
    }
    return nullptr;
  }

  // `value` is one of `allowed`.
  void one_of(const std::string& entry, std::string_view key, const std::string& value,
              const std::vector<std::string>& allowed) {
    if (!readable(entry, key) || std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
    report(entry, key, "must be one of " + quoted(allowed) + ", got \"" + value + "\"" + did_you_mean(value, allowed));
  }

  // Every name in `names` is one of `allowed`, and there is at least one if `required`.
  void names_of(const std::string& entry, std::string_view key, const std::vector<std::string>& names,
                const std::vector<std::string>& allowed, std::string_view what, bool required) {
    if (!readable(entry, key)) return;
    if (required && names.empty()) report(entry, key, "must name at least one " + std::string(what));
    for (const std::string& name : names) {
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
      const std::string there = allowed.empty() ? "there are none" : "there are: " + quoted(allowed);
      report(entry, key, "no " + std::string(what) + " \"" + name + "\" (" + there + ")" + did_you_mean(name, allowed));
    }
  }

  void check(std::int64_t index, const Observable& observable, std::map<std::string, std::string>& first_name_path) {
    const std::string entry = observable_path(index, observable.name);
    if (readable(entry, "name") && observable.name.empty()) {
      report(entry, "name", "must not be empty");
    } else if (readable(entry, "name")) {
      if (std::string problem = name_problem(observable.name); !problem.empty()) report(entry, "name", problem);
      const auto [first, inserted] = first_name_path.emplace(observable.name, entry + ".name");
      if (!inserted) {
        const SourcePosition* at = position({first->second});
        report(entry, "name",
               "duplicate observable name \"" + observable.name + "\" (" +
                   (at != nullptr && at->line > 0 ? "first at line " + std::to_string(at->line)
                                                  : "first is " + first->second) +
                   ")");
      }
    }
    one_of(entry, "statistic", observable.statistic, statistic_names());
    if (observable.statistic == "damage" && scenario_.tiers.empty() && readable(entry, "statistic")) {
      report(entry, "statistic",
             "\"damage\" weighs impacts by the value of their tier: it needs [[tier]] tables (without them, count "
             "leaked_defended with statistic \"fate\")");
    }
    if (const Statistic* statistic = find_statistic(observable.statistic)) check_keys(entry, *statistic, observable);
    if (readable(entry, "range") && !(observable.low <= observable.high)) {
      report(entry, "range",
             "must be [low, high] with low <= high, got [" + format_number(observable.low) + ", " +
                 format_number(observable.high) + "]");
    } else if (observable.value && readable(entry, "value") && readable(entry, "range") &&
               !(*observable.value >= observable.low && *observable.value <= observable.high)) {
      report(entry, "value",
             "must lie within range [" + format_number(observable.low) + ", " + format_number(observable.high) +
                 "], got " + format_number(*observable.value));
    }
    one_of(entry, "definition", observable.definition, definitions);
    if (readable(entry, "source") && observable.source.find_first_not_of(" \t\r\n") == std::string::npos) {
      report(entry, "source", "must not be empty: say where the figure comes from");
    }
  }

 private:
  static std::vector<std::string> statistic_names() {
    std::vector<std::string> names;
    for (const Statistic& statistic : statistics) names.emplace_back(statistic.name());
    return names;
  }

  // The keys of the statistic: each the right kind of value, naming what is in the scenario;
  // the keys it does not take, empty.
  void check_keys(const std::string& entry, const Statistic& statistic, const Observable& observable) {
    for (const StatisticKey& key : statistic_keys) {
      const bool set = std::visit([&](auto member) { return !(observable.*member).empty(); }, key.member);
      if (set && !takes(statistic, key.key) && readable(entry, key.key)) {
        report(entry, key.key, does_not_take(statistic, key.key));
      }
    }
    if (takes(statistic, "selection") && scenario_readable("threat") && scenario_readable("salvo") &&
        !(scenario_.threats.empty() && scenario_.salvos.empty())) {
      one_of(entry, "selection", observable.selection, selections());
    }
    if (takes(statistic, "fate")) names_of(entry, "fate", observable.fates, strings(fate_names), "fate", true);
    if (takes(statistic, "rate")) one_of(entry, "rate", observable.rate, strings(rate_names));
    if (takes(statistic, "layer") && scenario_readable("layer")) {
      std::vector<std::string> layers;
      for (const Layer& layer : scenario_.layers) layers.push_back(layer.name);
      names_of(entry, "layer", observable.layers, layers, "layer", presence_of(statistic) == Presence::required);
    }
    if (takes(statistic, "metric")) one_of(entry, "metric", observable.metric, strings(layer_metric_names));
  }

  // Without readable groups or layers (reported already), every name would look unknown.
  bool scenario_readable(const std::string& key) const { return unreadable_.count(key) == 0; }

  // "all", every group (of every salvo of a campaign), "class:<class>" for every class, and
  // "salvo:<name>" for every salvo of a campaign of two or more: the selections of the results.
  std::vector<std::string> selections() const {
    const std::vector<SalvoView> salvos = campaign_salvos(scenario_);
    std::vector<std::string> out = {std::string(selection_all)};
    for (const SalvoView& salvo : salvos) {
      for (const ThreatGroup& threat : *salvo.threats) out.push_back(threat.name);
    }
    for (const SalvoView& salvo : salvos) {
      for (const ThreatGroup& threat : *salvo.threats) {
        const std::string selection = std::string(selection_class_prefix) + threat.threat_class;
        if (!threat.threat_class.empty() && std::find(out.begin(), out.end(), selection) == out.end()) {
          out.push_back(selection);
        }
      }
    }
    if (salvos.size() > 1) {
      for (const SalvoView& salvo : salvos) out.push_back(std::string(selection_salvo_prefix) + salvo.name);
    }
    for (const Tier& tier : scenario_.tiers) out.push_back(std::string(selection_tier_prefix) + tier.name);
    return out;
  }

  const Scenario& scenario_;
  const std::set<std::string>& unreadable_;
  std::vector<ConfigProblem>& problems_;
};

}  // namespace

void read_published(Loader& loader, TableReader& root, Published& published) {
  const toml::table* table =
      root.table("published", Presence::optional, "[published] of description and [[published.observable]]");
  if (table == nullptr) return;
  TableReader reader(loader, *table, "published", published_keys);
  reader.read("description", published.description, Presence::optional);
  std::int64_t index = 0;
  for (const toml::table* entry : entries(reader, "observable")) {
    published.observables.push_back(read_observable(loader, *entry, index++));
  }
}

// The keys of the table read by read_published and of its observables (read_observable),
// with what check_published asks of each value on its own; and what each statistic takes.
Json published_schema() {
  Json names_of_fates = one_of_names(strings(fate_names));
  Json fate{
      {"anyOf", Json::array({names_of_fates, Json{{"type", "array"}, {"items", names_of_fates}, {"minItems", 1}}})}};
  Json layer{
      {"anyOf", Json::array({Json{{"type", "string"}}, Json{{"type", "array"}, {"items", Json{{"type", "string"}}}}})}};
  Json range{{"type", "array"},
             {"items", Json::array({Json{{"type", "number"}}, Json{{"type", "number"}}})},
             {"minItems", 2},
             {"additionalItems", false}};
  std::vector<std::string> statistic_names;
  for (const Statistic& statistic : statistics) statistic_names.emplace_back(statistic.name());
  Json properties{{"name", rule_schema(ValueRule::name)},
                  {"statistic", one_of_names(statistic_names)},
                  {"selection", Json{{"type", "string"}}},
                  {"fate", std::move(fate)},
                  {"rate", one_of_names(strings(rate_names))},
                  {"layer", std::move(layer)},
                  {"metric", one_of_names(strings(layer_metric_names))},
                  {"value", Json{{"type", "number"}}},
                  {"range", std::move(range)},
                  {"definition", one_of_names(definitions)},
                  {"source", Json{{"type", "string"}, {"pattern", "[^ \\t\\r\\n]"}}},  // not blank
                  {"note", Json{{"type", "string"}}}};
  std::vector<std::string> keys;
  for (const auto& [key, value] : properties.members()) keys.push_back(key);
  if (keys != observable_keys) throw std::logic_error("published schema: its keys are not observable_keys");
  // Each statistic: the keys it takes (required, but cost's layer), and none of the others.
  Json statistic_rules = Json::array();
  for (const Statistic& statistic : statistics) {
    std::vector<std::string> takes_keys;
    Json not_taken;
    for (const StatisticKey& key : statistic_keys) {
      if (takes(statistic, key.key)) {
        takes_keys.emplace_back(key.key);
      } else {
        not_taken.set(key.key, false);
      }
    }
    Json then{{"properties", std::move(not_taken)}};
    if (presence_of(statistic) == Presence::required) then.set("required", Json::strings(takes_keys));
    statistic_rules.push(Json{{"if", Json{{"properties", Json{{"statistic", Json{{"const", statistic.name()}}}}},
                                          {"required", Json::strings(std::vector<std::string>{"statistic"})}}},
                              {"then", std::move(then)}});
  }
  Json observable = closed_object(std::move(properties), {"name", "statistic", "range", "definition", "source"});
  observable.set("allOf", std::move(statistic_rules));
  Json table = closed_object(Json{{"description", Json{{"type", "string"}}},
                                  {"observable", Json{{"type", "array"}, {"items", std::move(observable)}}}});
  keys.clear();
  for (const auto& [key, value] : table.at("properties").members()) keys.push_back(key);
  if (keys != published_keys) throw std::logic_error("published schema: its keys are not published_keys");
  return table;
}

void check_published(const Scenario& scenario, const std::set<std::string>& unreadable,
                     std::vector<ConfigProblem>& problems) {
  Checker checker(scenario, unreadable, problems);
  std::map<std::string, std::string> first_name_path;  // name -> key path of its first `name`
  std::int64_t index = 0;
  for (const Observable& observable : scenario.published.observables) {
    checker.check(index++, observable, first_name_path);
  }
}

}  // namespace salvosim::detail
