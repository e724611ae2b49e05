#include "sweep_fields.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "config_detail.hpp"
#include "config_fields.hpp"

namespace salvosim::detail {
namespace {

// A SweepValue as a C++ value of the field's type, as the loader takes a TOML value (take()
// in toml_reader.hpp): false when the type does not fit; an integer is a fine number.
template <class T>
bool take_value(const SweepValue& value, T& out) {
  if constexpr (std::is_same_v<T, double>) {
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      out = static_cast<double>(*integer);
      return true;
    }
  }
  const auto* exact = std::get_if<T>(&value);
  if (exact != nullptr) out = *exact;
  return exact != nullptr;
}

std::string must_be(const std::string& what, const SweepValue& value) {
  return "must be " + what + ", got " + describe(value);
}

// The plain field named `key` among `fields`, or nullptr.
template <class Entity>
const Field<Entity>* find_field(const Fields<Entity>& fields, const std::string& key) {
  for (const Field<Entity>& field : fields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

[[noreturn]] void no_key(const std::string& owner, const std::string& key, const std::vector<std::string>& keys) {
  throw std::invalid_argument(owner + " has no key " + key + did_you_mean(key, keys));
}
[[noreturn]] void no_table(const std::string& owner, const std::string& key, const std::vector<std::string>& tables) {
  throw std::invalid_argument(owner + " has no table " + key + did_you_mean(key, tables));
}
[[noreturn]] void not_one_value(const std::string& owner, const std::string& key, const char* what) {
  throw std::invalid_argument(owner + "." + key + " is " + what + ": an axis sets one value");
}

std::string integer_misfit(const SweepValue& value) {
  return std::holds_alternative<std::int64_t>(value) ? std::string() : must_be("an integer", value);
}

// A doctrine, as the loader reads one (a layer's or a rationing rule's).
std::string doctrine_misfit(const SweepValue& value) {
  const std::vector<std::string> doctrines = {to_string(Doctrine::salvo), to_string(Doctrine::shoot_look_shoot)};
  const auto* text = std::get_if<std::string>(&value);
  if (text != nullptr && (*text == doctrines[0] || *text == doctrines[1])) return std::string();
  return must_be("\"salvo\" or \"shoot-look-shoot\"", value) + (text != nullptr ? did_you_mean(*text, doctrines) : "");
}
Doctrine doctrine_of(const SweepValue& value) {
  return std::get<std::string>(value) == to_string(Doctrine::salvo) ? Doctrine::salvo : Doctrine::shoot_look_shoot;
}

// The index of the entry named `name` (a layer, a tier) of the base, or an error: "the base
// scenario <missing> named ..." with a "did you mean".
template <class Entry>
std::int64_t index_named(const std::vector<Entry>& entries, const std::string& name, const char* missing) {
  std::vector<std::string> names;
  for (const Entry& entry : entries) names.push_back(entry.name);
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) {
    throw std::invalid_argument(std::string("the base scenario ") + missing + " named \"" + name + "\"" +
                                did_you_mean(name, names));
  }
  return static_cast<std::int64_t>(found - names.begin());
}

}  // namespace

std::string describe(const SweepValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int64_t>) return "integer " + std::to_string(v);
        if constexpr (std::is_same_v<T, double>) return "float " + float_text(v);
        if constexpr (std::is_same_v<T, std::string>) return "string \"" + v + "\"";
        if constexpr (std::is_same_v<T, bool>) return v ? "boolean true" : "boolean false";
      },
      value);
}

template <class Entity, class T>
void ScenarioField::bind(std::function<Entity&(Scenario&)> locate, T Entity::*member) {
  misfit_ = [](const SweepValue& value) {
    T out{};
    return take_value(value, out) ? std::string() : must_be(expected(out), value);
  };
  set_ = [locate, member](Scenario& scenario, const SweepValue& value) { take_value(value, locate(scenario).*member); };
}

