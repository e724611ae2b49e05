// Sweep files in HDF5 (docs/sweeps.md#the-sweep-file): the statistics of every point as arrays
// over the sweep's dimensions, each point's scenario, seed and trials, and the sweep's own
// text. Built from the same HDF5 support as results files (hdf5_io.hpp).
#pragma once

#include <string>

#include "salvosim/sweep.hpp"

namespace salvosim {

// The layout and version of sweep files, stored as the root attributes filetype = "salvosim-sweep"
// and version. Minor 1 added the checksum in the user block.
inline constexpr int sweep_format_major = 1;
inline constexpr int sweep_format_minor = 1;

// Written under a temporary name and renamed when complete, like a results file.
void write_sweep(const std::string& path, const SweepResults& sweep);

// Throws BadFileError (hdf5_io.hpp) for a file it cannot use, checked as read_results checks one.
SweepResults read_sweep(const std::string& path);

}  // namespace salvosim
