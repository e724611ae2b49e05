// Tallies as a flat run of int64, to pass between the processes of a sweep: exact, so that
// tallies summed on another rank are the same integers as if summed here. Not installed.
#pragma once

#include <cstdint>
#include <vector>

#include "salvosim/plan.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim::detail {

// Appends the tallies to `out`.
void pack_tallies(const Tallies& tallies, std::vector<std::int64_t>& out);

// The tallies packed at data[begin, end), for `plan` (which must be the plan they were made
// with: their sizes are checked against it). Throws std::runtime_error if they do not fit.
Tallies unpack_tallies(const Plan& plan, const std::int64_t* begin, const std::int64_t* end);

}  // namespace salvosim::detail
