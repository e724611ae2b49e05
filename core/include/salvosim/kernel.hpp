// One Monte Carlo trial of docs/model.md §2: the heart of salvosim. It knows nothing of
// files, TOML, Python, threads or MPI: it takes a plan, a seed and a trial index, and
// writes that trial's integer counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "salvosim/plan.hpp"

namespace salvosim {

// What happened to each threat of one trial (the opt-in per-threat output).
struct ThreatOutcome {
  std::int8_t fate = 0;               // a Fate
  std::int8_t tier = -1;              // the tier it aimed at, with declared tiers (else -1)
  std::int16_t intercept_layer = -1;  // the layer that killed it, -1 if none
};

// Buffers reused from trial to trial so that the trial loop never allocates; one per thread.
// Its contents are the kernel's business: callers only construct it and pass it in.
struct KernelScratch {
  explicit KernelScratch(const Plan& plan);
  // The entries of tier_counts for a plan with declared tiers (limits.cpp counts them too).
  static std::size_t tier_counts_size(const Plan& plan);

  // One threat's engagement request to the current layer (docs/model.md §3.4).
  struct Request {
    double latest;                 // the latest start that still intercepts inside the window
    std::uint64_t kill_threshold;  // of a full salvo (plan.hpp PlanEngagement)
    std::int32_t threat;
    std::int32_t group;
    std::int32_t engagements;  // of this threat by this layer so far
    std::uint32_t kill_draw;   // the two draws of the first engagement (from the layer block)
    std::uint32_t assess_draw;
  };
  // A shoot-look-shoot re-request: its time and its request's place in `requests`.
  struct Pending {
    double time;
    std::uint32_t place;
  };

  // Per threat, structure of arrays (index = threat index).
  std::vector<double> launch_time, impact_time, failure_time, release_time;
  std::vector<std::uint8_t> launched, fails, defended, engaged, alive;
  std::vector<std::uint8_t> tier;          // the tier aimed at, with declared tiers (else empty)
  std::vector<std::uint32_t> tier_counts;  // a group's counts by tier, with declared tiers (kernel.cpp)
  std::vector<std::uint32_t> tier_slot;    // each threat's place among them
  std::vector<std::int16_t> killer;

  // Batched random draws: the threats of a batch and the four words of each block, by column.
  std::vector<std::uint32_t> all_threats;  // 0, 1, ..., n - 1
  std::vector<std::uint32_t> batch;
  std::vector<std::uint32_t> words[4];
  std::vector<std::uint32_t> segment_end;   // per group of a batch: where its part of `batch` ends
  std::vector<std::uint32_t> detected;      // places in the batch of the candidates covered and detected
  std::vector<std::uint32_t> detected_end;  // per group: where its part of `detected` ends
  std::vector<double> normals;              // a batch's first flight-time normals
  std::vector<std::uint32_t> tails;         // which of them need the tail formula
  std::vector<double> tail_values;          // and their values

  // The current layer: its requests (in threat order), the order to serve them in, the
  // shoot-look-shoot re-requests and the channel ring (kernel.cpp explains both).
  std::vector<Request> requests;
  std::vector<double> first_time;  // of each request: the earliest possible start
  std::size_t requests_count = 0;
  std::vector<std::uint32_t> order;                   // places of the first requests by (time, place)
  std::vector<std::uint32_t> sort_keys, sort_counts;  // the sort's scratch (time_sort.hpp)
  std::vector<Pending> re_requests;
  std::vector<double> channel_end;
  // The unbound path (kernel.cpp serve_unbound): each request's outcome, kept until the
  // channel test passes, and that test's counts of starts (channel_bound.hpp).
  std::vector<double> unbound_release;
  std::vector<std::uint8_t> unbound_alive, unbound_killed;
  std::vector<std::uint32_t> start_counts;
  // Per layer: the unbound path's failures in a row, and the layer-serves to skip it for.
  std::vector<std::uint8_t> unbound_failures;
  std::vector<std::uint32_t> unbound_pause;
  // False: every layer serves its requests in order (the tests compare the two paths).
  bool try_unbound = true;
  std::int64_t unbound_served = 0;  // layer-salvos served by the unbound path so far
  // Per layer: the interceptors left, carried from salvo to salvo of a campaign; -1: unlimited.
  std::vector<std::int64_t> magazine;
};

// Runs trial `trial` and writes its counts into `record` (plan.layout.size() entries,
// overwritten). `outcomes`, if not null, receives plan.threat_count() entries.
void simulate_trial(const Plan& plan, std::uint64_t seed, std::uint64_t trial, KernelScratch& scratch,
                    std::int64_t* record, ThreatOutcome* outcomes = nullptr);

// The instruction set the kernel's batched random draws and vectorized loops run on, chosen at
// run time: "avx512", "avx2" or "portable". The numbers are the same on all; benchmarks print it
// with timings. The environment variable SALVOSIM_DRAW_ISA, read once when the library loads,
// caps it ("portable" or "avx2"; "avx512", the best, is the default) so that the tests can run
// every path on one machine. draw_isa_names are the three names; the library takes any other
// value as unset, so its front ends (the `salvosim` command, the Python package) refuse it with
// draw_isa_problem(): a test meant to run a slower path must not pass on the fastest unnoticed.
const char* kernel_draw_isa();
inline constexpr const char* draw_isa_variable = "SALVOSIM_DRAW_ISA";
inline constexpr const char* draw_isa_names[] = {"portable", "avx2", "avx512"};
// What is wrong with SALVOSIM_DRAW_ISA as the environment has it now, as one line for an error
// message; empty when it is unset or one of draw_isa_names.
std::string draw_isa_problem();

}  // namespace salvosim
