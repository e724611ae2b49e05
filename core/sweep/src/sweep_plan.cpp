// Planning a sweep before it runs: its cost in seconds from a few points timed, and the
// shards that keep each task within a wall time (`salvosim sweep --dry-run`).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "salvosim/parallel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/sweep.hpp"

namespace salvosim {
namespace {

// A point is timed on more and more trials until a run lasts this long (or all its trials ran):
// long enough that the time is the trials', not the threads' start.
constexpr double timing_seconds_per_point = 0.2;
constexpr std::int64_t first_timing_trials = 16;

// Trials of `scenario` run until one run lasts timing_seconds_per_point: (trials, seconds).
std::pair<std::int64_t, double> time_point(const Scenario& scenario, const SweepPoint& point, int threads) {
  const Plan plan = compile(scenario);
  RunOptions options;
  options.seed = point.seed;
  options.threads = threads;
  options.trials = std::min(point.trials, first_timing_trials);
  while (true) {
    const auto start = std::chrono::steady_clock::now();
    run_trials(plan, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (seconds >= timing_seconds_per_point || options.trials == point.trials) return {options.trials, seconds};
    options.trials = std::min(point.trials, options.trials * 4);
  }
}

}  // namespace

double SweepEstimate::total_seconds() const { return std::accumulate(point_seconds.begin(), point_seconds.end(), 0.0); }

SweepEstimate estimate_sweep(const ExpandedSweep& sweep, int threads) {
  SweepEstimate estimate;
  estimate.threads = worker_count(threads);
  const auto points = static_cast<std::int64_t>(sweep.points.size());
  std::vector<double> cost(static_cast<std::size_t>(points));
  for (std::int64_t p = 0; p < points; ++p) {
    const auto k = static_cast<std::size_t>(p);
    cost[k] = point_cost(sweep.scenarios[k], sweep.points[k].trials);
  }
  std::vector<std::int64_t> order(static_cast<std::size_t>(points));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return cost[static_cast<std::size_t>(a)] < cost[static_cast<std::size_t>(b)];
  });
  for (std::int64_t at : {std::int64_t{0}, points / 2, points - 1}) {
    const std::int64_t p = order[static_cast<std::size_t>(at)];
    if (std::find(estimate.timed_points.begin(), estimate.timed_points.end(), p) == estimate.timed_points.end()) {
      estimate.timed_points.push_back(p);
    }
  }
  double timed_cost = 0.0;
  for (std::int64_t p : estimate.timed_points) {
    const auto k = static_cast<std::size_t>(p);
    const auto [trials, seconds] = time_point(sweep.scenarios[k], sweep.points[k], threads);
    estimate.timed_trials.push_back(trials);
    estimate.timing_seconds += seconds;
    timed_cost += point_cost(sweep.scenarios[k], trials);
  }
  estimate.seconds_per_cost = estimate.timing_seconds / timed_cost;
  for (double c : cost) estimate.point_seconds.push_back(c * estimate.seconds_per_cost);
  return estimate;
}

ShardPlan plan_shards(const ExpandedSweep& sweep, const SweepEstimate& estimate, double target_seconds) {
  const auto points = static_cast<std::int64_t>(sweep.points.size());
  const auto loads = [&](std::int64_t count) {
    std::vector<double> seconds(static_cast<std::size_t>(count), 0.0);
    const std::vector<std::int64_t> dealt = deal_points(sweep, count);
    for (std::size_t p = 0; p < dealt.size(); ++p) {
      seconds[static_cast<std::size_t>(dealt[p])] += estimate.point_seconds[p];
    }
    return seconds;
  };
  // No fewer than the total over the target; rarely more than one or two above it (the dealing
  // keeps shards within one point of one another).
  // Bounded by the points before the cast: a tiny target would overflow an integer.
  const double lower = target_seconds > 0.0 ? std::ceil(estimate.total_seconds() / target_seconds) : 1.0;
  ShardPlan plan;
  for (plan.shards = static_cast<std::int64_t>(std::clamp(lower, 1.0, static_cast<double>(points)));; ++plan.shards) {
    plan.shard_seconds = loads(plan.shards);
    if (*std::max_element(plan.shard_seconds.begin(), plan.shard_seconds.end()) <= target_seconds) return plan;
    if (plan.shards == points) break;
  }
  plan.fits = false;
  return plan;
}

}  // namespace salvosim
