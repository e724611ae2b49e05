#include "salvosim/published.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>

namespace salvosim {
namespace {

// The position of `name` in `names`, or an error naming the observable, the key and the
// names there are.
template <class Names>
std::int64_t position(const Names& names, const std::string& name, const PublishedObservable& observable,
                      const char* key) {
  const auto begin = std::begin(names), end = std::end(names);
  const auto found = std::find(begin, end, name);
  if (found != end) return static_cast<std::int64_t>(found - begin);
  std::string there;
  for (auto it = begin; it != end; ++it) there += (there.empty() ? "\"" : ", \"") + std::string(*it) + "\"";
  throw std::invalid_argument("published observable \"" + observable.name + "\": " + key + " \"" + name +
                              "\" is not one of " + (there.empty() ? "none" : there));
}

bool takes_selection(PublishedStatistic statistic) {
  return statistic == PublishedStatistic::fate || statistic == PublishedStatistic::rate ||
         statistic == PublishedStatistic::intercepts || statistic == PublishedStatistic::damage;
}

std::vector<std::string> selection_labels(const Plan& plan) {
  std::vector<std::string> labels;
  for (const Selection& selection : plan.selections) labels.push_back(selection.label);
  return labels;
}

std::vector<std::string> layer_names(const Plan& plan) {
  std::vector<std::string> names;
  for (const PlanLayer& layer : plan.layers) names.push_back(layer.name);
  return names;
}

}  // namespace

ObservableIndex index_observable(const PublishedObservable& observable, const std::vector<std::string>& selections,
                                 const std::vector<std::string>& layers) {
  ObservableIndex index;
  index.statistic =
      PublishedStatistic(position(published_statistic_names, observable.statistic, observable, "statistic"));
  if (takes_selection(index.statistic)) {
    index.selection = position(selections, observable.selection, observable, "selection");
  }
  switch (index.statistic) {
    case PublishedStatistic::fate:
      if (observable.fates.empty()) {
        throw std::invalid_argument("published observable \"" + observable.name + "\": names no fate");
      }
      for (const std::string& fate : observable.fates) {
        index.fates.push_back(Fate(position(fate_names, fate, observable, "fate")));
      }
      break;
    case PublishedStatistic::rate:
      index.rate = Rate(position(rate_names, observable.rate, observable, "rate"));
      break;
    case PublishedStatistic::layer:
      index.metric = LayerMetric(position(layer_metric_names, observable.metric, observable, "metric"));
      break;
    case PublishedStatistic::intercepts:
    case PublishedStatistic::cost:
    case PublishedStatistic::damage:
      break;
  }
  if (index.statistic != PublishedStatistic::fate && index.statistic != PublishedStatistic::rate &&
      index.statistic != PublishedStatistic::damage) {
    for (const std::string& layer : observable.layers) {
      index.layers.push_back(position(layers, layer, observable, "layer"));
    }
    if (index.layers.empty() && index.statistic != PublishedStatistic::cost) {
      throw std::invalid_argument("published observable \"" + observable.name + "\": names no layer");
    }
    if (index.layers.empty()) {  // the cost of every layer
      for (std::int64_t l = 0; l < static_cast<std::int64_t>(layers.size()); ++l) index.layers.push_back(l);
    }
  }
  return index;
}

ObservableIndex index_observable(const PublishedObservable& observable, const Plan& plan) {
  return index_observable(observable, selection_labels(plan), layer_names(plan));
}

namespace {

// trial_value with the selection's counts summed into `counts` (selection_counts_size long).
double value_of_trial(const ObservableIndex& observable, const Plan& plan, const std::int64_t* record,
                      std::int64_t* counts) {
  const RecordLayout& layout = plan.layout;
  std::int64_t sum = 0;
  switch (observable.statistic) {
    case PublishedStatistic::fate:
    case PublishedStatistic::rate:
    case PublishedStatistic::intercepts:
      sum_selection_counts(plan.selections[static_cast<std::size_t>(observable.selection)], layout, record, counts);
      if (observable.statistic == PublishedStatistic::rate) {
        const RateFraction rate = rate_fractions(counts)[static_cast<std::size_t>(observable.rate)];
        return rate.denominator > 0 ? static_cast<double>(rate.numerator) / static_cast<double>(rate.denominator)
                                    : std::numeric_limits<double>::quiet_NaN();
      }
      if (observable.statistic == PublishedStatistic::fate) {
        for (Fate fate : observable.fates) sum += counts[static_cast<std::int64_t>(fate)];
      } else {
        for (std::int64_t l : observable.layers) sum += counts[selection_intercepts + l];
      }
      return static_cast<double>(sum);
    case PublishedStatistic::layer:
      for (std::int64_t l : observable.layers) sum += record[layout.layer_metric(l, observable.metric)];
      return static_cast<double>(sum);
    case PublishedStatistic::cost: {
      double cost = 0.0;
      for (std::int64_t l : observable.layers) {
        cost += static_cast<double>(record[layout.layer_metric(l, LayerMetric::fired)]) *
                plan.layers[static_cast<std::size_t>(l)].cost;
      }
      return cost;
    }
    case PublishedStatistic::damage: {
      if (layout.tiers == 0) {
        throw std::invalid_argument("published statistic \"damage\" needs a scenario that declares [[tier]] tables");
      }
      std::vector<std::int64_t> leaks(static_cast<std::size_t>(layout.tiers));
      sum_selection_leaks(plan.selections[static_cast<std::size_t>(observable.selection)], layout, record,
                          leaks.data());
      double damage = 0.0;
      for (std::int64_t t = 0; t < layout.tiers; ++t) {
        damage +=
            static_cast<double>(leaks[static_cast<std::size_t>(t)]) * plan.tiers[static_cast<std::size_t>(t)].value;
      }
      return damage;
    }
  }
  throw std::logic_error("trial_value: unknown statistic");
}

}  // namespace

double trial_value(const ObservableIndex& observable, const Plan& plan, const std::int64_t* record) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(selection_counts_size(plan.layout.layers)));
  return value_of_trial(observable, plan, record, counts.data());
}

