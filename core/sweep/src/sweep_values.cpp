#include "sweep_values.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "config_detail.hpp"
#include "salvosim/rng.hpp"
#include "salvosim/tallies.hpp"  // int128

namespace salvosim::detail {
namespace {

// The counter's third word marks a draw as the sweep design's, apart from any other use of
// the same seed; the fourth tells apart the uses within the design.
constexpr std::uint32_t design_stream = 0x5357'4545u;  // "SWEE"
enum class DesignPurpose : std::uint32_t { sample = 0, permutation = 1, jitter = 2 };

// 64 random bits for (seed, index, stream, purpose).
std::uint64_t design_bits(std::uint64_t seed, std::uint64_t index, std::uint32_t stream, DesignPurpose purpose) {
  const PhiloxCounter counter{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
                              design_stream ^ stream, static_cast<std::uint32_t>(purpose)};
  const PhiloxKey key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  const PhiloxCounter r = philox4x32<10>(counter, key);
  return std::uint64_t{r[0]} << 32 | r[1];
}

// In [0, 1), from the top 53 bits: every double of that form is exact.
double unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1p-53; }

// In [0, n) without modulo bias worth speaking of (the multiply-shift of Lemire).
std::int64_t below(std::uint64_t bits, std::int64_t n) {
  return static_cast<std::int64_t>((static_cast<uint128>(bits) * static_cast<std::uint64_t>(n)) >> 64);
}

}  // namespace

std::vector<SweepValue> integer_range(std::int64_t start, std::int64_t stop, std::int64_t step) {
  if (step == 0) throw std::invalid_argument("step must not be 0");
  if ((step > 0 && stop < start) || (step < 0 && stop > start)) {
    throw std::invalid_argument("holds no values: stop " + std::to_string(stop) + " cannot be reached from start " +
                                std::to_string(start) + " by steps of " + std::to_string(step));
  }
  // Counted in 128 bits: start and stop may be anywhere in int64.
  const int128 distance = step > 0 ? static_cast<int128>(stop) - start : static_cast<int128>(start) - stop;
  const int128 count = distance / (step > 0 ? static_cast<int128>(step) : -static_cast<int128>(step)) + 1;
  if (count > max_axis_values) {
    throw std::invalid_argument("holds " + std::to_string(static_cast<long long>(count)) + " values; at most " +
                                std::to_string(max_axis_values));
  }
  std::vector<SweepValue> values;
  values.reserve(static_cast<std::size_t>(count));
  for (int128 k = 0; k < count; ++k) values.emplace_back(static_cast<std::int64_t>(start + k * step));
  return values;
}

std::vector<SweepValue> linspace(double start, double stop, std::int64_t num) {
  if (!std::isfinite(start) || !std::isfinite(stop)) throw std::invalid_argument("start and stop must be finite");
  if (num < 1) throw std::invalid_argument("num must be >= 1, got " + std::to_string(num));
  if (num > max_axis_values) {
    throw std::invalid_argument("num must be <= " + std::to_string(max_axis_values) + ", got " + std::to_string(num));
  }
  std::vector<SweepValue> values;
  values.reserve(static_cast<std::size_t>(num));
  const double step = num > 1 ? (stop - start) / static_cast<double>(num - 1) : 0.0;
  for (std::int64_t k = 0; k < num; ++k) {
    // The last value is stop itself, not start + (num - 1) * step rounded.
    values.emplace_back(k == num - 1 && num > 1 ? stop : start + static_cast<double>(k) * step);
  }
  return values;
}

