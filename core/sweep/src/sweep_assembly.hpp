// Per-point statistics <-> a sweep's arrays. The driver, the merge and the checkpoints all go
// through these two functions, which is why a sweep run whole, resumed, or sharded and
// merged comes out as the same bytes. Not installed.
#pragma once

#include <cstdint>
#include <vector>

#include "salvosim/results.hpp"
#include "salvosim/sweep.hpp"

namespace salvosim::detail {

// One point's statistics as a sweep keeps them: summarize()'s, without the arrays sweeps
// leave out, and without the coordinates no array uses any more.
Results summarize_for_sweep(const Plan& plan, const Tallies& tallies, RunInfo info);

// The sweep's arrays from each held point's trimmed statistics (per_point[k] is points[k]'s).
// Label coordinates must agree between points; integer coordinates (histogram bins) are
// padded to the longest, with zeros. `provenance` becomes summary.info.
SweepResults assemble_sweep(SweepInfo info, std::vector<SweepPoint> points, const std::vector<Results>& per_point,
                            RunInfo provenance);

// The coordinate of an axis's values: int64 if all are integers, float64 if all are numbers,
// else their labels.
Coordinate axis_coordinate(const std::string& name, const std::vector<SweepValue>& values);

}  // namespace salvosim::detail
