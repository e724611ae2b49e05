// The processes a sweep runs on and the messages they pass: MPI under mpirun (built with
// -DSALVOSIM_WITH_MPI=ON), else a team of one. This is the only door to MPI: the sweep
// driver talks to a Team, and nothing else in salvosim includes an MPI header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace salvosim {

struct TeamMessage {
  int from = 0;
  std::vector<std::int64_t> data;
};

class Team {
 public:
  virtual ~Team() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Sends `data` to rank `to` and returns at once: the team keeps the buffer until the
  // message is delivered. Messages between two ranks arrive in the order sent.
  virtual void send(int to, std::vector<std::int64_t> data) = 0;
  // A message for this rank if one has come, without waiting.
  virtual std::optional<TeamMessage> poll() = 0;
  // Waits for a message for this rank.
  virtual TeamMessage receive() = 0;
  // Says `why` on stderr and ends every process of the team at once with exit code `code`:
  // for a failure the others cannot learn of by a message, as they may be waiting for one.
  [[noreturn]] virtual void abort(int code, const std::string& why) = 0;
};

// A team of one process: nothing to send to.
class SoloTeam final : public Team {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void send(int to, std::vector<std::int64_t> data) override;
  std::optional<TeamMessage> poll() override { return std::nullopt; }
  TeamMessage receive() override;
  [[noreturn]] void abort(int code, const std::string& why) override;
};

// Whether this salvosim was built with MPI (-DSALVOSIM_WITH_MPI=ON).
bool built_with_mpi();

// How many processes the launcher (mpirun, srun) started this one among: from the
// environment it sets, 1 when there is none.
int launched_processes();

// The team this process belongs to: the MPI job when started by mpirun or srun with more
// than one process (MPI is started here and stopped when the team is destroyed), else a
// team of one. Throws std::runtime_error when launched among several processes by a
// salvosim built without MPI: each would otherwise run, and write, the whole sweep.
std::unique_ptr<Team> join_team();

}  // namespace salvosim
