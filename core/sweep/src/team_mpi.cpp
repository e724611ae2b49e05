// A Team over MPI: point-to-point messages of int64 on MPI_COMM_WORLD. The only file of
// salvosim that includes mpi.h.
#include "team_mpi.hpp"

// The C API only: without these, mpi.h drags in the C++ bindings (removed in MPI-3), which
// would then need their own library at link time.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <chrono>
#include <iostream>
#include <list>
#include <stdexcept>
#include <string>
#include <thread>

namespace salvosim::detail {
namespace {

constexpr int tag = 0x5a1;

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

class MpiTeam final : public Team {
 public:
  MpiTeam() {
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  }
  MpiTeam(const MpiTeam&) = delete;
  MpiTeam& operator=(const MpiTeam&) = delete;

  ~MpiTeam() override {
    for (Outgoing& message : outgoing_) MPI_Wait(&message.request, MPI_STATUS_IGNORE);
    MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void send(int to, std::vector<std::int64_t> data) override {
    finish_sends();
    Outgoing& message = outgoing_.emplace_back();
    message.data = std::move(data);
    check(MPI_Isend(message.data.data(), static_cast<int>(message.data.size()), MPI_INT64_T, to, tag, MPI_COMM_WORLD,
                    &message.request),
          "MPI_Isend");
  }

  std::optional<TeamMessage> poll() override {
    finish_sends();
    int waiting = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &waiting, &status), "MPI_Iprobe");
    if (!waiting) return std::nullopt;
    int count = 0;
    check(MPI_Get_count(&status, MPI_INT64_T, &count), "MPI_Get_count");
    TeamMessage message{status.MPI_SOURCE, std::vector<std::int64_t>(static_cast<std::size_t>(count))};
    check(MPI_Recv(message.data.data(), count, MPI_INT64_T, status.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
    return message;
  }

  // Polls with short sleeps rather than a blocking MPI call: Open MPI waits by spinning, and
  // a spinning rank would take a core from the ranks still working when they share one.
  TeamMessage receive() override {
    auto pause = std::chrono::microseconds(20);
    while (true) {
      if (std::optional<TeamMessage> message = poll()) return std::move(*message);
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(2000));
    }
  }

  void abort(int code, const std::string& why) override {
    std::cerr << "salvosim (rank " << rank_ << " of " << size_ << "): " << why << "\n" << std::flush;
    MPI_Abort(MPI_COMM_WORLD, code);
    std::abort();  // MPI_Abort does not return; this is for the compiler
  }

 private:
  struct Outgoing {
    std::vector<std::int64_t> data;  // kept until the send completes
    MPI_Request request = MPI_REQUEST_NULL;
  };

  void finish_sends() {
    for (auto it = outgoing_.begin(); it != outgoing_.end();) {
      int done = 0;
      check(MPI_Test(&it->request, &done, MPI_STATUS_IGNORE), "MPI_Test");
      it = done ? outgoing_.erase(it) : std::next(it);
    }
  }

  int rank_ = 0;
  int size_ = 1;
  std::list<Outgoing> outgoing_;  // sends in flight, finished ones erased from anywhere
};

}  // namespace

std::unique_ptr<Team> make_mpi_team() { return std::make_unique<MpiTeam>(); }

}  // namespace salvosim::detail
