// The scenario structs of scenario.hpp, readable and editable from Python in place. An
// assignment is checked at once by the field's own rule (config.hpp field_rule, the rule the
// validator applies): a bad value raises ConfigError naming the attribute and the value, and
// is not stored. Rules between fields are checked when the scenario is validated or run.
// Groups, layers and `engages` entries are fixed-length sequences, indexed by position or by
// name: their elements can be edited in place, but not added or removed there (that would move
// them in memory under references Python holds); `Scenario.with_layer`, `without_layer`,
// `with_threat_group` and `without_threat_group` return a new, validated scenario instead.
// Each attribute's docstring says its meaning and unit, then the range its rule allows
// (describe_rule, from the rule check_value applies).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bindings.hpp"
#include "config_detail.hpp"
#include "salvosim/config.hpp"

namespace py = pybind11;

namespace salvosim::python {
namespace {

using CountOrUnlimited = std::variant<std::int64_t, std::string>;

CountOrUnlimited to_python(const std::optional<std::int64_t>& value) {
  if (value) return *value;
  return std::string("unlimited");
}

std::optional<std::int64_t> from_python(const CountOrUnlimited& value, const char* what) {
  if (const auto* count = std::get_if<std::int64_t>(&value)) return *count;
  if (std::get<std::string>(value) == "unlimited") return std::nullopt;
  throw py::value_error(std::string(what) + " must be an integer or \"unlimited\", got \"" +
                        std::get<std::string>(value) + "\"");
}

// How Python reaches an object, for the attribute path of an error: `layer["upper-tier"]`.
std::string python_path(const Scenario&) { return "scenario"; }
std::string python_path(const ThreatGroup& t) { return "threat[\"" + t.name + "\"]"; }
std::string python_path(const Salvo& s) { return "salvo[\"" + s.name + "\"]"; }
std::string python_path(const Layer& l) { return "layer[\"" + l.name + "\"]"; }
std::string python_path(const Tier& t) { return "tier[\"" + t.name + "\"]"; }
std::string python_path(const EngagementSpec& e) { return "engagement[\"" + e.target + "\"]"; }
std::string python_path(const LaunchSpec&) { return "launch"; }
std::string python_path(const FlightTime&) { return "flight_time"; }
std::string python_path(const Window&) { return "window"; }
std::string python_path(const Ration& r) { return "ration[below=" + std::to_string(r.below) + "]"; }

// Raises ConfigError (a ValueError) if `value` breaks `rule`: one problem, at the attribute's
// Python path, with no file or line (the value comes from Python, not from a file).
template <class Class, class T>
void check_assignment(const Class& object, const char* attribute, ValueRule rule, const T& value) {
  std::string problem = check_value(rule, value);
  if (problem.empty()) return;
  ConfigProblem p;
  p.key_path = python_path(object) + "." + attribute;
  p.message = std::move(problem);
  throw ConfigError({std::move(p)});
}

// An attribute's docstring: what it means (with its unit), then what its rule allows.
std::string rule_doc(const char* meaning, ValueRule rule) {
  const std::string allowed = "Allowed: " + describe_rule(rule) + ".";
  return *meaning == '\0' ? allowed : std::string(meaning) + ". " + allowed;
}

// A read-write attribute whose assignment is checked by the field's rule.
template <class Class, class T>
void def_checked(py::class_<Class>& cls, const char* name, T Class::*member, ValueRule rule, const char* doc = "") {
  cls.def_property(
      name, [member](const Class& object) { return object.*member; },
      [member, name, rule](Class& object, const T& value) {
        check_assignment(object, name, rule, value);
        object.*member = value;
      },
      rule_doc(doc, rule).c_str());
}

// The same for a count that may be "unlimited" (std::nullopt in C++).
template <class Class>
void def_checked_count(py::class_<Class>& cls, const char* name, std::optional<std::int64_t> Class::*member,
                       ValueRule rule, const char* doc = "") {
  cls.def_property(
      name, [member](const Class& object) { return to_python(object.*member); },
      [member, name, rule](Class& object, const CountOrUnlimited& value) {
        const std::optional<std::int64_t> count = from_python(value, name);
        check_assignment(object, name, rule, count);
        object.*member = count;
      },
      rule_doc(doc, rule).c_str());
}

std::string join_quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + detail::quoted(n);
  return out;
}

// The name an entry is found by: a group's, salvo's or layer's name, an engagement's target.
template <class T>
const std::string& entry_name(const T& entry) {
  return entry.name;
}
const std::string& entry_name(const EngagementSpec& entry) { return entry.target; }

template <class T>
std::vector<std::string> entry_names(const std::vector<T>& entries) {
  std::vector<std::string> names;
  for (const T& entry : entries) names.push_back(entry_name(entry));
  return names;
}

// A KeyError that lists the names there are and suggests the nearest, as the loader's
// messages do (detail::did_you_mean).
[[noreturn]] void throw_no_entry(const std::string& name, const std::vector<std::string>& names, const char* what) {
  const std::string there = join_quoted(names);
  throw py::key_error(std::string("no ") + what + " named " + detail::quoted(name) + detail::did_you_mean(name, names) +
                      " (there are: " + (there.empty() ? "none" : there) + ")");
}

template <class T>
T& find_named(std::vector<T>& entries, const std::string& name, const char* what) {
  for (T& entry : entries) {
    if (entry_name(entry) == name) return entry;
  }
  throw_no_entry(name, entry_names(entries), what);
}

// The display of an object in a notebook: the function `name` of salvosim/_display.py, which
// builds its tables with pandas.
template <class Cls>
void def_html(Cls& cls, const char* name) {
  cls.def(
      "_repr_html_",
      [name](const py::object& self) {
        return py::module_::import("salvosim._display").attr(name)(self).template cast<std::string>();
      },
      "The display in a notebook: tables of what it holds");
}

// A fixed-length view of a vector of named entries: len, iteration, `in` and item access by
// position (negative counts from the end) or by name, the names (`keys()`).
template <class T>
void bind_sequence(py::module_& m, const char* name, const char* what, const char* html = nullptr) {
  using Vector = std::vector<T>;
  auto at = [](Vector& v, std::int64_t i) -> T& {
    const auto n = static_cast<std::int64_t>(v.size());
    if (i < 0) i += n;
    if (i < 0 || i >= n)
      throw py::index_error("index " + std::to_string(i) + " out of range for " + std::to_string(n) + " entries");
    return v[static_cast<std::size_t>(i)];
  };
  py::class_<Vector> sequence(m, name);
  if (html != nullptr) def_html(sequence, html);
  sequence.def("__len__", [](const Vector& v) { return v.size(); })
      .def("__getitem__", at, py::arg("index"), py::return_value_policy::reference_internal)
      .def(
          "__getitem__", [what](Vector& v, const std::string& key) -> T& { return find_named(v, key, what); },
          py::arg("name"), py::return_value_policy::reference_internal)
      .def("__contains__",
           [](const Vector& v, const std::string& key) {
             return std::any_of(v.begin(), v.end(), [&](const T& e) { return entry_name(e) == key; });
           })
      .def("keys", &entry_names<T>, "The names, in order")
      .def(
          "__iter__", [](Vector& v) { return py::make_iterator(v.begin(), v.end()); }, py::keep_alive<0, 1>())
      .def("__repr__", [what](const Vector& v) {
        return "<" + std::to_string(v.size()) + " " + what + (v.size() == 1 ? "" : "s") + ": " +
               join_quoted(entry_names(v)) + ">";
      });
}

Doctrine doctrine_named(const std::string& doctrine) {
  if (doctrine == "salvo") return Doctrine::salvo;
  if (doctrine == "shoot-look-shoot") return Doctrine::shoot_look_shoot;
  throw py::value_error("doctrine must be \"salvo\" or \"shoot-look-shoot\", got \"" + doctrine + "\"");
}

void bind_threats(py::module_& m) {
  py::class_<LaunchSpec> launch(m, "LaunchSpec");
  launch.def_property(
      "kind", [](const LaunchSpec& l) { return l.kind == LaunchSpec::Kind::waves ? "waves" : "uniform"; },
      [](LaunchSpec& l, const std::string& kind) {
        if (kind == "waves")
          l.kind = LaunchSpec::Kind::waves;
        else if (kind == "uniform")
          l.kind = LaunchSpec::Kind::uniform;
        else
          throw py::value_error("launch kind must be \"uniform\" or \"waves\", got \"" + kind + "\"");
      },
      "\"uniform\" (launches spread over [start, start + duration]) or \"waves\" (counts at given times)");
  def_checked(launch, "start", &LaunchSpec::start, field_rule::launch::start,
              "Seconds: the first launch of a uniform launch (on the salvo's clock in a campaign)");
  def_checked(launch, "duration", &LaunchSpec::duration, field_rule::launch::duration,
              "Seconds over which a uniform launch spreads its threats, from `start`");
  // (time, count) tuples: immutable, so that editing one cannot silently edit a copy;
  // assign a whole new list to change the waves.
  launch.def_property(
      "waves",
      [](const LaunchSpec& l) {
        std::vector<std::pair<double, std::int64_t>> waves;
        for (const Wave& w : l.waves) waves.emplace_back(w.time, w.count);
        return waves;
      },
      [](LaunchSpec& l, const std::vector<std::pair<double, std::int64_t>>& waves) {
        for (std::size_t w = 0; w < waves.size(); ++w) {
          const std::string at = "waves[" + std::to_string(w) + "]";
          check_assignment(l, (at + ".time").c_str(), field_rule::launch::wave_time, waves[w].first);
          check_assignment(l, (at + ".count").c_str(), field_rule::launch::wave_count, waves[w].second);
        }
        l.waves.clear();
        for (const auto& [time, count] : waves) l.waves.push_back({time, count});
      },
      "A list of (time, count) pairs: seconds (any finite number) and an integer >= 0; the counts add up to the "
      "group's count");

  py::class_<FlightTime> flight_time(m, "FlightTime");
  def_checked(flight_time, "mean", &FlightTime::mean, field_rule::flight_time::mean,
              "Seconds: mean time from launch to impact");
  def_checked(flight_time, "sd", &FlightTime::sd, field_rule::flight_time::sd,
              "Seconds: standard deviation of the flight time (a normal cut off below at zero)");

  py::class_<ThreatGroup> threat(m, "ThreatGroup");
  def_checked(threat, "name", &ThreatGroup::name, field_rule::threat::name,
              "Label of the group in results; unique across a campaign, not `all`, `class:...` or `salvo:...`");
  threat.def_readwrite(
      "threat_class", &ThreatGroup::threat_class,
      "The config key `class`: a label several groups share, which layers can target (text, may be empty)");
  def_checked(threat, "count", &ThreatGroup::count, field_rule::threat::count, "Number of threats in the group");
  threat.def_readwrite("launch", &ThreatGroup::launch, "Launch times (LaunchSpec: uniform or waves)")
      .def_readwrite("flight_time", &ThreatGroup::flight_time, "Time from launch to impact (FlightTime, seconds)");
  def_checked(threat, "p_launch", &ThreatGroup::p_launch, field_rule::threat::p_launch,
              "Probability that a threat launches successfully");
  def_checked(threat, "p_flight", &ThreatGroup::p_flight, field_rule::threat::p_flight,
              "Probability that a launched threat stays airworthy to impact");
  def_checked(threat, "defended_fraction", &ThreatGroup::defended_fraction, field_rule::threat::defended_fraction,
              "Probability that a threat's target lies in a defended area");
  def_checked(threat, "cost", &ThreatGroup::cost, field_rule::threat::cost, "Cost of one threat (any currency unit)");
  threat.def(
      "copy", [](const ThreatGroup& t) { return t; }, "A copy that belongs to no scenario (for with_threat_group)");
  // A dict: assign a whole new one to change it (an edit of the returned copy changes nothing).
  threat.def_property(
      "targets", [](const ThreatGroup& t) { return t.targets; },
      [](ThreatGroup& t, const std::map<std::string, double>& targets) {
        for (const auto& [tier, share] : targets) {
          check_assignment(t, ("targets[\"" + tier + "\"]").c_str(), field_rule::threat::target_share, share);
        }
        t.targets = targets;
      },
      "With declared tiers: the share of the group's threats aimed at each tier, {tier name: share}, each share in "
      "[0, 1] and the shares adding up to 1 (within 1e-9); tiers not listed get 0. Empty without declared tiers "
      "(the group aims by defended_fraction). Assign a whole dict to change it.");
  threat.def("__repr__", [](const ThreatGroup& t) {
    return "<ThreatGroup \"" + t.name + "\": " + std::to_string(t.count) + " " + t.threat_class + ">";
  });
  bind_sequence<ThreatGroup>(m, "ThreatGroups", "threat group", "groups_html");
  def_html(threat, "group_html");

  py::class_<Salvo> salvo(m, "Salvo");
  def_checked(salvo, "name", &Salvo::name, field_rule::salvo::name, "Label of the salvo in results (`salvo:<name>`)");
  def_checked(salvo, "start", &Salvo::start, field_rule::salvo::start,
              "Seconds on the campaign's clock; after the previous salvo's start");
  salvo
      .def_property_readonly(
          "threats", [](Salvo& s) -> std::vector<ThreatGroup>& { return s.threats; },
          py::return_value_policy::reference_internal, "The salvo's threat groups, by position or name")
      .def("__repr__", [](const Salvo& s) {
        return "<Salvo \"" + s.name + "\": " + std::to_string(s.threats.size()) + " threat groups>";
      });
  bind_sequence<Salvo>(m, "Salvos", "salvo");
}

void bind_tiers(py::module_& m) {
  py::class_<Tier> tier(m, "Tier", "A tier of targets ([[tier]], docs/model.md §2.7)");
  def_checked(tier, "name", &Tier::name, field_rule::tier::name,
              "Unique; not \"all\", and not starting with \"class:\", \"salvo:\" or \"tier:\"");
  def_checked(tier, "value", &Tier::value, field_rule::tier::value,
              "The damage of one impact on the tier: finite, >= 0 (default 1)");
  tier.def_readwrite("defended", &Tier::defended,
                     "Whether the tier lies in a defended area: an impact on it is leaked_defended, else "
                     "leaked_open (default True)")
      .def("__repr__",
           [](const Tier& t) { return "<Tier \"" + t.name + "\": value " + std::to_string(t.value) + ">"; });
  bind_sequence<Tier>(m, "Tiers", "tier");
}

void bind_layers(py::module_& m) {
  py::class_<Window> window(m, "Window");
  def_checked(window, "open", &Window::open, field_rule::engagement::window_open,
              "Seconds before impact when the layer can first intercept; greater than `close`");
  def_checked(window, "close", &Window::close, field_rule::engagement::window_close,
              "Seconds before impact when the layer's last intercept must happen");

  py::class_<EngagementSpec> engagement(m, "EngagementSpec");
  engagement.def_readwrite("target", &EngagementSpec::target, "The threat group or class this entry engages");
  def_checked(engagement, "pk", &EngagementSpec::pk, field_rule::engagement::pk,
              "Probability that one interceptor kills the threat");
  def_checked(engagement, "detect", &EngagementSpec::detect, field_rule::engagement::detect,
              "Probability that the layer's sensors pick up and hold a track on the threat");
  engagement
      .def_readwrite("window", &EngagementSpec::window, "When the layer can intercept (Window, seconds before impact)")
      .def("__repr__", [](const EngagementSpec& e) {
        return "<EngagementSpec " + e.target + ": pk " + detail::format_number(e.pk) + ">";
      });
  bind_sequence<EngagementSpec>(m, "EngagementSpecs", "engagement");

  py::class_<Ration> ration(m, "Ration",
                            "A rationing rule: while the layer's usable stock (interceptors left less its reserve) "
                            "is below `below`, the keys it gives replace the layer's own; None keeps the layer's");
  ration.def(py::init([](std::int64_t below, std::optional<std::int64_t> shots, std::optional<std::string> doctrine,
                         std::optional<bool> point_defense, std::optional<std::vector<std::string>> tiers) {
               Ration r;
               check_assignment(r, "below", field_rule::ration::below, below);
               r.below = below;
               if (shots) check_assignment(r, "shots", field_rule::ration::shots, *shots);
               r.shots = shots;
               if (doctrine) r.doctrine = doctrine_named(*doctrine);
               r.point_defense = point_defense;
               r.tiers = std::move(tiers);
               return r;
             }),
             py::kw_only(), py::arg("below"), py::arg("shots") = py::none(), py::arg("doctrine") = py::none(),
             py::arg("point_defense") = py::none(), py::arg("tiers") = py::none());
  def_checked(ration, "below", &Ration::below, field_rule::ration::below,
              "The rule applies while the usable stock is below this (an integer >= 1, distinct within a layer)");
  ration.def_property(
      "shots", [](const Ration& r) { return r.shots; },
      [](Ration& r, std::optional<std::int64_t> shots) {
        if (shots) check_assignment(r, "shots", field_rule::ration::shots, *shots);
        r.shots = shots;
      },
      "Interceptors per engagement while it applies (an integer in [1, 2^20]; None: the layer's)");
  ration.def_property(
      "doctrine",
      [](const Ration& r) {
        return r.doctrine ? std::optional<std::string>(to_string(*r.doctrine)) : std::optional<std::string>();
      },
      [](Ration& r, std::optional<std::string> doctrine) {
        r.doctrine = doctrine ? std::optional<Doctrine>(doctrine_named(*doctrine)) : std::nullopt;
      },
      "\"salvo\" or \"shoot-look-shoot\" while it applies (None: the layer's)");
  ration.def_readwrite("point_defense", &Ration::point_defense,
                       "Whether threats aimed at open ground are ignored while it applies (None: the layer's)");
  ration.def_readwrite("tiers", &Ration::tiers,
                       "The declared tiers it engages while it applies, by name (None: the layer's); not with "
                       "point_defense (docs/model.md §2.3.1)");
  ration.def("__repr__", [](const Ration& r) { return "<Ration below " + std::to_string(r.below) + ">"; });

  py::class_<Layer> layer(m, "Layer");
  def_checked(layer, "name", &Layer::name, field_rule::layer::name, "Label of the layer in results; unique");
  def_checked(layer, "fire_units", &Layer::fire_units, field_rule::layer::fire_units,
              "Number of fire units (batteries, ships)");
  def_checked(layer, "channels", &Layer::channels, field_rule::layer::channels,
              "Engagements one fire unit can run at once");
  def_checked(layer, "engagement_time", &Layer::engagement_time, field_rule::layer::engagement_time,
              "Seconds one engagement holds a channel, from firing to intercept");
  def_checked_count(layer, "interceptors", &Layer::interceptors, field_rule::layer::interceptors,
                    "The magazine: interceptors available to the whole layer (at a campaign's start)");
  def_checked(layer, "resupply", &Layer::resupply, field_rule::layer::resupply,
              "Interceptors added to the magazine at the start of each salvo after the first (campaigns; 0 when "
              "resupply_schedule is used)");
  layer.def_property(
      "resupply_schedule", [](const Layer& l) { return l.resupply_schedule; },
      [](Layer& l, const std::map<std::string, std::int64_t>& schedule) {
        for (const auto& [salvo, count] : schedule) {
          check_assignment(l, ("resupply_schedule[\"" + salvo + "\"]").c_str(), field_rule::layer::delivery, count);
        }
        l.resupply_schedule = schedule;
      },
      "Resupply as a schedule: {salvo name: interceptors delivered at that salvo's start (an integer >= 0)}; "
      "a copy: assign a new dict to change it. Not the first salvo; with a schedule, capacity defaults to no "
      "cap (docs/model.md §2.5)");
  layer.def_readwrite("capacity", &Layer::capacity,
                      "The most the magazine holds after a resupply (None: interceptors, or no cap with a "
                      "resupply_schedule)");
  layer.def_readwrite("magazine", &Layer::magazine,
                      "The name of an earlier layer whose magazine this one fires from (a shared magazine; \"\": "
                      "its own). A layer with one sets no interceptors, resupply or capacity (docs/model.md §2.3.2)");
  def_checked(layer, "reserve", &Layer::reserve, field_rule::layer::reserve,
              "Interceptors held back in every salvo (an integer >= 0; finite magazines only)");
  def_checked(layer, "reserve_per_salvo", &Layer::reserve_per_salvo, field_rule::layer::reserve_per_salvo,
              "Interceptors held back for each salvo still to come (an integer >= 0; finite magazines only)");
  layer.def_property(
      "rations", [](const Layer& l) { return l.rations; },
      [](Layer& l, const std::vector<Ration>& rations) { l.rations = rations; },
      "The rationing rules ([[layer.ration]], docs/model.md §2.3.1) as a list of copies: edit them and assign "
      "the list back (`rules = layer.rations; rules[0].shots = 1; layer.rations = rules`)");
  def_checked(layer, "shots", &Layer::shots, field_rule::layer::shots, "Interceptors fired per engagement");
  layer.def_property(
      "doctrine", [](const Layer& l) { return std::string(to_string(l.doctrine)); },
      [](Layer& l, const std::string& doctrine) { l.doctrine = doctrine_named(doctrine); },
      "\"salvo\" (engage a threat at most once) or \"shoot-look-shoot\" (after a miss, look and engage again)");
  def_checked(layer, "look_time", &Layer::look_time, field_rule::layer::look_time,
              "Seconds of pause after an intercept attempt before the next engagement (shoot-look-shoot)");
  def_checked_count(layer, "max_engagements", &Layer::max_engagements, field_rule::layer::max_engagements,
                    "Most engagements of one threat by this layer (shoot-look-shoot)");
  def_checked(layer, "kill_assessment", &Layer::kill_assessment, field_rule::layer::kill_assessment,
              "Probability that a threat that survived an engagement is seen to have survived");
  def_checked(layer, "coverage", &Layer::coverage, field_rule::layer::coverage,
              "Probability that a threat's path passes through the layer's coverage");
  def_checked(layer, "cost", &Layer::cost, field_rule::layer::cost, "Cost of one interceptor (any currency unit)");
  layer.def_readwrite("tiers", &Layer::tiers,
                      "The names of the tiers the layer engages (a list of declared tier names), or None: every tier "
                      "(with point_defense, the defended tiers). Needs declared tiers; not with point_defense.");
  layer
      .def_readwrite("point_defense", &Layer::point_defense,
                     "True: the layer ignores threats aimed at open ground (with declared tiers: engages only the "
                     "defended tiers)")
      .def_property_readonly(
          "engages", [](Layer& l) -> std::vector<EngagementSpec>& { return l.engages; },
          py::return_value_policy::reference_internal,
          "How the layer handles each group or class it engages (the config's `engages.<target>`), by position or "
          "target name")
      .def(
          "engagement",
          [](Layer& l, const std::string& target) -> EngagementSpec& {
            for (EngagementSpec& spec : l.engages) {
              if (spec.target == target) return spec;
            }
            throw py::key_error("layer \"" + l.name + "\" has no engages." + target);
          },
          py::arg("target"), py::return_value_policy::reference_internal, "The `engages.<target>` entry")
      .def(
          "copy", [](const Layer& l) { return l; }, "A copy that belongs to no scenario (for with_layer)")
      .def("__repr__", [](const Layer& l) {
        std::string magazine = l.interceptors ? std::to_string(*l.interceptors) : "unlimited";
        return "<Layer \"" + l.name + "\": " + std::to_string(l.fire_units) + " fire units x " +
               std::to_string(l.channels) + " channels, " + magazine + " interceptors, engages " +
               join_quoted(entry_names(l.engages)) + ">";
      });
  bind_sequence<Layer>(m, "Layers", "layer", "layers_html");
  def_html(layer, "layer_html");
}

// Read-only: the published figures are the scenario's reference, not a parameter. One can be
// built (to evaluate a statistic the scenario does not publish); the evaluator checks its names.
void bind_published(py::module_& m) {
  py::class_<PublishedObservable>(m, "PublishedObservable", "One [[published.observable]] entry (docs/model.md §8)")
      .def(py::init([](std::string name, std::string statistic, std::string selection, std::vector<std::string> fates,
                       std::string rate, std::vector<std::string> layers, std::string metric,
                       std::optional<double> value, double low, double high, std::string definition, std::string source,
                       std::string note) {
             return PublishedObservable{std::move(name),
                                        std::move(statistic),
                                        std::move(selection),
                                        std::move(fates),
                                        std::move(rate),
                                        std::move(layers),
                                        std::move(metric),
                                        value,
                                        low,
                                        high,
                                        std::move(definition),
                                        std::move(source),
                                        std::move(note)};
           }),
           py::kw_only(), py::arg("name"), py::arg("statistic"), py::arg("selection") = "",
           py::arg("fates") = std::vector<std::string>{}, py::arg("rate") = "",
           py::arg("layers") = std::vector<std::string>{}, py::arg("metric") = "", py::arg("value") = py::none(),
           py::arg("low") = 0.0, py::arg("high") = 0.0, py::arg("definition") = "", py::arg("source") = "",
           py::arg("note") = "")
      .def_readonly("name", &PublishedObservable::name, "The observable's name, unique in the scenario")
      .def_readonly("statistic", &PublishedObservable::statistic,
                    "The simulated quantity per trial: fate, rate, intercepts, layer or cost (docs/model.md §8)")
      .def_readonly("selection", &PublishedObservable::selection,
                    "A group, \"class:<name>\", \"salvo:<name>\", \"tier:<name>\" or \"all\"; empty if the "
                    "statistic takes none")
      .def_readonly("fates", &PublishedObservable::fates, "The config key `fate`, as a list")
      .def_readonly("rate", &PublishedObservable::rate, "launched, engaged or threatening (statistic rate); else empty")
      .def_readonly("layers", &PublishedObservable::layers, "The config key `layer`, as a list")
      .def_readonly("metric", &PublishedObservable::metric, "A layer counter (statistic layer); else empty")
      .def_readonly("value", &PublishedObservable::value, "The headline figure, or None")
      .def_readonly("low", &PublishedObservable::low, "range = [low, high]")
      .def_readonly("high", &PublishedObservable::high, "range = [low, high]")
      .def_readonly("definition", &PublishedObservable::definition,
                    "Which meaning of a published figure it is: engaged, impacts, neutralized or count")
      .def_readonly("source", &PublishedObservable::source, "Outlet and date (docs/sources.md)")
      .def_readonly("note", &PublishedObservable::note, "Free text")
      .def("__repr__", [](const PublishedObservable& o) {
        return "<PublishedObservable \"" + o.name + "\": " + o.statistic + ">";
      });

  py::class_<Published>(m, "Published", "The [published] table: the figures a scenario is meant to reproduce")
      .def_readonly("description", &Published::description, "What the figures are and where they come from")
      .def_readonly("observables", &Published::observables, "In config order")
      .def("__repr__",
           [](const Published& p) { return "<Published: " + std::to_string(p.observables.size()) + " observables>"; });
}

// The position of the entry named `before` (the end if empty), for inserting a new one there.
template <class T>
std::vector<T>::iterator position_before(std::vector<T>& entries, const std::string& before, const char* what) {
  return before.empty() ? entries.end() : entries.begin() + (&find_named(entries, before, what) - entries.data());
}

// A copy of `s` with an entry added or removed by `edit`, validated as a loaded file is (a
// ConfigError names the key paths): the scenario Python holds is left as it was, so that the
// Layer and ThreatGroup objects taken from it stay valid.
template <class Edit>
Scenario edited(const Scenario& s, Edit edit) {
  Scenario copy = s;
  edit(copy);
  validate_or_throw(copy);
  return copy;
}

// The threat groups a new group joins: the scenario's, or a campaign's salvo named `salvo`.
std::vector<ThreatGroup>& groups_of(Scenario& s, const std::string& salvo) {
  if (s.salvos.empty()) {
    if (!salvo.empty()) throw py::value_error("this scenario has no salvos; leave `salvo` out");
    return s.threats;
  }
  if (salvo.empty()) throw py::value_error("a campaign's threat groups belong to salvos: say which, with `salvo=`");
  return find_named(s.salvos, salvo, "salvo").threats;
}

// The same with an entry given as a dict shaped like its TOML table: built from the TOML's
// structure by the Python package (salvosim._api.with_table, through from_dict), which knows it.
Scenario from_table(const Scenario& s, const char* kind, const py::dict& table, const std::string& before,
                    const std::string& salvo) {
  return py::module_::import("salvosim._api").attr("with_table")(s, kind, table, before, salvo).cast<Scenario>();
}

void bind_editing(py::class_<Scenario>& scenario) {
  scenario
      .def(
          "with_layer",
          [](const Scenario& s, const Layer& layer, const std::string& before) {
            return edited(s, [&](Scenario& c) { c.layers.insert(position_before(c.layers, before, "layer"), layer); });
          },
          py::arg("layer"), py::kw_only(), py::arg("before") = "",
          "A new scenario with a copy of `layer` added (at the end, or before the layer named `before`), "
          "validated: ConfigError if it breaks a rule. Take a layer from a scenario with `.copy()` and edit it, "
          "or pass a dict shaped like a [[layer]] table of the TOML.")
      .def(
          "with_layer",
          [](const Scenario& s, const py::dict& table, const std::string& before) {
            return from_table(s, "layer", table, before, "");
          },
          py::arg("layer"), py::kw_only(), py::arg("before") = "")
      .def(
          "without_layer",
          [](const Scenario& s, const std::string& name) {
            return edited(s, [&](Scenario& c) { c.layers.erase(position_before(c.layers, name, "layer")); });
          },
          py::arg("name"), "A new scenario without the layer named `name`, validated")
      .def(
          "with_threat_group",
          [](const Scenario& s, const ThreatGroup& group, const std::string& salvo, const std::string& before) {
            return edited(s, [&](Scenario& c) {
              std::vector<ThreatGroup>& groups = groups_of(c, salvo);
              groups.insert(position_before(groups, before, "threat group"), group);
            });
          },
          py::arg("group"), py::kw_only(), py::arg("salvo") = "", py::arg("before") = "",
          "A new scenario with a copy of `group` added (to the salvo named `salvo` in a campaign; at the end, or "
          "before the group named `before`), validated: ConfigError if it breaks a rule. `group` may be a dict "
          "shaped like a [[threat]] table of the TOML.")
      .def(
          "with_threat_group",
          [](const Scenario& s, const py::dict& table, const std::string& salvo, const std::string& before) {
            return from_table(s, "threat", table, before, salvo);
          },
          py::arg("group"), py::kw_only(), py::arg("salvo") = "", py::arg("before") = "")
      .def(
          "without_threat_group",
          [](const Scenario& s, const std::string& name) {
            return edited(s, [&](Scenario& c) {
              if (c.salvos.empty()) {
                c.threats.erase(position_before(c.threats, name, "threat group"));
                return;
              }
              std::vector<std::string> names;  // a campaign's groups, found in any salvo
              for (Salvo& salvo : c.salvos) {
                for (auto it = salvo.threats.begin(); it != salvo.threats.end(); ++it) {
                  if (it->name == name) {
                    salvo.threats.erase(it);
                    return;
                  }
                  names.push_back(it->name);
                }
              }
              throw_no_entry(name, names, "threat group");
            });
          },
          py::arg("name"), "A new scenario without the threat group named `name` (in any salvo), validated");
}

void bind_scenario(py::module_& m) {
  py::class_<Scenario> scenario(m, "Scenario");
  def_checked(scenario, "name", &Scenario::name, field_rule::scenario::name, "A short name, stored with the results");
  scenario.def_static("from_file", &load_scenario_file, py::arg("path"), "Load and validate a TOML scenario file")
      .def_static("from_toml_string", &load_scenario_string, py::arg("text"), py::arg("source_name") = "<string>",
                  "Load and validate a scenario from TOML text")
      .def_readwrite("description", &Scenario::description, "Free text, stored with the results")
      .def_property_readonly(
          "threats", [](Scenario& s) -> std::vector<ThreatGroup>& { return s.threats; },
          py::return_value_policy::reference_internal,
          "The threat groups of a plain scenario, by position or name (a campaign's are in `salvos`)")
      .def_property_readonly(
          "salvos", [](Scenario& s) -> std::vector<Salvo>& { return s.salvos; },
          py::return_value_policy::reference_internal,
          "The salvos of a campaign (empty for a plain scenario, whose groups are `threats`)")
      .def_property_readonly(
          "layers", [](Scenario& s) -> std::vector<Layer>& { return s.layers; },
          py::return_value_policy::reference_internal, "The defence layers, in the order threats meet them")
      .def_property_readonly(
          "tiers", [](Scenario& s) -> std::vector<Tier>& { return s.tiers; },
          py::return_value_policy::reference_internal,
          "The declared tiers of targets ([[tier]]), in declaration order; empty: the two implicit tiers of each "
          "group's defended_fraction. At most 64.")
      .def(
          "tier", [](Scenario& s, const std::string& name) -> Tier& { return find_named(s.tiers, name, "tier"); },
          py::arg("name"), py::return_value_policy::reference_internal, "The declared tier of this name")
      .def_readonly("published", &Scenario::published, "The figures the scenario is meant to reproduce (read-only)")
      .def_readonly("source_text", &Scenario::source_text,
                    "The TOML text it was loaded from (empty if built otherwise)")
      .def_readonly("source_name", &Scenario::source_name, "The file (or name) it was loaded from")
      .def(
          "threat",
          [](Scenario& s, const std::string& name) -> ThreatGroup& {
            for (Salvo& salvo : s.salvos) {  // a campaign's groups, found in any salvo
              for (ThreatGroup& group : salvo.threats) {
                if (group.name == name) return group;
              }
            }
            return find_named(s.threats, name, "threat group");
          },
          py::arg("name"), py::return_value_policy::reference_internal, "The threat group of this name, in any salvo")
      .def(
          "salvo", [](Scenario& s, const std::string& name) -> Salvo& { return find_named(s.salvos, name, "salvo"); },
          py::arg("name"), py::return_value_policy::reference_internal)
      .def(
          "layer", [](Scenario& s, const std::string& name) -> Layer& { return find_named(s.layers, name, "layer"); },
          py::arg("name"), py::return_value_policy::reference_internal)
      .def("validate", &validate_or_throw, "Raise ConfigError listing every broken rule, if any")
      .def(
          "problems",
          [](const Scenario& s) {
            std::vector<std::string> out;
            for (const ConfigProblem& p : validate(s)) out.push_back(p.to_string());
            return out;
          },
          "Every broken rule, as text (empty when valid)")
      .def("to_toml", &to_toml, "The scenario as TOML that loads back to an equal scenario")
      .def("copy", [](const Scenario& s) { return s; })
      .def("__copy__", [](const Scenario& s) { return s; })
      .def(
          "__deepcopy__", [](const Scenario& s, py::dict) { return s; }, py::arg("memo"))
      .def("__repr__", [](const Scenario& s) {
        std::size_t groups = s.threats.size();
        std::int64_t threats = 0;
        for (const ThreatGroup& group : s.threats) threats += group.count;
        for (const Salvo& salvo : s.salvos) {
          groups += salvo.threats.size();
          for (const ThreatGroup& group : salvo.threats) threats += group.count;
        }
        const std::string salvos = s.salvos.empty() ? "" : std::to_string(s.salvos.size()) + " salvos, ";
        return "<Scenario \"" + s.name + "\": " + salvos + std::to_string(groups) + " threat groups (" +
               std::to_string(threats) + " threats), " + std::to_string(s.layers.size()) + " layers>";
      });
  bind_editing(scenario);
  def_html(scenario, "scenario_html");
}

}  // namespace

void init_scenario(py::module_& m) {
  bind_tiers(m);
  bind_threats(m);
  bind_layers(m);
  bind_published(m);
  bind_scenario(m);
  m.def("did_you_mean", &detail::did_you_mean, py::arg("word"), py::arg("candidates"),
        "' (did you mean \"x\"?)' for the candidate x close enough to be a typo of word, else '': the rule of "
        "every message that suggests a name");
}

}  // namespace salvosim::python
