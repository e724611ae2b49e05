// A scenario compiled for the kernel: flat per-threat, per-layer and per-(layer, group)
// tables, so the trial loop never looks anything up by name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "salvosim/names.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim {

// One block of a record: a row-major array over `dims` (after the trial) of extents `shape`,
// at [offset, offset + size) of the record. The blocks are the datasets of /per_trial
// (docs/hdf5-format.md) and of Results.per_trial in Python, which both take them from here.
struct RecordBlock {
  std::string name;
  std::vector<std::string> dims;
  std::vector<std::int64_t> shape;
  std::int64_t offset = 0;
  std::int64_t size = 0;
  std::string units;
  std::string description;
};

// Where each count of one trial sits in its flat record of int64 (one record per trial).
// The layer counters are those of the whole campaign; a campaign of two salvos or more adds
// each salvo's layer counters and each layer's magazine at each salvo's start (a campaign of
// one has neither: its record is that of a plain scenario).
// A scenario that declares tiers adds, after all of that, each tier's fates, engaged threats and
// intercepts by layer, and each group's leaked threats on each tier (for the damage).
struct RecordLayout {
  std::int64_t groups = 0;
  std::int64_t layers = 0;
  std::int64_t salvos = 1;
  std::int64_t tiers = 0;  // declared tiers; 0 without (the implicit two have no blocks)

  std::int64_t fate(std::int64_t group, Fate fate) const {
    return group * fate_count + static_cast<std::int64_t>(fate);
  }
  std::int64_t engaged(std::int64_t group) const { return groups * fate_count + group; }
  std::int64_t group_intercepts(std::int64_t group, std::int64_t layer) const {
    return groups * (fate_count + 1) + group * layers + layer;
  }
  std::int64_t layer_metric(std::int64_t layer, LayerMetric metric) const {
    return groups * (fate_count + 1 + layers) + layer * layer_metric_count + static_cast<std::int64_t>(metric);
  }
  std::int64_t campaign_size() const { return groups * (fate_count + 1 + layers) + layers * layer_metric_count; }
  bool per_salvo() const { return salvos > 1; }
  std::int64_t salvo_layer_metric(std::int64_t salvo, std::int64_t layer, LayerMetric metric) const {
    return campaign_size() + (salvo * layers + layer) * layer_metric_count + static_cast<std::int64_t>(metric);
  }
  // Interceptors in the magazine at the salvo's start, after its resupply; -1: unlimited.
  std::int64_t salvo_magazine(std::int64_t salvo, std::int64_t layer) const {
    return campaign_size() + salvos * layers * layer_metric_count + salvo * layers + layer;
  }
  std::int64_t tier_base() const {
    return campaign_size() + (per_salvo() ? salvos * layers * (layer_metric_count + 1) : 0);
  }
  std::int64_t tier_fate(std::int64_t tier, Fate fate) const {
    return tier_base() + tier * fate_count + static_cast<std::int64_t>(fate);
  }
  std::int64_t tier_engaged(std::int64_t tier) const { return tier_base() + tiers * fate_count + tier; }
  std::int64_t tier_intercepts(std::int64_t tier, std::int64_t layer) const {
    return tier_base() + tiers * (fate_count + 1) + tier * layers + layer;
  }
  // Threats of the group aimed at the tier that leaked (leaked_defended or leaked_open).
  std::int64_t group_tier_leaked(std::int64_t group, std::int64_t tier) const {
    return tier_base() + tiers * (fate_count + 1 + layers) + group * tiers + tier;
  }
  std::int64_t size() const { return tier_base() + tiers * (fate_count + 1 + layers) + groups * tiers; }
  // The record as named blocks, in record order, covering it exactly.
  std::vector<RecordBlock> blocks() const;
};

// How layer l treats threats of group g (the `engages` entry for the group's name, else for
// its class).
struct PlanEngagement {
  bool engages = false;
  double detect = 0.0;
  double open = 0.0;
  double close = 0.0;
  // kill_probability[n] = 1 - (1 - pk)^n for n = 0..shots (the layer's most_shots): a partial
  // salvo fires fewer, a rationing rule may fire more or fewer.
  std::vector<double> kill_probability;
  // The same as integer Bernoulli thresholds (rng.hpp bernoulli_threshold), for the kernel.
  std::uint64_t detect_threshold = 0;
  std::vector<std::uint64_t> kill_threshold;  // [n] for n = 0..shots
};

// How a layer fires while one rationing rule applies (or, last, with its own keys), every key
// resolved: a rule's missing keys take the layer's.
struct PlanRation {
  std::int64_t below = 0;  // applies while the usable stock is below this; INT64_MAX for the layer's own keys
  std::int64_t shots = 1;
  bool shoot_look_shoot = false;
  // The tiers it engages, bit t for tier t of Plan::tiers (without declared tiers: bit 0 the
  // implicit defended tier, bit 1 open ground).
  std::uint64_t target_mask = 0b11;
};

// Which threats a layer may engage by their tier (§3.3): every tier, the defended tiers (point
// defence), or the tiers of PlanLayer::tier_mask.
enum class TierFilter { all, defended, mask };

