// The team of one, and finding out whether this process was started among several.
#include "salvosim/team.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

#if SALVOSIM_WITH_MPI
#include "team_mpi.hpp"
#endif

namespace salvosim {

void SoloTeam::send(int to, std::vector<std::int64_t>) {
  throw std::logic_error("a team of one has no rank " + std::to_string(to) + " to send to");
}

TeamMessage SoloTeam::receive() { throw std::logic_error("a team of one has nobody to receive from"); }

void SoloTeam::abort(int code, const std::string& why) {
  std::cerr << "salvosim: " << why << "\n";
  std::exit(code);
}

bool built_with_mpi() { return SALVOSIM_WITH_MPI != 0; }

int launched_processes() {
  // Open MPI's mpirun, the PMI of MPICH's launcher and of srun, then the tasks of an srun
  // step. (A Slurm job's SLURM_NTASKS says nothing of this process: a batch script runs once.)
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    if (const char* value = std::getenv(name)) {
      try {
        return std::max(1, std::stoi(value));
      } catch (const std::exception&) {
        return 1;
      }
    }
  }
  return 1;
}

std::unique_ptr<Team> join_team() {
  const int processes = launched_processes();
  if (processes <= 1) return std::make_unique<SoloTeam>();
#if SALVOSIM_WITH_MPI
  return detail::make_mpi_team();
#else
  throw std::runtime_error("started as one of " + std::to_string(processes) +
                           " processes (mpirun?), but this salvosim was built without MPI: each process would run "
                           "the whole sweep. Build with -DSALVOSIM_WITH_MPI=ON, or run one process");
#endif
}

}  // namespace salvosim
