// One Monte Carlo trial of docs/model.md §2: the heart of salvosim. It knows nothing of
// files, TOML, Python, threads or MPI: it takes a plan, a seed and a trial index, and
// writes that trial's integer counts.
#pragma once

#include <cstdint>
#include <vector>

#include "salvosim/plan.hpp"

namespace salvosim {

// What happened to each threat of one trial (the opt-in per-threat output).
struct ThreatOutcome {
  std::int8_t fate = 0;             // a Fate
  std::int16_t intercept_layer = -1;  // the layer that killed it, -1 if none
};

// Buffers reused from trial to trial so that the trial loop never allocates; one per thread.
// Its contents are the kernel's business: callers only construct it and pass it in.
struct KernelScratch {
  explicit KernelScratch(const Plan& plan);

  struct Request {
    double earliest;  // earliest possible start
    std::int32_t threat;
  };
  std::vector<double> launch_time, impact_time, failure_time, release_time;
  std::vector<std::uint8_t> launched, fails, defended, engaged, alive;
  std::vector<std::int32_t> engagements_here;  // of each threat by the current layer
  std::vector<std::int16_t> killer;
  std::vector<Request> requests;      // min-heap on (earliest, threat)
  std::vector<double> channel_free;  // min-heap of the times each channel becomes free
};

// Runs trial `trial` and writes its counts into `record` (plan.layout.size() entries,
// overwritten). `outcomes`, if not null, receives plan.threat_count() entries.
void simulate_trial(const Plan& plan, std::uint64_t seed, std::uint64_t trial, KernelScratch& scratch,
                    std::int64_t* record, ThreatOutcome* outcomes = nullptr);

}  // namespace salvosim
