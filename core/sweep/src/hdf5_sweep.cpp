// Sweep files in HDF5 (docs/sweeps.md#the-sweep-file), built from the same pieces as results
// files (hdf5_support.hpp): provenance as root attributes, the sweep's text, its axes, each
// point's scenario, and every statistic over the sweep's dimensions with named, labelled
// dimensions for h5py and xarray.
#include <hdf5.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hdf5_support.hpp"
#include "salvosim/sweep_file.hpp"
#include "sweep_assembly.hpp"

namespace salvosim {
namespace {

using namespace hdf5;

constexpr const char* filetype = "salvosim-sweep";

// Whether the sweep's arrays lead with one dimension per axis (a whole grid) or with `point`.
bool whole_grid(const SweepInfo& info, std::int64_t held) {
  return info.mode == SweepMode::grid && info.shard.whole() && held == info.points;
}

// The axes that have a dataset of their own in /points: `seed` and `trials` are there already.
bool own_dataset(const SweepAxis& axis) { return axis.path != seed_path && axis.path != trials_path; }

// A 1-D dataset of an axis's values, typed as axis_coordinate types them.
Dataset write_values(const Context& ctx, const GroupAt& group, const std::string& name, const Coordinate& values,
                     const Meta& meta) {
  if (!values.labels.empty()) return write_strings(ctx, group, name, values.labels, false, meta);
  if (!values.numbers.empty()) {
    return write_dataset(ctx, group, name, {values.numbers.size()}, values.numbers.data(), meta);
  }
  return write_dataset(ctx, group, name, {values.values.size()}, values.values.data(), meta);
}

std::vector<SweepValue> values_of(const Coordinate& coordinate) {
  std::vector<SweepValue> values;
  for (const std::string& label : coordinate.labels) values.emplace_back(label);
  for (double number : coordinate.numbers) values.emplace_back(number);
  for (std::int64_t value : coordinate.values) values.emplace_back(value);
  return values;
}

// Each held point's values of axis a, as one coordinate-typed column.
Coordinate axis_column(const SweepResults& sweep, std::size_t a) {
  std::vector<SweepValue> values;
  for (const SweepPoint& point : sweep.points) values.push_back(point.values.at(a));
  return detail::axis_coordinate(sweep.info.axes[a].dimension(), values);
}

std::string auxiliary_names(const SweepInfo& info) {
  std::string names;
  for (const SweepAxis& axis : info.axes) names += (names.empty() ? "" : " ") + axis.dimension();
  return names;
}

void write_provenance(const Context& ctx, const GroupAt& root, const SweepResults& sweep) {
  const SweepInfo& info = sweep.info;
  const RunInfo& run = sweep.summary.info;
  const hid_t r = root.id();
  write_attribute(ctx, r, "/", "filetype", std::string(filetype));
  write_attribute(ctx, r, "/", "version", std::vector<std::int32_t>{sweep_format_major, sweep_format_minor});
  write_made_by(ctx, r, run);
  write_attribute(ctx, r, "/", "sweep_name", info.name);
  write_attribute(ctx, r, "/", "description", info.description);
  write_attribute(ctx, r, "/", "sweep_id", info.id);
  write_attribute(ctx, r, "/", "mode", std::string(to_string(info.mode)));
  write_attribute(ctx, r, "/", "points", info.points);
  write_attribute(ctx, r, "/", "shard", std::vector<std::int64_t>{info.shard.index, info.shard.count});
  write_attribute(ctx, r, "/", "seed", run.seed);
  write_attribute(ctx, r, "/", "trials", run.trials);
  write_attribute(ctx, r, "/", "threads", static_cast<std::int32_t>(run.threads));
  write_attribute(ctx, r, "/", "ranks", static_cast<std::int32_t>(info.ranks));

  const GroupAt text = create_group(ctx, root, "sweep");
  write_strings(ctx, text, "text", {info.text}, true, {"", "the sweep file's text (TOML)"});
  write_strings(ctx, text, "source_name", {info.source_name}, true, {"", "the file the sweep was loaded from"});
  write_strings(ctx, text, "base_text", {info.base_text}, true, {"", "the base scenario's text (TOML)"});
  write_strings(ctx, text, "base_source_name", {info.base_source}, true, {"", "where the base scenario came from"});
}

// /axes: every value of each axis, one dimension scale each, with its key path.
void write_axes(const Context& ctx, const GroupAt& root, const SweepInfo& info) {
  const GroupAt axes = create_group(ctx, root, "axes");
  Scales scales;
  for (const SweepAxis& axis : info.axes) {
    const std::string name = axis.dimension();
    Dataset dataset = write_values(ctx, axes, name, detail::axis_coordinate(name, axis.values),
                                   {"", "the values of axis " + axis.path});
    write_attribute(ctx, dataset.get(), axes.child(name), "path", axis.path);
    make_scale(ctx, axes, dataset.get(), name);
  }
}

// /points: each point held, its index, seed, trials, scenario and axis values.
void write_points(const Context& ctx, const GroupAt& root, const SweepResults& sweep) {
  const GroupAt points = create_group(ctx, root, "points");
  Coordinate index{"point", {}, {}};
  std::vector<std::uint64_t> seeds;
  std::vector<std::int64_t> trials;
  std::vector<std::string> scenarios;
  for (const SweepPoint& point : sweep.points) {
    index.values.push_back(point.index);
    seeds.push_back(point.seed);
    trials.push_back(point.trials);
    scenarios.push_back(point.scenario_text);
  }
  Scales scales;
  write_coordinate(ctx, points, index, scales);
  const auto attach = [&](const std::string& name, const Dataset& dataset) {
    scales.attach(ctx, points.child(name), dataset.get(), {"point"});
  };
  attach("seed", write_dataset(ctx, points, "seed", {seeds.size()}, seeds.data(), {"1", "the point's random seed"}));
  attach("trials",
         write_dataset(ctx, points, "trials", {trials.size()}, trials.data(), {"trials", "trials run at the point"}));
  attach("scenario", write_strings(ctx, points, "scenario", scenarios, false, {"", "the point's scenario (TOML)"}));
  for (std::size_t a = 0; a < sweep.info.axes.size(); ++a) {
    const SweepAxis& axis = sweep.info.axes[a];
    if (!own_dataset(axis)) continue;
    const std::string name = axis.dimension();
    Dataset dataset = write_values(ctx, points, name, axis_column(sweep, a), {"", "the point's value of " + axis.path});
    write_attribute(ctx, dataset.get(), points.child(name), "path", axis.path);
    attach(name, dataset);
  }
}

// /summary: every statistic over the sweep's dimensions. Laid out over `point`, the axes'
// values are there too, as auxiliary coordinates of every array (xarray shows them so).
void write_summary(const Context& ctx, const GroupAt& root, const SweepResults& sweep) {
  const GroupAt summary = create_group(ctx, root, "summary");
  Scales scales;
  const std::vector<Coordinate>& coordinates = sweep.summary.coordinates;
  write_coordinates(ctx, summary, coordinates, scales);
  if (!whole_grid(sweep.info, static_cast<std::int64_t>(sweep.points.size()))) {
    for (std::size_t a = 0; a < sweep.info.axes.size(); ++a) {
      const SweepAxis& axis = sweep.info.axes[a];
      const std::string name = axis.dimension();
      const Dataset dataset =
          write_values(ctx, summary, name, axis_column(sweep, a), {"", "the value of " + axis.path});
      scales.attach(ctx, summary.child(name), dataset.get(), {"point"});
    }
    write_arrays(ctx, summary, coordinates, sweep.summary.arrays, scales, auxiliary_names(sweep.info));
    return;
  }
  write_arrays(ctx, summary, coordinates, sweep.summary.arrays, scales);
}

}  // namespace

void write_sweep(const std::string& path, const SweepResults& sweep) {
  const QuietErrors quiet;
  const Context ctx(path);
  NewFile file(ctx);
  write_provenance(ctx, file.root(), sweep);
  write_axes(ctx, file.root(), sweep.info);
  write_points(ctx, file.root(), sweep);
  write_summary(ctx, file.root(), sweep);
  file.commit();
}

SweepResults read_sweep(const std::string& path) {
  const QuietErrors quiet;
  const Context ctx(path, Context::Access::read);
  const OpenFile file = open_for_reading(ctx, filetype, "sweep", sweep_format_major);
  const GroupAt& root = file.root;
  const hid_t r = root.id();

  SweepResults sweep;
  SweepInfo& info = sweep.info;
  RunInfo& run = sweep.summary.info;
  read_made_by(ctx, r, run);
  run.seed = read_scalar_attribute<std::uint64_t>(ctx, r, "/", "seed");
  run.trials = read_scalar_attribute<std::int64_t>(ctx, r, "/", "trials");
  run.threads = read_scalar_attribute<std::int32_t>(ctx, r, "/", "threads");
  info.name = read_string_attribute(ctx, r, "/", "sweep_name");
  info.description = read_string_attribute(ctx, r, "/", "description");
  info.id = read_string_attribute(ctx, r, "/", "sweep_id");
  const std::string mode = read_string_attribute(ctx, r, "/", "mode");
  const std::optional<SweepMode> known = sweep_mode_named(mode);
  if (known) info.mode = *known;
  if (!known) ctx.fail("the root attribute mode is \"" + mode + "\", not a sweep mode");
  info.points = read_scalar_attribute<std::int64_t>(ctx, r, "/", "points");
  const std::vector<std::int64_t> shard = read_attribute<std::int64_t>(ctx, r, "/", "shard");
  if (shard.size() != 2) ctx.fail("the root attribute shard is not [index, count]");
  info.shard = {shard[0], shard[1]};
  if (info.shard.count < 1 || info.shard.index < 1 || info.shard.index > info.shard.count) {
    ctx.fail("the root attribute shard is [" + std::to_string(shard[0]) + ", " + std::to_string(shard[1]) +
             "], not [index, count] with 1 <= index <= count");
  }
  if (info.points < 1) ctx.fail("the root attribute points is " + std::to_string(info.points) + ", not a count");
  info.ranks = read_scalar_attribute<std::int32_t>(ctx, r, "/", "ranks");

  const GroupAt text = open_group(ctx, root, "sweep");
  info.text = read_string_dataset(ctx, text, "text");
  info.source_name = read_string_dataset(ctx, text, "source_name");
  info.base_text = read_string_dataset(ctx, text, "base_text");
  info.base_source = read_string_dataset(ctx, text, "base_source_name");
  run.scenario_name = info.name;
  run.scenario_text = info.base_text;
  run.source_name = info.base_source;

  const GroupAt axes = open_group(ctx, root, "axes");
  std::vector<Coordinate> axis_values;
  std::vector<DataArray> none;
  read_named_arrays(ctx, axes, axis_values, none);
  for (const Coordinate& coordinate : axis_values) {
    SweepAxis& axis = info.axes.emplace_back();
    const Dataset dataset = open_dataset(ctx, axes, coordinate.name);
    axis.path = read_string_attribute(ctx, dataset.get(), axes.child(coordinate.name), "path");
    axis.name = coordinate.name == axis.path ? "" : coordinate.name;
    axis.values = values_of(coordinate);
  }
  if (info.axes.empty()) ctx.fail("the group /axes holds no axis");
  if (info.mode == SweepMode::grid) {
    std::int64_t combinations = 1;
    for (const SweepAxis& axis : info.axes) combinations *= static_cast<std::int64_t>(axis.values.size());
    if (combinations != info.points) {
      ctx.fail("the axes in /axes make a grid of " + std::to_string(combinations) +
               " points, but the root attribute points is " + std::to_string(info.points));
    }
  }

  const GroupAt points = open_group(ctx, root, "points");
  const auto read_column = [&]<class T>(const std::string& name, T) {
    const Dataset dataset = open_dataset(ctx, points, name);
    return read_values<T>(ctx, {dataset.get(), false, points.child(name)});
  };
  const std::vector<std::int64_t> indices = read_column("point", std::int64_t{});
  const std::vector<std::uint64_t> seeds = read_column("seed", std::uint64_t{});
  const std::vector<std::int64_t> trials = read_column("trials", std::int64_t{});
  const Dataset scenario_set = open_dataset(ctx, points, "scenario");
  const std::vector<std::string> scenarios = read_strings(ctx, {scenario_set.get(), false, points.child("scenario")});
  const std::size_t held = indices.size();
  if (seeds.size() != held || trials.size() != held || scenarios.size() != held) {
    ctx.fail("/points holds columns of different lengths");
  }
  for (std::size_t k = 0; k < held; ++k) {
    // Increasing, as written: merging and the arrays' point dimension rely on it.
    if (indices[k] < 0 || indices[k] >= info.points || (k > 0 && indices[k] <= indices[k - 1])) {
      ctx.fail(points.child("point") + " is not a list of increasing point indices below " +
               std::to_string(info.points));
    }
    sweep.points.push_back({indices[k], {}, trials[k], seeds[k], scenarios[k]});
  }
  if (held == 0) ctx.fail(points.child("point") + " holds no point");
  for (const SweepAxis& axis : info.axes) {
    std::vector<SweepValue> values;
    if (axis.path == seed_path) {
      for (std::uint64_t seed : seeds) values.emplace_back(static_cast<std::int64_t>(seed));
    } else if (axis.path == trials_path) {
      for (std::int64_t n : trials) values.emplace_back(n);
    } else {
      const Dataset dataset = open_dataset(ctx, points, axis.dimension());
      const Readable source{dataset.get(), false, points.child(axis.dimension())};
      const H5T_class_t type = H5Tget_class(source.type(ctx).get());
      if (type == H5T_STRING) {
        for (std::string& label : read_strings(ctx, source)) values.emplace_back(std::move(label));
      } else if (type == H5T_FLOAT) {
        for (double number : read_values<double>(ctx, source)) values.emplace_back(number);
      } else {
        for (std::int64_t value : read_values<std::int64_t>(ctx, source)) values.emplace_back(value);
      }
    }
    if (values.size() != held) ctx.fail(points.child(axis.dimension()) + " does not hold a value for every point");
    for (std::size_t k = 0; k < held; ++k) sweep.points[k].values.push_back(std::move(values[k]));
  }

  const bool by_point = !whole_grid(info, static_cast<std::int64_t>(held));
  std::vector<std::string> auxiliary;
  if (by_point) {
    sweep.sweep_dims = {"point"};
    for (const SweepAxis& axis : info.axes) auxiliary.push_back(axis.dimension());
  } else {
    for (const SweepAxis& axis : info.axes) sweep.sweep_dims.push_back(axis.dimension());
  }
  const GroupAt summary = open_group(ctx, root, "summary");
  read_named_arrays(ctx, summary, sweep.summary.coordinates, sweep.summary.arrays, auxiliary);
  // The leading dimensions: as long as the axes (a whole grid) or the points held.
  for (std::size_t d = 0; d < sweep.sweep_dims.size(); ++d) {
    const std::string& dim = sweep.sweep_dims[d];
    const auto expected = static_cast<std::size_t>(by_point ? held : info.axes[d].values.size());
    const auto coordinate = std::find_if(sweep.summary.coordinates.begin(), sweep.summary.coordinates.end(),
                                         [&](const Coordinate& c) { return c.name == dim; });
    if (coordinate == sweep.summary.coordinates.end()) ctx.fail("missing dataset " + summary.child(dim));
    if (static_cast<std::size_t>(coordinate->size()) != expected || (by_point && coordinate->values != indices)) {
      ctx.fail(summary.child(dim) + " is not " +
               (by_point ? "the points held, as in " + points.child("point") : "as long as " + axes.child(dim)));
    }
  }
  std::vector<std::string> left_out(std::begin(arrays_left_out_of_sweeps), std::end(arrays_left_out_of_sweeps));
  check_summary(ctx, summary, sweep.summary.coordinates, sweep.summary.arrays, sweep.sweep_dims, left_out);
  return sweep;
}

}  // namespace salvosim
