#include "salvosim/limits.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "channel_bound.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/tallies.hpp"
#include "time_sort.hpp"

namespace salvosim {
namespace {

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

// Sizes are added in double (exact to 2^53 bytes, far beyond any machine) so that no absurd
// scenario can overflow the sum; the result saturates at INT64_MAX.
std::int64_t to_bytes(double bytes) {
  return bytes >= static_cast<double>(int64_max) ? int64_max : static_cast<std::int64_t>(std::ceil(bytes));
}

template <class T>
constexpr double element(const std::vector<T> KernelScratch::*) {
  return sizeof(T);
}

// KernelScratch (kernel.hpp) per threat: one element of every vector sized by the threat
// count (kernel.cpp KernelScratch::KernelScratch). tests/cpp/limits_test.cpp measures a real
// one against this.
constexpr double scratch_bytes_per_threat =
    element(&KernelScratch::launch_time) + element(&KernelScratch::impact_time) +
    element(&KernelScratch::failure_time) + element(&KernelScratch::release_time) + element(&KernelScratch::launched) +
    element(&KernelScratch::fails) + element(&KernelScratch::defended) + element(&KernelScratch::engaged) +
    element(&KernelScratch::alive) + element(&KernelScratch::killer) + element(&KernelScratch::all_threats) +
    element(&KernelScratch::batch) + 4 * sizeof(std::uint32_t) /* words */ + element(&KernelScratch::normals) +
    element(&KernelScratch::tails) + element(&KernelScratch::tail_values) + element(&KernelScratch::detected) +
    element(&KernelScratch::requests) + element(&KernelScratch::first_time) + element(&KernelScratch::order) +
    element(&KernelScratch::sort_keys) + element(&KernelScratch::re_requests) +
    element(&KernelScratch::unbound_release) + element(&KernelScratch::unbound_alive) +
    element(&KernelScratch::unbound_killed);

// Bytes of a vector of n elements of T.
template <class T>
double array(double n) {
  return n * static_cast<double>(sizeof(T));
}

// A histogram grows to its largest value and std::vector may double its capacity on the way:
// two int64 a possible bin.
double histogram(double largest_value) { return 2.0 * array<std::int64_t>(largest_value + 1.0); }

// How often one threat can be engaged by `layer` under `how`: once under salvo doctrine; under
// shoot-look-shoot max_engagements, and no more than the window allows, each engagement
// starting engagement_time + look_time after the one before (one more for rounding).
double engagements_per_threat(const PlanLayer& layer, const PlanEngagement& how) {
  if (!layer.any_shoot_look_shoot) return 1.0;
  const double cycle = layer.engagement_time + layer.look_time;
  const double by_window = std::max(0.0, std::floor((how.open - how.close - layer.engagement_time) / cycle)) + 2.0;
  return std::min(by_window, static_cast<double>(layer.max_engagements));
}

// The most interceptors `l` can fire in one trial: no more than its magazine ever holds, nor
// than its engagements allow.
double most_fired(const Plan& plan, std::int64_t l) {
  const PlanLayer& layer = plan.layers[static_cast<std::size_t>(l)];
  double fired = 0.0;
  for (std::int64_t g = 0; g < plan.group_count(); ++g) {
    const PlanEngagement& how = plan.engagement(l, g);
    if (!how.engages) continue;
    fired += static_cast<double>(plan.groups[static_cast<std::size_t>(g)].count) * engagements_per_threat(layer, how) *
             static_cast<double>(layer.most_shots);
  }
  // A shared magazine bounds what each of its layers fires.
  if (layer.received >= 0) fired = std::min(fired, static_cast<double>(layer.received));
  return fired;
}

// Whether a threat of group g can end with `fate`: a probability of 0 or 1, or no layer
// engaging it, rules some fates out, and their histograms then stay at one bin.
bool fate_possible(const Plan& plan, std::int64_t g, Fate fate) {
  const PlanGroup& group = plan.groups[static_cast<std::size_t>(g)];
  switch (fate) {
    case Fate::launch_failure:
      return group.p_launch < 1.0;
    case Fate::flight_failure:
      return group.p_launch > 0.0 && group.p_flight < 1.0;
    case Fate::intercepted:
      for (std::int64_t l = 0; l < plan.layer_count(); ++l) {
        if (plan.engagement(l, g).engages) return group.p_launch > 0.0;
      }
      return false;
    case Fate::leaked_defended:
      return group.p_launch > 0.0 && group.defended_fraction > 0.0;
    case Fate::leaked_open:
      return group.p_launch > 0.0 && group.defended_fraction < 1.0;
  }
  return true;
}

// The most threats of `selection` that can have `fate` in one trial.
double most_with_fate(const Plan& plan, const Selection& selection, Fate fate) {
  double most = 0.0;
  for (std::int64_t g : selection.groups) {
    if (fate_possible(plan, g, fate)) most += static_cast<double>(plan.groups[static_cast<std::size_t>(g)].count);
  }
  return most;
}

// One Tallies (tallies.hpp) of the plan, its histograms at their largest.
double tallies_bytes(const Plan& plan) {
  const double selections = static_cast<double>(plan.selections.size());
  const double layers = static_cast<double>(plan.layer_count());
  const double salvos = plan.layout.per_salvo() ? static_cast<double>(plan.salvo_count()) : 0.0;
  double fixed = selections * (array<Moments>(fate_count + 1 + layers) + array<Histogram>(fate_count) +
                               array<RateTally>(rate_count) + array<std::int64_t>(fate_count + 2 + layers) +
                               array<Tallies::RateSample>(rate_count)) +
                 array<Moments>(layers * (layer_metric_count + salvos * (layer_metric_count + 1))) +
                 array<Histogram>(layers) + array<std::int64_t>(layers * layers * (1 + salvos));
  // Declared tiers: each selection's leaks on each tier and their products, tier by tier.
  const double tiers = static_cast<double>(plan.layout.tiers);
  fixed += selections * (array<Moments>(tiers) + array<std::int64_t>(tiers * tiers)) + array<std::int64_t>(tiers);
  double bins = 0.0;
  for (const Selection& selection : plan.selections) {
    for (std::int64_t f = 0; f < fate_count; ++f) bins += histogram(most_with_fate(plan, selection, Fate(f)));
    bins += rate_count * histogram(static_cast<double>(rate_bins));
  }
  for (std::int64_t l = 0; l < plan.layer_count(); ++l) bins += histogram(most_fired(plan, l));
  return fixed + bins;
}

// The arrays of Results (results.hpp): fate histograms as wide as the widest, rate histograms,
// fired histograms, and some hundred numbers per selection.
double results_bytes(const Plan& plan) {
  const double selections = static_cast<double>(plan.selections.size());
  const double layers = static_cast<double>(plan.layer_count());
  double widest_fired = 0.0, widest_fate = 0.0;
  for (std::int64_t l = 0; l < plan.layer_count(); ++l) widest_fired = std::max(widest_fired, most_fired(plan, l));
  for (const Selection& selection : plan.selections) {
    for (std::int64_t f = 0; f < fate_count; ++f)
      widest_fate = std::max(widest_fate, most_with_fate(plan, selection, Fate(f)));
  }
  return array<std::int64_t>(selections * fate_count * (widest_fate + 1.0) +
                             selections * rate_count * (rate_bins + 1.0) + layers * (widest_fired + 1.0) +
                             selections * (96.0 + 4.0 * layers));
}

// Per shot of each engaged group, the kill probability and threshold of every partial salvo.
double kill_table_bytes(const Plan& plan) {
  double bytes = 0.0;
  for (std::int64_t l = 0; l < plan.layer_count(); ++l) {
    const double entries = static_cast<double>(plan.layers[static_cast<std::size_t>(l)].most_shots) + 1.0;
    for (std::int64_t g = 0; g < plan.group_count(); ++g) {
      if (plan.engagement(l, g).engages) bytes += array<double>(entries) + array<std::uint64_t>(entries);
    }
  }
  return bytes;
}

// The plan (plan.hpp): per threat its group and wave time; the kill tables; the tables of
// groups, layers and selections.
double plan_bytes(const Plan& plan, double threats) {
  const double groups = static_cast<double>(plan.group_count());
  const double layers = static_cast<double>(plan.layer_count());
  return array<std::int32_t>(threats) + array<double>(threats) + kill_table_bytes(plan) + array<PlanGroup>(groups) +
         array<PlanLayer>(layers) + array<PlanEngagement>(groups * layers) +
         array<Selection>(static_cast<double>(plan.selections.size())) + array<std::int64_t>(3.0 * groups);
}

// The kernel's scratch (kernel.cpp KernelScratch::KernelScratch): per threat, per group, the
// sort's buckets, the channel ring; and the shoot-look-shoot re-requests of one layer, which
// start with room for one round of every threat and double when a deeper chain needs more.
double scratch_bytes(const Plan& plan, double threats) {
  std::int64_t most_channels = 0;
  for (const PlanLayer& layer : plan.layers) most_channels = std::max(most_channels, layer.channels);
  double re_requests = 0.0;
  for (std::int64_t l = 0; l < plan.layer_count(); ++l) {
    const PlanLayer& layer = plan.layers[static_cast<std::size_t>(l)];
    if (!layer.any_shoot_look_shoot) continue;
    double requests = 0.0;
    for (std::int64_t g = 0; g < plan.group_count(); ++g) {
      const PlanEngagement& how = plan.engagement(l, g);
      if (how.engages) {
        requests +=
            static_cast<double>(plan.groups[static_cast<std::size_t>(g)].count) * engagements_per_threat(layer, how);
      }
    }
    re_requests = std::max(re_requests, 2.0 * requests - threats);
  }
  const auto n =
      static_cast<std::size_t>(std::min(threats, static_cast<double>(std::numeric_limits<std::int32_t>::max())));
  const double groups = static_cast<double>(plan.group_count());
  // Declared tiers: each threat's tier and its slot among a group's counts by tier, and the counts.
  const double tier_bytes = plan.tiers_declared
                                ? threats * (element(&KernelScratch::tier) + element(&KernelScratch::tier_slot)) +
                                      array<std::uint32_t>(static_cast<double>(KernelScratch::tier_counts_size(plan)))
                                : 0.0;
  return threats * scratch_bytes_per_threat + tier_bytes + array<std::uint32_t>(2.0 * groups) +
         array<std::uint32_t>(static_cast<double>(detail::time_sort_buckets(n))) +
         array<std::int64_t>(static_cast<double>(plan.layer_count())) +
         (array<std::uint8_t>(1.0) + array<std::uint32_t>(1.0)) * static_cast<double>(plan.layer_count()) +
         array<double>(std::min(threats, static_cast<double>(most_channels))) +
         array<KernelScratch::Pending>(std::max(0.0, re_requests)) +
         array<std::uint32_t>(static_cast<double>(detail::ChannelBound::storage_size));
}

std::string threads_text(std::int64_t n) { return std::to_string(n) + (n == 1 ? " thread" : " threads"); }

// The cgroup (v2, then v1) memory limit of this process, or INT64_MAX when there is none.
std::int64_t cgroup_memory() {
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream file(path);
    std::string text;
    if (file >> text && !text.empty() && text != "max") {
      try {
        const long long value = std::stoll(text);
        if (value > 0) return value;
      } catch (const std::exception&) {
        // unreadable: no limit known
      }
    }
  }
  return int64_max;
}

double plan_threats(const Plan& plan) {
  double threats = 0.0;
  for (const PlanGroup& group : plan.groups) threats += static_cast<double>(group.count);
  return threats;
}

}  // namespace

