#include "salvosim/simulate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "salvosim/parallel.hpp"

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

std::int64_t next_chunk_trials(double seconds_per_trial, int workers) {
  if (!(seconds_per_trial > 0.0)) return max_chunk_trials;
  const double trials = chunk_seconds * workers / seconds_per_trial;
  return static_cast<std::int64_t>(std::clamp(trials, double(min_chunk_trials), double(max_chunk_trials)));
}

// The largest count a trial can put in its record, as far as the scenario bounds it: threats,
// a magazine (a huge capacity stands in for "no cap"), interceptors a finite magazine can
// ever fire, engagements when they are limited. Unbounded counts (an unlimited magazine with
// unlimited re-engagement) are left out: nothing in a scenario says how large they get.
double largest_count(const Plan& plan) {
  const double threats = static_cast<double>(plan.threat_count());
  double most = threats;
  for (const PlanLayer& layer : plan.layers) {
    if (layer.magazine >= 0) {
      const double ever = static_cast<double>(layer.magazine) +
                          static_cast<double>(plan.salvo_count() - 1) * static_cast<double>(layer.resupply);
      most = std::max({most, static_cast<double>(layer.capacity), ever});
    }
    if (layer.max_engagements != std::numeric_limits<std::int64_t>::max()) {
      most = std::max(most, threats * static_cast<double>(layer.max_engagements) *
                                static_cast<double>(std::max<std::int64_t>(layer.shots, 1)));
    }
  }
  return most;
}

// Tallies keep exact sums of squares in 64 bits (tallies.hpp): trials x count^2 must fit.
void check_sums_fit(const Plan& plan, std::int64_t trials) {
  const double most = largest_count(plan);
  const double limit = static_cast<double>(std::numeric_limits<std::int64_t>::max());
  if (static_cast<double>(trials) * most * most >= limit) {
    const double fit = std::floor(limit / (most * most));
    const std::string reach =
        "this scenario's counts reach " + std::to_string(static_cast<std::int64_t>(most)) + " per trial";
    if (fit < 1.0) {
      throw std::invalid_argument(reach + ", whose square does not fit in a 64-bit exact sum: give an unbounded "
                                  "magazine as \"unlimited\" rather than a huge number");
    }
    throw std::invalid_argument(reach + ", so at most " + std::to_string(static_cast<std::int64_t>(fit)) +
                                " trials fit in one run (exact sums of squares are 64-bit integers), got " +
                                std::to_string(trials) + ": split the run into trial ranges (first_trial)");
  }
}

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
  check_sums_fit(plan, options.trials);
  const int workers = worker_count(options.threads);
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
  std::int64_t chunk_trials = std::min(max_chunk_trials, std::max(min_chunk_trials, std::int64_t{4} * workers));
  for (std::int64_t done = 0; done < options.trials;) {
    const std::int64_t count = std::min(chunk_trials, options.trials - done);
    const std::uint64_t chunk_first = options.first_trial + static_cast<std::uint64_t>(done);
    const std::int64_t block_trials = std::clamp<std::int64_t>(count / (blocks_per_worker * workers), 1, max_block_trials);
    if (keep_records) chunk_records.resize(std::max(chunk_records.size(), static_cast<std::size_t>(count * record_size)));
    if (keep_outcomes) {
      chunk_outcomes.resize(
          std::max(chunk_outcomes.size(), static_cast<std::size_t>(count * plan.threat_count())));
    }
    const auto started = std::chrono::steady_clock::now();
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
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    chunk_trials = next_chunk_trials(seconds / static_cast<double>(count), workers);
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
