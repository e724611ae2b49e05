// The MPI team (team_mpi.cpp, built with -DSALVOSIM_WITH_MPI=ON). Not installed.
#pragma once

#include <memory>

#include "salvosim/team.hpp"

namespace salvosim::detail {

// Starts MPI (MPI_Init_thread, funneled: only the thread that calls the team uses MPI) and
// stops it when the team is destroyed.
std::unique_ptr<Team> make_mpi_team();

}  // namespace salvosim::detail
