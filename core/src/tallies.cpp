#include "salvosim/tallies.hpp"

#include <algorithm>
#include <stdexcept>

namespace salvosim {
namespace {

void merge_all(std::vector<Moments>& into, const std::vector<Moments>& from) {
  for (std::size_t k = 0; k < into.size(); ++k) into[k].merge(from[k]);
}
void merge_all(std::vector<Histogram>& into, const std::vector<Histogram>& from) {
  for (std::size_t k = 0; k < into.size(); ++k) into[k].merge(from[k]);
}

void add_rate(RateTally& tally, std::int64_t numerator, std::int64_t denominator) {
  if (denominator <= 0) return;
  using Wide = uint128;
  const auto num = static_cast<Wide>(numerator);
  const auto den = static_cast<Wide>(denominator);
  ++tally.defined;
  tally.fixed.sum += static_cast<std::int64_t>((num << 32) / den);
  tally.fixed.sum_squares += static_cast<std::int64_t>(((num * num) << 32) / (den * den));
  tally.bins.add(static_cast<std::int64_t>(num * static_cast<Wide>(rate_bins) / den));
}

}  // namespace

void Histogram::add(std::int64_t value) {
  if (value < 0) throw std::logic_error("Histogram::add: negative value");
  const auto index = static_cast<std::size_t>(value);
  if (index >= counts.size()) counts.resize(index + 1, 0);
  ++counts[index];
}

void Histogram::merge(const Histogram& other) {
  if (other.counts.size() > counts.size()) counts.resize(other.counts.size(), 0);
  for (std::size_t k = 0; k < other.counts.size(); ++k) counts[k] += other.counts[k];
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
  selection_counts_.resize(fate_count + 1 + layers);
}

void Tallies::add(const std::int64_t* record) {
  const Plan& plan = *plan_;
  const RecordLayout& layout = plan.layout;
  const std::int64_t layers = plan.layer_count();
  ++trials;
  for (std::size_t sel = 0; sel < plan.selections.size(); ++sel) {
    // Sum the selection's groups: fates, then engaged, then intercepts by layer.
    std::fill(selection_counts_.begin(), selection_counts_.end(), 0);
    for (std::int64_t g : plan.selections[sel].groups) {
      for (std::int64_t f = 0; f < fate_count; ++f) selection_counts_[f] += record[layout.fate(g, Fate(f))];
      selection_counts_[fate_count] += record[layout.engaged(g)];
      for (std::int64_t l = 0; l < layers; ++l) {
        selection_counts_[fate_count + 1 + l] += record[layout.group_intercepts(g, l)];
      }
    }
    const std::int64_t* counts = selection_counts_.data();
    for (std::int64_t f = 0; f < fate_count; ++f) {
      fates[sel * fate_count + f].add(counts[f]);
      fate_histograms[sel * fate_count + f].add(counts[f]);
    }
    engaged[sel].add(counts[fate_count]);
    for (std::int64_t l = 0; l < layers; ++l) intercepts[sel * layers + l].add(counts[fate_count + 1 + l]);

    const std::int64_t intercepted = counts[static_cast<std::int64_t>(Fate::intercepted)];
    std::int64_t attempted = 0;
    for (std::int64_t f = 0; f < fate_count; ++f) attempted += counts[f];
    const std::int64_t launched = attempted - counts[static_cast<std::int64_t>(Fate::launch_failure)];
    const std::int64_t threatening = intercepted + counts[static_cast<std::int64_t>(Fate::leaked_defended)];
    add_rate(rates[sel * rate_count + 0], intercepted, launched);
    add_rate(rates[sel * rate_count + 1], intercepted, counts[fate_count]);
    add_rate(rates[sel * rate_count + 2], intercepted, threatening);
  }
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
  for (std::size_t k = 0; k < rates.size(); ++k) {
    rates[k].defined += other.rates[k].defined;
    rates[k].fixed.merge(other.rates[k].fixed);
    rates[k].bins.merge(other.rates[k].bins);
  }
}

}  // namespace salvosim
