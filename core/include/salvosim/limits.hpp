// What a run may take of the machine: the memory a run of a plan needs, estimated from the
// plan's sizes before anything per threat is allocated, and the limit it is held to. compile()
// refuses a scenario that could not run on one thread within the limit; run_trials() refuses a
// run (threads, per-trial output) that would not fit, saying what would.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "salvosim/plan.hpp"

namespace salvosim {

struct RunOptions;  // simulate.hpp

// The bytes a run needs, by what they pay for. Histograms are counted at their largest (every
// count the scenario allows reached in some trial), so the estimate is an upper bound.
struct MemoryEstimate {
  std::int64_t plan = 0;             // the compiled plan: per-threat tables, kill tables per shot
  std::int64_t per_worker = 0;       // each worker thread: kernel scratch (per threat), tallies, record
  std::int64_t scratch = 0;          // of which the kernel's scratch (kernel.hpp KernelScratch)
  std::int64_t with_shots = 0;       // the part of total() that grows with shots: kill tables, fired histograms
  std::int64_t with_selections = 0;  // the part that grows with groups and classes: rate histograms
  std::int64_t workers = 1;
  std::int64_t output = 0;  // the summed tallies, the results' arrays, per-trial output buffers
  std::int64_t threats = 0;
  std::int64_t total() const;  // saturates at INT64_MAX
};

// The estimate of a run of `plan` with `options`. Reads only the plan's sizes (its groups'
// counts, layers, engagements, selections), never its per-threat tables, so compile() can ask
// before filling them.
MemoryEstimate estimate_run_memory(const Plan& plan, const RunOptions& options);

// Physical memory, or the limit of the cgroup the process runs in if that is lower.
std::int64_t machine_memory();

// The memory limit of a run: `requested` if > 0, else the environment variable
// SALVOSIM_MAX_MEMORY if set (parse_memory_size), else machine_memory().
std::int64_t memory_limit(std::int64_t requested = 0);

// "8G", "512M", "1.5G", "4096" (bytes): K, M, G and T (optionally followed by B or iB) are
// powers of 1024. Throws std::invalid_argument for anything else, zero or negative.
std::int64_t parse_memory_size(std::string_view text);

// "1.5 GiB", "300 MiB", "512 bytes": a size readable at a glance.
std::string format_bytes(std::int64_t bytes);

// Throws std::invalid_argument when the run would need more than memory_limit(options.max_memory),
// with the estimate and what would fit (fewer threads, fewer trials of per-trial output).
void check_run_memory(const Plan& plan, const RunOptions& options);

// The largest count a trial can put in its record: threats, a finite magazine (its capacity,
// all it receives over a campaign), and each layer's engagements, interceptors fired and
// missed requests, bounded by the engagements a threat can get (once under salvo doctrine;
// under shoot-look-shoot max_engagements, and no more than its window holds). `count` is a
// long double (the products may pass 2^63); `layer` and `key` say which layer's key sets it
// (-1 and "" for the threat count).
struct CountBound {
  long double count = 0.0;  // exact for any int64
  std::int64_t layer = -1;
  std::string key;
};
CountBound largest_count(const Plan& plan);

// The largest count whose square fits the exact 64-bit sums of squares of tallies.hpp: a
// scenario whose counts could pass it cannot run at all.
inline constexpr std::int64_t max_count_per_trial = 3037000499;  // floor(sqrt(2^63 - 1))

}  // namespace salvosim
