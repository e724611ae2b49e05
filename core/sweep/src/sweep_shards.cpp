// Dealing a sweep's points to shards, and what a point is estimated to cost.
#include <algorithm>
#include <charconv>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "salvosim/sweep.hpp"

namespace salvosim {

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  Shard shard;
  const auto number = [&](std::size_t begin, std::size_t end, std::int64_t& out) {
    const char* first = text.data() + begin;
    const char* last = text.data() + end;
    const auto [ptr, error] = std::from_chars(first, last, out);
    return error == std::errc() && ptr == last && begin < end;
  };
  if (slash == std::string::npos || !number(0, slash, shard.index) || !number(slash + 1, text.size(), shard.count)) {
    throw std::invalid_argument("--shard must be I/N (the I-th of N slices, 1 <= I <= N), got \"" + text + "\"");
  }
  check_shard(shard);
  return shard;
}

void check_shard(const Shard& shard) {
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw std::invalid_argument("shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                                " does not exist: a shard is I/N with 1 <= I <= N");
  }
}

double point_cost(const Scenario& scenario, std::int64_t trials) {
  // A trial's work grows with its threats and with the layers that engage each: every threat
  // makes its own draws, and each layer that may engage it serves its requests.
  double per_trial = 1.0;
  for (const SalvoView& salvo : campaign_salvos(scenario)) {
    for (const ThreatGroup& group : *salvo.threats) {
      std::int64_t layers = 0;
      for (const Layer& layer : scenario.layers) {
        const bool engages = std::any_of(layer.engages.begin(), layer.engages.end(), [&](const EngagementSpec& e) {
          return e.target == group.name || (!group.threat_class.empty() && e.target == group.threat_class);
        });
        layers += engages ? 1 : 0;
      }
      per_trial += static_cast<double>(group.count) * static_cast<double>(1 + layers);
    }
  }
  return per_trial * static_cast<double>(trials);
}

std::vector<std::int64_t> deal_points(const ExpandedSweep& sweep, std::int64_t count) {
  check_shard({1, count});
  const auto points = static_cast<std::int64_t>(sweep.points.size());
  std::vector<std::int64_t> dealt(static_cast<std::size_t>(points), 0);
  if (count == 1) return dealt;
  // Longest processing time first: the costliest point goes to the least loaded shard (ties
  // to the lower index), which keeps shards within one point's cost of one another.
  std::vector<std::int64_t> order(static_cast<std::size_t>(points));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::vector<double> cost(static_cast<std::size_t>(points));
  for (std::int64_t p = 0; p < points; ++p) {
    const auto k = static_cast<std::size_t>(p);
    cost[k] = point_cost(sweep.scenarios[k], sweep.points[k].trials);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return cost[static_cast<std::size_t>(a)] > cost[static_cast<std::size_t>(b)];
  });
  std::vector<double> load(static_cast<std::size_t>(count), 0.0);
  for (std::int64_t p : order) {
    const auto least = static_cast<std::int64_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[static_cast<std::size_t>(least)] += cost[static_cast<std::size_t>(p)];
    dealt[static_cast<std::size_t>(p)] = least;
  }
  return dealt;
}

std::vector<std::int64_t> shard_points(const ExpandedSweep& sweep, const Shard& shard) {
  check_shard(shard);
  const std::vector<std::int64_t> dealt = deal_points(sweep, shard.count);
  std::vector<std::int64_t> mine;
  for (std::size_t p = 0; p < dealt.size(); ++p) {
    if (dealt[p] == shard.index - 1) mine.push_back(static_cast<std::int64_t>(p));
  }
  return mine;
}

}  // namespace salvosim
