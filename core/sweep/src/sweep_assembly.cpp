#include "sweep_assembly.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace salvosim::detail {
namespace {

bool left_out(const std::string& name) {
  return std::find(std::begin(arrays_left_out_of_sweeps), std::end(arrays_left_out_of_sweeps), name) !=
         std::end(arrays_left_out_of_sweeps);
}

std::int64_t product(const std::vector<std::int64_t>& shape, std::size_t from = 0) {
  std::int64_t n = 1;
  for (std::size_t d = from; d < shape.size(); ++d) n *= shape[d];
  return n;
}

// Copies a row-major block of shape `from` into one of shape `to` (each extent of `to` at
// least that of `from`), the rest of `to` left as it is: histograms padded to longer bins.
// Row by row (a row: the last dimension's run), so that a point's histograms are copied with
// std::copy rather than by an index worked out per element.
template <class T>
void copy_padded(const T* source, const std::vector<std::int64_t>& from, T* target,
                 const std::vector<std::int64_t>& to) {
  if (from.empty()) {  // a scalar
    *target = *source;
    return;
  }
  const std::int64_t row = from.back();
  if (row == 0) return;
  const std::int64_t rows = product(from) / row;
  std::vector<std::int64_t> index(from.size() - 1, 0);  // of the row, in the leading dimensions
  for (std::int64_t r = 0; r < rows; ++r) {
    std::int64_t offset = 0;
    for (std::size_t d = 0; d < index.size(); ++d) offset = offset * to[d] + index[d];
    std::copy(source + r * row, source + (r + 1) * row, target + offset * to.back());
    for (std::size_t d = index.size(); d-- > 0;) {
      if (++index[d] < from[d]) break;
      index[d] = 0;
    }
  }
}

// The coordinate all points share: labels and numbers must be equal; integer values (0, 1,
// 2, ...: histogram bins) may differ in length, and the longest is kept. Points that differ
// otherwise come from shard files that disagree: bad input to merge (invalid_argument).
Coordinate shared_coordinate(const std::string& name, const std::vector<Results>& per_point) {
  Coordinate shared = per_point.front().coordinate(name);
  for (std::size_t k = 1; k < per_point.size(); ++k) {
    const Coordinate& c = per_point[k].coordinate(name);
    if (c.labels != shared.labels || c.numbers != shared.numbers) {
      throw std::invalid_argument("sweep points differ in their coordinate " + name);
    }
    const std::vector<std::int64_t>& longer = c.values.size() > shared.values.size() ? c.values : shared.values;
    const std::vector<std::int64_t>& shorter = c.values.size() > shared.values.size() ? shared.values : c.values;
    if (!std::equal(shorter.begin(), shorter.end(), longer.begin())) {
      throw std::invalid_argument("sweep points differ in their coordinate " + name);
    }
    if (c.values.size() > shared.values.size()) shared.values = c.values;
  }
  return shared;
}

}  // namespace

Results summarize_for_sweep(const Plan& plan, const Tallies& tallies, RunInfo info) {
  // The rate histogram (rate_bins + 1 bins per selection and rate) is not even made when the
  // sweep would drop it: building it was most of a small point's cost.
  Results results = summarize(plan, tallies, std::move(info), !left_out("rate_histogram"));
  std::erase_if(results.arrays, [](const DataArray& array) { return left_out(array.name); });
  std::erase_if(results.coordinates, [&](const Coordinate& coordinate) {
    return std::none_of(results.arrays.begin(), results.arrays.end(), [&](const DataArray& array) {
      return std::find(array.dims.begin(), array.dims.end(), coordinate.name) != array.dims.end();
    });
  });
  return results;
}

Coordinate axis_coordinate(const std::string& name, const std::vector<SweepValue>& values) {
  Coordinate coordinate{name, {}, {}};
  const bool integers = std::all_of(values.begin(), values.end(),
                                    [](const SweepValue& v) { return std::holds_alternative<std::int64_t>(v); });
  const bool numbers = std::all_of(values.begin(), values.end(), [](const SweepValue& v) {
    return std::holds_alternative<std::int64_t>(v) || std::holds_alternative<double>(v);
  });
  for (const SweepValue& value : values) {
    if (integers) {
      coordinate.values.push_back(std::get<std::int64_t>(value));
    } else if (numbers) {
      coordinate.numbers.push_back(std::holds_alternative<double>(value)
                                       ? std::get<double>(value)
                                       : static_cast<double>(std::get<std::int64_t>(value)));
    } else {
      coordinate.labels.push_back(to_label(value));
    }
  }
  return coordinate;
}

