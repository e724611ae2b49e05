#include "salvosim/kernel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "salvosim/rng.hpp"

namespace salvosim {
namespace {

constexpr double never = -std::numeric_limits<double>::infinity();

// Bernoulli(p) from one 32-bit draw; p = 1 is always true and p = 0 always false.
inline bool bernoulli(std::uint32_t u, double p) { return to_unit(u) < p; }

// Normal(mean, sd) truncated to > 0, by rejection over successive blocks of the threat's
// flight-time stream (four candidates a block; with mean > 0 each is accepted with
// probability > 1/2, so the loop ends quickly).
double draw_flight_time(const PlanGroup& group, std::uint64_t seed, std::uint64_t trial,
                        std::uint32_t threat) {
  if (group.flight_sd == 0.0) return group.flight_mean;
  for (std::uint32_t attempt = 0;; ++attempt) {
    const PhiloxCounter u = draw_block(seed, trial, threat, 0, Purpose::flight_time, attempt);
    for (int pair = 0; pair < 2; ++pair) {
      const auto [z1, z2] = box_muller(to_open_unit(u[2 * pair]), to_open_unit(u[2 * pair + 1]));
      for (double z : {z1, z2}) {
        const double value = group.flight_mean + group.flight_sd * z;
        if (value > 0.0) return value;
      }
    }
  }
}

// Orders the request heap: earliest start first, ties by threat index (docs/model.md §2.6).
bool request_after(const KernelScratch::Request& a, const KernelScratch::Request& b) {
  return a.earliest > b.earliest || (a.earliest == b.earliest && a.threat > b.threat);
}

}  // namespace

KernelScratch::KernelScratch(const Plan& plan) {
  const auto n = static_cast<std::size_t>(plan.threat_count());
  for (auto* v : {&launch_time, &impact_time, &failure_time, &release_time}) v->resize(n);
  for (auto* v : {&launched, &fails, &defended, &engaged, &alive}) v->resize(n);
  engagements_here.resize(n);
  killer.resize(n);
  requests.reserve(n);
  std::int64_t most_channels = 0;
  for (const PlanLayer& layer : plan.layers) most_channels = std::max(most_channels, layer.channels);
  channel_free.reserve(static_cast<std::size_t>(most_channels));
}

void simulate_trial(const Plan& plan, std::uint64_t seed, std::uint64_t trial, KernelScratch& s,
                    std::int64_t* record, ThreatOutcome* outcomes) {
  const RecordLayout& layout = plan.layout;
  std::fill(record, record + layout.size(), 0);
  const auto threat_count = static_cast<std::uint32_t>(plan.threat_count());

  // 1. Each threat's own draws: launch, timing, reliability, aim.
  for (std::uint32_t i = 0; i < threat_count; ++i) {
    const PlanGroup& group = plan.groups[static_cast<std::size_t>(plan.threat_group[i])];
    const PhiloxCounter u = draw_block(seed, trial, i, 0, Purpose::threat, 0);
    s.launched[i] = bernoulli(u[0], group.p_launch);
    s.launch_time[i] = group.launch_by_waves ? plan.threat_wave_time[i]
                                             : group.launch_start + to_unit(u[1]) * group.launch_duration;
    s.impact_time[i] = s.launch_time[i] + draw_flight_time(group, seed, trial, i);
    s.fails[i] = !bernoulli(u[2], group.p_flight);
    s.defended[i] = bernoulli(u[3], group.defended_fraction);
    s.failure_time[i] = std::numeric_limits<double>::infinity();
    if (s.fails[i]) {
      const PhiloxCounter v = draw_block(seed, trial, i, 0, Purpose::threat, 1);
      s.failure_time[i] = s.launch_time[i] + to_open_unit(v[0]) * (s.impact_time[i] - s.launch_time[i]);
    }
    s.release_time[i] = s.launch_time[i];
    s.alive[i] = s.launched[i];  // not killed and not gone to a flight failure
    s.engaged[i] = 0;
    s.killer[i] = -1;
  }

  // 2. Layers in order, outer to inner; each sees what the previous ones released.
  for (std::int64_t l = 0; l < plan.layer_count(); ++l) {
    const PlanLayer& layer = plan.layers[static_cast<std::size_t>(l)];
    const auto layer_key = static_cast<std::uint32_t>(l);
    auto metric = [&](LayerMetric m) -> std::int64_t& { return record[layout.layer_metric(l, m)]; };

    s.requests.clear();
    for (std::uint32_t i = 0; i < threat_count; ++i) {
      if (!s.alive[i]) continue;
      const std::int32_t g = plan.threat_group[i];
      const PlanEngagement& how = plan.engagement(l, g);
      if (!how.engages) continue;
      const PhiloxCounter u = draw_block(seed, trial, i, layer_key, Purpose::layer, 0);
      if (!bernoulli(u[0], layer.coverage) || !bernoulli(u[1], how.detect)) continue;
      if (layer.point_defense && !s.defended[i]) continue;
      s.engagements_here[i] = 0;
      s.requests.push_back({std::max(s.release_time[i], s.impact_time[i] - how.open),
                            static_cast<std::int32_t>(i)});
    }
    std::make_heap(s.requests.begin(), s.requests.end(), request_after);

    s.channel_free.assign(static_cast<std::size_t>(std::min<std::int64_t>(
                              layer.channels, static_cast<std::int64_t>(s.requests.size()))),
                          never);
    std::int64_t magazine = layer.magazine;  // -1: unlimited
    while (!s.requests.empty()) {
      std::pop_heap(s.requests.begin(), s.requests.end(), request_after);
      const KernelScratch::Request request = s.requests.back();
      s.requests.pop_back();
      const auto i = static_cast<std::size_t>(request.threat);
      const std::int32_t g = plan.threat_group[i];
      const PlanEngagement& how = plan.engagement(l, g);
      const double latest_start = s.impact_time[i] - how.close - layer.engagement_time;
      const double start = std::max(request.earliest, s.channel_free.front());

      // It already fell on its own: nothing to miss. Each layer judges this at its own start
      // (an inner layer whose window opens earlier may still have engaged it in time).
      if (s.failure_time[i] < start) continue;
      if (magazine == 0) {
        ++metric(LayerMetric::missed_magazine);
        continue;
      }
      if (request.earliest > latest_start) {
        ++metric(LayerMetric::missed_window);
        continue;
      }
      if (start > latest_start) {
        ++metric(LayerMetric::missed_no_channel);
        continue;
      }

      // Engage on the channel that became free earliest.
      const double intercept_time = start + layer.engagement_time;
      std::pop_heap(s.channel_free.begin(), s.channel_free.end(), std::greater<>{});
      s.channel_free.back() = intercept_time;
      std::push_heap(s.channel_free.begin(), s.channel_free.end(), std::greater<>{});

      const std::int64_t fired = magazine < 0 ? layer.shots : std::min(layer.shots, magazine);
      if (magazine > 0) magazine -= fired;
      ++metric(LayerMetric::engagements);
      metric(LayerMetric::fired) += fired;
      s.engaged[i] = 1;
      const auto engagement_number = static_cast<std::uint32_t>(s.engagements_here[i]++);
      const PhiloxCounter u = draw_block(seed, trial, static_cast<std::uint32_t>(i), layer_key,
                                         Purpose::engagement, engagement_number);

      if (s.failure_time[i] < intercept_time) {  // it fell on its own first: a flight failure
        s.alive[i] = 0;
        continue;
      }
      if (bernoulli(u[0], how.kill_probability[static_cast<std::size_t>(fired)])) {
        s.alive[i] = 0;
        s.killer[i] = static_cast<std::int16_t>(l);
        ++metric(LayerMetric::intercepts);
        ++record[layout.group_intercepts(g, l)];
        continue;
      }
      s.release_time[i] = intercept_time + layer.look_time;
      if (layer.shoot_look_shoot && s.engagements_here[i] < layer.max_engagements &&
          bernoulli(u[1], layer.kill_assessment)) {
        s.requests.push_back({s.release_time[i], request.threat});
        std::push_heap(s.requests.begin(), s.requests.end(), request_after);
      }
    }
  }

  // 3. Fates: exactly one per threat.
  for (std::uint32_t i = 0; i < threat_count; ++i) {
    Fate fate;
    if (!s.launched[i]) {
      fate = Fate::launch_failure;
    } else if (s.killer[i] >= 0) {
      fate = Fate::intercepted;
    } else if (s.fails[i]) {
      fate = Fate::flight_failure;
    } else {
      fate = s.defended[i] ? Fate::leaked_defended : Fate::leaked_open;
    }
    const std::int32_t g = plan.threat_group[i];
    ++record[layout.fate(g, fate)];
    record[layout.engaged(g)] += s.engaged[i];
    if (outcomes) outcomes[i] = {static_cast<std::int8_t>(fate), s.killer[i]};
  }
}

}  // namespace salvosim