CountBound largest_count(const Plan& plan) {
  const double threats = plan_threats(plan);
  CountBound most{threats, -1, ""};
  const auto consider = [&](long double count, std::int64_t layer, const char* key) {
    if (count > most.count) most = {count, layer, key};
  };
  for (std::int64_t l = 0; l < plan.layer_count(); ++l) {
    const PlanLayer& layer = plan.layers[static_cast<std::size_t>(l)];
    if (layer.magazine >= 0 && layer.source == l) {  // a shared magazine is its owner's
      consider(static_cast<long double>(layer.magazine), l, "interceptors");
      // The magazine never holds more than it receives (a schedule leaves it uncapped).
      consider(static_cast<long double>(std::min(layer.capacity, layer.received)), l, "capacity");
      consider(static_cast<long double>(layer.received), l, "resupply");
    }
    // Engagements, interceptors fired and missed requests: bounded by the engagements each
    // threat can get (shoot-look-shoot: by max_engagements and by the window).
    long double engagements = 0.0L;
    for (std::int64_t g = 0; g < plan.group_count(); ++g) {
      const PlanEngagement& how = plan.engagement(l, g);
      if (!how.engages) continue;
      engagements += static_cast<long double>(plan.groups[static_cast<std::size_t>(g)].count) *
                     static_cast<long double>(engagements_per_threat(layer, how));
    }
    const char* key = layer.any_shoot_look_shoot ? "max_engagements" : "shots";
    consider(engagements * static_cast<long double>(std::max<std::int64_t>(layer.most_shots, 1)), l, key);
    consider(static_cast<long double>(threats) + engagements, l, key);
  }
  return most;
}

