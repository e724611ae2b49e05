#include "salvosim/tallies.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace salvosim {
namespace {

void merge_all(std::vector<Moments>& into, const std::vector<Moments>& from) {
  for (std::size_t k = 0; k < into.size(); ++k) into[k].merge(from[k]);
}
void merge_all(std::vector<Histogram>& into, const std::vector<Histogram>& from) {
  for (std::size_t k = 0; k < into.size(); ++k) into[k].merge(from[k]);
}

// Exact floor division by a small d with a multiply, several times faster than a division.
// With c = ceil(2^63 / d), c * d = 2^63 + e with 0 <= e < d, and for x = q * d + r (r < d),
// x * c / 2^63 = q + (r + x * e / 2^63) / d. While x * (d - 1) < 2^63, x * e / 2^63 < 1, so the
// added fraction is below (r + 1) / d <= 1 and the floor is q. A rate has num <= d <
// reciprocal_limit here, so x <= num^2 * 2^32 < 2^52 and x * (d - 1) < 2^62.
constexpr std::uint64_t reciprocal_limit = 1024;
constexpr auto reciprocals = [] {
  std::array<std::uint64_t, reciprocal_limit> c{};  // [d] = ceil(2^63 / d) for d >= 1 (2^63 fits, 2^64 would not)
  for (std::uint64_t d = 1; d < reciprocal_limit; ++d) c[d] = ((std::uint64_t{1} << 63) - 1) / d + 1;
  return c;
}();
std::uint64_t divide(std::uint64_t x, std::uint64_t reciprocal) {
  return static_cast<std::uint64_t>((static_cast<uint128>(x) * reciprocal) >> 63);
}

// Tallies::rate_sample, inlined into add(): a call per rate would cost as much as the arithmetic.
// Counts of threats are small: nearly every rate has a denominator below reciprocal_limit and
// multiplies. The others divide, in 64 bits while exact (several times faster than 128-bit).
[[gnu::always_inline]] inline Tallies::RateSample sample_rate(std::int64_t numerator, std::int64_t denominator) {
  if (denominator <= 0) return {};
  const auto num = static_cast<std::uint64_t>(numerator);
  const auto den = static_cast<std::uint64_t>(denominator);
  if (num <= den && den < reciprocal_limit) {
    const std::uint64_t c = reciprocals[den];
    // The square's floor(num^2 * 2^32 / den^2) in two steps: floor(floor(y / a) / b) = floor(y / (a * b)).
    return {true, static_cast<std::int64_t>(divide(num << 32, c)),
            static_cast<std::int64_t>(divide(divide((num * num) << 32, c), c)),
            static_cast<std::int64_t>(divide(num * static_cast<std::uint64_t>(rate_bins), c))};
  }
  if (num < (std::uint64_t{1} << 16) && den < (std::uint64_t{1} << 32)) {
    return {true, static_cast<std::int64_t>((num << 32) / den),
            static_cast<std::int64_t>(((num * num) << 32) / (den * den)),
            static_cast<std::int64_t>(num * static_cast<std::uint64_t>(rate_bins) / den)};
  }
  using Wide = uint128;
  const auto wide_num = static_cast<Wide>(numerator);
  const auto wide_den = static_cast<Wide>(denominator);
  return {true, static_cast<std::int64_t>((wide_num << 32) / wide_den),
          static_cast<std::int64_t>(((wide_num * wide_num) << 32) / (wide_den * wide_den)),
          static_cast<std::int64_t>(wide_num * static_cast<Wide>(rate_bins) / wide_den)};
}

}  // namespace

Tallies::RateSample Tallies::rate_sample(std::int64_t numerator, std::int64_t denominator) {
  return sample_rate(numerator, denominator);
}

namespace {

void add_rate(RateTally& tally, const Tallies::RateSample& sample) {
  if (!sample.defined) return;
  ++tally.defined;
  tally.fixed.sum += sample.fixed;
  tally.fixed.sum_squares += sample.fixed_squared;
  tally.bins.add(sample.bin);
}

}  // namespace

void Histogram::grow_and_add(std::int64_t value) {
  if (value < 0) throw std::logic_error("Histogram::add: negative value");
  counts.resize(static_cast<std::size_t>(value) + 1, 0);
  ++counts[static_cast<std::size_t>(value)];
}

void Histogram::merge(const Histogram& other) {
  if (other.counts.size() > counts.size()) counts.resize(other.counts.size(), 0);
  for (std::size_t k = 0; k < other.counts.size(); ++k) counts[k] += other.counts[k];
}

void RateBins::add_to_counts(std::int64_t bin) {
  make_dense();
  dense_.add(bin);
}

