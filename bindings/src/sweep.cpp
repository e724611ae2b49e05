// Sweeps from Python: axis values converted to and from Python scalars, the GIL released while
// points run, progress and Ctrl-C heard between pieces of work, sweep files read and written.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/run.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/sweep_file.hpp"

namespace py = pybind11;

namespace salvosim::python {
namespace {

// A Python scalar as an axis value. bool is tested before int: True is an int in Python.
SweepValue to_sweep_value(const py::handle& value, const std::string& axis) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return value.cast<std::int64_t>();
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  throw py::type_error("axis " + axis + ": a value must be an int, float, str or bool, got " +
                       py::str(py::type::of(value).attr("__name__")).cast<std::string>() + " " +
                       py::repr(value).cast<std::string>());
}

py::object to_python(const SweepValue& value) {
  return std::visit([](const auto& v) -> py::object { return py::cast(v); }, value);
}

py::list python_values(const std::vector<SweepValue>& values) {
  py::list out;
  for (const SweepValue& v : values) out.append(to_python(v));
  return out;
}

SweepMode parse_mode(const std::string& mode) {
  // A Latin hypercube samples ranges, which only a sweep file describes: from Python, pass its path.
  const std::optional<SweepMode> known = sweep_mode_named(mode);
  if (known && *known != SweepMode::latin_hypercube) return *known;
  throw py::value_error("mode must be \"grid\" or \"zip\", got \"" + mode + "\"");
}

// axes: [(path, name, [values...]), ...] as prepared by salvosim._sweep.
SweepSpec make_spec(const std::string& base_text, const std::string& base_source, const py::list& axes,
                    const std::string& mode, std::int64_t trials, const py::int_& seed) {
  if (const std::string problem = trials_problem(trials); !problem.empty()) throw py::value_error("trials " + problem);
  SweepSpec spec;
  spec.name = "python";
  spec.base_text = base_text;
  spec.base_source = base_source;
  spec.mode = parse_mode(mode);
  spec.trials = trials;
  spec.seed = unsigned_64(seed, "seed");
  for (const py::handle& item : axes) {
    const auto [path, name, values] = item.cast<std::tuple<std::string, std::string, py::list>>();
    SweepAxis axis;
    axis.path = path;
    axis.name = name;
    for (const py::handle& v : values) axis.values.push_back(to_sweep_value(v, path));
    spec.axes.push_back(std::move(axis));
  }
  return spec;
}

SweepResults run(const SweepSpec& spec, int threads, const py::object& progress) {
  SweepOptions options;
  options.threads = threads;
  SweepProgressCallback on_progress = [&](const SweepProgress& p) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C: KeyboardInterrupt
    if (progress.is_none()) return true;
    const py::object answer = progress(p.points_done, p.points_total);
    return answer.is_none() || answer.cast<bool>();
  };
  py::gil_scoped_release release;
  return run_sweep(spec, options, on_progress);
}

// Each point as a dict: index, values, trials, seed and scenario (its TOML).
py::list points_list(const std::vector<SweepPoint>& points) {
  py::list out;
  for (const SweepPoint& p : points) {
    py::dict d;
    d["index"] = p.index;
    d["values"] = python_values(p.values);
    d["trials"] = p.trials;
    d["seed"] = p.seed;
    d["scenario"] = p.scenario_text;
    out.append(d);
  }
  return out;
}

// What `salvosim sweep --dry-run` finds, as a dict: every point (validated), its estimated
// seconds from a few points timed on `threads`, and the fewest shards of at most
// `target_seconds` each. The GIL is released while points are timed.
py::dict plan(const SweepSpec& spec, int threads, double target_seconds) {
  if (!(target_seconds > 0.0) || !std::isfinite(target_seconds)) {
    throw py::value_error("target_hours must be a positive number of hours, got " +
                          py::repr(py::float_(target_seconds / 3600.0)).cast<std::string>());
  }
  ExpandedSweep sweep;
  SweepEstimate estimate;
  ShardPlan shards;
  {
    py::gil_scoped_release release;
    worker_count(threads);  // std::invalid_argument (ValueError) before anything runs
    sweep = expand_sweep(spec);
    estimate = estimate_sweep(sweep, threads);
    shards = plan_shards(sweep, estimate, target_seconds);
  }
  py::list axes;
  for (const SweepAxis& axis : spec.axes) axes.append(py::make_tuple(axis.path, axis.dimension()));
  py::dict d;
  d["name"] = spec.name;
  d["axes"] = axes;
  d["points"] = points_list(sweep.points);
  d["point_seconds"] = estimate.point_seconds;
  d["timed_points"] = estimate.timed_points;
  d["timing_seconds"] = estimate.timing_seconds;
  d["threads"] = estimate.threads;
  d["shards"] = shards.shards;
  d["shard_seconds"] = shards.shard_seconds;
  d["fits"] = shards.fits;
  return d;
}