void check_distribution(const DistributionSpec& spec) {
  // Appended piece by piece: GCC 12 misreports `"[" + text + ...` as an overlapping copy.
  std::string range = "[";
  range.append(format_number(spec.low)).append(", ").append(format_number(spec.high)).append("]");
  if (!std::isfinite(spec.low) || !std::isfinite(spec.high)) {
    throw std::invalid_argument("low and high must be finite, got " + range);
  }
  switch (spec.kind) {
    case Distribution::uniform:
      if (!(spec.low < spec.high)) throw std::invalid_argument("needs low < high, got " + range);
      break;
    case Distribution::loguniform:
      if (!(spec.low > 0 && spec.low < spec.high)) throw std::invalid_argument("needs 0 < low < high, got " + range);
      break;
    case Distribution::integer:
      if (spec.low != std::floor(spec.low) || spec.high != std::floor(spec.high)) {
        throw std::invalid_argument("needs integer low and high, got " + range);
      }
      if (!(spec.low <= spec.high)) throw std::invalid_argument("needs low <= high, got " + range);
      if (spec.high - spec.low >= 0x1p53) throw std::invalid_argument("needs high - low < 2^53, got " + range);
      break;
  }
}

SweepValue distribution_value(const DistributionSpec& spec, double u) {
  switch (spec.kind) {
    case Distribution::uniform:
      return spec.low + u * (spec.high - spec.low);
    case Distribution::loguniform:
      return spec.low * std::exp(u * std::log(spec.high / spec.low));
    case Distribution::integer: {
      const double levels = spec.high - spec.low + 1.0;
      return static_cast<std::int64_t>(spec.low + std::min(std::floor(u * levels), levels - 1.0));
    }
  }
  throw std::logic_error("distribution_value: unknown distribution");
}

std::vector<SweepValue> random_samples(const DistributionSpec& spec, std::int64_t samples, std::uint64_t seed,
                                       std::uint32_t stream) {
  check_distribution(spec);
  if (samples < 1) throw std::invalid_argument("samples must be >= 1, got " + std::to_string(samples));
  if (samples > max_axis_values) {
    throw std::invalid_argument("samples must be <= " + std::to_string(max_axis_values) + ", got " +
                                std::to_string(samples));
  }
  std::vector<SweepValue> values;
  values.reserve(static_cast<std::size_t>(samples));
  for (std::int64_t k = 0; k < samples; ++k) {
    values.push_back(distribution_value(spec, unit(design_bits(seed, static_cast<std::uint64_t>(k), stream,
                                                               DesignPurpose::sample))));
  }
  return values;
}

std::vector<std::vector<double>> latin_hypercube(std::int64_t samples, std::int64_t dims, std::uint64_t seed) {
  if (samples < 1) throw std::invalid_argument("samples must be >= 1, got " + std::to_string(samples));
  if (samples > max_sweep_points) {
    throw std::invalid_argument("samples must be <= " + std::to_string(max_sweep_points) + ", got " +
                                std::to_string(samples));
  }
  std::vector<std::vector<double>> u(static_cast<std::size_t>(dims));
  for (std::int64_t d = 0; d < dims; ++d) {
    const auto stream = static_cast<std::uint32_t>(d);
    // A random permutation of the strata (Fisher-Yates), then a random point in each.
    std::vector<std::int64_t> strata(static_cast<std::size_t>(samples));
    for (std::int64_t k = 0; k < samples; ++k) strata[static_cast<std::size_t>(k)] = k;
    for (std::int64_t k = samples - 1; k > 0; --k) {
      const std::int64_t j =
          below(design_bits(seed, static_cast<std::uint64_t>(k), stream, DesignPurpose::permutation), k + 1);
      std::swap(strata[static_cast<std::size_t>(k)], strata[static_cast<std::size_t>(j)]);
    }
    std::vector<double>& column = u[static_cast<std::size_t>(d)];
    column.resize(static_cast<std::size_t>(samples));
    for (std::int64_t k = 0; k < samples; ++k) {
      const double jitter = unit(design_bits(seed, static_cast<std::uint64_t>(k), stream, DesignPurpose::jitter));
      // Below 1 even when rounding would carry the last stratum's top to 1.
      column[static_cast<std::size_t>(k)] =
          std::min((static_cast<double>(strata[static_cast<std::size_t>(k)]) + jitter) / static_cast<double>(samples),
                   std::nextafter(1.0, 0.0));
    }
  }
  return u;
}

}  // namespace salvosim::detail
