// What the binding files share: the containers exposed by reference (not copied into
// Python lists, so that `scenario.layer("x").pk = ...` edits the scenario itself) and one
// init function per area.
#pragma once

#include <pybind11/pybind11.h>

#include <vector>

#include "salvosim/scenario.hpp"

PYBIND11_MAKE_OPAQUE(std::vector<salvosim::ThreatGroup>)
PYBIND11_MAKE_OPAQUE(std::vector<salvosim::Layer>)
PYBIND11_MAKE_OPAQUE(std::vector<salvosim::Salvo>)
PYBIND11_MAKE_OPAQUE(std::vector<salvosim::EngagementSpec>)

namespace salvosim::python {

void init_errors(pybind11::module_& m);
void init_scenario(pybind11::module_& m);
void init_run(pybind11::module_& m);
void init_results(pybind11::module_& m);
void init_published(pybind11::module_& m);
void init_sweep(pybind11::module_& m);

}  // namespace salvosim::python
