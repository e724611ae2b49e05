#include "salvosim/results.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>

namespace salvosim {
namespace {

constexpr std::int64_t quantile_count = std::size(reported_quantiles);
const std::vector<double> quantile_levels(std::begin(reported_quantiles), std::end(reported_quantiles));

struct MeanSe {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();
};

// Exact: n * sum(x^2) - sum(x)^2 in 128 bits, then one division.
MeanSe mean_se(const Moments& m, std::int64_t n) {
  MeanSe out;
  if (n <= 0) return out;
  out.mean = static_cast<double>(m.sum) / static_cast<double>(n);
  if (n == 1) return out;
  const int128 spread = static_cast<int128>(n) * m.sum_squares - static_cast<int128>(m.sum) * m.sum;
  const double variance = static_cast<double>(spread) / (static_cast<double>(n) * static_cast<double>(n - 1));
  out.se = std::sqrt(variance / static_cast<double>(n));
  return out;
}

MeanSe rate_mean_se(const RateTally& tally) {
  MeanSe out;
  const std::int64_t n = tally.defined;
  if (n <= 0) return out;
  const double one = static_cast<double>(rate_fixed_one);
  out.mean = static_cast<double>(tally.fixed.sum) / one / static_cast<double>(n);
  if (n == 1) return out;
  const double mean_square = static_cast<double>(tally.fixed.sum_squares) / one / static_cast<double>(n);
  const double variance =
      std::max(0.0, mean_square - out.mean * out.mean) * static_cast<double>(n) / static_cast<double>(n - 1);
  out.se = std::sqrt(variance / static_cast<double>(n));
  return out;
}

// Builds arrays dimension by dimension so that shapes and names always agree.
class ArrayBuilder {
 public:
  explicit ArrayBuilder(Results& results) : results_(results) {}

  DataArray& real(std::string name, std::vector<std::string> dims, std::string units, std::string description) {
    return add(std::move(name), std::move(dims), std::move(units), std::move(description), false);
  }
  DataArray& integer(std::string name, std::vector<std::string> dims, std::string units, std::string description) {
    return add(std::move(name), std::move(dims), std::move(units), std::move(description), true);
  }

