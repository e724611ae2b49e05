// The values of sweep axes written as generators (range, linspace, random samples) and the
// Latin hypercube design, for the sweep loader (sweep_config.cpp). Every random draw comes
// from Philox (rng.hpp) keyed by a seed and numbered by (sample, axis), so a design is the
// same on every machine and in every process of a job. Not installed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "salvosim/sweep.hpp"

namespace salvosim::detail {

// Most values one axis may have, and most points a sweep may have.
inline constexpr std::int64_t max_axis_values = 1'000'000;
inline constexpr std::int64_t max_sweep_points = 1'000'000;

// Each generator throws std::invalid_argument with a message that says which rule its
// arguments break (the caller adds where).

// start, start + step, ... up to and including stop (down to, for a negative step).
std::vector<SweepValue> integer_range(std::int64_t start, std::int64_t stop, std::int64_t step);

// num values evenly spaced from start to stop, both included (numpy.linspace).
std::vector<SweepValue> linspace(double start, double stop, std::int64_t num);

enum class Distribution { uniform, loguniform, integer };
inline constexpr const char* distribution_names[] = {"uniform", "loguniform", "integer"};

// uniform on [low, high); log-uniform on [low, high), 0 < low; integers low..high inclusive.
struct DistributionSpec {
  Distribution kind = Distribution::uniform;
  double low = 0.0;
  double high = 1.0;
};
void check_distribution(const DistributionSpec& spec);

// The value at cumulative probability u in [0, 1): how a uniform draw, or a Latin hypercube
// stratum, becomes a value of the distribution.
SweepValue distribution_value(const DistributionSpec& spec, double u);

// `samples` independent draws; `stream` tells apart the axes that share a seed.
std::vector<SweepValue> random_samples(const DistributionSpec& spec, std::int64_t samples, std::uint64_t seed,
                                       std::uint32_t stream);

// A Latin hypercube of `samples` points in `dims` dimensions: u[dim][sample] in [0, 1), each
// dimension's samples falling one in each of the `samples` equal strata, in random order.
std::vector<std::vector<double>> latin_hypercube(std::int64_t samples, std::int64_t dims, std::uint64_t seed);

}  // namespace salvosim::detail
