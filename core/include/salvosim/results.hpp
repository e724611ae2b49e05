// Statistics over trials, computed from the integer tallies, as named arrays with named
// dimensions: the same shape in C++, in the HDF5 file, in JSON and in NumPy.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "salvosim/plan.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {

// One statistic of a run to a precision target (precision.hpp): its name, the standard error
// asked of it, and the one it reached (NaN while undefined, e.g. a rate no trial defined).
struct SeTarget {
  std::string statistic;  // `<array>.<label>...`, e.g. `fate.all.intercepted` (precision.hpp)
  double target = 0.0;
  double se = std::numeric_limits<double>::quiet_NaN();
};

// How a run to a precision target went; batch_trials == 0 for a plain run.
struct PrecisionInfo {
  std::int64_t batch_trials = 0;  // trials per batch
  std::int64_t max_trials = 0;    // the most it could have run (--trials)
  bool reached = false;           // every target met at the last batch boundary
  std::vector<SeTarget> targets;
  bool used() const { return batch_trials > 0; }
};

// What produced a set of results: stored in every output (provenance).
struct RunInfo {
  std::string scenario_name;
  std::string scenario_text;  // the full config text, when loaded from one
  std::string source_name;
  std::uint64_t seed = 0;
  std::uint64_t first_trial = 0;
  std::int64_t trials = 0;
  int threads = 0;
  std::string salvosim_version;
  std::string git_sha1;
  std::string created;      // ISO 8601, UTC
  PrecisionInfo precision;  // a run to a precision target only
};

// A dimension: its labels (selection, fate, layer, ...), its integer values (count, ...) or
// its real values (a sweep axis over pk, ...). One of the three is used.
struct Coordinate {
  std::string name;
  std::vector<std::string> labels;
  std::vector<std::int64_t> values;
  std::vector<double> numbers = {};  // = {}: code that names only the first three still compiles quietly
  std::int64_t size() const {
    return static_cast<std::int64_t>(!labels.empty()    ? labels.size()
                                     : !numbers.empty() ? numbers.size()
                                                        : values.size());
  }
};

// A row-major array of doubles (statistics) or of int64 (counts, exact sums).
struct DataArray {
  std::string name;
  std::string units;
  std::string description;
  std::vector<std::string> dims;
  std::vector<std::int64_t> shape;
  std::vector<double> values;          // when !integer
  std::vector<std::int64_t> integers;  // when integer
  bool integer = false;

  std::int64_t size() const;
  std::int64_t offset(std::initializer_list<std::int64_t> index) const;  // checked
};

struct Results {
  RunInfo info;
  std::vector<Coordinate> coordinates;
  std::vector<DataArray> arrays;

  const Coordinate& coordinate(const std::string& name) const;
  const DataArray& array(const std::string& name) const;
  bool has_array(const std::string& name) const;
  // The position of `label` along dimension `dim`; throws std::out_of_range naming both.
  std::int64_t index(const std::string& dim, const std::string& label) const;
  // One value of a floating-point array, e.g. value("fate_mean", {selection, fate}).
  double value(const std::string& array_name, std::initializer_list<std::int64_t> index) const;
};

// Quantiles reported for counts and rates.
inline constexpr double reported_quantiles[] = {0.025, 0.05, 0.5, 0.95, 0.975};
// The two-sided 95% normal quantile: a mean's 95% confidence interval is mean -+ z95 * se
// (rate_ci95_*; Python's tables of fates and layer counters use it too).
inline constexpr double z95 = 1.959963984540054;

// An array every summary holds: its name, dimensions and kind.
struct SummaryArray {
  std::string name;
  std::vector<std::string> dims;
  bool integer = false;
};

// The arrays summarize() makes, in its order: with `campaign`, those of a campaign of two
// salvos or more (the ones over dimension salvo added); with `tiers`, those of a scenario that
// declares tiers (over dimension tier, and the damage). What a file's reader checks it holds.
const std::vector<SummaryArray>& summary_arrays(bool campaign, bool tiers = false);

// Mean, standard error, quantiles, 95% confidence intervals, histograms and exact sums.
// Without `with_rate_histogram`, the array rate_histogram and its coordinate rate_bin are not
// made: a sweep leaves them out of its files (arrays_left_out_of_sweeps), and at rate_bins + 1
// bins for each selection and rate they are most of the cost of summarizing a small run.
Results summarize(const Plan& plan, const Tallies& tallies, RunInfo info, bool with_rate_histogram = true);

// The q-quantile of a histogram of integer values: the smallest value v with at least
// q * total of the trials at or below v (the inverse of the empirical distribution).
std::int64_t histogram_quantile(const std::vector<std::int64_t>& counts, double q);
// histogram_quantile of each of `qs` (in increasing order), in one scan of the histogram.
std::vector<std::int64_t> histogram_quantiles(const std::vector<std::int64_t>& counts, const std::vector<double>& qs);
// The same quantiles of the values in `sorted` (in increasing order), without their histogram:
// histogram_quantiles of their histogram, for a few values of a wide range.
std::vector<std::int64_t> sorted_quantiles(const std::vector<std::int64_t>& sorted, const std::vector<double>& qs);

}  // namespace salvosim
