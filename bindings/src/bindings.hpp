// What the binding files share: the containers exposed by reference (not copied into
// Python lists, so that `scenario.layer("x").pk = ...` edits the scenario itself) and one
// init function per area.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <vector>

#include "salvosim/scenario.hpp"

PYBIND11_MAKE_OPAQUE(std::vector<salvosim::ThreatGroup>)
PYBIND11_MAKE_OPAQUE(std::vector<salvosim::Layer>)
PYBIND11_MAKE_OPAQUE(std::vector<salvosim::Salvo>)
PYBIND11_MAKE_OPAQUE(std::vector<salvosim::EngagementSpec>)
PYBIND11_MAKE_OPAQUE(std::vector<salvosim::Tier>)

namespace salvosim::python {

// A Python int as a uint64 (a seed, a trial index): a negative or too large value is a
// ValueError naming the argument, not pybind11's TypeError about the signature.
std::uint64_t unsigned_64(const pybind11::int_& value, const char* name);

void init_errors(pybind11::module_& m);
void init_names(pybind11::module_& m);
void init_scenario(pybind11::module_& m);
void init_run(pybind11::module_& m);
void init_results(pybind11::module_& m);
void init_published(pybind11::module_& m);
void init_sweep(pybind11::module_& m);

}  // namespace salvosim::python