std::int64_t MemoryEstimate::total() const {
  return to_bytes(static_cast<double>(plan) + static_cast<double>(workers) * static_cast<double>(per_worker) +
                  static_cast<double>(output));
}

MemoryEstimate estimate_run_memory(const Plan& plan, const RunOptions& options) {
  const double threats = plan_threats(plan);
  const double record = array<std::int64_t>(static_cast<double>(plan.layout.size()));
  MemoryEstimate estimate;
  estimate.threats = to_bytes(threats);
  estimate.workers = worker_count(options.threads);
  estimate.plan = to_bytes(plan_bytes(plan, threats));
  estimate.scratch = to_bytes(scratch_bytes(plan, threats));
  double fired = 0.0;  // in each worker's tallies, the summed tallies, and the results
  for (std::int64_t l = 0; l < plan.layer_count(); ++l) fired += histogram(most_fired(plan, l));
  estimate.with_shots = to_bytes(kill_table_bytes(plan) + static_cast<double>(estimate.workers + 2) * fired);
  estimate.with_selections =
      to_bytes(static_cast<double>(plan.selections.size()) * rate_count * static_cast<double>(estimate.workers + 2) *
               histogram(static_cast<double>(rate_bins)));
  estimate.per_worker = to_bytes(scratch_bytes(plan, threats) + tallies_bytes(plan) + record);
  // Per-trial output: held whole by the caller (Python's arrays), else a chunk at a time.
  const double output_row =
      (options.keep_records ? record : 0.0) + (options.keep_outcomes ? array<ThreatOutcome>(threats) : 0.0);
  const double rows = options.output_in_memory ? static_cast<double>(options.trials)
                                               : static_cast<double>(chunk_trials_limit(plan, options));
  estimate.output = to_bytes(tallies_bytes(plan) + results_bytes(plan) + rows * output_row);
  return estimate;
}

