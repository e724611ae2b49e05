// The scenario structs of scenario.hpp, readable and editable from Python in place. An
// assignment is checked at once by the field's own rule (config.hpp field_rule, the rule the
// validator applies): a bad value raises ConfigError naming the attribute and the value, and
// is not stored. Rules between fields are checked when the scenario is validated or run.
// Groups, layers and `engages` entries are fixed-length sequences: their elements can be
// edited, but not added or removed (that would move them in memory under references Python
// holds); to add or remove, edit `Scenario.to_dict()` and build a new Scenario.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <optional>
#include <string>
#include <variant>

#include "bindings.hpp"
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

// A read-write attribute whose assignment is checked by the field's rule.
template <class Class, class T>
void def_checked(py::class_<Class>& cls, const char* name, T Class::*member, ValueRule rule, const char* doc = "") {
  cls.def_property(
      name, [member](const Class& object) { return object.*member; },
      [member, name, rule](Class& object, const T& value) {
        check_assignment(object, name, rule, value);
        object.*member = value;
      },
      doc);
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
      doc);
}

// A fixed-length view of a vector of named entries: len, iteration, and item access by
// position (negative counts from the end) or by name.
template <class T>
void bind_sequence(py::module_& m, const char* name) {
  using Vector = std::vector<T>;
  auto at = [](Vector& v, std::int64_t i) -> T& {
    const auto n = static_cast<std::int64_t>(v.size());
    if (i < 0) i += n;
    if (i < 0 || i >= n)
      throw py::index_error("index " + std::to_string(i) + " out of range for " + std::to_string(n) + " entries");
    return v[static_cast<std::size_t>(i)];
  };
  py::class_<Vector>(m, name)
      .def("__len__", [](const Vector& v) { return v.size(); })
      .def("__getitem__", at, py::return_value_policy::reference_internal)
      .def(
          "__iter__", [](Vector& v) { return py::make_iterator(v.begin(), v.end()); }, py::keep_alive<0, 1>())
      .def("__repr__", [](const Vector& v) { return "<" + std::to_string(v.size()) + " entries>"; });
}

template <class T>
T& find_named(std::vector<T>& entries, const std::string& name, const char* what) {
  for (T& entry : entries) {
    if (entry.name == name) return entry;
  }
  std::string names;
  for (const T& entry : entries) names += (names.empty() ? "" : ", ") + ("\"" + entry.name + "\"");
  throw py::key_error(std::string("no ") + what + " named \"" + name + "\" (there are: " + names + ")");
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
      });
  def_checked(launch, "start", &LaunchSpec::start, field_rule::launch::start);
  def_checked(launch, "duration", &LaunchSpec::duration, field_rule::launch::duration);
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
      "A list of (time, count) pairs");

  py::class_<FlightTime> flight_time(m, "FlightTime");
  def_checked(flight_time, "mean", &FlightTime::mean, field_rule::flight_time::mean);
  def_checked(flight_time, "sd", &FlightTime::sd, field_rule::flight_time::sd);

  py::class_<ThreatGroup> threat(m, "ThreatGroup");
  def_checked(threat, "name", &ThreatGroup::name, field_rule::threat::name);
  threat.def_readwrite("threat_class", &ThreatGroup::threat_class, "The config key `class`");
  def_checked(threat, "count", &ThreatGroup::count, field_rule::threat::count);
  threat.def_readwrite("launch", &ThreatGroup::launch).def_readwrite("flight_time", &ThreatGroup::flight_time);
  def_checked(threat, "p_launch", &ThreatGroup::p_launch, field_rule::threat::p_launch);
  def_checked(threat, "p_flight", &ThreatGroup::p_flight, field_rule::threat::p_flight);
  def_checked(threat, "defended_fraction", &ThreatGroup::defended_fraction, field_rule::threat::defended_fraction);
  def_checked(threat, "cost", &ThreatGroup::cost, field_rule::threat::cost);
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
  bind_sequence<ThreatGroup>(m, "ThreatGroups");

  py::class_<Salvo> salvo(m, "Salvo");
  def_checked(salvo, "name", &Salvo::name, field_rule::salvo::name);
  def_checked(salvo, "start", &Salvo::start, field_rule::salvo::start);
  salvo
      .def_property_readonly(
          "threats", [](Salvo& s) -> std::vector<ThreatGroup>& { return s.threats; },
          py::return_value_policy::reference_internal)
      .def("__repr__", [](const Salvo& s) {
        return "<Salvo \"" + s.name + "\": " + std::to_string(s.threats.size()) + " threat groups>";
      });
  bind_sequence<Salvo>(m, "Salvos");
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
  bind_sequence<Tier>(m, "Tiers");
}