struct PlanLayer {
  std::string name;
  std::int64_t channels = 1;  // fire_units x channels
  double engagement_time = 0.0;
  // The layer whose magazine this one fires from: itself, or an earlier layer (a shared
  // magazine). The magazine's keys below are those of that layer.
  std::int64_t source = 0;
  std::int64_t magazine = -1;  // at the campaign's start; -1: unlimited
  // [salvo]: interceptors delivered at the salvo's start (0 for the first salvo).
  std::vector<std::int64_t> deliveries;
  std::int64_t received = -1;  // magazine + every delivery: the most it ever receives; -1: unlimited
  std::int64_t capacity = -1;  // the most the magazine holds after a resupply; -1: unlimited
  std::int64_t shots = 1;
  bool shoot_look_shoot = false;
  // Stock-aware doctrine (a reserve or rationing rules, finite magazines only): the kernel's
  // slower path, which evaluates `rations` at every request. Without it, the layer fires by
  // its own keys alone.
  bool stock_aware = false;
  std::int64_t reserve = 0;  // held back in every salvo, plus reserve_per_salvo per salvo to come
  std::int64_t reserve_per_salvo = 0;
  std::vector<PlanRation> rations;    // by increasing below, the layer's own keys last
  bool any_shoot_look_shoot = false;  // its own doctrine or a rule's: look_time and max_engagements apply
  std::int64_t most_shots = 1;        // of its own and every rule's: the kill tables' length - 1
  double look_time = 0.0;
  std::int64_t max_engagements = 1;  // per threat; INT64_MAX when unlimited
  double kill_assessment = 1.0;
  // Bit t: the layer requests engagements of threats aimed at tier t (of Plan::tiers), under its
  // own keys or some rationing rule (the rule in force when a request is served may drop it:
  // PlanRation::target_mask). The filter is the cheapest test with the same effect: `all` or
  // `defended` when the mask is exactly that.
  std::uint64_t tier_mask = 0;
  TierFilter tier_filter = TierFilter::all;
  double coverage = 1.0;
  double cost = 0.0;
  // For the kernel: Bernoulli thresholds, and the groups this layer engages (in group order;
  // a layer only ever looks at their threats).
  std::uint64_t coverage_threshold = 0;
  std::uint64_t assessment_threshold = 0;
  std::vector<std::int32_t> engaged_groups;
  // [salvo]: where the salvo's groups end in engaged_groups (they begin where the previous
  // salvo's end): groups are numbered salvo after salvo.
  std::vector<std::int32_t> salvo_engaged_end;
};

struct PlanGroup {
  std::string name;
  std::string threat_class;
  std::int64_t first_threat = 0;
  std::int64_t count = 0;
  double p_launch = 1.0;
  double p_flight = 1.0;
  double defended_fraction = 1.0;
  double flight_mean = 0.0;
  double flight_sd = 0.0;
  bool launch_by_waves = false;
  double launch_start = 0.0;
  double launch_duration = 0.0;
  double cost = 0.0;
  // For the kernel: Bernoulli thresholds of p_launch, p_flight and defended_fraction.
  std::uint64_t launch_threshold = 0;
  std::uint64_t flight_threshold = 0;
  std::uint64_t defended_threshold = 0;
  // With declared tiers: the tier of a threat is the first t with u < tier_threshold[t], u the
  // word of defended_threshold's draw (the inverse CDF of the cumulative shares; the last tier
  // with a share > 0 and those after it hold bernoulli_always). Empty without declared tiers.
  std::vector<std::uint64_t> tier_threshold;
};

// A tier of targets (docs/model.md §2.7): declared, or the implicit "defended" (value 1) and
// "open" (value 0) of a scenario without [[tier]] tables.
struct PlanTier {
  std::string name;
  double value = 1.0;
  bool defended = true;
};

// One salvo of the campaign: its groups are [first_group, first_group + group_count), their
// threats [first_threat, first_threat + threat_count).
struct PlanSalvo {
  std::string name;
  double start = 0.0;  // added to its groups' launch times
  std::int64_t first_group = 0;
  std::int64_t group_count = 0;
  std::int64_t first_threat = 0;
  std::int64_t threat_count = 0;
  double threat_cost = 0.0;
};

// A set of threats that statistics are reported for: each group, each class, each salvo of a
// campaign of two salvos or more, each declared tier, and all. A tier's selection holds the
// threats of all groups aimed at the tier in the trial (its record blocks, not its groups').
struct Selection {
  using Kind = SelectionKind;
  std::string label;  // the group name, "class:<class>", "salvo:<salvo>", "tier:<tier>" or "all"
  Kind kind = Kind::group;
  std::vector<std::int64_t> groups;
  std::int64_t tier = -1;  // of a tier's selection
};

struct Plan {
  std::vector<PlanSalvo> salvos;  // one for a plain scenario
  std::vector<PlanGroup> groups;
  std::vector<PlanLayer> layers;
  std::vector<PlanEngagement> engagements;  // [layer * groups.size() + group]
  std::vector<std::int32_t> threat_group;   // [threat]
  std::vector<double> threat_wave_time;     // [threat]; used when its group launches by waves
  std::vector<Selection> selections;
  // The tiers threats aim at: the declared ones, or the implicit two (tiers_declared false).
  std::vector<PlanTier> tiers;
  bool tiers_declared = false;
  RecordLayout layout;
  double threat_cost = 0.0;  // of the whole campaign: every threat counts, launched or not

  std::int64_t threat_count() const { return static_cast<std::int64_t>(threat_group.size()); }
  std::int64_t group_count() const { return static_cast<std::int64_t>(groups.size()); }
  std::int64_t layer_count() const { return static_cast<std::int64_t>(layers.size()); }
  std::int64_t salvo_count() const { return static_cast<std::int64_t>(salvos.size()); }
  const PlanEngagement& engagement(std::int64_t layer, std::int64_t group) const {
    return engagements[static_cast<std::size_t>(layer * group_count() + group)];
  }
};

// Validates (throws ConfigError) and compiles. The kernel's derived tables (thresholds, each
// layer's engaged groups) are filled here too: a Plan is made by compile(), never edited after.
// A scenario that could not run even on one thread within memory_limit(max_memory)
// (limits.hpp) is refused with a ConfigError before its per-threat tables are allocated.
Plan compile(const Scenario& scenario, std::int64_t max_memory = 0);

}  // namespace salvosim
