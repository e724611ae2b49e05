// Compiling and running a scenario from Python: the GIL is released while trials run, and
// re-taken between chunks to report progress and to hear Ctrl-C.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "salvosim/limits.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/precision.hpp"
#include "salvosim/results.hpp"
#include "salvosim/run.hpp"

namespace py = pybind11;

namespace salvosim::python {
namespace {

py::array_t<std::int32_t> threat_groups(const Plan& plan) {
  py::array_t<std::int32_t> out(static_cast<py::ssize_t>(plan.threat_group.size()));
  std::memcpy(out.mutable_data(), plan.threat_group.data(), plan.threat_group.size() * sizeof(std::int32_t));
  return out;
}

// `rows` (trials x width, row-major) as a NumPy array that owns them.
template <class T>
py::object rows_array(std::unique_ptr<std::vector<T>> rows, std::int64_t trials, std::int64_t width) {
  rows->resize(static_cast<std::size_t>(trials * width));
  std::vector<T>* owned = rows.release();
  const py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({trials, width}, owned->data(), owner);
}

// Runs through the front door (run.hpp) and returns (Results, records or None, fates or None,
// intercept layers or None, tiers aimed at or None: per threat, and with declared tiers).
py::tuple run(const Plan& plan, const Scenario& scenario, std::int64_t trials, const py::int_& seed, int threads,
              const py::int_& first_trial, bool per_trial, bool per_threat, const py::object& progress,
              std::int64_t max_memory, const std::vector<std::pair<std::string, double>>& target_se,
              std::int64_t batch_trials) {
  RunRequest request;
  for (const auto& [statistic, se] : target_se) request.precision.targets.push_back({statistic, se});
  request.precision.batch_trials = batch_trials;
  RunOptions& options = request.options;
  options.trials = trials;
  options.seed = unsigned_64(seed, "seed");
  options.threads = threads;
  options.first_trial = unsigned_64(first_trial, "first_trial");
  options.keep_records = per_trial;
  options.keep_outcomes = per_threat;
  options.max_memory = max_memory;
  options.output_in_memory = true;  // the NumPy arrays below hold every trial

  // Per-trial output goes into buffers sized at the first chunk (the request has passed the
  // front door's checks by then) and is handed to NumPy without a copy (opt-in, large).
  const std::int64_t record_size = plan.layout.size();
  const std::int64_t threats = plan.threat_count();
  auto records = std::make_unique<std::vector<std::int64_t>>();
  auto fates = std::make_unique<std::vector<std::int8_t>>();
  auto layers = std::make_unique<std::vector<std::int16_t>>();
  auto tiers = std::make_unique<std::vector<std::int8_t>>();
  request.sink = [&](const TrialChunk& chunk) {
    const auto row = static_cast<std::int64_t>(chunk.first_trial - options.first_trial);
    if (chunk.records) {
      records->resize(static_cast<std::size_t>(trials * record_size));
      std::memcpy(records->data() + row * record_size, chunk.records,
                  static_cast<std::size_t>(chunk.trials * record_size) * sizeof(std::int64_t));
    }
    if (chunk.outcomes) {
      fates->resize(static_cast<std::size_t>(trials * threats));
      layers->resize(static_cast<std::size_t>(trials * threats));
      tiers->resize(plan.tiers_declared ? static_cast<std::size_t>(trials * threats) : 0);
      for (std::int64_t k = 0; k < chunk.trials * threats; ++k) {
        const auto at = static_cast<std::size_t>(row * threats + k);
        (*fates)[at] = chunk.outcomes[k].fate;
        (*layers)[at] = chunk.outcomes[k].intercept_layer;
        if (plan.tiers_declared) (*tiers)[at] = chunk.outcomes[k].tier;
      }
    }
  };
  request.progress = [&](std::int64_t done, std::int64_t total) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C: KeyboardInterrupt
    if (progress.is_none()) return true;
    const py::object answer = progress(done, total);
    return answer.is_none() || answer.cast<bool>();
  };

  Results results = [&] {
    py::gil_scoped_release release;
    return run_scenario(plan, scenario, request);
  }();
  const std::int64_t used = results.info.trials;  // fewer than `trials` when a precision target was met
  return py::make_tuple(std::move(results), per_trial ? rows_array(std::move(records), used, record_size) : py::none(),
                        per_threat ? rows_array(std::move(fates), used, threats) : py::none(),
                        per_threat ? rows_array(std::move(layers), used, threats) : py::none(),
                        per_threat && plan.tiers_declared ? rows_array(std::move(tiers), used, threats) : py::none());
}

}  // namespace

std::uint64_t unsigned_64(const py::int_& value, const char* name) {
  const unsigned long long converted = PyLong_AsUnsignedLongLong(value.ptr());
  if (converted == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
    PyErr_Clear();
    throw py::value_error(std::string(name) + " must be an integer in [0, 2^64 - 1], got " +
                          py::str(value).cast<std::string>());
  }
  return converted;
}

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
      .def_property_readonly("record_size", [](const Plan& p) { return p.layout.size(); })
      .def_property_readonly(
          "record_blocks",
          [](const Plan& p) {
            py::list blocks;
            for (const RecordBlock& b : p.layout.blocks()) {
              py::dict block;
              block["name"] = b.name;
              block["dims"] = py::tuple(py::cast(b.dims));
              block["shape"] = py::tuple(py::cast(b.shape));
              block["offset"] = b.offset;
              block["size"] = b.size;
              block["units"] = b.units;
              block["description"] = b.description;
              blocks.append(block);
            }
            return blocks;
          },
          "The blocks of a per-trial record, in order: dicts of name, dims, shape, offset, size, units, description");

  m.def("compile", &compile, py::arg("scenario"), py::arg("max_memory") = 0,
        "Validate (raising ConfigError) and compile a scenario; max_memory in bytes (0: the default limit)");
  m.def("provenance_text", &provenance_text, py::arg("scenario"),
        "The scenario text kept with results: its file's text while still true to it, else to_toml()");
  m.def("worker_count", &worker_count, py::arg("threads"), "How many workers `threads` means (0: every core)");
  m.attr("max_threads") = max_threads;
  m.def("parse_memory_size", &parse_memory_size, py::arg("text"), "Bytes of a size such as \"8G\" or \"512M\"");
  m.def("memory_limit", &memory_limit, py::arg("requested") = 0,
        "The memory limit of a run in bytes: requested if > 0, else $SALVOSIM_MAX_MEMORY, else the machine's");
  m.def("run", &run, py::arg("plan"), py::arg("scenario"), py::arg("trials"), py::arg("seed"), py::arg("threads"),
        py::arg("first_trial"), py::arg("per_trial"), py::arg("per_threat"), py::arg("progress"),
        py::arg("max_memory") = 0, py::arg("target_se") = std::vector<std::pair<std::string, double>>{},
        py::arg("batch_trials") = default_batch_trials,
        "Run trials [first_trial, first_trial + trials) of compile(scenario) through the front door (checked there, "
        "memory included: ValueError); with target_se [(statistic, se), ...], in batches of batch_trials until each "
        "standard error is at most its target (trials at most); returns (Results, records, fates, intercept_layers, "
        "tiers)");
  m.attr("default_batch_trials") = default_batch_trials;  // precision.hpp: trials per batch of a run to a target
}

}  // namespace salvosim::python