void bind_layers(py::module_& m) {
  py::class_<Window> window(m, "Window");
  def_checked(window, "open", &Window::open, field_rule::engagement::window_open);
  def_checked(window, "close", &Window::close, field_rule::engagement::window_close);

  py::class_<EngagementSpec> engagement(m, "EngagementSpec");
  engagement.def_readwrite("target", &EngagementSpec::target);
  def_checked(engagement, "pk", &EngagementSpec::pk, field_rule::engagement::pk);
  def_checked(engagement, "detect", &EngagementSpec::detect, field_rule::engagement::detect);
  engagement.def_readwrite("window", &EngagementSpec::window).def("__repr__", [](const EngagementSpec& e) {
    return "<EngagementSpec " + e.target + ": pk " + std::to_string(e.pk) + ">";
  });
  bind_sequence<EngagementSpec>(m, "EngagementSpecs");

  py::class_<Layer> layer(m, "Layer");
  def_checked(layer, "name", &Layer::name, field_rule::layer::name);
  def_checked(layer, "fire_units", &Layer::fire_units, field_rule::layer::fire_units);
  def_checked(layer, "channels", &Layer::channels, field_rule::layer::channels);
  def_checked(layer, "engagement_time", &Layer::engagement_time, field_rule::layer::engagement_time);
  def_checked_count(layer, "interceptors", &Layer::interceptors, field_rule::layer::interceptors,
                    "The magazine: an integer, or \"unlimited\"");
  def_checked(layer, "resupply", &Layer::resupply, field_rule::layer::resupply,
              "Interceptors added at the start of each salvo after the first");
  layer.def_readwrite("capacity", &Layer::capacity,
                      "The most the magazine holds after a resupply (None: interceptors)");
  def_checked(layer, "shots", &Layer::shots, field_rule::layer::shots);
  layer.def_property(
      "doctrine", [](const Layer& l) { return std::string(to_string(l.doctrine)); },
      [](Layer& l, const std::string& doctrine) {
        if (doctrine == "salvo")
          l.doctrine = Doctrine::salvo;
        else if (doctrine == "shoot-look-shoot")
          l.doctrine = Doctrine::shoot_look_shoot;
        else
          throw py::value_error("doctrine must be \"salvo\" or \"shoot-look-shoot\", got \"" + doctrine + "\"");
      });
  def_checked(layer, "look_time", &Layer::look_time, field_rule::layer::look_time);
  def_checked_count(layer, "max_engagements", &Layer::max_engagements, field_rule::layer::max_engagements);
  def_checked(layer, "kill_assessment", &Layer::kill_assessment, field_rule::layer::kill_assessment);
  def_checked(layer, "coverage", &Layer::coverage, field_rule::layer::coverage);
  def_checked(layer, "cost", &Layer::cost, field_rule::layer::cost);
  layer.def_readwrite("tiers", &Layer::tiers,
                      "The names of the tiers the layer engages (a list of declared tier names), or None: every tier "
                      "(with point_defense, the defended tiers). Needs declared tiers; not with point_defense.");
  layer
      .def_readwrite("point_defense", &Layer::point_defense,
                     "Engage only threats aimed at a defended area (with declared tiers: at a defended tier)")
      .def_property_readonly(
          "engages", [](Layer& l) -> std::vector<EngagementSpec>& { return l.engages; },
          py::return_value_policy::reference_internal)
      .def(
          "engagement",
          [](Layer& l, const std::string& target) -> EngagementSpec& {
            for (EngagementSpec& spec : l.engages) {
              if (spec.target == target) return spec;
            }
            throw py::key_error("layer \"" + l.name + "\" has no engages." + target);
          },
          py::arg("target"), py::return_value_policy::reference_internal, "The `engages.<target>` entry")
      .def("__repr__", [](const Layer& l) { return "<Layer \"" + l.name + "\">"; });
  bind_sequence<Layer>(m, "Layers");
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
      .def_readonly("name", &PublishedObservable::name)
      .def_readonly("statistic", &PublishedObservable::statistic)
      .def_readonly("selection", &PublishedObservable::selection,
                    "A group, \"class:<name>\", \"salvo:<name>\", \"tier:<name>\" or \"all\"; empty if the "
                    "statistic takes none")
      .def_readonly("fates", &PublishedObservable::fates, "The config key `fate`, as a list")
      .def_readonly("rate", &PublishedObservable::rate)
      .def_readonly("layers", &PublishedObservable::layers, "The config key `layer`, as a list")
      .def_readonly("metric", &PublishedObservable::metric)
      .def_readonly("value", &PublishedObservable::value, "The headline figure, or None")
      .def_readonly("low", &PublishedObservable::low, "range = [low, high]")
      .def_readonly("high", &PublishedObservable::high, "range = [low, high]")
      .def_readonly("definition", &PublishedObservable::definition)
      .def_readonly("source", &PublishedObservable::source)
      .def_readonly("note", &PublishedObservable::note)
      .def("__repr__", [](const PublishedObservable& o) {
        return "<PublishedObservable \"" + o.name + "\": " + o.statistic + ">";
      });

  py::class_<Published>(m, "Published", "The [published] table: the figures a scenario is meant to reproduce")
      .def_readonly("description", &Published::description)
      .def_readonly("observables", &Published::observables, "In config order")
      .def("__repr__",
           [](const Published& p) { return "<Published: " + std::to_string(p.observables.size()) + " observables>"; });
}

