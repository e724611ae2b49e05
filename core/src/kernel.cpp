// One trial (docs/model.md §3), written for speed: structure of arrays over threats, random
// draws generated in batches across threats (rng.hpp draw_blocks), only the draws a trial
// needs, and a layer's requests served with a linear-time sort, a FIFO and a ring instead of
// heaps, or without ordering them at all where nothing couples them (serve_unbound).
// bench/README.md has the profile that motivated each choice.
//
// Where each draw comes from (the stream assignment; CHANGELOG.md records its changes):
//   Purpose::threat,      block 0: launched, launch time, fails in flight, aimed at a defended area
//   Purpose::flight_time, block 0: flight-time candidates in words 0-2, failure time in word 3;
//                         blocks 1, 2, ...: four more candidates each (rarely needed)
//   Purpose::layer,       block 0 of (threat, layer): coverage, detection, then the kill and the
//                         kill assessment of the layer's first engagement of the threat
//   Purpose::engagement,  block k of (threat, layer), k >= 1: kill and assessment of engagement k
// A block is drawn only when one of its words is used; a counter-based generator makes
// skipping one free and changes no other draw.
#include "salvosim/kernel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>

#include "channel_bound.hpp"
#include "index_lists.hpp"
#include "philox_simd.hpp"
#include "salvosim/config.hpp"
#include "salvosim/rng.hpp"
#include "threat_loops.hpp"
#include "time_sort.hpp"

// The batched draws run on AVX-512 or AVX2 when the CPU has them (philox_simd.hpp says why),
// chosen once at run time; the default build itself targets any x86-64 and needs neither.
// The draws are integers, identical on every path. Define SALVOSIM_NO_DISPATCH to build without.
#if SALVOSIM_HAVE_PHILOX_SIMD && defined(__ELF__) && !defined(SALVOSIM_NO_DISPATCH)
#define SALVOSIM_DISPATCH 1
#else
#define SALVOSIM_DISPATCH 0
#endif

