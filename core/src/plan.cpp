#include "salvosim/plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "config_detail.hpp"
#include "salvosim/config.hpp"
#include "salvosim/limits.hpp"
#include "salvosim/rng.hpp"
#include "salvosim/simulate.hpp"

namespace salvosim {
namespace {

// The cumulative thresholds of a group's target shares, in tier order (PlanGroup::tier_threshold).
std::vector<std::uint64_t> compile_tier_thresholds(const ThreatGroup& threat, const std::vector<PlanTier>& tiers) {
  std::vector<double> shares;
  std::size_t last_positive = 0;
  for (std::size_t t = 0; t < tiers.size(); ++t) {
    const auto it = threat.targets.find(tiers[t].name);
    shares.push_back(it == threat.targets.end() ? 0.0 : it->second);
    if (shares.back() > 0.0) last_positive = t;
  }
  std::vector<std::uint64_t> thresholds;
  double cumulative = 0.0;
  for (std::size_t t = 0; t < tiers.size(); ++t) {
    cumulative += shares[t];
    // The shares add up to 1 within 1e-9: the last tier aimed at takes every word left.
    thresholds.push_back(t >= last_positive ? bernoulli_always : bernoulli_threshold(std::min(1.0, cumulative)));
  }
  return thresholds;
}

PlanGroup compile_group(const ThreatGroup& threat, std::int64_t first_threat, double salvo_start) {
  PlanGroup group;
  group.name = threat.name;
  group.threat_class = threat.threat_class;
  group.first_threat = first_threat;
  group.count = threat.count;
  group.p_launch = threat.p_launch;
  group.p_flight = threat.p_flight;
  group.defended_fraction = threat.defended_fraction;
  group.flight_mean = threat.flight_time.mean;
  group.flight_sd = threat.flight_time.sd;
  group.launch_by_waves = threat.launch.kind == LaunchSpec::Kind::waves;
  // Launch times are relative to the salvo's start (left as they are at 0, the plain scenario).
  group.launch_start = salvo_start != 0.0 ? salvo_start + threat.launch.start : threat.launch.start;
  group.launch_duration = threat.launch.duration;
  group.cost = threat.cost;
  group.launch_threshold = bernoulli_threshold(group.p_launch);
  group.flight_threshold = bernoulli_threshold(group.p_flight);
  group.defended_threshold = bernoulli_threshold(group.defended_fraction);
  return group;
}

// Bit t for each tier whose `defended` is `defended`.
std::uint64_t tiers_mask(const std::vector<PlanTier>& tiers, bool defended) {
  std::uint64_t mask = 0;
  for (std::size_t t = 0; t < tiers.size(); ++t) {
    if (tiers[t].defended == defended) mask |= std::uint64_t{1} << t;
  }
  return mask;
}

// The tiers a layer or a rule engages: the named ones, or by point defence the defended tiers,
// or (`point_defense` unset, no names) `otherwise`.
std::uint64_t engaged_tiers(const std::optional<std::vector<std::string>>& names,
                            const std::optional<bool>& point_defense, const std::vector<PlanTier>& tiers,
                            std::uint64_t otherwise) {
  if (names) {
    std::uint64_t mask = 0;
    for (const std::string& name : *names) {
      for (std::size_t t = 0; t < tiers.size(); ++t) {
        if (tiers[t].name == name) mask |= std::uint64_t{1} << t;
      }
    }
    return mask;
  }
  if (point_defense)
    return *point_defense ? tiers_mask(tiers, true) : tiers_mask(tiers, true) | tiers_mask(tiers, false);
  return otherwise;
}

// A rule's keys resolved against the layer's own (a rule leaves out what it keeps).
PlanRation resolve_ration(const Layer& layer, const Ration& ration, const std::vector<PlanTier>& tiers,
                          std::uint64_t layer_mask) {
  PlanRation plan;
  plan.below = ration.below;
  plan.shots = ration.shots.value_or(layer.shots);
  plan.shoot_look_shoot = ration.doctrine.value_or(layer.doctrine) == Doctrine::shoot_look_shoot;
  plan.target_mask = engaged_tiers(ration.tiers, ration.point_defense, tiers, layer_mask);
  return plan;
}

// `tiers` are the plan's (declared, or the implicit defended and open ones); the scenario's
// layers are needed for a layer that fires from another's magazine.
PlanLayer compile_layer(const Scenario& scenario, std::size_t index, std::int64_t salvos,
                        const std::vector<PlanTier>& tiers) {
  const Layer& layer = scenario.layers[index];
  PlanLayer plan;
  plan.name = layer.name;
  // validate() refuses a product beyond int64; checked again here, so no plan holds a wrapped count.
  if (__builtin_mul_overflow(layer.fire_units, layer.channels, &plan.channels)) {
    throw std::logic_error("compile: fire_units x channels overflows (validate lets no such layer through)");
  }
  plan.engagement_time = layer.engagement_time;
  plan.source = static_cast<std::int64_t>(index);
  for (std::size_t l = 0; l < index && !layer.magazine.empty(); ++l) {
    if (scenario.layers[l].name == layer.magazine) plan.source = static_cast<std::int64_t>(l);
  }
  const Layer& owner = scenario.layers[static_cast<std::size_t>(plan.source)];
  plan.magazine = owner.interceptors.value_or(-1);
  plan.deliveries.assign(static_cast<std::size_t>(salvos), 0);
  if (owner.interceptors) {
    const std::vector<SalvoView> views = campaign_salvos(scenario);
    for (std::size_t s = 1; s < views.size(); ++s) plan.deliveries[s] = owner.resupply;
    for (std::size_t s = 1; s < views.size() && !owner.resupply_schedule.empty(); ++s) {
      const auto delivery = owner.resupply_schedule.find(views[s].name);
      plan.deliveries[s] = delivery != owner.resupply_schedule.end() ? delivery->second : 0;
    }
  }
  plan.received = plan.magazine;  // validate() bounds the sum
  for (const std::int64_t delivery : plan.deliveries) plan.received += plan.magazine >= 0 ? delivery : 0;
  // A schedule states deliveries, which arrive whole: no cap unless one is given.
  plan.capacity = owner.capacity.value_or(owner.resupply_schedule.empty() || !owner.interceptors
                                              ? plan.magazine
                                              : std::numeric_limits<std::int64_t>::max());
  plan.shots = layer.shots;
  plan.shoot_look_shoot = layer.doctrine == Doctrine::shoot_look_shoot;
  plan.reserve = layer.reserve;
  plan.reserve_per_salvo = layer.reserve_per_salvo;
  plan.stock_aware = layer.reserve != 0 || layer.reserve_per_salvo != 0 || !layer.rations.empty();
  plan.any_shoot_look_shoot = plan.shoot_look_shoot || detail::rations_look(layer);
  plan.most_shots = layer.shots;
  // The tiers it engages under its own keys, and under each rule; its requests leave out only
  // the threats that neither its own keys nor any rule would engage (a rule that narrows the
  // tiers drops the rest as they are served).
  const std::uint64_t all = tiers_mask(tiers, true) | tiers_mask(tiers, false);
  const std::uint64_t own_tiers = engaged_tiers(layer.tiers, layer.point_defense, tiers, all);
  std::uint64_t requested = own_tiers;
  for (const Ration& ration : layer.rations) {
    plan.rations.push_back(resolve_ration(layer, ration, tiers, own_tiers));
    plan.most_shots = std::max(plan.most_shots, plan.rations.back().shots);
    requested |= plan.rations.back().target_mask;
  }
  std::sort(plan.rations.begin(), plan.rations.end(),
            [](const PlanRation& a, const PlanRation& b) { return a.below < b.below; });
  Ration own;
  own.below = std::numeric_limits<std::int64_t>::max();
  plan.rations.push_back(resolve_ration(layer, own, tiers, own_tiers));
  plan.tier_filter = requested == all                       ? TierFilter::all
                     : requested == tiers_mask(tiers, true) ? TierFilter::defended
                                                            : TierFilter::mask;
  plan.tier_mask = requested;
  plan.look_time = plan.any_shoot_look_shoot ? layer.look_time : 0.0;
  plan.max_engagements =
      plan.any_shoot_look_shoot ? layer.max_engagements.value_or(std::numeric_limits<std::int64_t>::max()) : 1;
  plan.kill_assessment = layer.kill_assessment;
  plan.coverage = layer.coverage;
  plan.cost = layer.cost;
  plan.coverage_threshold = bernoulli_threshold(plan.coverage);
  plan.assessment_threshold = bernoulli_threshold(plan.kill_assessment);
  return plan;
}

// Everything but the kill tables, which fill_kill_tables adds once the plan's size is known to fit.
PlanEngagement compile_engagement(const EngagementSpec& spec) {
  PlanEngagement engagement;
  engagement.engages = true;
  engagement.detect = spec.detect;
  engagement.open = spec.window.open;
  engagement.close = spec.window.close;
  engagement.detect_threshold = bernoulli_threshold(engagement.detect);
  return engagement;
}

void fill_kill_tables(PlanEngagement& engagement, double pk, std::int64_t shots) {
  std::int64_t entries = 0;
  if (__builtin_add_overflow(shots, 1, &entries)) {
    throw std::logic_error("compile: shots + 1 overflows (validate lets no such layer through)");
  }
  engagement.kill_probability.resize(static_cast<std::size_t>(entries));
  for (std::int64_t n = 0; n <= shots; ++n) {
    engagement.kill_probability[static_cast<std::size_t>(n)] = 1.0 - std::pow(1.0 - pk, static_cast<double>(n));
  }
  engagement.kill_threshold.reserve(engagement.kill_probability.size());
  for (double p : engagement.kill_probability) engagement.kill_threshold.push_back(bernoulli_threshold(p));
}

// The entry of `layer` for a group: its name wins over its class.
const EngagementSpec* find_engagement(const Layer& layer, const ThreatGroup& group) {
  const EngagementSpec* by_class = nullptr;
  for (const EngagementSpec& spec : layer.engages) {
    if (spec.target == group.name) return &spec;
    if (spec.target == group.threat_class) by_class = &spec;
  }
  return by_class;
}

std::vector<Selection> make_selections(const std::vector<PlanGroup>& groups, const std::vector<PlanSalvo>& salvos,
                                       const Plan& plan) {
  std::vector<Selection> selections;
  Selection all{std::string(selection_all), Selection::Kind::all, {}};
  std::map<std::string, std::vector<std::int64_t>> classes;  // sorted: a stable order
  for (std::int64_t g = 0; g < static_cast<std::int64_t>(groups.size()); ++g) {
    selections.push_back({groups[g].name, Selection::Kind::group, {g}});
    if (!groups[g].threat_class.empty()) classes[groups[g].threat_class].push_back(g);
    all.groups.push_back(g);
  }
  for (auto& [name, members] : classes) {
    selections.push_back(
        {std::string(selection_class_prefix) + name, Selection::Kind::threat_class, std::move(members)});
  }
  if (salvos.size() > 1) {  // a campaign of one salvo: the salvo is "all"
    for (const PlanSalvo& salvo : salvos) {
      Selection& selection = selections.emplace_back(
          Selection{std::string(selection_salvo_prefix) + salvo.name, Selection::Kind::salvo, {}});
      for (std::int64_t g = 0; g < salvo.group_count; ++g) selection.groups.push_back(salvo.first_group + g);
    }
  }
  if (plan.tiers_declared) {
    for (std::size_t t = 0; t < plan.tiers.size(); ++t) {
      selections.push_back({std::string(selection_tier_prefix) + plan.tiers[t].name, Selection::Kind::tier, all.groups,
                            static_cast<std::int64_t>(t)});
    }
  }
  selections.push_back(std::move(all));
  return selections;
}

// A problem at `path`, placed where the scenario's file wrote it.
ConfigProblem problem_at(const Scenario& scenario, const std::string& path, std::string message) {
  SourcePosition where;
  if (auto it = scenario.positions.find(path); it != scenario.positions.end()) where = it->second;
  if (where.file.empty()) where.file = scenario.source_name;
  return {where.file, where.line, where.column, path, std::move(message)};
}

// Refuses a scenario that could not run even on one thread within the memory limit, before
// its per-threat and per-shot tables are allocated, naming the key that makes it so large: the
// largest group's count, or the layer with the most shots when the kill tables dominate.
void check_plan_fits(const Scenario& scenario, const Plan& plan, std::int64_t max_memory) {
  RunOptions one_thread;
  one_thread.threads = 1;
  one_thread.trials = 1;
  const MemoryEstimate estimate = estimate_run_memory(plan, one_thread);
  const std::int64_t limit = memory_limit(max_memory);
  if (estimate.total() <= limit) return;
  std::string path = "threat";
  std::int64_t most = -1;
  for (const SalvoView& salvo : campaign_salvos(scenario)) {
    for (std::size_t k = 0; k < salvo.threats->size(); ++k) {
      const ThreatGroup& group = (*salvo.threats)[k];
      if (group.count > most) {
        most = group.count;
        path = detail::group_path(salvo.index, salvo.name, static_cast<std::int64_t>(k), group.name) + ".count";
      }
    }
  }
  // The threats make it large, unless most of it is tables and histograms that grow with shots,
  // or with the groups and classes, each with its own statistics.
  if (2 * estimate.with_selections > estimate.total()) {
    path = "threat";
  } else if (2 * estimate.with_shots > estimate.total()) {
    std::int64_t shots = 0;
    for (std::size_t l = 0; l < scenario.layers.size(); ++l) {
      if (scenario.layers[l].shots > shots) {
        shots = scenario.layers[l].shots;
        path = detail::layer_path(static_cast<std::int64_t>(l), scenario.layers[l].name) + ".shots";
      }
    }
  }
  throw ConfigError(
      {problem_at(scenario, path,
                  "this scenario (" + std::to_string(estimate.threats) + " threats in " +
                      std::to_string(plan.group_count()) + (plan.group_count() == 1 ? " group" : " groups") +
                      ") needs about " + format_bytes(estimate.total()) + " to run even on one thread (the plan " +
                      format_bytes(estimate.plan) + ", a thread's tables " + format_bytes(estimate.per_worker) +
                      ", results " + format_bytes(estimate.output) + "), more than the memory limit of " +
                      format_bytes(limit) +
                      " (set by --max-memory or SALVOSIM_MAX_MEMORY; by default the machine's memory)")});
}

// Refuses a scenario whose counts could pass max_count_per_trial: no run of it could keep exact
// sums of squares, whatever its number of trials.
void check_counts_fit(const Scenario& scenario, const Plan& plan) {
  const CountBound most = largest_count(plan);
  if (most.count <= static_cast<long double>(max_count_per_trial) || most.layer < 0) return;
  const Layer& layer = scenario.layers[static_cast<std::size_t>(most.layer)];
  const std::string path = detail::layer_path(most.layer, layer.name) + "." + most.key;
  const bool firing = most.key == "max_engagements" || most.key == "shots";
  const std::string what = firing ? "the interceptors its engagements can fire: threats engaged x engagements of "
                                    "each x shots"
                                  : "the interceptors its magazine can hold or receive";
  char count[48];
  std::snprintf(count, sizeof count, "%.0Lf", most.count);
  throw ConfigError(
      {problem_at(scenario, path,
                  "one trial could count up to " + std::string(count) + " (" + what + "), more than " +
                      std::to_string(max_count_per_trial) +
                      ", the largest count whose square fits the 64-bit exact sums the statistics are made of" +
                      (firing ? std::string(": lower shots, or max_engagements")
                              : std::string(": write interceptors = \"unlimited\" for a "
                                            "magazine that never runs out")))});
}

}  // namespace

std::vector<RecordBlock> RecordLayout::blocks() const {
  const auto block = [](std::string name, std::vector<std::string> dims, std::vector<std::int64_t> shape,
                        std::int64_t offset, std::string units, std::string description) {
    std::int64_t size = 1;
    for (std::int64_t extent : shape) size *= extent;
    return RecordBlock{std::move(name),  std::move(dims),       std::move(shape), offset, size,
                       std::move(units), std::move(description)};
  };
  std::vector<RecordBlock> out{
      block("fates", {"group", "fate"}, {groups, fate_count}, fate(0, Fate::launch_failure), "threats",
            "threats of each group with each fate"),
      block("engaged", {"group"}, {groups}, engaged(0), "threats", "threats of each group engaged at least once"),
      block("intercepts", {"group", "layer"}, {groups, layers}, group_intercepts(0, 0), "threats",
            "threats of each group killed by each layer"),
      block("layer_metrics", {"layer", "layer_metric"}, {layers, layer_metric_count},
            layer_metric(0, LayerMetric::engagements), "1",
            "counters of each layer (engagements, interceptors fired, ...)"),
  };
  if (per_salvo()) {
    out.push_back(block("salvo_layer_metrics", {"salvo", "layer", "layer_metric"}, {salvos, layers, layer_metric_count},
                        salvo_layer_metric(0, 0, LayerMetric::engagements), "1",
                        "counters of each layer in each salvo of the campaign"));
    out.push_back(
        block("salvo_magazine", {"salvo", "layer"}, {salvos, layers}, salvo_magazine(0, 0), "interceptors",
              "interceptors in each layer's magazine at the salvo's start, after its resupply; -1: unlimited"));
  }
  if (tiers > 0) {
    out.push_back(block("tier_fates", {"tier", "fate"}, {tiers, fate_count}, tier_fate(0, Fate::launch_failure),
                        "threats", "threats aimed at each tier with each fate"));
    out.push_back(block("tier_engaged", {"tier"}, {tiers}, tier_engaged(0), "threats",
                        "threats aimed at each tier engaged at least once"));
    out.push_back(block("tier_intercepts", {"tier", "layer"}, {tiers, layers}, tier_intercepts(0, 0), "threats",
                        "threats aimed at each tier killed by each layer"));
    out.push_back(block("tier_leaked", {"group", "tier"}, {groups, tiers}, group_tier_leaked(0, 0), "threats",
                        "threats of each group aimed at each tier that leaked (leaked_defended or leaked_open)"));
  }
  return out;
}

Plan compile(const Scenario& scenario, std::int64_t max_memory) {
  validate_or_throw(scenario);

  // First the tables of groups, layers and engagements, whose sizes tell what the rest needs.
  Plan plan;
  plan.tiers_declared = !scenario.tiers.empty();
  if (plan.tiers_declared) {
    for (const Tier& tier : scenario.tiers) plan.tiers.push_back({tier.name, tier.value, tier.defended});
  } else {
    plan.tiers = {{std::string(implicit_defended_tier), 1.0, true}, {std::string(implicit_open_tier), 0.0, false}};
  }
  std::int64_t threats = 0;
  for (const SalvoView& view : campaign_salvos(scenario)) {
    PlanSalvo& salvo = plan.salvos.emplace_back();
    salvo.name = view.name;
    salvo.start = view.start;
    salvo.first_group = plan.group_count();
    salvo.first_threat = threats;
    for (const ThreatGroup& threat : *view.threats) {
      PlanGroup& group = plan.groups.emplace_back(compile_group(threat, threats, view.start));
      if (plan.tiers_declared) group.tier_threshold = compile_tier_thresholds(threat, plan.tiers);
      salvo.threat_cost += threat.cost * static_cast<double>(threat.count);
      if (__builtin_add_overflow(threats, threat.count, &threats)) {  // validate() bounds the sum; checked again
        throw std::logic_error("compile: the threat count overflows (validate lets no such scenario through)");
      }
    }
    salvo.group_count = plan.group_count() - salvo.first_group;
    salvo.threat_count = threats - salvo.first_threat;
    plan.threat_cost += salvo.threat_cost;
  }
  std::vector<const EngagementSpec*> specs;  // [layer * groups + group]
  for (std::size_t l = 0; l < scenario.layers.size(); ++l) {
    const Layer& layer = scenario.layers[l];
    PlanLayer& plan_layer = plan.layers.emplace_back(compile_layer(scenario, l, plan.salvo_count(), plan.tiers));
    std::int32_t g = 0;
    for (const SalvoView& view : campaign_salvos(scenario)) {
      for (const ThreatGroup& threat : *view.threats) {
        const EngagementSpec* spec = find_engagement(layer, threat);
        specs.push_back(spec);
        plan.engagements.push_back(spec ? compile_engagement(*spec) : PlanEngagement{});
        if (spec) plan_layer.engaged_groups.push_back(g);
        ++g;
      }
      plan_layer.salvo_engaged_end.push_back(static_cast<std::int32_t>(plan_layer.engaged_groups.size()));
    }
  }
  plan.selections = make_selections(plan.groups, plan.salvos, plan);
  plan.layout = RecordLayout{plan.group_count(), plan.layer_count(), plan.salvo_count(),
                             plan.tiers_declared ? static_cast<std::int64_t>(plan.tiers.size()) : 0};
  check_counts_fit(scenario, plan);
  check_plan_fits(scenario, plan, max_memory);

  // Then the tables per threat and per shot.
  plan.threat_group.reserve(static_cast<std::size_t>(threats));
  plan.threat_wave_time.reserve(static_cast<std::size_t>(threats));
  std::int64_t group_index = 0;
  for (const SalvoView& view : campaign_salvos(scenario)) {
    for (const ThreatGroup& threat : *view.threats) {
      const PlanGroup& group = plan.groups[static_cast<std::size_t>(group_index)];
      plan.threat_group.insert(plan.threat_group.end(), static_cast<std::size_t>(threat.count),
                               static_cast<std::int32_t>(group_index));
      plan.threat_wave_time.insert(plan.threat_wave_time.end(), static_cast<std::size_t>(threat.count), 0.0);
      if (threat.launch.kind == LaunchSpec::Kind::waves) {
        // Threats are assigned to waves in index order.
        auto next = static_cast<std::size_t>(group.first_threat);
        for (const Wave& wave : threat.launch.waves) {
          const double time = view.start != 0.0 ? view.start + wave.time : wave.time;
          for (std::int64_t i = 0; i < wave.count; ++i) plan.threat_wave_time[next++] = time;
        }
      }
      ++group_index;
    }
  }
  for (std::size_t k = 0; k < specs.size(); ++k) {
    if (specs[k] == nullptr) continue;
    const auto layer = static_cast<std::size_t>(static_cast<std::int64_t>(k) / plan.group_count());
    fill_kill_tables(plan.engagements[k], specs[k]->pk, plan.layers[layer].most_shots);
  }
  return plan;
}

}  // namespace salvosim
