// Scenario -> TOML: the inverse of config.cpp's loader, key for key.
#include <sstream>

#include "config_detail.hpp"
#include "salvosim/config.hpp"

namespace salvosim {
namespace {

// A TOML float: the shortest exact digits, with ".0" added so that it stays a float.
std::string toml_float(double value) {
  std::string text = detail::format_number(value);
  if (text.find_first_of(".eEin") == std::string::npos) text += ".0";
  return text;
}

std::string toml_string(const std::string& value) { return detail::quoted(value); }

// A bare key when TOML allows one, else a quoted key.
std::string toml_key(const std::string& key) {
  const bool bare = !key.empty() && key.find_first_not_of(
                                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789_-") == std::string::npos;
  return bare ? key : toml_string(key);
}

std::string count_or_unlimited(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "\"unlimited\"";
}

// `header` is "threat" in a plain scenario, "salvo.threat" in a campaign. With declared tiers a
// group aims by targets (and defended_fraction, which the loader then refuses, is left out).
void write_threat(std::ostringstream& out, const ThreatGroup& threat, const char* header, bool tiers_declared) {
  out << "\n[[" << header << "]]\n"
      << "name = " << toml_string(threat.name) << "\n";
  if (!threat.threat_class.empty()) out << "class = " << toml_string(threat.threat_class) << "\n";
  out << "count = " << threat.count << "\n";
  if (threat.launch.kind == LaunchSpec::Kind::waves) {
    out << "launch = { waves = [";
    for (std::size_t w = 0; w < threat.launch.waves.size(); ++w) {
      out << (w ? ", " : "") << "[" << toml_float(threat.launch.waves[w].time) << ", " << threat.launch.waves[w].count
          << "]";
    }
    out << "] }\n";
  } else {
    out << "launch = { start = " << toml_float(threat.launch.start)
        << ", duration = " << toml_float(threat.launch.duration) << " }\n";
  }
  out << "flight_time = { mean = " << toml_float(threat.flight_time.mean)
      << ", sd = " << toml_float(threat.flight_time.sd) << " }\n"
      << "p_launch = " << toml_float(threat.p_launch) << "\n"
      << "p_flight = " << toml_float(threat.p_flight) << "\n";
  if (!tiers_declared) out << "defended_fraction = " << toml_float(threat.defended_fraction) << "\n";
  out << "cost = " << toml_float(threat.cost) << "\n";
  if (!threat.targets.empty()) {
    out << "targets = { ";
    const char* separator = "";
    for (const auto& [tier, share] : threat.targets) {
      out << separator << toml_key(tier) << " = " << toml_float(share);
      separator = ", ";
    }
    out << " }\n";
  }
}

void write_tier(std::ostringstream& out, const Tier& tier) {
  out << "\n[[tier]]\n"
      << "name = " << toml_string(tier.name) << "\n"
      << "value = " << toml_float(tier.value) << "\n"
      << "defended = " << (tier.defended ? "true" : "false") << "\n";
}

// `tiers = ["a", "b"]` (a layer's or a rule's), nothing when left out.
void write_tiers(std::ostringstream& out, const std::optional<std::vector<std::string>>& tiers) {
  if (!tiers) return;
  out << "tiers = [";
  for (std::size_t t = 0; t < tiers->size(); ++t) out << (t ? ", " : "") << toml_string((*tiers)[t]);
  out << "]\n";
}

void write_layer(std::ostringstream& out, const Layer& layer) {
  out << "\n[[layer]]\n"
      << "name = " << toml_string(layer.name) << "\n"
      << "fire_units = " << layer.fire_units << "\n"
      << "channels = " << layer.channels << "\n"
      << "engagement_time = " << toml_float(layer.engagement_time) << "\n";
  // A layer firing from another's magazine has none of its own to write.
  if (layer.magazine.empty()) {
    out << "interceptors = " << count_or_unlimited(layer.interceptors) << "\n";
  } else {
    out << "magazine = " << toml_string(layer.magazine) << "\n";
  }
  // Campaign and stock keys only when set, so that the text of a scenario without them is unchanged.
  if (layer.resupply != 0) out << "resupply = " << layer.resupply << "\n";
  if (!layer.resupply_schedule.empty()) {
    out << "resupply = { ";
    const char* separator = "";
    for (const auto& [salvo, count] : layer.resupply_schedule) {
      out << separator << toml_key(salvo) << " = " << count;
      separator = ", ";
    }
    out << " }\n";
  }
  if (layer.capacity) out << "capacity = " << *layer.capacity << "\n";
  if (layer.reserve != 0) out << "reserve = " << layer.reserve << "\n";
  if (layer.reserve_per_salvo != 0) out << "reserve_per_salvo = " << layer.reserve_per_salvo << "\n";
  out << "shots = " << layer.shots << "\n"
      << "doctrine = " << toml_string(to_string(layer.doctrine)) << "\n";
  // The loader refuses these under salvo, unless a rule switches to shoot-look-shoot.
  if (layer.doctrine == Doctrine::shoot_look_shoot || detail::rations_look(layer)) {
    out << "look_time = " << toml_float(layer.look_time) << "\n"
        << "max_engagements = " << count_or_unlimited(layer.max_engagements) << "\n";
  }
  out << "kill_assessment = " << toml_float(layer.kill_assessment) << "\n"
      << "point_defense = " << (layer.point_defense ? "true" : "false") << "\n";
  write_tiers(out, layer.tiers);
  out << "coverage = " << toml_float(layer.coverage) << "\n"
      << "cost = " << toml_float(layer.cost) << "\n";
  for (const EngagementSpec& spec : layer.engages) {
    out << "engages." << toml_key(spec.target) << " = { pk = " << toml_float(spec.pk)
        << ", detect = " << toml_float(spec.detect) << ", window = { open = " << toml_float(spec.window.open)
        << ", close = " << toml_float(spec.window.close) << " } }\n";
  }
  for (const Ration& ration : layer.rations) {  // sub-tables: after every key of the layer
    out << "\n[[layer.ration]]\n"
        << "below = " << ration.below << "\n";
    if (ration.shots) out << "shots = " << *ration.shots << "\n";
    if (ration.doctrine) out << "doctrine = " << toml_string(to_string(*ration.doctrine)) << "\n";
    if (ration.point_defense) out << "point_defense = " << (*ration.point_defense ? "true" : "false") << "\n";
    write_tiers(out, ration.tiers);
  }
}

// `key = "value"`, unless the value is empty (a key left out).
void write_string(std::ostringstream& out, const char* key, const std::string& value) {
  if (!value.empty()) out << key << " = " << toml_string(value) << "\n";
}

// `key = "name"` for one name, `key = ["a", "b"]` for several, nothing for none.
void write_names(std::ostringstream& out, const char* key, const std::vector<std::string>& names) {
  if (names.size() == 1) write_string(out, key, names[0]);
  if (names.size() < 2) return;
  out << key << " = [";
  for (std::size_t i = 0; i < names.size(); ++i) out << (i ? ", " : "") << toml_string(names[i]);
  out << "]\n";
}

void write_published(std::ostringstream& out, const Published& published) {
  if (published.description.empty() && published.observables.empty()) return;
  out << "\n[published]\n";
  write_string(out, "description", published.description);
  for (const PublishedObservable& observable : published.observables) {
    out << "\n[[published.observable]]\n"
        << "name = " << toml_string(observable.name) << "\n"
        << "statistic = " << toml_string(observable.statistic) << "\n";
    write_string(out, "selection", observable.selection);
    write_names(out, "fate", observable.fates);
    write_string(out, "rate", observable.rate);
    write_names(out, "layer", observable.layers);
    write_string(out, "metric", observable.metric);
    if (observable.value) out << "value = " << toml_float(*observable.value) << "\n";
    out << "range = [" << toml_float(observable.low) << ", " << toml_float(observable.high) << "]\n"
        << "definition = " << toml_string(observable.definition) << "\n"
        << "source = " << toml_string(observable.source) << "\n";
    write_string(out, "note", observable.note);
  }
}

}  // namespace

std::string to_toml(const Scenario& scenario) {
  std::ostringstream out;
  out << "[scenario]\n"
      << "name = " << toml_string(scenario.name) << "\n";
  if (!scenario.description.empty()) out << "description = " << toml_string(scenario.description) << "\n";
  for (const Tier& tier : scenario.tiers) write_tier(out, tier);
  const bool tiers_declared = !scenario.tiers.empty();
  for (const ThreatGroup& threat : scenario.threats) write_threat(out, threat, "threat", tiers_declared);
  for (const Salvo& salvo : scenario.salvos) {
    out << "\n[[salvo]]\n"
        << "name = " << toml_string(salvo.name) << "\n"
        << "start = " << toml_float(salvo.start) << "\n";
    for (const ThreatGroup& threat : salvo.threats) write_threat(out, threat, "salvo.threat", tiers_declared);
  }
  for (const Layer& layer : scenario.layers) write_layer(out, layer);
  write_published(out, scenario.published);
  return out.str();
}

}  // namespace salvosim
