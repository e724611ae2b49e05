// What several test files share: every coordinate and array of two Results equal, bit for bit
// (NaN equal to NaN), names, units, descriptions and shapes included.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "salvosim/results.hpp"

namespace salvosim::test_support {

// Bit for bit, NaN equal to NaN (== says NaN != NaN). An empty vector's data() may be null,
// and memcmp of a null pointer is undefined even for zero bytes: compare only what exists.
inline bool same_bits(const std::vector<double>& x, const std::vector<double>& y) {
  return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
}

inline void expect_same_arrays(const Results& expected, const Results& actual) {
  ASSERT_EQ(expected.coordinates.size(), actual.coordinates.size());
  for (std::size_t k = 0; k < expected.coordinates.size(); ++k) {
    const Coordinate& x = expected.coordinates[k];
    const Coordinate& y = actual.coordinates[k];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.labels, y.labels) << x.name;
    EXPECT_EQ(x.values, y.values) << x.name;
    EXPECT_EQ(x.numbers, y.numbers) << x.name;
  }
  ASSERT_EQ(expected.arrays.size(), actual.arrays.size());
  for (std::size_t k = 0; k < expected.arrays.size(); ++k) {
    const DataArray& x = expected.arrays[k];
    const DataArray& y = actual.arrays[k];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.units, y.units) << x.name;
    EXPECT_EQ(x.description, y.description) << x.name;
    EXPECT_EQ(x.dims, y.dims) << x.name;
    EXPECT_EQ(x.shape, y.shape) << x.name;
    EXPECT_EQ(x.integer, y.integer) << x.name;
    EXPECT_EQ(x.integers, y.integers) << x.name;
    ASSERT_EQ(x.values.size(), y.values.size()) << x.name;
    EXPECT_TRUE(same_bits(x.values, y.values)) << x.name;
  }
}

}  // namespace salvosim::test_support
