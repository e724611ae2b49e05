// Runs many trials of a plan in parallel and sums their tallies. This is the edge between
// the kernel (one trial) and the front ends (command line, Python, sweeps).
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>

#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {

struct RunOptions {
  std::int64_t trials = 10000;
  std::uint64_t seed = 1;
  std::uint64_t first_trial = 0;  // trial k is the same trial whatever range it is run in
  int threads = 0;                // 0: every core
  bool keep_records = false;      // hand each trial's record to the chunk sink
  bool keep_outcomes = false;     // hand each threat's outcome to the chunk sink
  // The memory the run may take, in bytes; 0: memory_limit() (limits.hpp). A run estimated to
  // need more is refused before it allocates.
  std::int64_t max_memory = 0;
  // The sink keeps every trial's output until the run ends (Python's arrays), rather than a
  // chunk at a time: the memory estimate counts it whole.
  bool output_in_memory = false;
};

// Per-trial output of consecutive trials, handed over in trial order.
struct TrialChunk {
  std::uint64_t first_trial = 0;
  std::int64_t trials = 0;
  const std::int64_t* records = nullptr;    // trials x plan.layout.size(), if keep_records
  const ThreatOutcome* outcomes = nullptr;  // trials x plan.threat_count(), if keep_outcomes
};

using ChunkSink = std::function<void(const TrialChunk&)>;
// Called between chunks with the trials done so far; returning false stops the run.
using ProgressCallback = std::function<bool(std::int64_t done, std::int64_t total)>;

// Thrown when a progress callback asks to stop.
class RunCancelled : public std::runtime_error {
 public:
  RunCancelled() : std::runtime_error("run cancelled") {}
};

// The most trials one chunk holds: per-trial output buffers of a chunk stay under
// max_chunk_output_bytes (but a chunk holds at least a few trials).
inline constexpr std::int64_t max_chunk_output_bytes = std::int64_t{256} << 20;
std::int64_t chunk_trials_limit(const Plan& plan, const RunOptions& options);

// Runs trials [first_trial, first_trial + trials) and returns their tallies. The options are
// checked first (check_run, run.hpp: std::invalid_argument,
// including a run that would need more memory than options.max_memory allows), before
// anything large is allocated. Most callers want the front door,
// run_scenario (run.hpp), which also returns statistics with provenance.
Tallies run_trials(const Plan& plan, const RunOptions& options, const ChunkSink& sink = {},
                   const ProgressCallback& progress = {});

}  // namespace salvosim
