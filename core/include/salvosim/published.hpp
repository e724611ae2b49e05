// The simulated statistic of each published observable (`[published]`, docs/model.md §8):
// per trial from the trial's record (plan.hpp's RecordLayout), and as a mean over trials from
// the summary arrays. A selection is one of the plan's (or of the results'), and a trial's
// counts and rates are those the tallies take (sum_selection_counts and rate_fractions,
// tallies.hpp): nothing here defines them again. The loader and validate() check the table;
// this is what the notebooks, the tests and the calibration compare with it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/scenario.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {

// What a published figure measures: the config key `statistic`.
// "damage" (the value-weighted damage of a selection, §4.8) needs declared tiers.
enum class PublishedStatistic : std::int64_t { fate = 0, rate = 1, intercepts = 2, layer = 3, cost = 4, damage = 5 };
inline constexpr std::int64_t published_statistic_count = 6;
inline constexpr const char* published_statistic_names[published_statistic_count] = {"fate",  "rate", "intercepts",
                                                                                     "layer", "cost", "damage"};

// An observable with its names turned into positions: in the selections and layers of a plan
// or of results (the same labels in the same order), in the fates, the rates and the layer
// metrics.
struct ObservableIndex {
  PublishedStatistic statistic = PublishedStatistic::fate;
  std::int64_t selection = -1;                    // fate, rate, intercepts, damage
  std::vector<Fate> fates;                        // fate: their counts are added
  Rate rate = Rate::launched;                     // rate
  std::vector<std::int64_t> layers;               // intercepts, layer, cost (every layer when it names none): added
  LayerMetric metric = LayerMetric::engagements;  // layer
};

// Looks the observable's names up among `selections` (labels, e.g. "all", "class:drone") and
// `layers`. Throws std::invalid_argument naming the observable, the key and the name it does
// not find (an observable built in code is not checked by the loader).
ObservableIndex index_observable(const PublishedObservable& observable, const std::vector<std::string>& selections,
                                 const std::vector<std::string>& layers);
ObservableIndex index_observable(const PublishedObservable& observable, const Plan& plan);

// The statistic in one trial, from its record (plan.layout): a count, or a cost; a rate is
// NaN in a trial where its denominator is 0.
double trial_value(const ObservableIndex& observable, const Plan& plan, const std::int64_t* record);

// The statistic in each of `trials` consecutive records (trials x plan.layout.size()).
std::vector<double> trial_values(const ObservableIndex& observable, const Plan& plan, const std::int64_t* records,
                                 std::int64_t trials);

// The mean over trials, from the summary arrays (fate_mean, rate_mean, intercepts_mean,
// layer_mean, interceptor_cost_mean, damage_mean) added over the observable's fates or layers; a rate's
// mean is over the trials that define it. The observable is looked up in the results' own
// selections and layers.
double observable_mean(const PublishedObservable& observable, const Results& results);

}  // namespace salvosim
