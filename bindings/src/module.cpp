#include "bindings.hpp"
#include "salvosim/version.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "salvosim's C++ core (private: use the `salvosim` package)";
  m.def("version", &salvosim::version, "The salvosim version of the compiled core");
  m.def("git_sha1", &salvosim::git_sha1, "The git commit the compiled core was built from");
  salvosim::python::init_errors(m);
  salvosim::python::init_names(m);
  salvosim::python::init_scenario(m);
  salvosim::python::init_run(m);
  salvosim::python::init_results(m);
  salvosim::python::init_published(m);
  salvosim::python::init_sweep(m);
}
