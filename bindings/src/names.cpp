// The names that label results (names.hpp), for the Python package to read instead of copying.
#include <pybind11/pybind11.h>

#include <string>

#include "bindings.hpp"
#include "salvosim/names.hpp"

namespace py = pybind11;

namespace salvosim::python {
namespace {

py::tuple names_of(const char* const* names, std::int64_t count) {
  py::tuple out(static_cast<py::size_t>(count));
  for (std::int64_t k = 0; k < count; ++k) out[static_cast<py::size_t>(k)] = py::str(names[k]);
  return out;
}

}  // namespace

void init_names(py::module_& m) {
  m.attr("FATE_NAMES") = names_of(fate_names, fate_count);
  m.attr("RATE_NAMES") = names_of(rate_names, rate_count);
  m.attr("LAYER_METRIC_NAMES") = names_of(layer_metric_names, layer_metric_count);
  m.attr("SELECTION_ALL") = py::str(std::string(selection_all));
  m.attr("SELECTION_CLASS_PREFIX") = py::str(std::string(selection_class_prefix));
  m.attr("SELECTION_SALVO_PREFIX") = py::str(std::string(selection_salvo_prefix));
  m.attr("SELECTION_TIER_PREFIX") = py::str(std::string(selection_tier_prefix));
}

}  // namespace salvosim::python
