// The scenario model of docs/model.md as plain data: what a config file says, nothing more.
// Loading (config.hpp) fills these structs; validation (validate.hpp) checks every rule;
// compilation (plan.hpp) turns them into the flat tables the kernel reads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace salvosim {

// Where a value came from in a config file (1-based line and column; 0 when unknown,
// e.g. for a scenario built or edited from Python).
struct SourcePosition {
  std::string file;
  std::int64_t line = 0;
  std::int64_t column = 0;
};

struct Wave {
  double time = 0.0;
  std::int64_t count = 0;
};

// Launch times of a threat group: uniform on [start, start + duration], or explicit waves
// whose counts add up to the group's count (threats are assigned to waves in index order).
struct LaunchSpec {
  enum class Kind { uniform, waves };
  Kind kind = Kind::uniform;
  double start = 0.0;
  double duration = 0.0;
  std::vector<Wave> waves;
};

// Normal, truncated to > 0.
struct FlightTime {
  double mean = 0.0;
  double sd = 0.0;
};

struct ThreatGroup {
  std::string name;
  std::string threat_class;  // the config key is `class`
  std::int64_t count = 0;
  LaunchSpec launch;
  FlightTime flight_time;
  double p_launch = 1.0;
  double p_flight = 1.0;
  double defended_fraction = 1.0;
  double cost = 0.0;
  // With declared tiers (Scenario::tiers): the share of the group's threats aimed at each tier,
  // by tier name (tiers not listed: 0). Empty without declared tiers (defended_fraction then).
  std::map<std::string, double> targets;
};

// Seconds before impact: a layer may engage a threat within [T - open, T - close].
struct Window {
  double open = 0.0;
  double close = 0.0;
};

// One `engages.<target>` entry of a layer; `target` is a threat group name or a class.
struct EngagementSpec {
  std::string target;
  double pk = 0.0;
  double detect = 1.0;
  Window window;
};

enum class Doctrine { salvo, shoot_look_shoot };

// One `[[layer.ration]]` rule (docs/model.md §2.3): while the layer's usable stock is below
// `below`, the keys it gives replace the layer's own. A key it leaves out (nullopt) keeps the
// layer's value.
struct Ration {
  std::int64_t below = 1;
  std::optional<std::int64_t> shots;
  std::optional<Doctrine> doctrine;
  std::optional<bool> point_defense;
  std::optional<std::vector<std::string>> tiers;  // the tiers it engages (declared tiers only); not with point_defense
};

struct Layer {
  std::string name;
  std::int64_t fire_units = 1;
  std::int64_t channels = 1;
  double engagement_time = 0.0;
  std::optional<std::int64_t> interceptors;  // nullopt: "unlimited"; the magazine at the campaign's start
  // Campaigns (docs/model.md §5): interceptors added to the magazine at the start of each
  // salvo after the first, up to `capacity` (nullopt: capacity = interceptors).
  std::int64_t resupply = 0;
  // `resupply` written as a table: salvo name -> interceptors delivered at that salvo's start.
  // When it holds any delivery, `resupply` is 0 and capacity defaults to no cap.
  std::map<std::string, std::int64_t> resupply_schedule;
  std::optional<std::int64_t> capacity;
  // Interceptors held back: `reserve`, plus `reserve_per_salvo` for each salvo still to come.
  std::int64_t reserve = 0;
  std::int64_t reserve_per_salvo = 0;
  std::vector<Ration> rations;  // in the order written
  // The layer whose magazine this one fires from (empty: its own).
  std::string magazine;
  std::int64_t shots = 1;
  Doctrine doctrine = Doctrine::salvo;
  double look_time = 0.0;
  std::optional<std::int64_t> max_engagements;  // nullopt: "unlimited"
  double kill_assessment = 1.0;
  bool point_defense = false;
  // The tiers the layer engages, by name (docs/model.md §2.5); nullopt: every tier (or, with
  // point_defense, the defended ones).
  std::optional<std::vector<std::string>> tiers;
  double coverage = 1.0;
  double cost = 0.0;
  std::vector<EngagementSpec> engages;  // in the order the config lists them
};

