#include "salvosim/simulate.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "salvosim/parallel.hpp"

namespace salvosim {
namespace {

// Trials per chunk: large enough to keep every worker busy, small enough that per-trial
// buffers stay small and a progress callback (Ctrl-C from Python) is heard within ~0.1 s.
constexpr std::int64_t chunk_trials = 4096;
constexpr std::int64_t block_trials = 64;

void check(const RunOptions& options) {
  if (options.trials < 0) {
    throw std::invalid_argument("trials must be >= 0, got " + std::to_string(options.trials));
  }
  if (options.trials > max_trials_per_tally) {
    throw std::invalid_argument("trials must be <= " + std::to_string(max_trials_per_tally) +
                                " in one run (split larger runs into trial ranges), got " +
                                std::to_string(options.trials));
  }
  if (options.first_trial > std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(options.trials)) {
    throw std::invalid_argument("first_trial + trials overflows the trial index");
  }
  if (options.threads < 0) {
    throw std::invalid_argument("threads must be >= 0 (0: every core), got " + std::to_string(options.threads));
  }
}

struct Worker {
  explicit Worker(const Plan& plan) : scratch(plan), tallies(plan), record(plan.layout.size()) {}
  KernelScratch scratch;
  Tallies tallies;
  std::vector<std::int64_t> record;
};

}  // namespace

Tallies run_trials(const Plan& plan, const RunOptions& options, const ChunkSink& sink,
                   const ProgressCallback& progress) {
  check(options);
  const int workers = worker_count(options.threads);
  std::vector<Worker> state;
  state.reserve(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers; ++w) state.emplace_back(plan);

  const std::int64_t record_size = plan.layout.size();
  const bool keep_records = options.keep_records && sink;
  const bool keep_outcomes = options.keep_outcomes && sink;
  std::vector<std::int64_t> chunk_records(keep_records ? static_cast<std::size_t>(chunk_trials * record_size) : 0);
  std::vector<ThreatOutcome> chunk_outcomes(
      keep_outcomes ? static_cast<std::size_t>(chunk_trials * plan.threat_count()) : 0);

  for (std::int64_t done = 0; done < options.trials;) {
    const std::int64_t count = std::min(chunk_trials, options.trials - done);
    const std::uint64_t chunk_first = options.first_trial + static_cast<std::uint64_t>(done);
    parallel_blocks(0, count, block_trials, options.threads, [&](std::int64_t begin, std::int64_t end, int w) {
      Worker& worker = state[static_cast<std::size_t>(w)];
      for (std::int64_t k = begin; k < end; ++k) {
        std::int64_t* record = keep_records ? &chunk_records[static_cast<std::size_t>(k * record_size)]
                                            : worker.record.data();
        ThreatOutcome* outcomes =
            keep_outcomes ? &chunk_outcomes[static_cast<std::size_t>(k * plan.threat_count())] : nullptr;
        simulate_trial(plan, options.seed, chunk_first + static_cast<std::uint64_t>(k), worker.scratch, record,
                       outcomes);
        worker.tallies.add(record);
      }
    });
    if (sink) {
      sink(TrialChunk{chunk_first, count, keep_records ? chunk_records.data() : nullptr,
                      keep_outcomes ? chunk_outcomes.data() : nullptr});
    }
    done += count;
    if (progress && !progress(done, options.trials)) throw RunCancelled();
  }

  Tallies total(plan);
  for (const Worker& worker : state) total.merge(worker.tallies);
  return total;
}

}  // namespace salvosim
