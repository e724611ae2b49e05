// Results as NumPy: every array is a view on the C++ results (no copy), kept alive by them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/report.hpp"
#include "salvosim/results.hpp"

namespace py = pybind11;

namespace salvosim::python {
namespace {

// Read-only: statistics are results, not inputs; a copy (`.copy()`) is there to edit.
py::array view(const py::object& owner, const DataArray& a) {
  std::vector<py::ssize_t> shape(a.shape.begin(), a.shape.end());
  py::array array = a.integer ? py::array(py::array_t<std::int64_t>(shape, a.integers.data(), owner))
                              : py::array(py::array_t<double>(shape, a.values.data(), owner));
  array.attr("setflags")(py::arg("write") = false);
  return array;
}

py::dict info_dict(const RunInfo& info) {
  py::dict d;
  d["scenario_name"] = info.scenario_name;
  d["scenario_text"] = info.scenario_text;
  d["source_name"] = info.source_name;
  d["seed"] = info.seed;
  d["first_trial"] = info.first_trial;
  d["trials"] = info.trials;
  d["threads"] = info.threads;
  d["salvosim_version"] = info.salvosim_version;
  d["git_sha1"] = info.git_sha1;
  d["created"] = info.created;
  if (info.precision.used()) {
    py::dict targets;
    for (const SeTarget& t : info.precision.targets) {
      py::dict target;
      target["target"] = t.target;
      target["se"] = t.se;
      targets[py::str(t.statistic)] = target;
    }
    py::dict precision;
    precision["reached"] = info.precision.reached;
    precision["batch_trials"] = info.precision.batch_trials;
    precision["max_trials"] = info.precision.max_trials;
    precision["targets"] = targets;
    d["precision"] = precision;
  }
  return d;
}

// Writes a results file, with the per-trial rows given (as returned by run) if any; the tiers
// aimed at are required with per-threat rows of a scenario that declares tiers.
void write_file(const std::string& path, const Plan& plan, const Results& results, const py::object& records,
                const py::object& fates, const py::object& layers, const py::object& tiers) {
  const bool per_trial = !records.is_none();
  const bool per_threat = !fates.is_none();
  if (!per_trial && !per_threat) {
    py::gil_scoped_release release;
    write_results(path, plan, results);
    return;
  }
  const std::int64_t trials = results.info.trials;
  py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> record_array;
  py::array_t<std::int8_t, py::array::c_style | py::array::forcecast> fate_array;
  py::array_t<std::int16_t, py::array::c_style | py::array::forcecast> layer_array;
  py::array_t<std::int8_t, py::array::c_style | py::array::forcecast> tier_array;
  if (per_trial) {
    record_array = records;
    if (record_array.ndim() != 2 || record_array.shape(0) != trials || record_array.shape(1) != plan.layout.size()) {
      throw py::value_error("per-trial records must have shape (trials, record_size) = (" + std::to_string(trials) +
                            ", " + std::to_string(plan.layout.size()) + ")");
    }
  }
  std::vector<ThreatOutcome> outcomes;
  if (per_threat) {
    fate_array = fates;
    layer_array = layers;
    const auto expected = static_cast<py::ssize_t>(trials * plan.threat_count());
    if (fate_array.size() != expected || layer_array.size() != expected) {
      throw py::value_error("per-threat arrays must have shape (trials, threats)");
    }
    if (plan.tiers_declared) {
      if (tiers.is_none()) throw py::value_error("per-threat rows of a scenario with tiers need the tiers aimed at");
      tier_array = tiers;
      if (tier_array.size() != expected) throw py::value_error("per-threat arrays must have shape (trials, threats)");
    }
    outcomes.resize(static_cast<std::size_t>(expected));
    for (py::ssize_t k = 0; k < expected; ++k) {
      const std::int8_t tier = plan.tiers_declared ? tier_array.data()[k] : std::int8_t{-1};
      outcomes[k] = {fate_array.data()[k], tier, layer_array.data()[k]};
    }
  }
  py::gil_scoped_release release;
  ResultsFileWriter writer(path, plan, per_trial, per_threat);
  writer.write_chunk(TrialChunk{results.info.first_trial, trials, per_trial ? record_array.data() : nullptr,
                                per_threat ? outcomes.data() : nullptr});
  writer.finish(results);
}

}  // namespace

void init_results(py::module_& m) {
  py::class_<Results>(m, "Results", "Statistics over trials as named arrays (views, no copies)")
      .def_property_readonly("info", [](const Results& r) { return info_dict(r.info); })
      .def_property_readonly("array_names",
                             [](const Results& r) {
                               std::vector<std::string> names;
                               for (const DataArray& a : r.arrays) names.push_back(a.name);
                               return names;
                             })
      .def_property_readonly("coordinates",
                             [](const Results& r) {
                               py::dict coords;
                               for (const Coordinate& c : r.coordinates) {
                                 if (!c.labels.empty())
                                   coords[py::str(c.name)] = c.labels;
                                 else if (!c.numbers.empty())
                                   coords[py::str(c.name)] = py::array_t<double>(c.numbers.size(), c.numbers.data());
                                 else
                                   coords[py::str(c.name)] =
                                       py::array_t<std::int64_t>(c.values.size(), c.values.data());
                               }
                               return coords;
                             })
      .def(
          "array",
          [](py::object self, const std::string& name) { return view(self, self.cast<const Results&>().array(name)); },
          py::arg("name"), "The named array, as a read-only view on the results")
      .def(
          "dims", [](const Results& r, const std::string& name) { return r.array(name).dims; }, py::arg("name"))
      .def(
          "units", [](const Results& r, const std::string& name) { return r.array(name).units; }, py::arg("name"))
      .def(
          "description", [](const Results& r, const std::string& name) { return r.array(name).description; },
          py::arg("name"))
      .def("table", &format_table, "The summary table the command line prints")
      .def("json", &format_json, "The summary JSON object the command line prints with --json")
      .def(
          "precision_summary", [](const Results& r) { return precision_summary(r.info); },
          "A run to a precision target in one line, as the command line says it");

  m.attr("Z95") = z95;
  m.attr("REPORTED_QUANTILES") = std::vector<double>(std::begin(reported_quantiles), std::end(reported_quantiles));
  m.def("read_results", &read_results, py::arg("path"), py::call_guard<py::gil_scoped_release>(),
        "Read the summary and provenance of a results file");
  m.def("write_results", &write_file, py::arg("path"), py::arg("plan"), py::arg("results"), py::arg("records"),
        py::arg("fates"), py::arg("intercept_layers"), py::arg("tiers"),
        "Write a results file (with per-trial rows if given)");
}

}  // namespace salvosim::python