void bind_scenario(py::module_& m) {
  py::class_<Scenario> scenario(m, "Scenario");
  def_checked(scenario, "name", &Scenario::name, field_rule::scenario::name);
  scenario.def_static("from_file", &load_scenario_file, py::arg("path"), "Load and validate a TOML scenario file")
      .def_static("from_toml_string", &load_scenario_string, py::arg("text"), py::arg("source_name") = "<string>",
                  "Load and validate a scenario from TOML text")
      .def_readwrite("description", &Scenario::description)
      .def_property_readonly(
          "threats", [](Scenario& s) -> std::vector<ThreatGroup>& { return s.threats; },
          py::return_value_policy::reference_internal)
      .def_property_readonly(
          "salvos", [](Scenario& s) -> std::vector<Salvo>& { return s.salvos; },
          py::return_value_policy::reference_internal,
          "The salvos of a campaign (empty for a plain scenario, whose groups are `threats`)")
      .def_property_readonly(
          "layers", [](Scenario& s) -> std::vector<Layer>& { return s.layers; },
          py::return_value_policy::reference_internal)
      .def_property_readonly(
          "tiers", [](Scenario& s) -> std::vector<Tier>& { return s.tiers; },
          py::return_value_policy::reference_internal,
          "The declared tiers of targets ([[tier]]), in declaration order; empty: the two implicit tiers of each "
          "group's defended_fraction. At most 64.")
      .def(
          "tier", [](Scenario& s, const std::string& name) -> Tier& { return find_named(s.tiers, name, "tier"); },
          py::arg("name"), py::return_value_policy::reference_internal, "The declared tier of this name")
      .def_readonly("published", &Scenario::published)
      .def_readonly("source_text", &Scenario::source_text)
      .def_readonly("source_name", &Scenario::source_name)
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
        for (const Salvo& salvo : s.salvos) groups += salvo.threats.size();
        const std::string salvos = s.salvos.empty() ? "" : std::to_string(s.salvos.size()) + " salvos, ";
        return "<Scenario \"" + s.name + "\": " + salvos + std::to_string(groups) + " threat groups, " +
               std::to_string(s.layers.size()) + " layers>";
      });
}

}  // namespace

void init_scenario(py::module_& m) {
  bind_tiers(m);
  bind_threats(m);
  bind_layers(m);
  bind_published(m);
  bind_scenario(m);
}

}  // namespace salvosim::python
