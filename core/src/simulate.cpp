#include "salvosim/simulate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "salvosim/limits.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/run.hpp"

namespace salvosim {
namespace {

// Trials are run in chunks, handed to the sink and the progress callback between chunks.
// A chunk should take about `chunk_seconds`: long enough that the pause between chunks (every
// worker waits for the last block) costs little, short enough that a progress callback (Ctrl-C
// from Python) is heard within ~0.1 s whatever a trial costs (from ~5 µs for small scenarios
// to milliseconds for 10,000 threats). So the chunk size follows the measured time per trial,
// between min_chunk_trials and max_chunk_trials (which bounds the per-trial buffers). Chunk
// sizes depend on timing; results do not (trial k is the same trial in any chunk).
constexpr double chunk_seconds = 0.05;
constexpr std::int64_t min_chunk_trials = 16, max_chunk_trials = 4096;
// Each chunk is cut into blocks, the unit of work of one worker: about 16 blocks per worker,
// so that they balance, and at most 64 trials, so that the last block is short.
constexpr std::int64_t blocks_per_worker = 16, max_block_trials = 64;

std::int64_t next_chunk_trials(double seconds_per_trial, int workers, std::int64_t most) {
  if (!(seconds_per_trial > 0.0)) return most;
  const double trials = chunk_seconds * workers / seconds_per_trial;
  return static_cast<std::int64_t>(std::clamp(trials, double(min_chunk_trials), double(most)));
}

}  // namespace

std::int64_t chunk_trials_limit(const Plan& plan, const RunOptions& options) {
  const double row = (options.keep_records ? static_cast<double>(plan.layout.size()) * sizeof(std::int64_t) : 0.0) +
                     (options.keep_outcomes ? static_cast<double>(plan.threat_count()) * sizeof(ThreatOutcome) : 0.0);
  if (!(row > 0.0)) return max_chunk_trials;
  const double fit = std::floor(static_cast<double>(max_chunk_output_bytes) / row);
  return static_cast<std::int64_t>(std::clamp(fit, double(min_chunk_trials), double(max_chunk_trials)));
}

namespace {

struct Worker {
  explicit Worker(const Plan& plan) : scratch(plan), tallies(plan), record(plan.layout.size()) {}
  KernelScratch scratch;
  Tallies tallies;
  std::vector<std::int64_t> record;
};

}  // namespace

Tallies run_trials(const Plan& plan, const RunOptions& options, const ChunkSink& sink,
                   const ProgressCallback& progress) {
  check_run(plan, options);
  WorkerPool pool(options.threads);
  const int workers = pool.workers();
  const std::int64_t most_chunk = chunk_trials_limit(plan, options);
  std::vector<Worker> state;
  state.reserve(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers; ++w) state.emplace_back(plan);

  const std::int64_t record_size = plan.layout.size();
  const bool keep_records = options.keep_records && sink;
  const bool keep_outcomes = options.keep_outcomes && sink;
  // Per-trial output buffers, grown to the largest chunk (chunks of large scenarios are short).
  std::vector<std::int64_t> chunk_records;
  std::vector<ThreatOutcome> chunk_outcomes;

  // The first chunk is small (a few blocks a worker) to time the trials by.
  std::int64_t chunk_trials = std::min(most_chunk, std::max(min_chunk_trials, std::int64_t{4} * workers));
  for (std::int64_t done = 0; done < options.trials;) {
    const std::int64_t count = std::min(chunk_trials, options.trials - done);
    const std::uint64_t chunk_first = options.first_trial + static_cast<std::uint64_t>(done);
    const std::int64_t block_trials =
        std::clamp<std::int64_t>(count / (blocks_per_worker * workers), 1, max_block_trials);
    if (keep_records)
      chunk_records.resize(std::max(chunk_records.size(), static_cast<std::size_t>(count * record_size)));
    if (keep_outcomes) {
      chunk_outcomes.resize(std::max(chunk_outcomes.size(), static_cast<std::size_t>(count * plan.threat_count())));
    }
    const auto started = std::chrono::steady_clock::now();
    pool.blocks(0, count, block_trials, [&](std::int64_t begin, std::int64_t end, int w) {
      Worker& worker = state[static_cast<std::size_t>(w)];
      for (std::int64_t k = begin; k < end; ++k) {
        std::int64_t* record =
            keep_records ? &chunk_records[static_cast<std::size_t>(k * record_size)] : worker.record.data();
        ThreatOutcome* outcomes =
            keep_outcomes ? &chunk_outcomes[static_cast<std::size_t>(k * plan.threat_count())] : nullptr;
        simulate_trial(plan, options.seed, chunk_first + static_cast<std::uint64_t>(k), worker.scratch, record,
                       outcomes);
        worker.tallies.add(record);
      }
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    chunk_trials = next_chunk_trials(seconds / static_cast<double>(count), workers, most_chunk);
    if (sink) {
      sink(TrialChunk{chunk_first, count, keep_records ? chunk_records.data() : nullptr,
                      keep_outcomes ? chunk_outcomes.data() : nullptr});
    }
    done += count;
    if (progress && !progress(done, options.trials)) throw RunCancelled();
  }

  // One worker's tallies are the total: exact integers, the same as added to zeros, without
  // allocating and adding a second set (what a sweep of many small points would pay each time).
  if (state.size() == 1) return std::move(state.front().tallies);
  Tallies total(plan);
  for (const Worker& worker : state) total.merge(worker.tallies);
  return total;
}

}  // namespace salvosim