 private:
  DataArray& add(std::string name, std::vector<std::string> dims, std::string units, std::string description,
                 bool is_integer) {
    DataArray array{std::move(name), std::move(units), std::move(description), std::move(dims), {}, {}, {}, is_integer};
    std::int64_t size = 1;
    for (const std::string& dim : array.dims) {
      array.shape.push_back(results_.coordinate(dim).size());
      size *= array.shape.back();
    }
    if (is_integer) {
      array.integers.assign(static_cast<std::size_t>(size), 0);
    } else {
      array.values.assign(static_cast<std::size_t>(size), std::numeric_limits<double>::quiet_NaN());
    }
    // Callers hold references to earlier arrays: the vector must never reallocate.
    if (results_.arrays.size() == results_.arrays.capacity()) {
      throw std::logic_error("summarize: reserve more arrays before building them");
    }
    results_.arrays.push_back(std::move(array));
    return results_.arrays.back();
  }
  Results& results_;
};

struct MeanSeArrays {
  DataArray& mean;
  DataArray& se;
};

// <prefix>_mean and <prefix>_se per trial, and the exact <prefix>_sum and _sum_squares over
// trials they come from (kept so that results of separate runs can be merged exactly).
MeanSeArrays add_moments(ArrayBuilder& build, const std::string& prefix, const std::vector<std::string>& dims,
                         const std::string& unit, const std::string& what, const std::vector<Moments>& moments,
                         std::int64_t trials) {
  auto& mean = build.real(prefix + "_mean", dims, unit + " per trial", "mean number of " + what + " per trial");
  auto& se = build.real(prefix + "_se", dims, unit + " per trial", "standard error of " + prefix + "_mean");
  auto& sum = build.integer(prefix + "_sum", dims, unit, "exact sum over trials of the number of " + what);
  auto& sum_sq = build.integer(prefix + "_sum_squares", dims, unit + "^2", "exact sum over trials of its square");
  for (std::size_t k = 0; k < moments.size(); ++k) {
    const MeanSe m = mean_se(moments[k], trials);
    mean.values[k] = m.mean;
    se.values[k] = m.se;
    sum.integers[k] = moments[k].sum;
    sum_sq.integers[k] = moments[k].sum_squares;
  }
  return {mean, se};
}

std::vector<std::string> labels_of(const char* const* names, std::int64_t count) {
  return std::vector<std::string>(names, names + count);
}

std::vector<std::int64_t> iota(std::int64_t count) {
  std::vector<std::int64_t> values(static_cast<std::size_t>(count));
  for (std::int64_t k = 0; k < count; ++k) values[static_cast<std::size_t>(k)] = k;
  return values;
}

std::size_t widest(const std::vector<Histogram>& histograms) {
  std::size_t width = 1;
  for (const Histogram& h : histograms) width = std::max(width, h.counts.size());
  return width;
}

void add_coordinates(Results& results, const Plan& plan, const Tallies& tallies, bool with_rate_histogram) {
  std::vector<std::string> selections, groups, layers, quantiles;
  for (const Selection& s : plan.selections) selections.push_back(s.label);
  for (const PlanGroup& g : plan.groups) groups.push_back(g.name);
  for (const PlanLayer& l : plan.layers) layers.push_back(l.name);
  for (double q : reported_quantiles) {
    std::string label = std::to_string(q);
    label.erase(label.find_last_not_of('0') + 1);  // "0.050000" -> "0.05"
    quantiles.push_back(label);
  }
  auto& c = results.coordinates;
  c.push_back({"selection", selections, {}});
  c.push_back({"group", groups, {}});
  c.push_back({"layer", layers, {}});
  c.push_back({"fate", labels_of(fate_names, fate_count), {}});
  c.push_back({"layer_metric", labels_of(layer_metric_names, layer_metric_count), {}});
  c.push_back({"rate", labels_of(rate_names, rate_count), {}});
  c.push_back({"quantile", quantiles, {}});
  c.push_back({"count", {}, iota(static_cast<std::int64_t>(widest(tallies.fate_histograms)))});
  c.push_back({"fired", {}, iota(static_cast<std::int64_t>(widest(tallies.fired_histograms)))});
  if (with_rate_histogram) c.push_back({"rate_bin", {}, iota(rate_bins + 1)});
  if (plan.layout.per_salvo()) {
    std::vector<std::string> salvos;
    for (const PlanSalvo& s : plan.salvos) salvos.push_back(s.name);
    c.push_back({"salvo", salvos, {}});
  }
  if (plan.layout.tiers > 0) {
    std::vector<std::string> tiers;
    for (const PlanTier& t : plan.tiers) tiers.push_back(t.name);
    c.push_back({"tier", tiers, {}});
  }
}

// With declared tiers: each selection's leaks on each tier, and its value-weighted damage
// (docs/model.md §4.8), whose variance is that of a weighted sum of the leaks.
void add_damage(ArrayBuilder& build, const Plan& plan, const Tallies& t) {
  const std::int64_t tiers = plan.layout.tiers;
  const auto n = static_cast<double>(t.trials);
  auto& value = build.real("tier_value", {"tier"}, "damage", "the value of one impact on the tier");
  for (std::int64_t k = 0; k < tiers; ++k) value.values[k] = plan.tiers[k].value;
  add_moments(build, "tier_leaked", {"selection", "tier"}, "threats",
              "threats of the selection aimed at the tier that leaked (leaked_defended or leaked_open)", t.tier_leaks,
              t.trials);
  auto& mean = build.real("damage_mean", {"selection"}, "damage per trial",
                          "mean over trials of the value-weighted damage: the sum over leaked threats of their tier's "
                          "value");
  auto& se = build.real("damage_se", {"selection"}, "damage per trial", "standard error of damage_mean");
  for (std::size_t sel = 0; sel < plan.selections.size(); ++sel) {
    if (t.trials <= 0) continue;
    const auto first = static_cast<std::int64_t>(sel) * tiers;
    double total = 0.0, variance = 0.0;
    for (std::int64_t a = 0; a < tiers; ++a) {
      const double sum_a = static_cast<double>(t.tier_leaks[first + a].sum);
      total += plan.tiers[a].value * sum_a / n;
      for (std::int64_t b = 0; b < tiers; ++b) {
        const double sum_b = static_cast<double>(t.tier_leaks[first + b].sum);
        const double cross_ab = static_cast<double>(t.tier_leaks_cross[(first + a) * tiers + b]);
        const double covariance = t.trials > 1 ? (cross_ab - sum_a * sum_b / n) / (n - 1.0) : 0.0;
        variance += plan.tiers[a].value * plan.tiers[b].value * covariance;
      }
    }
    mean.values[sel] = total;
    se.values[sel] = t.trials > 1 ? std::sqrt(std::max(0.0, variance) / n) : std::numeric_limits<double>::quiet_NaN();
  }
}

void add_fates(ArrayBuilder& build, const Tallies& t, std::int64_t selections) {
  const std::int64_t n = t.trials;
  add_moments(build, "fate", {"selection", "fate"}, "threats", "threats with each fate", t.fates, n);
  auto& quantile = build.real("fate_quantile", {"selection", "fate", "quantile"}, "threats per trial",
                              "quantiles over trials of the number of threats with each fate");
  auto& histogram = build.integer("fate_histogram", {"selection", "fate", "count"}, "trials",
                                  "number of trials in which `count` threats had the fate");
  for (std::int64_t k = 0; k < selections * fate_count; ++k) {
    const auto& counts = t.fate_histograms[k].counts;
    std::copy(counts.begin(), counts.end(), histogram.integers.begin() + k * histogram.shape[2]);
    if (n == 0) continue;
    const std::vector<std::int64_t> quantiles = histogram_quantiles(counts, quantile_levels);
    for (std::int64_t q = 0; q < quantile_count; ++q) {
      quantile.values[k * quantile_count + q] = static_cast<double>(quantiles[static_cast<std::size_t>(q)]);
    }
  }
}

void add_engaged_and_intercepts(ArrayBuilder& build, const Tallies& t) {
  add_moments(build, "engaged", {"selection"}, "threats", "threats engaged at least once", t.engaged, t.trials);
  add_moments(build, "intercepts", {"selection", "layer"}, "threats", "threats killed by each layer", t.intercepts,
              t.trials);
}

// <prefix>interceptor_cost_{mean,se} over `dims` + layer and <prefix>total_interceptor_cost_{mean,se}
// over `dims`, for `blocks` blocks of layer counters (1 when `dims` is empty). Cost per layer is
// fired x unit cost; the total needs the covariances of fired between layers, which the exact
// cross sums (`cross`, [block][layer][layer]) give.
void add_costs(ArrayBuilder& build, const std::string& prefix, const std::vector<std::string>& dims, const Plan& plan,
               const DataArray& mean, const DataArray& se, std::int64_t blocks, const std::vector<Moments>& metrics,
               const std::int64_t* cross, std::int64_t trials) {
  const std::int64_t layers = plan.layer_count();
  std::vector<std::string> layer_dims = dims;
  layer_dims.emplace_back("layer");
  auto& cost_mean =
      build.real(prefix + "interceptor_cost_mean", layer_dims, "currency per trial", "mean cost of interceptors fired");
  auto& cost_se = build.real(prefix + "interceptor_cost_se", layer_dims, "currency per trial",
                             "standard error of " + prefix + "interceptor_cost_mean");
  auto& total_mean = build.real(prefix + "total_interceptor_cost_mean", dims, "currency per trial",
                                "mean cost of all interceptors fired");
  auto& total_se = build.real(prefix + "total_interceptor_cost_se", dims, "currency per trial",
                              "standard error of " + prefix + "total_interceptor_cost_mean");
  const auto fired = static_cast<std::int64_t>(LayerMetric::fired);
  const double n = static_cast<double>(trials);
  for (std::int64_t b = 0; b < std::max<std::int64_t>(blocks, 1); ++b) {
    const std::int64_t first = b * layers;  // of the block's layers in the per-layer arrays
    for (std::int64_t l = 0; l < layers; ++l) {
      const double c = plan.layers[l].cost;
      cost_mean.values[first + l] = mean.values[(first + l) * layer_metric_count + fired] * c;
      cost_se.values[first + l] = se.values[(first + l) * layer_metric_count + fired] * c;
    }
    if (trials <= 0) continue;
    double total = 0.0, variance = 0.0;
    for (std::int64_t l = 0; l < layers; ++l) {
      total += cost_mean.values[first + l];
      for (std::int64_t m = 0; m < layers; ++m) {
        const double sum_l = static_cast<double>(metrics[(first + l) * layer_metric_count + fired].sum);
        const double sum_m = static_cast<double>(metrics[(first + m) * layer_metric_count + fired].sum);
        const double cross_lm = static_cast<double>(cross[(first + l) * layers + m]);
        const double covariance = trials > 1 ? (cross_lm - sum_l * sum_m / n) / (n - 1.0) : 0.0;
        variance += plan.layers[l].cost * plan.layers[m].cost * covariance;
      }
    }
    total_mean.values[b] = total;
    total_se.values[b] = trials > 1 ? std::sqrt(std::max(0.0, variance) / n) : std::numeric_limits<double>::quiet_NaN();
  }
}

void add_layers(ArrayBuilder& build, const Plan& plan, const Tallies& t) {
  const std::int64_t layers = plan.layer_count();
  const auto [mean, se] =
      add_moments(build, "layer", {"layer", "layer_metric"}, "events",
                  "engagements, interceptors fired, intercepts or missed requests", t.layer_metrics, t.trials);
  auto& histogram = build.integer("fired_histogram", {"layer", "fired"}, "trials",
                                  "number of trials in which the layer fired `fired` interceptors");
  for (std::int64_t l = 0; l < layers; ++l) {
    const auto& counts = t.fired_histograms[l].counts;
    std::copy(counts.begin(), counts.end(), histogram.integers.begin() + l * histogram.shape[1]);
  }

  add_costs(build, "", {}, plan, mean, se, 0, t.layer_metrics, t.fired_cross.data(), t.trials);
  // (Of the whole campaign; the description predates campaigns and is kept as files have it.)
  auto& threat_cost =
      build.real("threat_cost", {}, "currency per trial", "cost of the salvo's threats, launched or not");
  threat_cost.values[0] = plan.threat_cost;
}

// Per salvo of a campaign of two salvos or more: the salvo's layer counters, magazines and costs.
void add_salvos(ArrayBuilder& build, const Plan& plan, const Tallies& t) {
  const std::int64_t layers = plan.layer_count();
  auto& start = build.real("salvo_start", {"salvo"}, "s", "start of the salvo on the campaign's clock");
  auto& threat_cost =
      build.real("salvo_threat_cost", {"salvo"}, "currency per trial", "cost of the salvo's threats, launched or not");
  for (std::int64_t s = 0; s < plan.salvo_count(); ++s) {
    start.values[s] = plan.salvos[s].start;
    threat_cost.values[s] = plan.salvos[s].threat_cost;
  }
  const auto [mean, se] = add_moments(build, "salvo_layer", {"salvo", "layer", "layer_metric"}, "events",
                                      "engagements, interceptors fired, intercepts or missed requests in the salvo",
                                      t.salvo_layer_metrics, t.trials);
  const auto [magazine_mean, magazine_se] =
      add_moments(build, "salvo_magazine", {"salvo", "layer"}, "interceptors",
                  "interceptors in the magazine at the salvo's start, after its resupply (-1 a trial when unlimited)",
                  t.salvo_magazines, t.trials);
  for (std::int64_t s = 0; s < plan.salvo_count(); ++s) {
    for (std::int64_t l = 0; l < layers; ++l) {
      if (plan.layers[l].magazine >= 0) continue;
      magazine_mean.values[s * layers + l] = std::numeric_limits<double>::quiet_NaN();
      magazine_se.values[s * layers + l] = std::numeric_limits<double>::quiet_NaN();
    }
  }
  add_costs(build, "salvo_", {"salvo"}, plan, mean, se, plan.salvo_count(), t.salvo_layer_metrics,
            t.salvo_fired_cross.data(), t.trials);
}

void add_rates(ArrayBuilder& build, const Tallies& t, std::int64_t selections, bool with_rate_histogram) {
  auto& mean =
      build.real("rate_mean", {"selection", "rate"}, "1", "mean over trials of the per-trial interception rate");
  auto& se = build.real("rate_se", {"selection", "rate"}, "1", "standard error of rate_mean");
  auto& low = build.real("rate_ci95_low", {"selection", "rate"}, "1", "95% confidence interval of rate_mean, low end");
  auto& high =
      build.real("rate_ci95_high", {"selection", "rate"}, "1", "95% confidence interval of rate_mean, high end");
  auto& quantile = build.real("rate_quantile", {"selection", "rate", "quantile"}, "1",
                              "quantiles over trials of the per-trial rate (resolution 1/rate_bins)");
  auto& defined = build.integer("rate_trials", {"selection", "rate"}, "trials",
                                "trials in which the rate was defined (denominator > 0)");
  DataArray* histogram = with_rate_histogram
                             ? &build.integer("rate_histogram", {"selection", "rate", "rate_bin"}, "trials",
                                              "number of trials whose rate r had floor(r * 10000) == rate_bin")
                             : nullptr;
  auto& sum = build.integer("rate_fixed_sum", {"selection", "rate"}, "2^-32",
                            "exact sum over trials of the rate in fixed point");
  auto& sum_sq = build.integer("rate_fixed_sum_squares", {"selection", "rate"}, "2^-32",
                               "exact sum over trials of the squared rate in fixed point");
  for (std::int64_t k = 0; k < selections * rate_count; ++k) {
    const RateTally& tally = t.rates[k];
    const MeanSe m = rate_mean_se(tally);
    mean.values[k] = m.mean;
    se.values[k] = m.se;
    low.values[k] = m.mean - z95 * m.se;
    high.values[k] = m.mean + z95 * m.se;
    defined.integers[k] = tally.defined;
    sum.integers[k] = tally.fixed.sum;
    sum_sq.integers[k] = tally.fixed.sum_squares;
    if (histogram) {
      const std::vector<std::int64_t> counts = tally.bins.histogram().counts;
      std::copy(counts.begin(), counts.end(), histogram->integers.begin() + k * (rate_bins + 1));
    }
    if (tally.defined == 0) continue;
    const std::vector<std::int64_t> quantiles = tally.bins.sparse()
                                                    ? sorted_quantiles(tally.bins.sorted_list(), quantile_levels)
                                                    : histogram_quantiles(tally.bins.counts(), quantile_levels);
    for (std::int64_t q = 0; q < quantile_count; ++q) {
      quantile.values[k * quantile_count + q] =
          static_cast<double>(quantiles[static_cast<std::size_t>(q)]) / static_cast<double>(rate_bins);
    }
  }
}

}  // namespace

std::int64_t DataArray::size() const {
  std::int64_t size = 1;
  for (std::int64_t extent : shape) size *= extent;
  return size;
}

std::int64_t DataArray::offset(std::initializer_list<std::int64_t> index) const {
  if (index.size() != shape.size()) {
    throw std::out_of_range(name + ": " + std::to_string(shape.size()) + " indices expected, got " +
                            std::to_string(index.size()));
  }
  std::int64_t offset = 0;
  std::size_t d = 0;
  for (std::int64_t i : index) {
    if (i < 0 || i >= shape[d]) {
      throw std::out_of_range(name + ": index " + std::to_string(i) + " out of range along " + dims[d]);
    }
    offset = offset * shape[d] + i;
    ++d;
  }
  return offset;
}

const Coordinate& Results::coordinate(const std::string& name) const {
  for (const Coordinate& c : coordinates) {
    if (c.name == name) return c;
  }
  throw std::out_of_range("no dimension named \"" + name + "\" in the results");
}

bool Results::has_array(const std::string& name) const {
  for (const DataArray& a : arrays) {
    if (a.name == name) return true;
  }
  return false;
}

const DataArray& Results::array(const std::string& name) const {
  for (const DataArray& a : arrays) {
    if (a.name == name) return a;
  }
  throw std::out_of_range("no array named \"" + name + "\" in the results");
}

std::int64_t Results::index(const std::string& dim, const std::string& label) const {
  const Coordinate& c = coordinate(dim);
  for (std::size_t k = 0; k < c.labels.size(); ++k) {
    if (c.labels[k] == label) return static_cast<std::int64_t>(k);
  }
  throw std::out_of_range("no " + dim + " named \"" + label + "\" in the results");
}

double Results::value(const std::string& array_name, std::initializer_list<std::int64_t> index) const {
  const DataArray& a = array(array_name);
  if (a.integer) return static_cast<double>(a.integers[static_cast<std::size_t>(a.offset(index))]);
  return a.values[static_cast<std::size_t>(a.offset(index))];
}

std::vector<std::int64_t> histogram_quantiles(const std::vector<std::int64_t>& counts, const std::vector<double>& qs) {
  std::int64_t total = 0;
  for (std::int64_t c : counts) total += c;
  if (total == 0) throw std::invalid_argument("histogram_quantile: empty histogram");
  if (!std::is_sorted(qs.begin(), qs.end())) throw std::invalid_argument("histogram_quantiles: qs must increase");
  // The quantiles increase with q: one scan finds them all, each going on from the last.
  std::vector<std::int64_t> out(qs.size(), static_cast<std::int64_t>(counts.size()) - 1);
  std::int64_t cumulative = 0;
  std::size_t v = 0;
  bool counted = false;  // counts[v] is in cumulative
  for (std::size_t k = 0; k < qs.size(); ++k) {
    const double needed = qs[k] * static_cast<double>(total);
    for (; v < counts.size(); ++v, counted = false) {
      if (!counted) cumulative += counts[v];
      counted = true;
      if (static_cast<double>(cumulative) >= needed && cumulative > 0) break;
    }
    if (v < counts.size()) out[k] = static_cast<std::int64_t>(v);
  }
  return out;
}

std::vector<std::int64_t> sorted_quantiles(const std::vector<std::int64_t>& sorted, const std::vector<double>& qs) {
  if (sorted.empty()) throw std::invalid_argument("sorted_quantiles: no values");
  if (!std::is_sorted(qs.begin(), qs.end())) throw std::invalid_argument("sorted_quantiles: qs must increase");
  // Of the histogram of these values, at least i + 1 trials are at or below sorted[i], and fewer
  // than i + 1 below it: histogram_quantiles' smallest value with cumulative >= q * total is
  // sorted[i] for the smallest i with i + 1 >= q * total (compared in double, as there).
  const auto total = static_cast<double>(sorted.size());
  std::vector<std::int64_t> out(qs.size(), sorted.back());
  std::size_t i = 0;
  for (std::size_t k = 0; k < qs.size(); ++k) {
    const double needed = qs[k] * total;
    while (i < sorted.size() && static_cast<double>(i + 1) < needed) ++i;
    if (i < sorted.size()) out[k] = sorted[i];
  }
  return out;
}

std::int64_t histogram_quantile(const std::vector<std::int64_t>& counts, double q) {
  return histogram_quantiles(counts, {q}).front();
}

// Written out rather than derived, so that a reader knows what to expect of a file before
// reading it; results_test checks that summarize() makes exactly these, in this order.
const std::vector<SummaryArray>& summary_arrays(bool campaign, bool tiers) {
  static const std::vector<SummaryArray> tier_arrays{
      {"tier_value", {"tier"}, false},
      {"tier_leaked_mean", {"selection", "tier"}, false},
      {"tier_leaked_se", {"selection", "tier"}, false},
      {"tier_leaked_sum", {"selection", "tier"}, true},
      {"tier_leaked_sum_squares", {"selection", "tier"}, true},
      {"damage_mean", {"selection"}, false},
      {"damage_se", {"selection"}, false},
  };
  static const std::vector<SummaryArray> plain{
      {"fate_mean", {"selection", "fate"}, false},
      {"fate_se", {"selection", "fate"}, false},
      {"fate_sum", {"selection", "fate"}, true},
      {"fate_sum_squares", {"selection", "fate"}, true},
      {"fate_quantile", {"selection", "fate", "quantile"}, false},
      {"fate_histogram", {"selection", "fate", "count"}, true},
      {"engaged_mean", {"selection"}, false},
      {"engaged_se", {"selection"}, false},
      {"engaged_sum", {"selection"}, true},
      {"engaged_sum_squares", {"selection"}, true},
      {"intercepts_mean", {"selection", "layer"}, false},
      {"intercepts_se", {"selection", "layer"}, false},
      {"intercepts_sum", {"selection", "layer"}, true},
      {"intercepts_sum_squares", {"selection", "layer"}, true},
      {"layer_mean", {"layer", "layer_metric"}, false},
      {"layer_se", {"layer", "layer_metric"}, false},
      {"layer_sum", {"layer", "layer_metric"}, true},
      {"layer_sum_squares", {"layer", "layer_metric"}, true},
      {"fired_histogram", {"layer", "fired"}, true},
      {"interceptor_cost_mean", {"layer"}, false},
      {"interceptor_cost_se", {"layer"}, false},
      {"total_interceptor_cost_mean", {}, false},
      {"total_interceptor_cost_se", {}, false},
      {"threat_cost", {}, false},
      {"rate_mean", {"selection", "rate"}, false},
      {"rate_se", {"selection", "rate"}, false},
      {"rate_ci95_low", {"selection", "rate"}, false},
      {"rate_ci95_high", {"selection", "rate"}, false},
      {"rate_quantile", {"selection", "rate", "quantile"}, false},
      {"rate_trials", {"selection", "rate"}, true},
      {"rate_histogram", {"selection", "rate", "rate_bin"}, true},
      {"rate_fixed_sum", {"selection", "rate"}, true},
      {"rate_fixed_sum_squares", {"selection", "rate"}, true},
  };
  static const std::vector<SummaryArray> with_salvos = [] {
    std::vector<SummaryArray> arrays = plain;
    arrays.insert(arrays.end(), {
                                    {"salvo_start", {"salvo"}, false},
                                    {"salvo_threat_cost", {"salvo"}, false},
                                    {"salvo_layer_mean", {"salvo", "layer", "layer_metric"}, false},
                                    {"salvo_layer_se", {"salvo", "layer", "layer_metric"}, false},
                                    {"salvo_layer_sum", {"salvo", "layer", "layer_metric"}, true},
                                    {"salvo_layer_sum_squares", {"salvo", "layer", "layer_metric"}, true},
                                    {"salvo_magazine_mean", {"salvo", "layer"}, false},
                                    {"salvo_magazine_se", {"salvo", "layer"}, false},
                                    {"salvo_magazine_sum", {"salvo", "layer"}, true},
                                    {"salvo_magazine_sum_squares", {"salvo", "layer"}, true},
                                    {"salvo_interceptor_cost_mean", {"salvo", "layer"}, false},
                                    {"salvo_interceptor_cost_se", {"salvo", "layer"}, false},
                                    {"salvo_total_interceptor_cost_mean", {"salvo"}, false},
                                    {"salvo_total_interceptor_cost_se", {"salvo"}, false},
                                });
    return arrays;
  }();
  // Built from the two above, not by calling this function: a static initialized through a
  // call to its own function would wait for itself.
  static const std::vector<SummaryArray> plain_with_tiers = [] {
    std::vector<SummaryArray> arrays = plain;
    arrays.insert(arrays.end(), tier_arrays.begin(), tier_arrays.end());
    return arrays;
  }();
  static const std::vector<SummaryArray> campaign_with_tiers = [] {
    std::vector<SummaryArray> arrays = with_salvos;
    arrays.insert(arrays.end(), tier_arrays.begin(), tier_arrays.end());
    return arrays;
  }();
  if (tiers) return campaign ? campaign_with_tiers : plain_with_tiers;
  return campaign ? with_salvos : plain;
}

Results summarize(const Plan& plan, const Tallies& tallies, RunInfo info, bool with_rate_histogram) {
  Results results;
  results.info = std::move(info);
  results.info.trials = tallies.trials;
  add_coordinates(results, plan, tallies, with_rate_histogram);
  results.arrays.reserve(80);  // the builder hands out references into this vector
  ArrayBuilder build(results);
  const auto selections = static_cast<std::int64_t>(plan.selections.size());
  add_fates(build, tallies, selections);
  add_engaged_and_intercepts(build, tallies);
  add_layers(build, plan, tallies);
  add_rates(build, tallies, selections, with_rate_histogram);
  if (plan.layout.per_salvo()) add_salvos(build, plan, tallies);
  if (plan.layout.tiers > 0) add_damage(build, plan, tallies);
  return results;
}

}  // namespace salvosim
