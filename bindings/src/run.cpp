// Compiling and running a scenario from Python: the GIL is released while trials run, and
// re-taken between chunks to report progress and to hear Ctrl-C.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

#include "bindings.hpp"
#include "salvosim/limits.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/version.hpp"

namespace py = pybind11;

namespace salvosim::python {
namespace {

py::array_t<std::int32_t> threat_groups(const Plan& plan) {
  py::array_t<std::int32_t> out(static_cast<py::ssize_t>(plan.threat_group.size()));
  std::memcpy(out.mutable_data(), plan.threat_group.data(), plan.threat_group.size() * sizeof(std::int32_t));
  return out;
}

// Runs and returns (Results, records or None, fates or None, intercept layers or None).
py::tuple run(const Plan& plan, std::int64_t trials, std::uint64_t seed, int threads, std::uint64_t first_trial,
              bool per_trial, bool per_threat, const py::object& progress, const std::string& scenario_name,
              const std::string& scenario_text, const std::string& source_name, std::int64_t max_memory) {
  RunOptions options;
  options.trials = trials;
  options.seed = seed;
  options.threads = threads;
  options.first_trial = first_trial;
  options.keep_records = per_trial;
  options.keep_outcomes = per_threat;
  options.max_memory = max_memory;
  options.output_in_memory = true;  // the NumPy arrays below hold every trial

  RunInfo info;
  info.scenario_name = scenario_name;
  info.scenario_text = scenario_text;
  info.source_name = source_name;
  info.seed = seed;
  info.first_trial = first_trial;
  info.threads = worker_count(threads);
  info.salvosim_version = version();
  info.git_sha1 = git_sha1();
  info.created = utc_now();

  // Per-trial output goes straight into NumPy arrays allocated up front (opt-in, large): the
  // run's memory is checked before they are.
  check_run_memory(plan, options);
  const std::int64_t record_size = plan.layout.size();
  const std::int64_t threats = plan.threat_count();
  py::object records = py::none(), fates = py::none(), layers = py::none();
  std::int64_t* record_data = nullptr;
  std::int8_t* fate_data = nullptr;
  std::int16_t* layer_data = nullptr;
  if (per_trial && trials > 0) {
    py::array_t<std::int64_t> array({trials, record_size});
    record_data = array.mutable_data();
    records = array;
  }
  if (per_threat && trials > 0) {
    py::array_t<std::int8_t> fate_array({trials, threats});
    py::array_t<std::int16_t> layer_array({trials, threats});
    fate_data = fate_array.mutable_data();
    layer_data = layer_array.mutable_data();
    fates = fate_array;
    layers = layer_array;
  }
  ChunkSink sink = [&](const TrialChunk& chunk) {
    const auto row = static_cast<std::int64_t>(chunk.first_trial - first_trial);
    if (chunk.records) {
      std::memcpy(record_data + row * record_size, chunk.records,
                  static_cast<std::size_t>(chunk.trials * record_size) * sizeof(std::int64_t));
    }
    if (chunk.outcomes) {
      for (std::int64_t k = 0; k < chunk.trials * threats; ++k) {
        fate_data[row * threats + k] = chunk.outcomes[k].fate;
        layer_data[row * threats + k] = chunk.outcomes[k].intercept_layer;
      }
    }
  };
  ProgressCallback on_progress = [&](std::int64_t done, std::int64_t total) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C: KeyboardInterrupt
    if (progress.is_none()) return true;
    const py::object answer = progress(done, total);
    return answer.is_none() || answer.cast<bool>();
  };

  Tallies tallies = [&] {
    py::gil_scoped_release release;
    return run_trials(plan, options, sink, on_progress);
  }();
  return py::make_tuple(summarize(plan, tallies, info), records, fates, layers);
}

}  // namespace

void init_run(py::module_& m) {
  py::class_<Plan>(m, "Plan", "A validated scenario compiled for the kernel")
      .def_property_readonly("threat_count", &Plan::threat_count)
      .def_property_readonly("group_names",
                             [](const Plan& p) {
                               std::vector<std::string> names;
                               for (const PlanGroup& g : p.groups) names.push_back(g.name);
                               return names;
                             })
      .def_property_readonly("layer_names",
                             [](const Plan& p) {
                               std::vector<std::string> names;
                               for (const PlanLayer& l : p.layers) names.push_back(l.name);
                               return names;
                             })
      .def_property_readonly("threat_group", &threat_groups, "The group index of each threat")
      .def_property_readonly("salvo_names",
                             [](const Plan& p) {
                               std::vector<std::string> names;
                               for (const PlanSalvo& s : p.salvos) names.push_back(s.name);
                               return names;
                             })
      .def_property_readonly("record_size", [](const Plan& p) { return p.layout.size(); });

  m.def("compile", &compile, py::arg("scenario"), py::arg("max_memory") = 0,
        "Validate (raising ConfigError) and compile a scenario; max_memory in bytes (0: the default limit)");
  m.def("worker_count", &worker_count, py::arg("threads"), "How many workers `threads` means (0: every core)");
  m.attr("max_threads") = max_threads;
  m.def("parse_memory_size", &parse_memory_size, py::arg("text"), "Bytes of a size such as \"8G\" or \"512M\"");
  m.def("memory_limit", &memory_limit, py::arg("requested") = 0,
        "The memory limit of a run in bytes: requested if > 0, else $SALVOSIM_MAX_MEMORY, else the machine's");
  m.def("run", &run, py::arg("plan"), py::arg("trials"), py::arg("seed"), py::arg("threads"), py::arg("first_trial"),
        py::arg("per_trial"), py::arg("per_threat"), py::arg("progress"), py::arg("scenario_name"),
        py::arg("scenario_text"), py::arg("source_name"), py::arg("max_memory") = 0,
        "Run trials [first_trial, first_trial + trials); returns (Results, records, fates, intercept_layers)");
}

}  // namespace salvosim::python