std::vector<double> trial_values(const ObservableIndex& observable, const Plan& plan, const std::int64_t* records,
                                 std::int64_t trials) {
  if (trials < 0) throw std::invalid_argument("trial_values: trials must be >= 0, got " + std::to_string(trials));
  std::vector<std::int64_t> counts(static_cast<std::size_t>(selection_counts_size(plan.layout.layers)));
  std::vector<double> values(static_cast<std::size_t>(trials));
  const std::int64_t size = plan.layout.size();
  for (std::int64_t t = 0; t < trials; ++t) {
    values[static_cast<std::size_t>(t)] = value_of_trial(observable, plan, records + t * size, counts.data());
  }
  return values;
}

double observable_mean(const PublishedObservable& observable, const Results& results) {
  const ObservableIndex index =
      index_observable(observable, results.coordinate("selection").labels, results.coordinate("layer").labels);
  const std::int64_t selection = index.selection;
  double sum = 0.0;
  switch (index.statistic) {
    case PublishedStatistic::fate:
      for (Fate fate : index.fates) sum += results.value("fate_mean", {selection, static_cast<std::int64_t>(fate)});
      return sum;
    case PublishedStatistic::rate:
      return results.value("rate_mean", {selection, static_cast<std::int64_t>(index.rate)});
    case PublishedStatistic::intercepts:
      for (std::int64_t l : index.layers) sum += results.value("intercepts_mean", {selection, l});
      return sum;
    case PublishedStatistic::layer:
      for (std::int64_t l : index.layers) {
        sum += results.value("layer_mean", {l, static_cast<std::int64_t>(index.metric)});
      }
      return sum;
    case PublishedStatistic::cost:
      for (std::int64_t l : index.layers) sum += results.value("interceptor_cost_mean", {l});
      return sum;
    case PublishedStatistic::damage:
      if (!results.has_array("damage_mean")) {
        throw std::invalid_argument(
            "published statistic \"damage\" needs results of a scenario that declares "
            "[[tier]] tables");
      }
      return results.value("damage_mean", {selection});
  }
  throw std::logic_error("observable_mean: unknown statistic");
}

}  // namespace salvosim
