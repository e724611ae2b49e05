#include "salvosim/plan.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "config_detail.hpp"
#include "salvosim/config.hpp"
#include "salvosim/rng.hpp"

namespace salvosim {
namespace {

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

PlanLayer compile_layer(const Layer& layer) {
  PlanLayer plan;
  plan.name = layer.name;
  plan.channels = layer.fire_units * layer.channels;
  plan.engagement_time = layer.engagement_time;
  plan.magazine = layer.interceptors.value_or(-1);
  plan.resupply = layer.interceptors ? layer.resupply : 0;
  plan.capacity = layer.capacity.value_or(plan.magazine);
  plan.shots = layer.shots;
  plan.shoot_look_shoot = layer.doctrine == Doctrine::shoot_look_shoot;
  plan.look_time = plan.shoot_look_shoot ? layer.look_time : 0.0;
  plan.max_engagements = plan.shoot_look_shoot
                             ? layer.max_engagements.value_or(std::numeric_limits<std::int64_t>::max())
                             : 1;
  plan.kill_assessment = layer.kill_assessment;
  plan.point_defense = layer.point_defense;
  plan.coverage = layer.coverage;
  plan.cost = layer.cost;
  plan.coverage_threshold = bernoulli_threshold(plan.coverage);
  plan.assessment_threshold = bernoulli_threshold(plan.kill_assessment);
  return plan;
}

PlanEngagement compile_engagement(const EngagementSpec& spec, std::int64_t shots) {
  PlanEngagement engagement;
  engagement.engages = true;
  engagement.detect = spec.detect;
  engagement.open = spec.window.open;
  engagement.close = spec.window.close;
  engagement.kill_probability.resize(static_cast<std::size_t>(shots + 1));
  for (std::int64_t n = 0; n <= shots; ++n) {
    engagement.kill_probability[static_cast<std::size_t>(n)] =
        1.0 - std::pow(1.0 - spec.pk, static_cast<double>(n));
  }
  engagement.detect_threshold = bernoulli_threshold(engagement.detect);
  for (double p : engagement.kill_probability) engagement.kill_threshold.push_back(bernoulli_threshold(p));
  return engagement;
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

std::vector<Selection> make_selections(const std::vector<PlanGroup>& groups, const std::vector<PlanSalvo>& salvos) {
  std::vector<Selection> selections;
  Selection all{std::string(selection_all), Selection::Kind::all, {}};
  std::map<std::string, std::vector<std::int64_t>> classes;  // sorted: a stable order
  for (std::int64_t g = 0; g < static_cast<std::int64_t>(groups.size()); ++g) {
    selections.push_back({groups[g].name, Selection::Kind::group, {g}});
    if (!groups[g].threat_class.empty()) classes[groups[g].threat_class].push_back(g);
    all.groups.push_back(g);
  }
  for (auto& [name, members] : classes) {
    selections.push_back({std::string(selection_class_prefix) + name, Selection::Kind::threat_class, std::move(members)});
  }
  if (salvos.size() > 1) {  // a campaign of one salvo: the salvo is "all"
    for (const PlanSalvo& salvo : salvos) {
      Selection& selection =
          selections.emplace_back(Selection{std::string(selection_salvo_prefix) + salvo.name, Selection::Kind::salvo, {}});
      for (std::int64_t g = 0; g < salvo.group_count; ++g) selection.groups.push_back(salvo.first_group + g);
    }
  }
  selections.push_back(std::move(all));
  return selections;
}

// Selection labels share one namespace with group names: refuse names that would collide.
void check_reserved_names(const Scenario& scenario) {
  std::vector<ConfigProblem> problems;
  for (const SalvoView& salvo : campaign_salvos(scenario)) {
    for (std::size_t g = 0; g < salvo.threats->size(); ++g) {
      const std::string& name = (*salvo.threats)[g].name;
      if (name == selection_all || name.rfind(selection_class_prefix, 0) == 0 ||
          name.rfind(selection_salvo_prefix, 0) == 0) {
        std::string path = detail::group_path(salvo.index, salvo.name, static_cast<std::int64_t>(g), name) + ".name";
        SourcePosition where;  // the file's, unless the scenario was edited since (validate() does the same)
        if (auto it = scenario.positions.find(path); it != scenario.positions.end() && source_text_describes(scenario)) {
          where = it->second;
        }
        problems.push_back({where.file, where.line, where.column, path,
                            "the name \"all\" and names starting with \"class:\" or \"salvo:\" are reserved for "
                            "the statistics over all threats, over a class and over a salvo"});
      }
    }
  }
  if (!problems.empty()) throw ConfigError(std::move(problems));
}

}  // namespace

std::vector<RecordBlock> RecordLayout::blocks() const {
  const auto block = [](std::string name, std::vector<std::string> dims, std::vector<std::int64_t> shape,
                        std::int64_t offset, std::string units, std::string description) {
    std::int64_t size = 1;
    for (std::int64_t extent : shape) size *= extent;
    return RecordBlock{std::move(name), std::move(dims), std::move(shape), offset, size, std::move(units),
                       std::move(description)};
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
    out.push_back(block("salvo_magazine", {"salvo", "layer"}, {salvos, layers}, salvo_magazine(0, 0), "interceptors",
                        "interceptors in each layer's magazine at the salvo's start, after its resupply; -1: unlimited"));
  }
  return out;
}

Plan compile(const Scenario& scenario) {
  validate_or_throw(scenario);
  check_reserved_names(scenario);

  Plan plan;
  for (const SalvoView& view : campaign_salvos(scenario)) {
    PlanSalvo& salvo = plan.salvos.emplace_back();
    salvo.name = view.name;
    salvo.start = view.start;
    salvo.first_group = plan.group_count();
    salvo.first_threat = plan.threat_count();
    for (const ThreatGroup& threat : *view.threats) {
      const std::int64_t group_index = plan.group_count();
      plan.groups.push_back(compile_group(threat, plan.threat_count(), view.start));
      salvo.threat_cost += threat.cost * static_cast<double>(threat.count);
      for (std::int64_t i = 0; i < threat.count; ++i) {
        plan.threat_group.push_back(static_cast<std::int32_t>(group_index));
        plan.threat_wave_time.push_back(0.0);
      }
      if (threat.launch.kind == LaunchSpec::Kind::waves) {
        // Threats are assigned to waves in index order.
        std::size_t next = static_cast<std::size_t>(plan.groups.back().first_threat);
        for (const Wave& wave : threat.launch.waves) {
          const double time = view.start != 0.0 ? view.start + wave.time : wave.time;
          for (std::int64_t i = 0; i < wave.count; ++i) plan.threat_wave_time[next++] = time;
        }
      }
    }
    salvo.group_count = plan.group_count() - salvo.first_group;
    salvo.threat_count = plan.threat_count() - salvo.first_threat;
    plan.threat_cost += salvo.threat_cost;
  }
  for (const Layer& layer : scenario.layers) {
    PlanLayer& plan_layer = plan.layers.emplace_back(compile_layer(layer));
    std::int32_t g = 0;
    for (const SalvoView& view : campaign_salvos(scenario)) {
      for (const ThreatGroup& threat : *view.threats) {
        const EngagementSpec* spec = find_engagement(layer, threat);
        plan.engagements.push_back(spec ? compile_engagement(*spec, layer.shots) : PlanEngagement{});
        if (spec) plan_layer.engaged_groups.push_back(g);
        ++g;
      }
      plan_layer.salvo_engaged_end.push_back(static_cast<std::int32_t>(plan_layer.engaged_groups.size()));
    }
  }
  plan.selections = make_selections(plan.groups, plan.salvos);
  plan.layout = RecordLayout{plan.group_count(), plan.layer_count(), plan.salvo_count()};
  return plan;
}

}  // namespace salvosim
