// Teams (team.hpp): the team of one, and how a process finds out it was started among
// several. The MPI team itself runs under mpirun in tests/python/test_sweep_files.py, and
// its protocol with threads for ranks in sweep_test.cpp.
#include "salvosim/team.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace salvosim {
namespace {

using ::testing::HasSubstr;

// Sets environment variables for one test and puts them back after it.
class Environment : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : names_) {
      const char* value = std::getenv(name);
      saved_.push_back(value ? std::optional<std::string>(value) : std::nullopt);
      unsetenv(name);
    }
  }
  void TearDown() override {
    for (std::size_t k = 0; k < names_.size(); ++k) {
      if (saved_[k]) {
        setenv(names_[k], saved_[k]->c_str(), 1);
      } else {
        unsetenv(names_[k]);
      }
    }
  }

 private:
  const std::vector<const char*> names_ = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_STEP_NUM_TASKS"};
  std::vector<std::optional<std::string>> saved_;
};

TEST(SoloTeam, IsRankZeroOfOneWithNobodyToTalkTo) {
  SoloTeam team;
  EXPECT_EQ(team.rank(), 0);
  EXPECT_EQ(team.size(), 1);
  EXPECT_FALSE(team.poll().has_value());
  EXPECT_THROW(team.send(1, {1, 2}), std::logic_error);
  EXPECT_THROW(team.receive(), std::logic_error);
}

TEST_F(Environment, LaunchedProcessesComeFromTheLaunchersVariables) {
  EXPECT_EQ(launched_processes(), 1);
  setenv("SLURM_STEP_NUM_TASKS", "5", 1);  // srun
  EXPECT_EQ(launched_processes(), 5);
  setenv("PMI_SIZE", "6", 1);
  EXPECT_EQ(launched_processes(), 6);
  setenv("OMPI_COMM_WORLD_SIZE", "3", 1);  // Open MPI's mpirun first
  EXPECT_EQ(launched_processes(), 3);
  setenv("OMPI_COMM_WORLD_SIZE", "junk", 1);
  EXPECT_EQ(launched_processes(), 1);
}

TEST_F(Environment, OneProcessIsATeamOfOneAndSeveralNeedMpi) {
  EXPECT_EQ(join_team()->size(), 1);
  setenv("OMPI_COMM_WORLD_SIZE", "1", 1);  // mpirun -np 1: no MPI needed
  EXPECT_EQ(join_team()->size(), 1);
  if (built_with_mpi()) GTEST_SKIP() << "MPI would start here; tests/python runs it under mpirun";
  setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
  try {
    join_team();
    ADD_FAILURE() << "four processes joined a team without MPI";
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("built without MPI"));
    EXPECT_THAT(error.what(), HasSubstr("-DSALVOSIM_WITH_MPI=ON"));
  }
}

}  // namespace
}  // namespace salvosim