void RateBins::make_dense() {
  for (std::int64_t bin : list_) dense_.add(bin);
  list_.clear();
  list_.shrink_to_fit();
}

void RateBins::merge(const RateBins& other) {
  if (sparse() && other.sparse() && static_cast<std::int64_t>(list_.size() + other.list_.size()) <= sparse_limit) {
    list_.insert(list_.end(), other.list_.begin(), other.list_.end());
    return;
  }
  make_dense();
  for (std::int64_t bin : other.list_) dense_.add(bin);
  dense_.merge(other.dense_);
}

Histogram RateBins::histogram() const {
  Histogram counts = dense_;
  for (std::int64_t bin : list_) counts.add(bin);
  return counts;
}

void RateBins::assign(Histogram counts) {
  list_.clear();
  dense_ = std::move(counts);
}

std::vector<std::int64_t> RateBins::sorted_list() const {
  std::vector<std::int64_t> sorted = list_;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

Tallies::Tallies(const Plan& plan) : plan_(&plan) {
  const auto selections = plan.selections.size();
  const auto layers = static_cast<std::size_t>(plan.layer_count());
  fates.resize(selections * fate_count);
  fate_histograms.resize(selections * fate_count);
  engaged.resize(selections);
  intercepts.resize(selections * layers);
  layer_metrics.resize(layers * layer_metric_count);
  fired_histograms.resize(layers);
  fired_cross.resize(layers * layers);
  rates.resize(selections * rate_count);
  if (plan.layout.per_salvo()) {
    const auto salvos = static_cast<std::size_t>(plan.salvo_count());
    salvo_layer_metrics.resize(salvos * layers * layer_metric_count);
    salvo_magazines.resize(salvos * layers);
    salvo_fired_cross.resize(salvos * layers * layers);
  }
  const auto tiers = static_cast<std::size_t>(plan.layout.tiers);
  tier_leaks.resize(selections * tiers);
  tier_leaks_cross.resize(selections * tiers * tiers);
  leaks_.resize(selections * tiers);
  // The tiers each selection's threats can aim at: a tier's, its own; a group's, every tier it
  // aims at with a share above 0 (its threshold above the one before: PlanGroup::tier_threshold).
  leak_tiers_.resize(selections);
  for (std::size_t sel = 0; sel < selections && tiers > 0; ++sel) {
    const Selection& selection = plan.selections[sel];
    for (std::size_t t = 0; t < tiers; ++t) {
      bool aimed = false;
      if (selection.kind == SelectionKind::tier) {
        aimed = selection.tier == static_cast<std::int64_t>(t);
      } else {
        for (const std::int64_t g : selection.groups) {
          const std::vector<std::uint64_t>& threshold = plan.groups[static_cast<std::size_t>(g)].tier_threshold;
          aimed = aimed || threshold[t] > (t == 0 ? 0 : threshold[t - 1]);
        }
      }
      if (aimed) leak_tiers_[sel].push_back(static_cast<std::int64_t>(t));
    }
  }
  const auto width = static_cast<std::size_t>(selection_counts_size(plan.layer_count()));
  selection_counts_.resize(selections * width);
  rate_samples_.resize(selections * rate_count);
  // A selection with the same groups as an earlier one (a class of one group) has the same
  // counts in every trial: add() works them out once.
  duplicate_of_.assign(selections, -1);
  for (std::size_t sel = 0; sel < selections; ++sel) {
    for (std::size_t earlier = 0; earlier < sel; ++earlier) {
      if (plan.selections[earlier].groups == plan.selections[sel].groups &&
          plan.selections[earlier].tier == plan.selections[sel].tier && duplicate_of_[earlier] < 0) {
        duplicate_of_[sel] = static_cast<std::int64_t>(earlier);
        break;
      }
    }
  }
}

void Tallies::add(const std::int64_t* record) {
  const Plan& plan = *plan_;
  // A copy: the compiler keeps its fields in registers, where a reference's would be loaded
  // again after every store to the tallies (int64, as they are).
  const RecordLayout layout = plan.layout;
  const std::int64_t layers = plan.layer_count();
  ++trials;
  const auto width = static_cast<std::size_t>(selection_counts_size(layers));
  for (std::size_t sel = 0; sel < plan.selections.size(); ++sel) {
    const std::int64_t same = duplicate_of_[sel];
    const std::size_t source = same < 0 ? sel : static_cast<std::size_t>(same);
    std::int64_t* counts = &selection_counts_[source * width];
    RateSample* samples = &rate_samples_[source * rate_count];
    if (same < 0) {
      sum_selection_counts(plan.selections[sel], layout, record, counts);
      const std::array<RateFraction, rate_count> fractions = rate_fractions(counts);
      for (std::int64_t r = 0; r < rate_count; ++r) {
        samples[r] = sample_rate(fractions[r].numerator, fractions[r].denominator);
      }
    }
    for (std::int64_t f = 0; f < fate_count; ++f) {
      fates[sel * fate_count + f].add(counts[f]);
      fate_histograms[sel * fate_count + f].add(counts[f]);
    }
    engaged[sel].add(counts[selection_engaged]);
    for (std::int64_t l = 0; l < layers; ++l) intercepts[sel * layers + l].add(counts[selection_intercepts + l]);
    for (std::int64_t r = 0; r < rate_count; ++r) add_rate(rates[sel * rate_count + r], samples[r]);
  }
  if (layout.tiers > 0) add_tier_leaks(record);
  for (std::int64_t l = 0; l < layers; ++l) {
    for (std::int64_t m = 0; m < layer_metric_count; ++m) {
      layer_metrics[l * layer_metric_count + m].add(record[layout.layer_metric(l, LayerMetric(m))]);
    }
    const std::int64_t fired = record[layout.layer_metric(l, LayerMetric::fired)];
    fired_histograms[l].add(fired);
    for (std::int64_t m = 0; m < layers; ++m) {
      fired_cross[l * layers + m] += fired * record[layout.layer_metric(m, LayerMetric::fired)];
    }
  }
  if (!layout.per_salvo()) return;
  for (std::int64_t s = 0; s < plan.salvo_count(); ++s) {
    for (std::int64_t l = 0; l < layers; ++l) {
      for (std::int64_t m = 0; m < layer_metric_count; ++m) {
        salvo_layer_metrics[(s * layers + l) * layer_metric_count + m].add(
            record[layout.salvo_layer_metric(s, l, LayerMetric(m))]);
      }
      salvo_magazines[s * layers + l].add(record[layout.salvo_magazine(s, l)]);
      const std::int64_t fired = record[layout.salvo_layer_metric(s, l, LayerMetric::fired)];
      for (std::int64_t m = 0; m < layers; ++m) {
        salvo_fired_cross[(s * layers + l) * layers + m] +=
            fired * record[layout.salvo_layer_metric(s, m, LayerMetric::fired)];
      }
    }
  }
}

void Tallies::add_tier_leaks(const std::int64_t* record) {
  const Plan& plan = *plan_;
  const RecordLayout layout = plan.layout;  // a copy, as in add()
  const auto tiers = static_cast<std::size_t>(layout.tiers);
  for (std::size_t sel = 0; sel < plan.selections.size(); ++sel) {
    // A selection with the same threats as an earlier one has its leaks (see add()).
    const std::int64_t same = duplicate_of_[sel];
    std::int64_t* const leaks = &leaks_[(same < 0 ? sel : static_cast<std::size_t>(same)) * tiers];
    if (same < 0) sum_selection_leaks(plan.selections[sel], layout, record, leaks);
    // Only the tiers the selection's threats aim at can have leaks: the others' terms are 0.
    const std::vector<std::int64_t>& aimed = leak_tiers_[sel];
    const std::size_t first = sel * tiers;
    for (const std::int64_t t : aimed) {
      const std::int64_t leaks_t = leaks[t];
      tier_leaks[first + static_cast<std::size_t>(t)].add(leaks_t);
      std::int64_t* const cross = &tier_leaks_cross[(first + static_cast<std::size_t>(t)) * tiers];
      for (const std::int64_t u : aimed) cross[u] += leaks_t * leaks[u];
    }
  }
}

void Tallies::merge(const Tallies& other) {
  trials += other.trials;
  merge_all(fates, other.fates);
  merge_all(fate_histograms, other.fate_histograms);
  merge_all(engaged, other.engaged);
  merge_all(intercepts, other.intercepts);
  merge_all(layer_metrics, other.layer_metrics);
  merge_all(fired_histograms, other.fired_histograms);
  for (std::size_t k = 0; k < fired_cross.size(); ++k) fired_cross[k] += other.fired_cross[k];
  merge_all(salvo_layer_metrics, other.salvo_layer_metrics);
  merge_all(salvo_magazines, other.salvo_magazines);
  for (std::size_t k = 0; k < salvo_fired_cross.size(); ++k) salvo_fired_cross[k] += other.salvo_fired_cross[k];
  merge_all(tier_leaks, other.tier_leaks);
  for (std::size_t k = 0; k < tier_leaks_cross.size(); ++k) tier_leaks_cross[k] += other.tier_leaks_cross[k];
  for (std::size_t k = 0; k < rates.size(); ++k) {
    rates[k].defined += other.rates[k].defined;
    rates[k].fixed.merge(other.rates[k].fixed);
    rates[k].bins.merge(other.rates[k].bins);
  }
}

}  // namespace salvosim