std::int64_t machine_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  const std::int64_t physical =
      pages > 0 && page_size > 0 ? to_bytes(static_cast<double>(pages) * static_cast<double>(page_size)) : int64_max;
  return std::min(physical, cgroup_memory());
}

std::int64_t memory_limit(std::int64_t requested) {
  if (requested > 0) return requested;
  if (const char* text = std::getenv("SALVOSIM_MAX_MEMORY"); text != nullptr && *text != '\0') {
    try {
      return parse_memory_size(text);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(std::string("SALVOSIM_MAX_MEMORY: ") + error.what());
    }
  }
  return machine_memory();
}

std::int64_t parse_memory_size(std::string_view text) {
  const std::string given(text);
  const auto bad = [&] {
    return std::invalid_argument(
        "a memory size is a number of bytes, optionally with K, M, G or T (powers of "
        "1024), e.g. 8G or 512M; got \"" +
        given + "\"");
  };
  std::size_t used = 0;
  double number = 0.0;
  try {
    number = std::stod(given, &used);
  } catch (const std::exception&) {
    throw bad();
  }
  std::string unit = given.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  double scale = 1.0;
  if (!unit.empty()) {
    const std::string prefixes = "KMGT";
    const std::size_t k = prefixes.find(static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0]))));
    const std::string rest = unit.substr(1);
    if (k == std::string::npos || !(rest.empty() || rest == "B" || rest == "iB")) throw bad();
    scale = std::pow(1024.0, static_cast<double>(k + 1));
  }
  const double bytes = number * scale;
  if (!(bytes >= 1.0) || !std::isfinite(bytes)) throw bad();
  return to_bytes(bytes);
}

std::string format_bytes(std::int64_t bytes) {
  if (bytes >= int64_max) return "more than 8 EiB";
  static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes) / 1024.0;
  int unit = 0;
  while (value >= 1024.0 && unit < 5) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

void check_run_memory(const Plan& plan, const RunOptions& options) {
  const std::int64_t limit = memory_limit(options.max_memory);
  const MemoryEstimate estimate = estimate_run_memory(plan, options);
  if (estimate.total() <= limit) return;
  std::string message = "this run needs about " + format_bytes(estimate.total()) + " (the plan " +
                        format_bytes(estimate.plan) + ", " + format_bytes(estimate.per_worker) + " for each of " +
                        threads_text(estimate.workers) + " for " + std::to_string(estimate.threats) +
                        " threats, results and output " + format_bytes(estimate.output) +
                        "), more than the memory limit of " + format_bytes(limit) +
                        " (set by --max-memory, max_memory= or SALVOSIM_MAX_MEMORY; by default the machine's "
                        "memory): ";
  const double room =
      static_cast<double>(limit) - static_cast<double>(estimate.plan) - static_cast<double>(estimate.output);
  const double threads = std::floor(room / static_cast<double>(std::max<std::int64_t>(estimate.per_worker, 1)));
  if (threads >= 1.0) {
    message += "at most " + threads_text(static_cast<std::int64_t>(threads)) + " fit";
    if (options.output_in_memory && (options.keep_records || options.keep_outcomes)) {
      message += ", or fewer trials with per-trial or per-threat output";
    }
  } else {
    // Everything but a few tables grows with the threats: scale them down to fit one thread.
    const double per_threat =
        (static_cast<double>(estimate.plan + estimate.per_worker) + static_cast<double>(estimate.output)) /
        std::max(1.0, static_cast<double>(estimate.threats));
    message += "even one thread does not fit; a scenario of at most about " +
               std::to_string(static_cast<std::int64_t>(static_cast<double>(limit) / per_threat)) + " threats would" +
               (options.keep_records || options.keep_outcomes ? " (or fewer trials of per-trial output)" : "");
  }
  throw std::invalid_argument(message);
}

}  // namespace salvosim
