// What the fuzz targets of file readers share: a file read as salvosim's front ends read it.
// A bad file must be refused with the exception the reader documents; whatever is read must
// be consistent. Callers index arrays by their shape (the bindings hand NumPy a view of that
// shape), so an array whose data does not fill its shape would be read out of bounds later,
// far from the file that caused it.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "salvosim/hdf5_io.hpp"
#include "salvosim/results.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/sweep_file.hpp"

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

// Every HDF5 id a reader opens must be closed when it returns or throws: a leaked one keeps
// its file open (so that it cannot be opened for writing again) and its memory held.
inline void check_nothing_open() {
  if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0) __builtin_trap();
}

// read_results: refused with std::runtime_error, or consistent.
inline void read_results_file(const std::string& path) {
  try {
    check_consistent(read_results(path));
  } catch (const std::runtime_error&) {
    // refused with a message: what a bad file should get
  }
  check_nothing_open();
}

// read_sweep, then merge_sweeps as `salvosim merge` does: refused with std::runtime_error
// (reading), std::invalid_argument (shards that do not fit together) or std::runtime_error
// (arrays not laid out over the sweep's dimensions), or consistent.
inline void read_sweep_file(const std::string& path) {
  SweepResults sweep;
  try {
    sweep = read_sweep(path);
  } catch (const std::runtime_error&) {
    check_nothing_open();
    return;  // refused with a message: what a bad file should get
  }
  check_nothing_open();
  check_consistent(sweep.summary);
  try {
    check_consistent(merge_sweeps({sweep}).summary);
  } catch (const std::invalid_argument&) {
    // a shard that cannot stand alone: refused with a message
  } catch (const std::runtime_error&) {
    // a shard whose arrays do not fit its points: refused with a message
  }
}

}  // namespace salvosim::fuzz