SweepResults assemble_sweep(SweepInfo info, std::vector<SweepPoint> points, const std::vector<Results>& per_point,
                            RunInfo provenance) {
  if (points.empty() || points.size() != per_point.size()) {
    throw std::logic_error("assemble_sweep: needs the statistics of every point held, and at least one");
  }
  SweepResults sweep;
  sweep.summary.info = std::move(provenance);
  const bool whole_grid =
      info.mode == SweepMode::grid && info.shard.whole() && static_cast<std::int64_t>(points.size()) == info.points;
  std::vector<std::int64_t> sweep_shape;
  if (whole_grid) {
    for (const SweepAxis& axis : info.axes) {
      sweep.sweep_dims.push_back(axis.dimension());
      sweep.summary.coordinates.push_back(axis_coordinate(axis.dimension(), axis.values));
      sweep_shape.push_back(static_cast<std::int64_t>(axis.values.size()));
    }
  } else {
    sweep.sweep_dims = {"point"};
    Coordinate indices{"point", {}, {}};
    for (const SweepPoint& point : points) indices.values.push_back(point.index);
    sweep.summary.coordinates.push_back(std::move(indices));
    sweep_shape = {static_cast<std::int64_t>(points.size())};
  }
  for (const Coordinate& coordinate : per_point.front().coordinates) {
    sweep.summary.coordinates.push_back(shared_coordinate(coordinate.name, per_point));
  }
  // The points must fill the leading dimensions exactly: every copy below relies on it.
  if (product(sweep_shape) != static_cast<std::int64_t>(points.size())) {
    throw std::invalid_argument("sweep \"" + info.name + "\": its axes make " + std::to_string(product(sweep_shape)) +
                                " points, but " + std::to_string(points.size()) + " are given");
  }

  const Results& first = per_point.front();
  for (std::size_t a = 0; a < first.arrays.size(); ++a) {
    const DataArray& model = first.arrays[a];
    DataArray array{model.name, model.units, model.description, sweep.sweep_dims, sweep_shape, {}, {}, model.integer};
    std::vector<std::int64_t> block;
    for (const std::string& dim : model.dims) {
      array.dims.push_back(dim);
      block.push_back(sweep.summary.coordinate(dim).size());
    }
    array.shape.insert(array.shape.end(), block.begin(), block.end());
    const std::int64_t block_size = product(block);
    const auto total = static_cast<std::size_t>(product(array.shape));
    // Padding: a histogram bin no trial reached holds 0 trials; nothing else is padded.
    if (array.integer) {
      array.integers.assign(total, 0);
    } else {
      array.values.assign(total, std::numeric_limits<double>::quiet_NaN());
    }
    for (std::size_t k = 0; k < per_point.size(); ++k) {
      const Results& results = per_point[k];
      if (results.arrays.size() != first.arrays.size() || results.arrays[a].name != model.name ||
          results.arrays[a].dims != model.dims || results.arrays[a].integer != model.integer) {
        throw std::invalid_argument("sweep points differ in their arrays (" + model.name + ")");
      }
      const DataArray& source = results.arrays[a];
      const auto offset = static_cast<std::size_t>(static_cast<std::int64_t>(k) * block_size);
      if (array.integer) {
        copy_padded(source.integers.data(), source.shape, array.integers.data() + offset, block);
      } else {
        copy_padded(source.values.data(), source.shape, array.values.data() + offset, block);
      }
    }
    sweep.summary.arrays.push_back(std::move(array));
  }
  sweep.info = std::move(info);
  sweep.points = std::move(points);
  return sweep;
}

}  // namespace salvosim::detail

namespace salvosim {

Results point_results(const SweepResults& sweep, std::int64_t k) {
  const std::size_t leading = sweep.sweep_dims.size();
  Results results;
  for (const Coordinate& coordinate : sweep.summary.coordinates) {
    if (std::find(sweep.sweep_dims.begin(), sweep.sweep_dims.end(), coordinate.name) == sweep.sweep_dims.end()) {
      results.coordinates.push_back(coordinate);
    }
  }
  for (const DataArray& array : sweep.summary.arrays) {
    if (array.dims.size() < leading ||
        !std::equal(sweep.sweep_dims.begin(), sweep.sweep_dims.end(), array.dims.begin())) {
      throw std::runtime_error("array " + array.name + " is not laid out over the sweep's dimensions");
    }
    DataArray point{array.name, array.units, array.description, {}, {}, {}, {}, array.integer};
    point.dims.assign(array.dims.begin() + static_cast<std::ptrdiff_t>(leading), array.dims.end());
    point.shape.assign(array.shape.begin() + static_cast<std::ptrdiff_t>(leading), array.shape.end());
    const std::int64_t block = detail::product(point.shape);
    const std::int64_t stored = array.integer ? static_cast<std::int64_t>(array.integers.size())
                                              : static_cast<std::int64_t>(array.values.size());
    if (k < 0 || (k + 1) * block > stored) {
      throw std::invalid_argument("array " + array.name + " holds no point " + std::to_string(k));
    }
    const auto begin = static_cast<std::ptrdiff_t>(k * block);
    const auto end = begin + static_cast<std::ptrdiff_t>(block);
    if (array.integer) {
      point.integers.assign(array.integers.begin() + begin, array.integers.begin() + end);
    } else {
      point.values.assign(array.values.begin() + begin, array.values.begin() + end);
    }
    results.arrays.push_back(std::move(point));
  }
  return results;
}

}  // namespace salvosim
