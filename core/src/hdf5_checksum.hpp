// The checksum in the user block of every file salvosim writes (docs/hdf5-format.md#the-checksum),
// private to core/src: HDF5 reads a damaged file's metadata without checking it, and a bit
// flipped there can crash the library, so a reader checks the bytes before HDF5 sees them.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>

#include "hdf5_support.hpp"

namespace salvosim::hdf5 {

// Bytes reserved ahead of HDF5's superblock (H5Pset_userblock: a power of two, at least 512).
inline constexpr hsize_t checksum_block_size = 512;

// Fills the user block of the closed file `file` with the checksum of the bytes after it.
void write_checksum(const Context& ctx, const std::string& file);

// Checks the file of `ctx` before HDF5 opens it. Returns true when it carries a checksum that
// matches its bytes, false when it starts with HDF5's own signature (a file written before
// the checksum, or by another program); throws BadFileError for a file that is damaged, cut
// short, or neither.
bool verify_checksum(const Context& ctx);

// CRC-32 (the polynomial of zlib, PNG and Python's zlib.crc32), continued from `crc`.
std::uint32_t crc32(std::uint32_t crc, const unsigned char* data, std::size_t size);

}  // namespace salvosim::hdf5