namespace salvosim {
namespace {

constexpr double never = -std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------------------
// Batched draws.

enum class DrawIsa { portable, avx2, avx512 };  // in the order of draw_isa_names (kernel.hpp)
const char* isa_name(DrawIsa isa) { return draw_isa_names[static_cast<int>(isa)]; }

// The best the CPU has, or less where SALVOSIM_DRAW_ISA asks (kernel.hpp): the tests run every
// path on one machine and compare their results.
DrawIsa pick_draw_isa() {
#if SALVOSIM_DISPATCH
  __builtin_cpu_init();  // this may run before the library's own constructors have
  const char* const asked = std::getenv(draw_isa_variable);
  const std::string_view cap = asked != nullptr ? asked : "";
  if (cap == isa_name(DrawIsa::portable)) return DrawIsa::portable;
  if (__builtin_cpu_supports("avx512f") && cap != isa_name(DrawIsa::avx2)) return DrawIsa::avx512;
  if (__builtin_cpu_supports("avx2")) return DrawIsa::avx2;
#endif
  return DrawIsa::portable;
}
const DrawIsa draw_isa = pick_draw_isa();
// Byte and word lanes of AVX-512 (BW), which the loops over per-threat flags use besides AVX-512F.
#if SALVOSIM_DISPATCH
const bool avx512bw = (__builtin_cpu_init(), __builtin_cpu_supports("avx512bw") != 0);
// And the byte lanes of 128-bit registers (BW with VL), which draw_threats' flag stores use.
const bool avx512bw_vl = avx512bw && __builtin_cpu_supports("avx512vl") != 0;
#endif

// Blocks of draw_block(seed, trial, threats[k], layer, purpose, sub) for k < n into s.words.
void draw_batch(std::uint64_t seed, std::uint64_t trial, const std::uint32_t* threats, std::size_t n,
                std::uint32_t layer, Purpose purpose, std::uint32_t sub, KernelScratch& s) {
  const BlockColumns out{{s.words[0].data(), s.words[1].data(), s.words[2].data(), s.words[3].data()}};
#if SALVOSIM_DISPATCH
  if (draw_isa == DrawIsa::avx512) return detail::draw_blocks_avx512(seed, trial, threats, n, layer, purpose, sub, out);
  if (draw_isa == DrawIsa::avx2) return detail::draw_blocks_avx2(seed, trial, threats, n, layer, purpose, sub, out);
#endif
  draw_blocks(seed, trial, threats, n, layer, purpose, sub, out);
}

// The index lists of index_lists.hpp, on AVX-512 where the CPU has it.
#if SALVOSIM_DISPATCH && SALVOSIM_HAVE_INDEX_LISTS_AVX512
#define SALVOSIM_LIST(name, ...) \
  (draw_isa == DrawIsa::avx512 ? detail::name##_avx512(__VA_ARGS__) : detail::name##_portable(__VA_ARGS__))
#else
#define SALVOSIM_LIST(name, ...) detail::name##_portable(__VA_ARGS__)
#endif

// ---------------------------------------------------------------------------------------
// 1. Each threat's own draws: launch, timing, reliability, aim (docs/model.md §3.1).

// Block 0 of the flight-time stream: candidates in words 0 to 2, the failure time in word 3
// (uniform between launch and impact).
//
// Normal(mean, sd) truncated to > 0 (§2.2: draws <= 0 are redrawn) takes the first candidate
// above 0, each by inversion of one uniform. draw_threats tries the first candidate of every
// threat at once; with mean > 0 it is accepted with probability above 1/2, nearly always.
// This is the rest of the search: block 0's words 1 and 2, then blocks 1, 2, ...
double redraw_flight_time(const PlanGroup& group, std::uint64_t seed, std::uint64_t trial, std::uint32_t threat,
                          std::uint32_t word1, std::uint32_t word2) {
  for (const std::uint32_t u : {word1, word2}) {
    const double next = group.flight_mean + group.flight_sd * normal_quantile(to_open_unit(u));
    if (next > 0.0) return next;
  }
  for (std::uint32_t sub = 1;; ++sub) {
    for (const std::uint32_t u : draw_block(seed, trial, threat, 0, Purpose::flight_time, sub)) {
      const double next = group.flight_mean + group.flight_sd * normal_quantile(to_open_unit(u));
      if (next > 0.0) return next;
    }
  }
}

// The words u whose to_open_unit(u) falls in normal_quantile's central branch, as the integer
// range [first, second]: the same test as |to_open_unit(u) - 0.5| <= normal_quantile_split,
// without converting to double (found once by bisection on that very test). Were it used
// before it is set, every word would count as a tail: slower, not wrong.
std::pair<std::uint32_t, std::uint32_t> find_central_words() {
  auto central = [](std::uint32_t u) { return std::abs(to_open_unit(u) - 0.5) <= normal_quantile_split; };
  std::uint32_t below = 0, above = 0x80000000u;  // not central, central
  while (above - below > 1) {
    const std::uint32_t middle = below + (above - below) / 2;
    (central(middle) ? above : below) = middle;
  }
  std::uint32_t low = 0x80000000u, high = 0xffffffffu;  // central, not central
  while (high - low > 1) {
    const std::uint32_t middle = low + (high - low) / 2;
    (central(middle) ? low : high) = middle;
  }
  return {above, low};
}
const std::pair<std::uint32_t, std::uint32_t> central_words = find_central_words();

void first_normals(const std::uint32_t* word, std::size_t n, const std::uint32_t* tails, std::size_t n_tails,
                   double* tail_value, double* normal) {
#if SALVOSIM_DISPATCH && SALVOSIM_HAVE_THREAT_LOOPS_X86
  if (draw_isa == DrawIsa::avx512) return detail::first_normals_avx512(word, n, tails, n_tails, tail_value, normal);
  if (draw_isa == DrawIsa::avx2) return detail::first_normals_avx2(word, n, tails, n_tails, tail_value, normal);
#endif
  detail::first_normals_portable(word, n, tails, n_tails, tail_value, normal);
}

void draw_tiers(const Plan& plan, const PlanGroup& group, const std::uint32_t* w3, std::size_t first, std::size_t end,
                KernelScratch& s) {
  std::uint32_t limits[max_tiers];
  std::size_t n_limits = 0;
  for (const std::uint64_t threshold : group.tier_threshold) {
    if (threshold >= bernoulli_always) break;
    limits[n_limits++] = static_cast<std::uint32_t>(threshold);
  }
  std::uint64_t defended_tiers = 0;
  for (std::size_t t = 0; t < plan.tiers.size(); ++t) defended_tiers |= std::uint64_t{plan.tiers[t].defended} << t;
  std::uint8_t* const tier = s.tier.data();
  std::uint8_t* const defended = s.defended.data();
#if SALVOSIM_DISPATCH && SALVOSIM_HAVE_THREAT_LOOPS_X86
  if (draw_isa == DrawIsa::avx512)
    return detail::tiers_avx512(w3, limits, n_limits, defended_tiers, first, end, tier, defended);
  if (draw_isa != DrawIsa::portable)
    return detail::tiers_avx2(w3, limits, n_limits, defended_tiers, first, end, tier, defended);
#endif
  detail::tiers_portable(w3, limits, n_limits, defended_tiers, first, end, tier, defended);
}

using detail::GroupDraws;
using detail::ThreatArrays;

// threat_loops.hpp's loops, on AVX-512 where the CPU has it (with BW and VL for the flags).
void group_draws(const GroupDraws& d, bool uniform_launch, const ThreatArrays& a, std::size_t first, std::size_t end) {
#if SALVOSIM_DISPATCH && SALVOSIM_HAVE_THREAT_LOOPS_X86
  if (draw_isa == DrawIsa::avx512 && avx512bw_vl) return detail::group_draws_avx512(d, uniform_launch, a, first, end);
#endif
  detail::group_draws_portable(d, uniform_launch, a, first, end);
}
void impact_times(double mean, double sd, const double* normal, const ThreatArrays& a, std::size_t first,
                  std::size_t end) {
#if SALVOSIM_DISPATCH && SALVOSIM_HAVE_THREAT_LOOPS_X86
  if (draw_isa == DrawIsa::avx512) return detail::impact_times_avx512(mean, sd, normal, a, first, end);
#endif
  detail::impact_times_portable(mean, sd, normal, a, first, end);
}
void failure_times(const ThreatArrays& a, std::size_t first, std::size_t end) {
#if SALVOSIM_DISPATCH && SALVOSIM_HAVE_THREAT_LOOPS_X86
  if (draw_isa == DrawIsa::avx512 && avx512bw_vl) return detail::failure_times_avx512(a, first, end);
#endif
  detail::failure_times_portable(a, first, end);
}

void draw_threats(const Plan& plan, std::uint64_t seed, std::uint64_t trial, KernelScratch& s) {
  const auto n = static_cast<std::size_t>(plan.threat_count());
  draw_batch(seed, trial, s.all_threats.data(), n, 0, Purpose::threat, 0, s);
  const std::uint32_t* const w0 = s.words[0].data();
  const std::uint32_t* const w1 = s.words[1].data();
  const std::uint32_t* const w2 = s.words[2].data();
  const std::uint32_t* const w3 = s.words[3].data();
  const double* const wave_time = plan.threat_wave_time.data();
  double* const launch_time = s.launch_time.data();
  double* const impact_time = s.impact_time.data();
  double* const failure_time = s.failure_time.data();
  double* const release_time = s.release_time.data();
  std::uint8_t* const launched = s.launched.data();
  std::uint8_t* const fails = s.fails.data();
  std::uint8_t* const defended = s.defended.data();
  std::uint8_t* const engaged = s.engaged.data();
  std::uint8_t* const alive = s.alive.data();
  std::int16_t* const killer = s.killer.data();
  const ThreatArrays arrays{{w0, w1, w2, w3}, launch_time, impact_time, failure_time, release_time, launched, fails,
                            defended,         engaged,     alive,       killer};

  for (std::size_t g = 0; g < plan.groups.size(); ++g) {
    const PlanGroup& group = plan.groups[g];
    const auto first = static_cast<std::size_t>(group.first_threat);
    const auto end = first + static_cast<std::size_t>(group.count);
    const GroupDraws draws{group.launch_start,
                           group.launch_duration,
                           detail::Threshold32(group.launch_threshold),
                           detail::Threshold32(group.flight_threshold),
                           detail::Threshold32(group.defended_threshold),
                           !plan.tiers_declared};
    if (group.launch_by_waves) std::copy(wave_time + first, wave_time + end, launch_time + first);
    group_draws(draws, !group.launch_by_waves, arrays, first, end);
    if (plan.tiers_declared) draw_tiers(plan, group, w3, first, end, s);
  }

  // Flight and failure times, from block 0 of each threat's flight-time stream. They are used
  // only for threats that launched, but drawing them for every threat keeps the loops free of
  // index lists (so they vectorize) and changes no draw; it costs a few blocks more.
  draw_batch(seed, trial, s.all_threats.data(), n, 0, Purpose::flight_time, 0, s);
  double* const normal = s.normals.data();
  std::uint32_t* const tails = s.tails.data();
  const auto [central_first, central_last] = central_words;
  const std::size_t n_tails = SALVOSIM_LIST(list_outside, w0, central_first, central_last, 0, n, tails, 0);
  first_normals(w0, n, tails, n_tails, s.tail_values.data(), normal);

  for (std::size_t g = 0; g < plan.groups.size(); ++g) {
    const PlanGroup& group = plan.groups[g];
    const auto first = static_cast<std::size_t>(group.first_threat);
    const auto end = first + static_cast<std::size_t>(group.count);
    const double mean = group.flight_mean, sd = group.flight_sd;
    // The first candidate (for sd = 0, mean + 0 * normal = mean); the failure time is set for a
    // failing threat, infinity for the others (select_double: no branch).
    impact_times(mean, sd, normal, arrays, first, end);
    // A first candidate at or below 0 is possible only when mean <= 6.34 sd (|normal| < 6.34
    // for every word); then the launched threats concerned draw again.
    if (!(mean - 6.34 * sd > 0.0)) {
      for (std::size_t i = first; i < end; ++i) {
        if (launched[i] && !(mean + sd * normal[i] > 0.0)) {
          impact_time[i] =
              launch_time[i] + redraw_flight_time(group, seed, trial, static_cast<std::uint32_t>(i), w1[i], w2[i]);
        }
      }
    }
    failure_times(arrays, first, end);
  }
}

// ---------------------------------------------------------------------------------------
// 2. One layer (§3.3-3.6): who requests an engagement, then serving the requests in order.

struct LayerCounts {
  std::int64_t engagements = 0, fired = 0, intercepts = 0, missed_window = 0, missed_no_channel = 0,
               missed_magazine = 0;
};

// The range of a layer's request times, [low, high] (empty: low > high).
struct TimeRange {
  double low, high;
};

// One engagement's outcome (§3.5), shared by serve_requests, serve_unbound and reengage: a
// threat that falls on its own before the intercept is a flight failure (the interceptors are
// spent all the same); else the kill draw decides. Without branches: the outcome is as random
// as the draws, and nothing waits on it.
struct EngagementOutcome {
  bool fell, killed;
  [[nodiscard]] bool alive() const { return !(fell | killed); }
};
[[gnu::always_inline]] inline EngagementOutcome engagement_outcome(double failure, double intercept_time,
                                                                   std::uint32_t kill_draw,
                                                                   std::uint64_t kill_threshold) {
  const bool fell = failure < intercept_time;
  const bool killed = !fell & (kill_draw < kill_threshold);
  return {fell, killed};
}
// Whether a shoot-look-shoot threat, after its engagement number `engagements` by a layer, asks
// for another (§3.6): it survived, the layer may engage it again, and the look saw it survive.
[[gnu::always_inline]] inline bool asks_again(bool alive, std::int64_t engagements, std::int64_t max_engagements,
                                              std::uint32_t assess_draw, std::uint64_t assessment_threshold) {
  return alive & (engagements < max_engagements) & (assess_draw < assessment_threshold);
}

// Adds a layer's counters in one salvo to the trial's record.
void add_layer_counts(const Plan& plan, std::int64_t salvo, std::int64_t l, const LayerCounts& counts,
                      std::int64_t* record) {
  const std::int64_t values[layer_metric_count] = {counts.engagements,       counts.fired,
                                                   counts.intercepts,        counts.missed_window,
                                                   counts.missed_no_channel, counts.missed_magazine};
  const RecordLayout& layout = plan.layout;
  for (std::int64_t m = 0; m < layer_metric_count; ++m) {
    record[layout.layer_metric(l, LayerMetric(m))] += values[m];  // the campaign's
    if (layout.per_salvo()) record[layout.salvo_layer_metric(salvo, l, LayerMetric(m))] = values[m];
  }
}

// Collects the layer's requests from the threats of salvo `salvo`, in threat order, and
// returns the range of their times (order_requests sorts them, when they must be served in order).
TimeRange make_requests(const Plan& plan, std::int64_t salvo, std::int64_t l, std::uint64_t seed, std::uint64_t trial,
                        KernelScratch& s) {
  const PlanLayer& layer = plan.layers[static_cast<std::size_t>(l)];
  // The salvo's part of the layer's engaged groups (groups are numbered salvo after salvo).
  const auto engaged_end = static_cast<std::size_t>(layer.salvo_engaged_end[static_cast<std::size_t>(salvo)]);
  const auto engaged_begin =
      salvo == 0 ? std::size_t{0}
                 : static_cast<std::size_t>(layer.salvo_engaged_end[static_cast<std::size_t>(salvo - 1)]);
  const std::uint8_t* const alive = s.alive.data();
  const std::uint8_t* const defended = s.defended.data();

  // The candidates: threats still flying, of a group this layer engages, and aimed at a tier it
  // engages (point defence: a defended one). Only they need the layer's draws.
  std::uint32_t* const candidates = s.batch.data();
  std::uint32_t* const segment_end = s.segment_end.data();
  std::size_t n = 0;
  for (std::size_t e = engaged_begin; e < engaged_end; ++e) {
    const PlanGroup& group = plan.groups[static_cast<std::size_t>(layer.engaged_groups[e])];
    const auto first = static_cast<std::size_t>(group.first_threat);
    const auto end = first + static_cast<std::size_t>(group.count);
    if (layer.tier_filter == TierFilter::mask) {
      n = SALVOSIM_LIST(list_alive_in_tiers, alive, s.tier.data(), layer.tier_mask, first, end, candidates, n);
    } else {
      n = SALVOSIM_LIST(list_alive, alive, layer.tier_filter == TierFilter::defended ? defended : nullptr, first, end,
                        candidates, n);
    }
    segment_end[e] = static_cast<std::uint32_t>(n);
  }
  draw_batch(seed, trial, candidates, n, static_cast<std::uint32_t>(l), Purpose::layer, 0, s);

  // Covered and detected candidates request an engagement. First the two tests, on the
  // draws alone: a pass of integer compares that keeps the places k in the batch of those who
  // pass, in order (a layer that covers a few per cent of the threats keeps only those).
  const std::uint32_t* const w0 = s.words[0].data();
  const std::uint32_t* const w1 = s.words[1].data();
  const std::uint32_t* const w2 = s.words[2].data();
  const std::uint32_t* const w3 = s.words[3].data();
  std::uint32_t* const detected = s.detected.data();
  std::uint32_t* const detected_end = s.detected_end.data();
  std::size_t d = 0;
  std::size_t k = 0;
  for (std::size_t e = engaged_begin; e < engaged_end; ++e) {
    const detail::Threshold32 coverage(layer.coverage_threshold),
        detection(plan.engagement(l, layer.engaged_groups[e]).detect_threshold);
    d = SALVOSIM_LIST(list_below, w0, coverage, w1, detection, k, segment_end[e], detected, d);
    k = segment_end[e];
    detected_end[e] = static_cast<std::uint32_t>(d);
  }

  // Then their requests, with the engagement window.
  const double* const impact_time = s.impact_time.data();
  const double* const release_time = s.release_time.data();
  const double* const failure_time = s.failure_time.data();
  KernelScratch::Request* const requests = s.requests.data();
  double* const first_time = s.first_time.data();
  constexpr double forever = std::numeric_limits<double>::infinity();
  double low = forever, high = -forever;  // of the detected candidates' times: a range for the sort
  std::size_t m = 0;
  std::size_t q = 0;
  for (std::size_t e = engaged_begin; e < engaged_end; ++e) {
    const std::int32_t g = layer.engaged_groups[e];
    const PlanEngagement& how = plan.engagement(l, g);
    const std::uint64_t kill_threshold = how.kill_threshold[static_cast<std::size_t>(layer.shots)];  // a full salvo
    const double open = how.open, close = how.close, engagement_time = layer.engagement_time;
    for (; q < detected_end[e]; ++q) {
      const std::uint32_t place = detected[q];
      const std::uint32_t i = candidates[place];
      const double earliest = std::max(release_time[i], impact_time[i] - open);
      const double latest = impact_time[i] - close - engagement_time;
      requests[m] = {latest, kill_threshold, static_cast<std::int32_t>(i), g, 0, w2[place], w3[place]};
      first_time[m] = earliest;
      // A threat that fails in flight before the earliest start is dropped when served, whatever
      // the channels (§3.4, check 1; the start is never earlier): leave it out now, saving its
      // place in the sort and a mispredicted branch in serve_requests. Kept without a branch:
      // every request is written, and m advances past the kept ones.
      low = std::min(low, earliest);
      high = std::max(high, earliest);
      m += !(failure_time[i] < earliest);
    }
  }
  s.requests_count = m;
  return {low, high};
}

// Puts the layer's requests in the order serve_requests takes them: by time, then place.
void order_requests(KernelScratch& s, TimeRange range) {
  const std::size_t m = s.requests_count;
  double* const first_time = s.first_time.data();
  // Places follow the threat index, so ordering by (time, place) breaks ties by threat (§2.6).
  detail::order_by_time(first_time, m, range.low, range.high, s.order.data(), s.sort_keys.data(), s.sort_counts.data());
  // A sentinel after the last: a request at +infinity, never served (serve_requests).
  first_time[m] = std::numeric_limits<double>::infinity();
  s.order[m] = static_cast<std::uint32_t>(m);
}

// Serves the requests of layer l in salvo `salvo` in order of earliest possible start, draws
// on the magazine that salvo after salvo share (s.magazine), and adds its counters.
//
// Requests are served in nondecreasing time (a re-request comes after the intercept that
// caused it), so starts never decrease and, with one engagement_time per layer, neither do
// the intercept times that free the channels. The channel that became free earliest is
// therefore the one whose engagement started longest ago: the channels are a ring of the last
// intercept times, and a channel never used has been free since `never`. For the same reason
// re-requests are made in nondecreasing time: they form a FIFO, merged with the sorted first
// requests. A layer needs no more channels than it has requests, as a threat holds at most
// one channel at a time. (The results are those of the heaps of docs/model.md's wording; the
// tests of the engine check them against its closed forms.)
//
// A stock-aware layer (a reserve or rationing rules, docs/model.md §3.4) holds back `hold`
// interceptors and picks, at every request, the rule that applies to its usable stock; the
// other layers take the path without either, as they always did.
template <bool shoot_look_shoot, bool stock_aware>
void serve_requests(const Plan& plan, std::int64_t salvo, std::int64_t l, std::uint64_t seed, std::uint64_t trial,
                    KernelScratch& s, std::int64_t* record) {
  const PlanLayer& layer = plan.layers[static_cast<std::size_t>(l)];
  const std::size_t first_count = s.requests_count;
  KernelScratch::Request* const requests = s.requests.data();
  const double* const first_time = s.first_time.data();
  const std::uint32_t* const order = s.order.data();
  const double* const failure_time = s.failure_time.data();
  double* const release_time = s.release_time.data();
  std::uint8_t* const engaged = s.engaged.data();
  std::uint8_t* const alive = s.alive.data();
  std::int16_t* const killer = s.killer.data();

  const std::size_t channels = std::min(static_cast<std::size_t>(layer.channels), first_count);
  // The layer's parameters in locals (see draw_threats).
  const double engagement_time = layer.engagement_time, look_time = layer.look_time;
  const std::int64_t shots = layer.shots, max_engagements = layer.max_engagements;
  const std::uint64_t assessment_threshold = layer.assessment_threshold;
  double* const channel_end = s.channel_end.data();
  std::fill(channel_end, channel_end + channels, never);
  std::size_t channel = 0;  // the ring slot of the channel free earliest
  // -1: unlimited. Shared with the layers that fire from the same magazine (layer.source).
  std::int64_t magazine = s.magazine[static_cast<std::size_t>(layer.source)];
  LayerCounts counts;
  // Stock-aware: the interceptors held back in this salvo (validate() bounds the sum), the
  // rules by increasing `below` with the layer's own keys last (so one always applies), and each
  // threat's tier, which a rule's target mask is tested against: the declared tier, or without
  // declared tiers the implicit ones (bit 0 defended, bit 1 open ground).
  [[maybe_unused]] const std::int64_t hold = layer.reserve + layer.reserve_per_salvo * (plan.salvo_count() - 1 - salvo);
  const PlanRation* const rations = layer.rations.data();
  [[maybe_unused]] const auto rule_for = [rations](std::int64_t usable) {
    const PlanRation* rule = rations;
    while (usable >= rule->below) ++rule;
    return rule;
  };
  [[maybe_unused]] const std::uint8_t* const defended = s.defended.data();
  [[maybe_unused]] const std::uint8_t* const tier = plan.tiers_declared ? s.tier.data() : nullptr;

  // Shoot-look-shoot: first requests and re-requests are merged in (time, place) order. The
  // re-request FIFO, re_requests[next_re, re_end), is followed by a sentinel at +infinity, as
  // the first requests are; both sentinels next means done.
  constexpr double forever = std::numeric_limits<double>::infinity();
  constexpr KernelScratch::Pending sentinel{forever, std::numeric_limits<std::uint32_t>::max()};
  std::vector<KernelScratch::Pending>& re_requests = s.re_requests;
  std::size_t next_first = 0, next_re = 0, re_end = 0;
  double last_time = forever;  // of the last re-request appended
  re_requests[0] = sentinel;

  while (true) {
    double time;
    std::uint32_t place;
    if constexpr (shoot_look_shoot) {
      const std::uint32_t first_place = order[next_first];
      const double first = first_time[first_place];
      const KernelScratch::Pending re = re_requests[next_re];
      const bool take_first = first < re.time || (first == re.time && first_place < re.place);
      time = take_first ? first : re.time;
      place = take_first ? first_place : re.place;
      if (time == forever) break;
      next_first += take_first;
      next_re += !take_first;
    } else {
      if (next_first == first_count) break;
      place = order[next_first++];
      time = first_time[place];
    }

    // What becomes of the request (§3.4). Branches, not selects: the conditions below depend on
    // the channel ring and the magazine, which each request updates, and selects chain every
    // request's decision to the one before (a loop-carried dependency that measured 25% slower
    // than predicted branches, bench/README.md).
    KernelScratch::Request& request = requests[place];
    const auto i = static_cast<std::size_t>(request.threat);
    const double start = std::max(time, channel_end[channel]);
    // It already fell on its own: nothing to miss. Each layer judges this at its own start
    // (an inner layer whose window opens earlier may still have engaged it in time).
    if (failure_time[i] < start) continue;
    std::int64_t fired = shots;
    if constexpr (stock_aware) {
      // The rule in force now; a threat aimed at a tier it does not engage is dropped, as a
      // point-defence layer never requests one.
      const std::int64_t usable = magazine - hold;
      const PlanRation* const rule = rule_for(usable);
      const unsigned aim = tier != nullptr ? tier[i] : 1U - defended[i];
      if (((rule->target_mask >> aim) & 1) == 0) continue;
      if (usable <= 0) {
        ++counts.missed_magazine;
        continue;
      }
      fired = std::min(rule->shots, usable);
    } else if (magazine == 0) {
      ++counts.missed_magazine;
      continue;
    }
    if (time > request.latest) {
      ++counts.missed_window;
      continue;
    }
    if (start > request.latest) {
      ++counts.missed_no_channel;
      continue;
    }

    // Engage on the channel that became free earliest.
    const double intercept_time = start + engagement_time;
    channel_end[channel] = intercept_time;
    if (++channel == channels) channel = 0;
    if constexpr (!stock_aware) fired = magazine < 0 ? shots : std::min(shots, magazine);
    if (magazine > 0) magazine -= fired;
    ++counts.engagements;
    counts.fired += fired;
    engaged[i] = 1;
    // The kill and assessment draws: of the first engagement from the layer block, of the
    // k-th (k >= 1, shoot-look-shoot only) from engagement block k.
    std::uint32_t kill_draw = request.kill_draw, assess_draw = request.assess_draw;
    if constexpr (shoot_look_shoot) {
      if (const auto k = static_cast<std::uint32_t>(request.engagements++); k > 0) {
        const PhiloxCounter u = draw_block(seed, trial, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(l),
                                           Purpose::engagement, k);
        kill_draw = u[0];
        assess_draw = u[1];
      }
    }
    // A partial salvo (the magazine's last interceptors) kills less often than a full one.
    const std::uint64_t kill_threshold =
        fired == shots ? request.kill_threshold
                       : plan.engagement(l, request.group).kill_threshold[static_cast<std::size_t>(fired)];
    // Stock-aware: whether to look again is decided by the rule in force once this engagement's
    // interceptors have left the magazine; under salvo doctrine there is no look.
    bool look = shoot_look_shoot;
    double look_pause = look_time;
    if constexpr (stock_aware && shoot_look_shoot) {
      look = rule_for(magazine - hold)->shoot_look_shoot;
      look_pause = look ? look_time : 0.0;
    }
    const EngagementOutcome outcome = engagement_outcome(failure_time[i], intercept_time, kill_draw, kill_threshold);
    const bool killed = outcome.killed;
    alive[i] = outcome.alive();
    killer[i] = static_cast<std::int16_t>(-1 + killed * (l + 1));  // -1 while not killed
    counts.intercepts += killed;
    const double release = intercept_time + look_pause;
    release_time[i] = release;

    if constexpr (shoot_look_shoot) {
      // Surviving and correctly assessed, it asks again. Appended without a branch (whether it
      // happens is random): written in any case, kept if `again`. Re-requests at one time come
      // from starts at one time; the rare ties are put in place order (§2.6).
      const bool again =
          look & asks_again(outcome.alive(), request.engagements, max_engagements, assess_draw, assessment_threshold);
      re_requests[re_end] = {release, place};
      re_end += again;
      re_requests[re_end] = sentinel;
      // Only an appended request with the time of the one before it can be out of order.
      const bool tie = again & (last_time == release) & (re_end - 1 > next_re);
      last_time = again ? release : last_time;
      if (tie) {
        for (std::size_t q = re_end - 1; q > next_re && re_requests[q - 1].time == re_requests[q].time &&
                                         re_requests[q - 1].place > re_requests[q].place;
             --q) {
          std::swap(re_requests[q], re_requests[q - 1]);
        }
      }
      if (re_end + 1 == re_requests.size()) re_requests.resize(2 * re_requests.size());  // rare: deep re-engagement
    }
  }

  s.magazine[static_cast<std::size_t>(layer.source)] = magazine;  // what is left for the next layer and salvo
  add_layer_counts(plan, salvo, l, counts, record);
}

// What serve_unbound's re-engagements need of their layer.
struct UnboundLayer {
  std::uint64_t seed, trial;
  std::uint32_t layer;
  double engagement_time, look_pause;
  std::int64_t max_engagements;
  std::uint64_t assessment_threshold;
};
// One threat's engagements by an unbound layer so far: how many, and the last one's outcome.
struct UnboundEngagements {
  std::int32_t engagements;
  bool alive, killed;
  double release;
};

// The engagements of a shoot-look-shoot threat after `so_far`, which survived and asks again,
// as serve_requests would make them were nothing to wait; its starts go into `starts` (if not
// null). Out of line: few threats get here, and inlined it would crowd the registers of the loop
// over first engagements.
[[gnu::noinline]] UnboundEngagements reengage(const UnboundLayer& layer, const KernelScratch::Request& request,
                                              double failure, UnboundEngagements so_far, detail::ChannelBound* starts,
                                              double& last_start, std::int64_t& missed_window) {
  double time = so_far.release;
  while (true) {
    if (failure < time) break;  // fell before this start: dropped (it made no request before it)
    if (time > request.latest) {
      ++missed_window;
      break;
    }
    const PhiloxCounter u = draw_block(layer.seed, layer.trial, static_cast<std::uint32_t>(request.threat), layer.layer,
                                       Purpose::engagement, static_cast<std::uint32_t>(so_far.engagements));
    ++so_far.engagements;
    last_start = std::max(last_start, time);
    if (starts != nullptr) starts->add(time);
    const double intercept_time = time + layer.engagement_time;
    const EngagementOutcome outcome = engagement_outcome(failure, intercept_time, u[0], request.kill_threshold);
    so_far.killed = outcome.killed;
    so_far.alive = outcome.alive();
    so_far.release = intercept_time + layer.look_pause;
    if (!asks_again(so_far.alive, so_far.engagements, layer.max_engagements, u[1], layer.assessment_threshold)) break;
    time = so_far.release;
  }
  return so_far;
}

// The same layer without ordering its requests, where nothing couples them: were every
// engagement to start at its request's time, the magazine would not run dry (the layer fires
// fewer interceptors than it holds, so no request finds it empty and every salvo is full) and
// no engagement would wait for a channel (channel_bound.hpp). Then serve_requests would do
// exactly that, so each threat's engagements are worked out alone, in any order, from the
// same draws, and the result is serve_requests' to the bit. Worked out first into s.unbound_*,
// and kept only if both tests pass; else the caller serves the requests in order. Not for
// stock-aware layers, whose rule in force depends on the order.
template <bool shoot_look_shoot>
bool serve_unbound(const Plan& plan, std::int64_t salvo, std::int64_t l, std::uint64_t seed, std::uint64_t trial,
                   KernelScratch& s, std::int64_t* record, TimeRange range) {
  const PlanLayer& layer = plan.layers[static_cast<std::size_t>(l)];
  const std::size_t n = s.requests_count;
  // Each request's engagements field counts them here, as in serve_requests (reset if refused).
  KernelScratch::Request* const requests = s.requests.data();
  const double* const first_time = s.first_time.data();
  const double* const failure_time = s.failure_time.data();
  double* const unbound_release = s.unbound_release.data();
  std::uint8_t* const unbound_alive = s.unbound_alive.data();
  std::uint8_t* const unbound_killed = s.unbound_killed.data();
  const double engagement_time = layer.engagement_time;
  // serve_requests' pause before a re-request, added to the release whether or not one follows
  // (the plan's look_time is 0 for a layer that never looks).
  const double look_pause = layer.look_time;
  const std::int64_t shots = layer.shots, max_engagements = shoot_look_shoot ? layer.max_engagements : 1;
  const std::uint64_t assessment_threshold = layer.assessment_threshold;

  // The channel test is needed only where the requests outnumber the channels: a threat holds
  // at most one channel at a time, so with no more threats than channels none waits. Its
  // buckets are sized by the first requests' times; the starts are counted as they are worked
  // out below (later ones alias, which keeps the test sufficient).
  const std::int64_t magazine = s.magazine[static_cast<std::size_t>(layer.source)];
  const bool test_channels = n > static_cast<std::size_t>(layer.channels);
  detail::ChannelBound bound(s.start_counts.data());
  if (test_channels &&
      !bound.reset(range.low, range.high, engagement_time, n, static_cast<std::size_t>(layer.channels)))
    return false;

  // Each request's engagements, one after the other, as if nothing waited: the first inline
  // (make_requests left out the requests whose threat fell before it), the rare others out of
  // line (reengage).
  const UnboundLayer again_layer{seed,       trial,           static_cast<std::uint32_t>(l), engagement_time,
                                 look_pause, max_engagements, assessment_threshold};
  detail::ChannelBound* const starts = test_channels ? &bound : nullptr;
  LayerCounts counts;
  std::int64_t reengaged_missed_window = 0;  // apart from counts, which then stays in registers
  // The latest start, for the channel test's reach: reset() saw that of every first engagement
  // (range.high), so only re-engagements can move it.
  double last_start = range.high;
  for (std::size_t r = 0; r < n; ++r) {
    KernelScratch::Request& request = requests[r];
    const double time = first_time[r];
    UnboundEngagements outcome{0, true, false, 0.0};
    if (time > request.latest) {
      ++counts.missed_window;
    } else {
      const double failure = failure_time[static_cast<std::size_t>(request.threat)];
      if (test_channels) bound.add(time);
      const double intercept_time = time + engagement_time;
      const EngagementOutcome first =
          engagement_outcome(failure, intercept_time, request.kill_draw, request.kill_threshold);
      outcome.engagements = 1;
      outcome.killed = first.killed;
      outcome.alive = first.alive();
      outcome.release = intercept_time + look_pause;
      const bool again =
          shoot_look_shoot & asks_again(outcome.alive, 1, max_engagements, request.assess_draw, assessment_threshold);
      if (again) [[unlikely]]
        outcome = reengage(again_layer, request, failure, outcome, starts, last_start, reengaged_missed_window);
    }
    request.engagements = outcome.engagements;
    unbound_alive[r] = outcome.alive;
    unbound_killed[r] = outcome.killed;
    unbound_release[r] = outcome.release;
    counts.engagements += outcome.engagements;
    counts.intercepts += outcome.killed;  // only the last engagement can kill
  }
  counts.missed_window += reengaged_missed_window;
  counts.fired = counts.engagements * shots;

  // The two tests (the channel test's counts are 32-bit: a layer that started more engagements
  // than that in one salvo, which validation allows, is served in order).
  const bool unbound = (magazine < 0 || counts.fired < magazine) &&
                       (!test_channels || (counts.engagements <= std::int64_t{0xffffffff} && bound.fits(last_start)));
  if (!unbound) {
    for (std::size_t r = 0; r < n; ++r) requests[r].engagements = 0;
    return false;
  }

  std::uint8_t* const engaged = s.engaged.data();
  std::uint8_t* const alive = s.alive.data();
  std::int16_t* const killer = s.killer.data();
  double* const release_time = s.release_time.data();
  for (std::size_t r = 0; r < n; ++r) {
    if (requests[r].engagements == 0) continue;
    const auto i = static_cast<std::size_t>(requests[r].threat);
    engaged[i] = 1;
    alive[i] = unbound_alive[r];
    killer[i] = static_cast<std::int16_t>(-1 + unbound_killed[r] * (l + 1));  // -1 while not killed
    release_time[i] = unbound_release[r];
  }
  if (magazine > 0) s.magazine[static_cast<std::size_t>(layer.source)] = magazine - counts.fired;
  add_layer_counts(plan, salvo, l, counts, record);
  ++s.unbound_served;
  return true;
}

// ---------------------------------------------------------------------------------------
// 3. Fates: exactly one per threat (§3.7).

Fate fate_of(const KernelScratch& s, std::size_t i) {
  return static_cast<Fate>(detail::fate_code(s.launched[i], s.killer[i] >= 0, s.fails[i], s.defended[i]));
}

void tier_slots(const std::uint8_t* launched, const std::uint8_t* fails, const std::uint8_t* defended,
                const std::uint8_t* engaged, const std::int16_t* killer, const std::uint8_t* tier, std::uint32_t width,
                std::size_t n, std::uint32_t* slot) {
#if SALVOSIM_DISPATCH && SALVOSIM_HAVE_THREAT_LOOPS_X86
  if (draw_isa == DrawIsa::avx512 && avx512bw) {
    return detail::tier_slots_avx512(launched, fails, defended, engaged, killer, tier, width, n, slot);
  }
  if (draw_isa != DrawIsa::portable)
    return detail::tier_slots_avx2(launched, fails, defended, engaged, killer, tier, width, n, slot);
#endif
  detail::tier_slots_portable(launched, fails, defended, engaged, killer, tier, width, n, slot);
}

// With declared tiers: each tier's fates, engaged threats and intercepts by layer, each group's
// leaks on each tier, and (summed over its tiers) each group's fates, engaged threats and
// intercepts by layer, which record_fates then need not count. Each threat adds one to one
// count of s.tier_counts, [tier][key] with key = its layer + 2 * fate_count if it was killed
// (it was engaged: the intercepted fate), else engaged * fate_count + its fate; a count per
// tier then gives the record's. The threats' places among the counts come first, in a loop of
// arithmetic on the flags that vectorizes (tier_slots, with fate_code); then one increment per
// threat, in two copies of the counts, for even and odd threats, so that runs of threats with
// one key make two chains of increments through memory instead of one. (One pass per tier of
// branch-free sums, as record_group_fates counts, measured 6% slower on the default scenario.)
void record_tier_fates(const Plan& plan, KernelScratch& s, std::int64_t* record) {
  const RecordLayout& layout = plan.layout;
  const auto tiers = static_cast<std::size_t>(layout.tiers);
  const auto width = static_cast<std::uint32_t>(2 * fate_count + layout.layers);  // keys per tier
  std::uint32_t* const counts[2] = {s.tier_counts.data(), s.tier_counts.data() + tiers * width};
  const std::uint32_t* const slot = s.tier_slot.data();
  const auto n = static_cast<std::size_t>(plan.threat_count());
  tier_slots(s.launched.data(), s.fails.data(), s.defended.data(), s.engaged.data(), s.killer.data(), s.tier.data(),
             width, n, s.tier_slot.data());
  for (std::int64_t g = 0; g < plan.group_count(); ++g) {
    const PlanGroup& group = plan.groups[static_cast<std::size_t>(g)];
    const auto first = static_cast<std::size_t>(group.first_threat);
    const auto end = first + static_cast<std::size_t>(group.count);
    std::fill(s.tier_counts.begin(), s.tier_counts.end(), 0U);
    for (std::size_t i = first; i < end; ++i) ++counts[i & 1][slot[i]];
    for (std::size_t t = 0; t < tiers; ++t) {
      const auto tt = static_cast<std::int64_t>(t);
      const std::uint32_t* const even = counts[0] + t * width;
      const std::uint32_t* const odd = counts[1] + t * width;
      // Keys [0, fate_count): not engaged; [fate_count, 2 fate_count): engaged; then killed by
      // each layer (intercepted, engaged).
      std::int64_t tier_fates[fate_count] = {};
      std::int64_t engaged_count = 0;
      for (std::size_t f = 0; f < fate_count; ++f) {
        const std::int64_t engaged_with_fate = even[fate_count + f] + odd[fate_count + f];
        tier_fates[f] = even[f] + odd[f] + engaged_with_fate;
        engaged_count += engaged_with_fate;
      }
      for (std::size_t key = 2 * fate_count; key < width; ++key) {
        const std::int64_t kills = even[key] + odd[key];
        tier_fates[static_cast<std::size_t>(Fate::intercepted)] += kills;
        engaged_count += kills;
        record[layout.tier_intercepts(tt, static_cast<std::int64_t>(key) - 2 * fate_count)] += kills;
        record[layout.group_intercepts(g, static_cast<std::int64_t>(key) - 2 * fate_count)] += kills;
      }
      for (std::int64_t f = 0; f < fate_count; ++f) {
        record[layout.tier_fate(tt, Fate(f))] += tier_fates[f];
        record[layout.fate(g, Fate(f))] += tier_fates[f];
      }
      record[layout.group_tier_leaked(g, tt)] = tier_fates[static_cast<std::size_t>(Fate::leaked_defended)] +
                                                tier_fates[static_cast<std::size_t>(Fate::leaked_open)];
      record[layout.tier_engaged(tt)] += engaged_count;
      record[layout.engaged(g)] += engaged_count;
    }
  }
}

// Without declared tiers: each group's fates, engaged threats and intercepts by layer.
void record_group_fates(const Plan& plan, const KernelScratch& s, std::int64_t* record) {
  const RecordLayout& layout = plan.layout;
  const std::uint8_t* const launched = s.launched.data();
  const std::uint8_t* const fails = s.fails.data();
  const std::uint8_t* const defended = s.defended.data();
  const std::uint8_t* const engaged = s.engaged.data();
  const std::int16_t* const killer = s.killer.data();
  for (std::int64_t g = 0; g < plan.group_count(); ++g) {
    const PlanGroup& group = plan.groups[static_cast<std::size_t>(g)];
    const auto first = static_cast<std::size_t>(group.first_threat);
    const auto end = first + static_cast<std::size_t>(group.count);
    // Counted without branches (fates are random, branches on them mispredicted): fate_code's
    // rule as one sum per fate, which measured 2-5% faster on scenarios without tiers than
    // counting fate_code's values (kernel_invariants_test checks these counts against the
    // per-threat outcomes, which take fate_code).
    std::int64_t launch_failures = 0, intercepted = 0, flight_failures = 0, leaked_defended = 0, engaged_count = 0;
    for (std::size_t i = first; i < end; ++i) {
      const int up = launched[i], killed = killer[i] >= 0, failed = fails[i], aimed = defended[i];
      launch_failures += 1 - up;
      intercepted += up & killed;
      flight_failures += up & (1 - killed) & failed;
      leaked_defended += up & (1 - killed) & (1 - failed) & aimed;
      engaged_count += engaged[i];
    }
    record[layout.fate(g, Fate::launch_failure)] = launch_failures;
    record[layout.fate(g, Fate::intercepted)] = intercepted;
    record[layout.fate(g, Fate::flight_failure)] = flight_failures;
    record[layout.fate(g, Fate::leaked_defended)] = leaked_defended;
    record[layout.fate(g, Fate::leaked_open)] =
        group.count - launch_failures - intercepted - flight_failures - leaked_defended;
    record[layout.engaged(g)] = engaged_count;
    // Intercepts by layer, counted here rather than as they happen: an increment of a group's
    // counter for every kill would chain the requests of one group through memory.
    for (std::int64_t l = 0; l < plan.layer_count(); ++l) {
      if (!plan.engagement(l, g).engages) continue;  // the record is zeroed: 0 intercepts
      if (plan.layers[static_cast<std::size_t>(l)].engaged_groups.size() == 1) {
        // A layer that engages this group alone: all its intercepts are of this group.
        record[layout.group_intercepts(g, l)] = record[layout.layer_metric(l, LayerMetric::intercepts)];
        continue;
      }
      const auto layer = static_cast<std::int16_t>(l);
      std::int64_t kills = 0;
      for (std::size_t i = first; i < end; ++i) kills += killer[i] == layer;
      record[layout.group_intercepts(g, l)] = kills;
    }
  }
}

void record_fates(const Plan& plan, KernelScratch& s, std::int64_t* record, ThreatOutcome* outcomes) {
  const RecordLayout& layout = plan.layout;
  if (layout.tiers > 0) {
    record_tier_fates(plan, s, record);
  } else {
    record_group_fates(plan, s, record);
  }
  if (!outcomes) return;
  for (std::size_t i = 0; i < static_cast<std::size_t>(plan.threat_count()); ++i) {
    const auto tier = static_cast<std::int8_t>(s.tier.empty() ? -1 : s.tier[i]);
    outcomes[i] = {static_cast<std::int8_t>(fate_of(s, i)), tier, s.killer[i]};
  }
}

}  // namespace

std::size_t KernelScratch::tier_counts_size(const Plan& plan) {
  return static_cast<std::size_t>(2 * plan.layout.tiers * (2 * fate_count + plan.layout.layers));
}

KernelScratch::KernelScratch(const Plan& plan) {
  const auto n = static_cast<std::size_t>(plan.threat_count());
  for (auto* v : {&launch_time, &impact_time, &failure_time, &release_time}) v->resize(n);
  for (auto* v : {&launched, &fails, &defended, &engaged, &alive}) v->resize(n);
  if (plan.tiers_declared) {
    tier.resize(n);
    tier_counts.resize(tier_counts_size(plan));
    tier_slot.resize(n);
  }
  killer.resize(n);
  all_threats.resize(n);
  std::iota(all_threats.begin(), all_threats.end(), 0u);
  batch.resize(n);
  for (auto& w : words) w.resize(n);
  normals.resize(n);
  tails.resize(n);
  tail_values.resize(n);
  segment_end.resize(static_cast<std::size_t>(plan.group_count()));
  detected.resize(n);
  detected_end.resize(static_cast<std::size_t>(plan.group_count()));
  requests.resize(n);
  first_time.resize(n + 1);  // and a sentinel
  order.resize(n + 1);
  sort_keys.resize(n);
  sort_counts.resize(detail::time_sort_buckets(n));
  // Re-requests of one layer, and a sentinel: one round for every threat to start with;
  // deeper shoot-look-shoot chains grow it, on the first trials that need it.
  re_requests.resize(n + 2);
  unbound_release.resize(n);
  unbound_alive.resize(n);
  unbound_killed.resize(n);
  start_counts.resize(detail::ChannelBound::storage_size);
  unbound_failures.resize(static_cast<std::size_t>(plan.layer_count()));
  unbound_pause.resize(static_cast<std::size_t>(plan.layer_count()));
  magazine.resize(static_cast<std::size_t>(plan.layer_count()));
  std::int64_t most_channels = 0;
  for (const PlanLayer& layer : plan.layers) most_channels = std::max(most_channels, layer.channels);
  channel_end.resize(std::min(n, static_cast<std::size_t>(most_channels)));
}

void simulate_trial(const Plan& plan, std::uint64_t seed, std::uint64_t trial, KernelScratch& s, std::int64_t* record,
                    ThreatOutcome* outcomes) {
  std::fill(record, record + plan.layout.size(), 0);
  // Every threat of every salvo at once: its draws are keyed by its index in the campaign.
  draw_threats(plan, seed, trial, s);
  const RecordLayout& layout = plan.layout;
  for (std::int64_t l = 0; l < plan.layer_count(); ++l)
    s.magazine[static_cast<std::size_t>(l)] = plan.layers[static_cast<std::size_t>(l)].magazine;
  // Salvo after salvo (docs/model.md §5): the magazines carry over, resupplied at each salvo's
  // start after the first up to capacity; the channels are free at each salvo's start. A
  // shared magazine is its owner's (an earlier layer), resupplied once.
  for (std::int64_t salvo = 0; salvo < plan.salvo_count(); ++salvo) {
    for (std::int64_t l = 0; l < plan.layer_count(); ++l) {
      const PlanLayer& layer = plan.layers[static_cast<std::size_t>(l)];
      std::int64_t& magazine = s.magazine[static_cast<std::size_t>(layer.source)];
      if (salvo > 0 && magazine >= 0 && layer.source == l) {
        magazine += std::min(layer.deliveries[static_cast<std::size_t>(salvo)], layer.capacity - magazine);
      }
      if (layout.per_salvo()) record[layout.salvo_magazine(salvo, l)] = magazine;
    }
    for (std::int64_t l = 0; l < plan.layer_count(); ++l) {
      const TimeRange range = make_requests(plan, salvo, l, seed, trial, s);
      const PlanLayer& layer = plan.layers[static_cast<std::size_t>(l)];
      // The unbound path where it may apply; where it failed lately, tried again only after a
      // pause that doubles with each failure in a row (up to 64 trials), so that a layer that
      // always binds (a saturating raid) pays for the attempt rarely. Either path gives the same
      // result, so this choice, which depends on the trials a thread ran before, changes none.
      std::uint32_t& pause = s.unbound_pause[static_cast<std::size_t>(l)];
      if (!layer.stock_aware && pause == 0 && s.try_unbound) {
        const bool served = layer.shoot_look_shoot
                                ? serve_unbound<true>(plan, salvo, l, seed, trial, s, record, range)
                                : serve_unbound<false>(plan, salvo, l, seed, trial, s, record, range);
        std::uint8_t& failures = s.unbound_failures[static_cast<std::size_t>(l)];
        failures = served ? 0 : static_cast<std::uint8_t>(std::min(failures + 1, 6));
        pause = (std::uint32_t{1} << failures) - 1;
        if (served) continue;
      } else if (pause > 0) {
        --pause;
      }
      order_requests(s, range);
      if (layer.stock_aware) {
        if (layer.any_shoot_look_shoot) {
          serve_requests<true, true>(plan, salvo, l, seed, trial, s, record);
        } else {
          serve_requests<false, true>(plan, salvo, l, seed, trial, s, record);
        }
      } else if (layer.shoot_look_shoot) {
        serve_requests<true, false>(plan, salvo, l, seed, trial, s, record);
      } else {
        serve_requests<false, false>(plan, salvo, l, seed, trial, s, record);
      }
    }
  }
  record_fates(plan, s, record, outcomes);
}

const char* kernel_draw_isa() { return isa_name(draw_isa); }

std::string draw_isa_problem() {
  const char* const asked = std::getenv(draw_isa_variable);
  if (asked == nullptr) return {};
  const auto& names = draw_isa_names;
  if (std::find(std::begin(names), std::end(names), std::string_view(asked)) != std::end(names)) return {};
  std::string problem = std::string(draw_isa_variable) + "=" + printable(asked) + ": must be one of";
  for (const char* name : names) problem += std::string(" ") + name;
  return problem + " (or unset)";
}

}  // namespace salvosim
