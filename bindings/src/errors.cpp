// C++ exceptions -> Python exceptions. ConfigError becomes salvosim.ConfigError (a
// ValueError defined in salvosim/_errors.py) carrying every problem as a dict, so callers can
// inspect key paths and lines; RunCancelled becomes salvosim.RunCancelled and BadFileError
// salvosim.BadFileError (both RuntimeErrors).
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "salvosim/config.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/simulate.hpp"

namespace py = pybind11;

namespace salvosim::python {

void init_errors(py::module_& m) {
  py::register_exception<RunCancelled>(m, "RunCancelled", PyExc_RuntimeError);
  py::register_exception<BadFileError>(m, "BadFileError", PyExc_RuntimeError);

  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const ConfigError& e) {
      py::list problems;
      for (const ConfigProblem& p : e.problems()) {
        py::dict problem;
        problem["file"] = p.file;
        problem["line"] = p.line;
        problem["column"] = p.column;
        problem["key_path"] = p.key_path;
        problem["message"] = p.message;
        problems.append(problem);
      }
      const py::object type = py::module_::import("salvosim._errors").attr("ConfigError");
      const py::object error = type(py::str(e.what()), problems);
      PyErr_SetObject(type.ptr(), error.ptr());
    }
  });
}

}  // namespace salvosim::python