ScenarioField::ScenarioField(const Scenario& base, const AxisPath& path) {
  const std::vector<std::string>& keys = path.keys;
  const auto bind_field = [&]<class Entity>(std::function<Entity&(Scenario&)> locate, const Fields<Entity>& fields,
                                            const std::string& key) {
    const Field<Entity>* field = find_field(fields, key);
    if (field == nullptr) return false;
    std::visit([&](auto member) { bind(locate, member); }, field->member);
    return true;
  };

  if (path.kind == AxisPath::Kind::scenario) {
    const std::string& key = keys.at(0);
    key_path_ = "scenario." + key;
    if (key == "name") {
      bind<Scenario>([](Scenario& s) -> Scenario& { return s; }, &Scenario::name);
    } else if (key == "description") {
      bind<Scenario>([](Scenario& s) -> Scenario& { return s; }, &Scenario::description);
    } else {
      no_key("[scenario]", key, scenario_keys);
    }
    return;
  }

  if (path.kind == AxisPath::Kind::threat) {
    // The group named: a plain scenario's [[threat]] or a campaign's [[salvo.threat]]; of
    // groups of the same name in several salvos, the last.
    std::int64_t salvo = -1, index = -1;
    bool uniform = true;  // its launch: { start, duration } rather than waves
    std::vector<std::string> names;
    const std::vector<SalvoView> salvos = campaign_salvos(base);
    for (const SalvoView& view : salvos) {
      for (std::size_t g = 0; g < view.threats->size(); ++g) {
        names.push_back((*view.threats)[g].name);
        if (names.back() == path.entry) {
          salvo = view.index;
          index = static_cast<std::int64_t>(g);
          uniform = (*view.threats)[g].launch.kind == LaunchSpec::Kind::uniform;
        }
      }
    }
    if (index < 0) {
      throw std::invalid_argument("the base scenario has no threat group named \"" + path.entry + "\"" +
                                  did_you_mean(path.entry, names));
    }
    const std::string salvo_name = salvo < 0 ? "" : base.salvos[static_cast<std::size_t>(salvo)].name;
    const std::function<ThreatGroup&(Scenario&)> locate_group = [salvo, index](Scenario& s) -> ThreatGroup& {
      std::vector<ThreatGroup>& groups = salvo < 0 ? s.threats : s.salvos[static_cast<std::size_t>(salvo)].threats;
      return groups[static_cast<std::size_t>(index)];
    };
    key_path_ = group_path(salvo, salvo_name, index, path.entry);
    const std::string owner = "threat group \"" + path.entry + "\"";
    for (const std::string& key : keys) key_path_ += "." + key;
    if (keys.size() == 1) {
      if (bind_field(locate_group, threat_fields, keys[0])) return;
      if (keys[0] == "launch" || keys[0] == "flight_time" || keys[0] == "targets") {
        not_one_value(owner, keys[0], "a table");
      }
      no_key(owner, keys[0], keys_of(threat_fields, threat_keys_by_hand));
    }
    if (keys.size() == 2 && keys[0] == "launch") {
      const std::function<LaunchSpec&(Scenario&)> locate = [locate_group](Scenario& s) -> LaunchSpec& {
        return locate_group(s).launch;
      };
      if (uniform && bind_field(locate, uniform_launch_fields, keys[1])) return;
      if (!uniform && keys[1] == "waves") not_one_value(owner + ".launch", keys[1], "an array");
      no_key(owner + ".launch", keys[1], uniform ? keys_of(uniform_launch_fields) : std::vector<std::string>{"waves"});
    }
    if (keys.size() == 2 && keys[0] == "flight_time") {
      const std::function<FlightTime&(Scenario&)> locate = [locate_group](Scenario& s) -> FlightTime& {
        return locate_group(s).flight_time;
      };
      if (bind_field(locate, flight_time_fields, keys[1])) return;
      no_key(owner + ".flight_time", keys[1], keys_of(flight_time_fields));
    }
    if (keys.size() == 2 && keys[0] == "targets") {
      // A share of a declared tier (validate() checks the shares of each point add up to 1: vary
      // two shares together with mode "zip").
      std::vector<std::string> tiers;
      for (const Tier& tier : base.tiers) tiers.push_back(tier.name);
      if (std::find(tiers.begin(), tiers.end(), keys[1]) == tiers.end()) {
        throw std::invalid_argument("the base scenario declares no tier named \"" + keys[1] + "\"" +
                                    did_you_mean(keys[1], tiers));
      }
      misfit_ = [](const SweepValue& value) {
        double share = 0.0;
        return take_value(value, share) ? std::string() : must_be("a number", value);
      };
      set_ = [locate_group, tier = keys[1]](Scenario& s, const SweepValue& value) {
        take_value(value, locate_group(s).targets[tier]);
      };
      return;
    }
    const bool nested = keys.size() > 2 && (keys[0] == "launch" || keys[0] == "flight_time" || keys[0] == "targets");
    no_table(nested ? owner + "." + keys[0] : owner, nested ? keys[1] : keys[0], {"launch", "flight_time", "targets"});
  }

  if (path.kind == AxisPath::Kind::tier) {
    const std::int64_t index = index_named(base.tiers, path.entry, "declares no tier");
    key_path_ = tier_path(index, path.entry);
    for (const std::string& key : keys) key_path_ += "." + key;
    const std::function<Tier&(Scenario&)> locate_tier = [index](Scenario& s) -> Tier& {
      return s.tiers[static_cast<std::size_t>(index)];
    };
    const std::string owner = "tier \"" + path.entry + "\"";
    if (keys.size() == 1 && bind_field(locate_tier, tier_fields, keys[0])) return;
    if (keys.size() == 1) no_key(owner, keys[0], keys_of(tier_fields, tier_keys_by_hand));
    no_table(owner, keys[0], {});
  }

  // A layer.
  const std::int64_t index = index_named(base.layers, path.entry, "has no layer");
  const Layer& layer = base.layers[static_cast<std::size_t>(index)];
  key_path_ = layer_path(index, layer.name);
  for (const std::string& key : keys) key_path_ += "." + key;
  const std::function<Layer&(Scenario&)> locate_layer = [index](Scenario& s) -> Layer& {
    return s.layers[static_cast<std::size_t>(index)];
  };
  const std::string owner = "layer \"" + path.entry + "\"";
  if (keys.size() == 1) {
    const std::string& key = keys[0];
    if (bind_field(locate_layer, layer_fields, key)) {
      if (key == "look_time") shoot_look_shoot_layer_ = index;
      return;
    }
    if (key == "interceptors" || key == "max_engagements") {
      // An integer (its range is validate()'s business) or "unlimited", kept as nullopt.
      const std::int64_t min = key == "interceptors" ? 0 : 1;
      std::optional<std::int64_t> Layer::*member =
          key == "interceptors" ? &Layer::interceptors : &Layer::max_engagements;
      misfit_ = [min](const SweepValue& value) {
        if (std::holds_alternative<std::int64_t>(value)) return std::string();
        const auto* text = std::get_if<std::string>(&value);
        if (text != nullptr && *text == "unlimited") return std::string();
        return must_be("an integer >= " + std::to_string(min) + " or \"unlimited\"", value) +
               (text != nullptr ? did_you_mean(*text, {"unlimited"}) : "");
      };
      set_ = [locate_layer, member](Scenario& s, const SweepValue& value) {
        const auto* integer = std::get_if<std::int64_t>(&value);
        locate_layer(s).*member = integer != nullptr ? std::optional<std::int64_t>(*integer) : std::nullopt;
      };
      if (key == "max_engagements") shoot_look_shoot_layer_ = index;
      return;
    }
    if (key == "capacity") {
      misfit_ = integer_misfit;
      set_ = [locate_layer](Scenario& s, const SweepValue& value) {
        locate_layer(s).capacity = std::get<std::int64_t>(value);
      };
      return;
    }
    if (key == "doctrine") {
      misfit_ = doctrine_misfit;
      set_ = [locate_layer](Scenario& s, const SweepValue& value) { locate_layer(s).doctrine = doctrine_of(value); };
      return;
    }
    if (key == "resupply") {  // the integer form; a schedule's deliveries are resupply.<salvo>
      misfit_ = integer_misfit;
      set_ = [locate_layer](Scenario& s, const SweepValue& value) {
        locate_layer(s).resupply = std::get<std::int64_t>(value);
      };
      return;
    }
    if (key == "magazine") {  // the layer whose magazine it fires from
      bind<Layer>(locate_layer, &Layer::magazine);
      return;
    }
    if (key == "engages") not_one_value(owner, key, "a table");
    if (key == "ration" || key == "tiers") not_one_value(owner, key, "an array");
    no_key(owner, key, keys_of(layer_fields, layer_keys_by_hand));
  }
  if (keys[0] == "resupply") {  // resupply.<salvo>: one delivery of the base's schedule
    std::vector<std::string> salvos;
    for (const auto& entry : layer.resupply_schedule) salvos.push_back(entry.first);
    if (layer.resupply_schedule.count(keys[1]) == 0 || keys.size() > 2) no_key(owner + ".resupply", keys[1], salvos);
    const std::string salvo = keys[1];
    misfit_ = integer_misfit;
    set_ = [locate_layer, salvo](Scenario& s, const SweepValue& value) {
      locate_layer(s).resupply_schedule[salvo] = std::get<std::int64_t>(value);
    };
    return;
  }
  if (keys[0] == "ration") {  // ration.<index>.<key>: a rule of the base, counted from 0
    const std::string& index_text = keys[1];
    std::size_t r = layer.rations.size();
    if (!index_text.empty() && index_text.size() < 10 &&
        index_text.find_first_not_of("0123456789") == std::string::npos) {
      r = static_cast<std::size_t>(std::stoul(index_text));
    }
    if (r >= layer.rations.size()) {
      throw std::invalid_argument(owner + " has no ration " + index_text + " (it has " +
                                  std::to_string(layer.rations.size()) + " rationing rules, numbered from 0)");
    }
    const std::string rule = owner + ".ration." + index_text;
    if (keys.size() != 3) no_table(rule, keys.size() > 3 ? keys[2] : "", {});
    key_path_ = layer_path(index, layer.name) + ".ration[" + std::to_string(r) + "]." + keys[2];
    const std::function<Ration&(Scenario&)> locate_rule = [locate_layer, r](Scenario& s) -> Ration& {
      return locate_layer(s).rations[r];
    };
    if (bind_field(locate_rule, ration_fields, keys[2])) return;
    if (keys[2] == "shots") {
      misfit_ = integer_misfit;
      set_ = [locate_rule](Scenario& s, const SweepValue& value) {
        locate_rule(s).shots = std::get<std::int64_t>(value);
      };
      return;
    }
    if (keys[2] == "point_defense") {
      misfit_ = [](const SweepValue& value) {
        return std::holds_alternative<bool>(value) ? std::string() : must_be("true or false", value);
      };
      set_ = [locate_rule](Scenario& s, const SweepValue& value) {
        locate_rule(s).point_defense = std::get<bool>(value);
      };
      return;
    }
    if (keys[2] == "doctrine") {
      misfit_ = doctrine_misfit;
      set_ = [locate_rule](Scenario& s, const SweepValue& value) { locate_rule(s).doctrine = doctrine_of(value); };
      return;
    }
    no_key(rule, keys[2], keys_of(ration_fields, {"shots", "doctrine", "point_defense"}));
  }
  if (keys[0] != "engages") no_table(owner, keys[0], {"engages", "ration", "resupply"});
  // engages.<target>.<key>, or engages.<target>.window.<key>.
  std::int64_t target = -1;
  std::vector<std::string> targets;
  for (std::size_t e = 0; e < layer.engages.size(); ++e) {
    targets.push_back(layer.engages[e].target);
    if (targets.back() == keys[1]) target = static_cast<std::int64_t>(e);
  }
  if (target < 0) no_table(owner + ".engages", keys[1], targets);
  const std::string entry = owner + ".engages." + keys[1];
  if (keys.size() == 2) not_one_value(owner + ".engages", keys[1], "a table");
  const std::function<EngagementSpec&(Scenario&)> locate_entry = [locate_layer,
                                                                  target](Scenario& s) -> EngagementSpec& {
    return locate_layer(s).engages[static_cast<std::size_t>(target)];
  };
  if (keys.size() == 3) {
    if (bind_field(locate_entry, engagement_fields, keys[2])) return;
    if (keys[2] == "window") not_one_value(entry, keys[2], "a table");
    no_key(entry, keys[2], keys_of(engagement_fields, engagement_keys_by_hand));
  }
  if (keys[2] != "window") no_table(entry, keys[2], {"window"});
  if (keys.size() == 4) {
    const std::function<Window&(Scenario&)> locate = [locate_entry](Scenario& s) -> Window& {
      return locate_entry(s).window;
    };
    if (bind_field(locate, window_fields, keys[3])) return;
    no_key(entry + ".window", keys[3], keys_of(window_fields));
  }
  no_table(entry + ".window", keys[3], {});
}

}  // namespace salvosim::detail

namespace salvosim {

void set_key_path(Scenario& scenario, const std::string& path, const SweepValue& value) {
  const KeyPath parsed = parse_key_path(path);
  if (parsed.head == trials_path || parsed.head == seed_path) {
    throw std::invalid_argument("key path \"" + path + "\" names no value of a scenario");
  }
  std::optional<detail::ScenarioField> field;
  try {
    field.emplace(scenario, detail::parse_axis_path(path));
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument("key path \"" + path + "\": " + error.what());
  }
  const std::string misfit = field->misfit(value);
  if (!misfit.empty()) throw std::invalid_argument(field->key_path() + ": " + misfit);
  field->set(scenario, value);
}

}  // namespace salvosim