// A tier of targets (`[[tier]]`, docs/model.md §2.7): what threats aim at. `value` is the
// damage of one impact on it; `defended` says whether it lies in a defended area (an impact
// is then leaked_defended, else leaked_open).
struct Tier {
  std::string name;
  double value = 1.0;
  bool defended = true;
};

// One salvo of a campaign (`[[salvo]]`): its own threat groups, launched at times relative
// to `start` (seconds on the campaign's clock).
struct Salvo {
  std::string name;
  double start = 0.0;
  std::vector<ThreatGroup> threats;
};

// One published figure the scenario is meant to reproduce (docs/model.md §8): which simulated
// statistic it corresponds to, and the published value and range. A key that the statistic
// does not take is left empty.
struct PublishedObservable {
  std::string name;
  std::string statistic;  // "fate", "rate", "intercepts", "layer", "cost" or "damage"
  std::string selection;  // a group, "class:", "salvo:", "tier:<name>" or "all" (fate, rate, intercepts, damage)
  std::vector<std::string> fates;   // the config key `fate`: one fate or several, added
  std::string rate;                 // "launched", "engaged" or "threatening"
  std::vector<std::string> layers;  // the config key `layer`: one layer or several, added
  std::string metric;               // a per-layer counter (statistic "layer")
  std::optional<double> value;      // the headline figure; none for a qualitative claim
  double low = 0.0;                 // the config key `range` = [low, high]
  double high = 0.0;
  std::string definition;  // "engaged", "impacts", "neutralized" or "count"
  std::string source;
  std::string note;
};

// The `[published]` table: kept with the scenario for notebooks, tests and calibration to
// compare against; the kernel ignores it.
struct Published {
  std::string description;
  std::vector<PublishedObservable> observables;
};

struct Scenario {
  std::string name;
  std::string description;
  // A plain scenario lists its groups in `threats` (a campaign of one salvo); a campaign
  // lists its salvos in `salvos`, each with its own groups, and leaves `threats` empty.
  std::vector<ThreatGroup> threats;
  std::vector<Salvo> salvos;
  std::vector<Layer> layers;
  // Declared tiers, in declaration order; empty: the two implicit tiers (defended, open) of
  // each group's defended_fraction.
  std::vector<Tier> tiers;
  Published published;

  // Provenance: the text the scenario was loaded from (empty when built in code) and the
  // file name it came from; both are stored in every output file.
  std::string source_text;
  std::string source_name;
  // The name the loader gives a scenario whose text names none (the file's stem, "unnamed",
  // a sweep's name): loading source_text again with it gives the same scenario.
  std::string source_default_name;

  // Key path (as in ConfigProblem::key_path) -> where it was written, so that a rule broken
  // by a value is reported at the value's line. Filled by the TOML loader only.
  std::map<std::string, SourcePosition> positions;
};

// The salvos a scenario is fought as: its [[salvo]] tables, or for a plain scenario one
// salvo (named "salvo", starting at 0) of its top-level groups. Pointers into `scenario`.
struct SalvoView {
  std::string name;
  double start = 0.0;
  const std::vector<ThreatGroup>* threats = nullptr;
  std::int64_t index = -1;  // in scenario.salvos, -1 for a plain scenario's implicit salvo
};
inline std::vector<SalvoView> campaign_salvos(const Scenario& scenario) {
  if (scenario.salvos.empty()) return {{"salvo", 0.0, &scenario.threats, -1}};
  std::vector<SalvoView> views;
  for (std::size_t s = 0; s < scenario.salvos.size(); ++s) {
    const Salvo& salvo = scenario.salvos[s];
    views.push_back({salvo.name, salvo.start, &salvo.threats, static_cast<std::int64_t>(s)});
  }
  return views;
}

inline const char* to_string(Doctrine doctrine) { return doctrine == Doctrine::salvo ? "salvo" : "shoot-look-shoot"; }

}  // namespace salvosim