py::dict info_dict(const SweepInfo& info) {
  py::dict d;
  d["name"] = info.name;
  d["description"] = info.description;
  d["mode"] = to_string(info.mode);
  py::list axes;
  for (const SweepAxis& axis : info.axes) {
    axes.append(py::make_tuple(axis.path, axis.dimension(), python_values(axis.values)));
  }
  d["axes"] = axes;
  d["points"] = info.points;
  d["shard"] = py::make_tuple(info.shard.index, info.shard.count);
  d["sweep_id"] = info.id;
  d["text"] = info.text;
  d["source_name"] = info.source_name;
  d["base_text"] = info.base_text;
  d["base_source_name"] = info.base_source;
  d["ranks"] = info.ranks;
  return d;
}

}  // namespace

void init_sweep(py::module_& m) {
  py::class_<SweepSpec>(m, "SweepSpec", "A sweep, loaded from a file or built from Python")
      .def_readonly("name", &SweepSpec::name)
      .def_property_readonly("axis_count", [](const SweepSpec& s) { return s.axes.size(); })
      .def_readonly("trials", &SweepSpec::trials)
      .def_readonly("seed", &SweepSpec::seed);

  py::class_<SweepResults>(m, "SweepResults", "Statistics of every point of a sweep")
      .def_property_readonly("info", [](const SweepResults& s) { return info_dict(s.info); })
      .def_property_readonly(
          "points", [](const SweepResults& s) { return points_list(s.points); },
          "Each point held: index, values, trials, seed, scenario")
      .def_readonly("sweep_dims", &SweepResults::sweep_dims)
      .def_readonly("summary", &SweepResults::summary, py::return_value_policy::reference_internal)
      .def(
          "point_results",
          [](const SweepResults& s, std::int64_t k) {
            if (k < 0 || k >= static_cast<std::int64_t>(s.points.size())) {
              throw py::index_error("no point at position " + std::to_string(k) + " of " +
                                    std::to_string(s.points.size()) + " held");
            }
            return point_results(s, k);
          },
          py::arg("k"), "The statistics of the k-th point held (points[k]) as one run's Results");

  m.def("make_sweep", &make_spec, py::arg("base_text"), py::arg("base_source"), py::arg("axes"), py::arg("mode"),
        py::arg("trials"), py::arg("seed"), "A sweep of a base scenario along axes [(path, name, values)]");
  m.def("load_sweep_file", &load_sweep_file, py::arg("path"), py::call_guard<py::gil_scoped_release>(),
        "Read and check a sweep file (raising ConfigError)");
  m.def("run_sweep", &run, py::arg("spec"), py::arg("threads"), py::arg("progress"),
        "Run every point in this process; progress(points_done, points_total) may return False to stop");
  m.def("plan_sweep", &plan, py::arg("spec"), py::arg("threads"), py::arg("target_seconds"),
        "The points of a sweep, their estimated seconds (a few timed) and the fewest shards within target_seconds");
  m.def("write_sweep", &write_sweep, py::arg("path"), py::arg("sweep"), py::call_guard<py::gil_scoped_release>(),
        "Write a sweep file (docs/sweeps.md); it appears only when complete");
  m.def("read_sweep", &read_sweep, py::arg("path"), py::call_guard<py::gil_scoped_release>(),
        "Read a sweep file written by `salvosim sweep`, `salvosim merge` or write_sweep");

  // Key paths: the C++ parser and setter, so that Python (calibration) does not keep its own.
  m.def(
      "parse_key_path",
      [](const std::string& path) {
        KeyPath parsed = parse_key_path(path);
        return std::tuple(std::move(parsed.head), std::move(parsed.entry), std::move(parsed.keys));
      },
      py::arg("path"),
      "A key path (`layer.\"s.r.\".engages.ballistic.pk`) as (head, entry, keys), head being threat, layer, "
      "scenario, trials or seed; raises ValueError saying what is wrong");
  m.def(
      "set_key_path",
      [](Scenario& scenario, const std::string& path, const py::handle& value) {
        set_key_path(scenario, path, to_sweep_value(value, path));
      },
      py::arg("scenario"), py::arg("path"), py::arg("value"),
      "Set the value at a key path as a sweep point does (raising ValueError if the path names nothing in the "
      "scenario or the value does not fit it); the scenario is not validated");
}

}  // namespace salvosim::python
