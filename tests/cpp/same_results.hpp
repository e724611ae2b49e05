// What several test files share: every coordinate and array of two Results equal, bit for bit
// (NaN equal to NaN), names, units, descriptions and shapes included.
#pragma once

#include <gtest/gtest.h>

#include <cstring>

#include "salvosim/results.hpp"

namespace salvosim::test_support {

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
    // Bit for bit, NaN included.
    ASSERT_EQ(x.values.size(), y.values.size()) << x.name;
    if (!x.values.empty()) {
      EXPECT_EQ(0, std::memcmp(x.values.data(), y.values.data(), x.values.size() * sizeof(double))) << x.name;
    }
  }
}

}  // namespace salvosim::test_support
