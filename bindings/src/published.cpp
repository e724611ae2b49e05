// The statistics of published observables (salvosim/published.hpp) from Python: the per-trial
// records of a run as a NumPy array in, the values of every trial as a NumPy array out.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <string>

#include "bindings.hpp"
#include "salvosim/published.hpp"

namespace py = pybind11;

namespace salvosim::python {
namespace {

using Records = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

py::array_t<double> trial_values_of(const PublishedObservable& observable, const Plan& plan, const Records& records) {
  if (records.ndim() != 2 || records.shape(1) != plan.layout.size()) {
    throw py::value_error("per-trial records must have shape (trials, record_size) with record_size " +
                          std::to_string(plan.layout.size()) + " (the plan's)");
  }
  const ObservableIndex index = index_observable(observable, plan);
  const std::int64_t trials = records.shape(0);
  py::array_t<double> out(static_cast<py::ssize_t>(trials));
  {
    py::gil_scoped_release release;
    const std::vector<double> values = trial_values(index, plan, records.data(), trials);
    std::copy(values.begin(), values.end(), out.mutable_data());
  }
  return out;
}

}  // namespace

void init_published(py::module_& m) {
  m.def("published_trial_values", &trial_values_of, py::arg("observable"), py::arg("plan"), py::arg("records"),
        "The observable's statistic in every trial of per-trial records (trials x plan.record_size); a rate is NaN "
        "where its denominator is 0");
  m.def("published_mean", &observable_mean, py::arg("observable"), py::arg("results"),
        "The mean over trials of the observable's statistic, from the summary arrays");
}

}  // namespace salvosim::python
