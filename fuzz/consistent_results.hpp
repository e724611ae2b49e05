// What the fuzz targets of file readers share: what a reader promises of the Results it
// returns, whatever file it read. Callers index arrays by their shape (the bindings hand
// NumPy a view of that shape), so an array whose data does not fill its shape would be read
// out of bounds later, far from the file that caused it.
#pragma once

#include <cstdint>
#include <limits>

#include "salvosim/results.hpp"

namespace salvosim::fuzz {

inline void check_consistent(const Results& results) {
  for (const DataArray& array : results.arrays) {
    if (array.dims.size() != array.shape.size()) __builtin_trap();
    std::int64_t elements = 1;
    for (std::int64_t extent : array.shape) {
      if (extent < 0) __builtin_trap();
      if (extent != 0 && elements > std::numeric_limits<std::int64_t>::max() / extent) __builtin_trap();
      elements *= extent;
    }
    const std::size_t held = array.integer ? array.integers.size() : array.values.size();
    if (static_cast<std::int64_t>(held) != elements) __builtin_trap();
  }
}

}  // namespace salvosim::fuzz
