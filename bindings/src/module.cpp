#include <stdexcept>
#include <string>

#include "bindings.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/version.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "salvosim's C++ core (private: use the `salvosim` package)";
  // The kernel runs with a value of SALVOSIM_DRAW_ISA it does not know as if it were unset; the
  // import refuses it as the `salvosim` command does (pybind11 raises it as an ImportError).
  if (const std::string problem = salvosim::draw_isa_problem(); !problem.empty()) throw std::invalid_argument(problem);
  m.def("version", &salvosim::version, "The salvosim version of the compiled core");
  m.def("git_sha1", &salvosim::git_sha1, "The git commit the compiled core was built from");
  m.def("kernel_draw_isa", &salvosim::kernel_draw_isa,
        "The instruction set the kernel's loops run on: avx512, avx2 or portable (SALVOSIM_DRAW_ISA caps it)");
  salvosim::python::init_errors(m);
  salvosim::python::init_names(m);
  salvosim::python::init_scenario(m);
  salvosim::python::init_run(m);
  salvosim::python::init_results(m);
  salvosim::python::init_published(m);
  salvosim::python::init_sweep(m);
}
