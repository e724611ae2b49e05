// What the kernel tests (kernel_*_test.cpp) share: scenarios as TOML built from small structs,
// running them, reading estimates from the results, the one statistical check, and the closed
// forms of MODEL.md §4.
//
// Statistical checks compare a Monte Carlo mean with its closed form within `tolerance_se`
// standard errors of that mean (the SE summarize() reports, from the exact integer sums).
// At a fixed seed each check is deterministic; the tolerance only matters when a legitimate
// change of the random streams changes the draws. 4.5 SE: for a normal estimate the
// two-sided probability of |z| > 4.5 is 6.8e-6, so the ~110 statistical checks of the kernel
// tests would all pass after such a change with probability > 0.999, while a wrong formula is tens
// or hundreds of SE away (the tests show it for several plausible wrong formulas).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/simulate.hpp"

namespace salvosim::kernel_test {

inline constexpr double tolerance_se = 4.5;

// ---------------------------------------------------------------------------------------
// Scenarios as TOML text (MODEL.md §6), built from small structs with test-friendly defaults.

// The shortest decimal text that reads back as exactly `x`, always with a decimal point or an
// exponent so that TOML sees a float.
inline std::string num(double x) {
  char buffer[40];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, x);
    if (std::strtod(buffer, nullptr) == x) break;
  }
  std::string text = buffer;
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// Defaults: launched over [0, 100] s, flight 1000 ± 50 s, so every window below (open ≤ 900)
// opens after launch and there is always time for every engagement.
struct GroupToml {
  std::string name = "missile";
  std::string threat_class = "missile";
  std::int64_t count = 20;
  std::string launch = "{ start = 0.0, duration = 100.0 }";
  std::string flight_time = "{ mean = 1000.0, sd = 50.0 }";
  double p_launch = 1.0;
  double p_flight = 1.0;
  double defended_fraction = 1.0;

  // `header`: "threat", or "salvo.threat" for a group of a campaign's salvo.
  std::string toml(const std::string& header = "threat") const {
    return "[[" + header + "]]\nname = \"" + name + "\"\nclass = \"" + threat_class +
           "\"\ncount = " + std::to_string(count) + "\nlaunch = " + launch + "\nflight_time = " + flight_time +
           "\np_launch = " + num(p_launch) + "\np_flight = " + num(p_flight) +
           "\ndefended_fraction = " + num(defended_fraction) + "\n\n";
  }
};

struct EngagesToml {
  std::string target = "missile";
  double pk = 0.5;
  double detect = 1.0;
  double open = 500.0;
  double close = 0.0;
};

// Defaults: "unlimited" channels (the kernel allocates only as many channels as there are
// eligible threats, so a million costs nothing), an unlimited magazine and a short
// engagement: every engagement fits its window.
struct LayerToml {
  std::string name = "layer";
  std::int64_t fire_units = 1000000;
  std::int64_t channels = 1;
  double engagement_time = 1.0;
  std::string interceptors = "\"unlimited\"";  // not written when empty (a shared magazine)
  std::int64_t shots = 1;
  bool shoot_look_shoot = false;
  double look_time = 1.0;  // written only under shoot-look-shoot
  std::optional<std::int64_t> max_engagements;
  double kill_assessment = 1.0;
  bool point_defense = false;
  double coverage = 1.0;
  std::vector<EngagesToml> engages = {EngagesToml{}};
  std::int64_t resupply = 0;             // written only when not 0
  std::optional<std::int64_t> capacity;  // written only when set
  std::string extra;                     // more keys of the layer, written before its engages (e.g. "reserve = 3\n")
  std::string rations;                   // [[layer.ration]] tables, written after every key of the layer

  std::string toml() const {
    std::string text = "[[layer]]\nname = \"" + name + "\"\nfire_units = " + std::to_string(fire_units) +
                       "\nchannels = " + std::to_string(channels) + "\nengagement_time = " + num(engagement_time) +
                       (interceptors.empty() ? std::string() : "\ninterceptors = " + interceptors) +
                       (resupply != 0 ? "\nresupply = " + std::to_string(resupply) : std::string()) +
                       (capacity ? "\ncapacity = " + std::to_string(*capacity) : std::string()) +
                       "\nshots = " + std::to_string(shots) +
                       "\npoint_defense = " + (point_defense ? "true" : "false") + "\ncoverage = " + num(coverage) +
                       "\n" + extra;
    if (shoot_look_shoot) {
      text += "doctrine = \"shoot-look-shoot\"\nlook_time = " + num(look_time) +
              "\nkill_assessment = " + num(kill_assessment) + "\n";
      if (max_engagements) text += "max_engagements = " + std::to_string(*max_engagements) + "\n";
    }
    for (const EngagesToml& e : engages) {
      text += "engages." + e.target + " = { pk = " + num(e.pk) + ", detect = " + num(e.detect) +
              ", window = { open = " + num(e.open) + ", close = " + num(e.close) + " } }\n";
    }
    return text + rations + "\n";
  }
};

inline std::string scenario_toml(const std::vector<GroupToml>& groups, const std::vector<LayerToml>& layers) {
  std::string text = "[scenario]\nname = \"kernel-test\"\n\n";
  for (const GroupToml& g : groups) text += g.toml();
  for (const LayerToml& l : layers) text += l.toml();
  return text;
}

inline Plan plan_of(const std::vector<GroupToml>& groups, const std::vector<LayerToml>& layers) {
  return compile(load_scenario_string(scenario_toml(groups, layers), "kernel_test"));
}

// A campaign (MODEL.md §5): salvos named "s0", "s1", ... starting at `starts`, each with its groups.
struct SalvoToml {
  double start = 0.0;
  std::vector<GroupToml> groups;
};
inline std::string campaign_toml(const std::vector<SalvoToml>& salvos, const std::vector<LayerToml>& layers) {
  std::string text = "[scenario]\nname = \"kernel-test\"\n\n";
  for (std::size_t s = 0; s < salvos.size(); ++s) {
    text += "[[salvo]]\nname = \"s" + std::to_string(s) + "\"\nstart = " + num(salvos[s].start) + "\n\n";
    for (const GroupToml& g : salvos[s].groups) text += g.toml("salvo.threat");
  }
  for (const LayerToml& l : layers) text += l.toml();
  return text;
}
inline Plan campaign_plan_of(const std::vector<SalvoToml>& salvos, const std::vector<LayerToml>& layers) {
  return compile(load_scenario_string(campaign_toml(salvos, layers), "kernel_test"));
}

// ---------------------------------------------------------------------------------------
// Running and reading results.

inline Results run(const Plan& plan, std::int64_t trials, std::uint64_t seed) {
  RunOptions options;
  options.trials = trials;
  options.seed = seed;
  options.threads = 0;
  return summarize(plan, run_trials(plan, options), RunInfo{});
}

// Calls check(trial, record, outcomes) for every trial, in trial order.
using RecordCheck = std::function<void(std::uint64_t, const std::int64_t*, const ThreatOutcome*)>;
inline void for_each_trial(const Plan& plan, std::int64_t trials, std::uint64_t seed, const RecordCheck& check) {
  RunOptions options;
  options.trials = trials;
  options.seed = seed;
  options.threads = 0;
  options.keep_records = true;
  options.keep_outcomes = true;
  const std::int64_t record_size = plan.layout.size();
  std::int64_t seen = 0;
  run_trials(plan, options, [&](const TrialChunk& chunk) {
    for (std::int64_t k = 0; k < chunk.trials; ++k) {
      check(chunk.first_trial + static_cast<std::uint64_t>(k), chunk.records + k * record_size,
            chunk.outcomes + k * plan.threat_count());
    }
    seen += chunk.trials;
  });
  ASSERT_EQ(seen, trials);
}

// Every trial's record and outcomes, concatenated in trial order.
struct TrialData {
  std::vector<std::int64_t> records;
  std::vector<std::int8_t> fates;
  std::vector<std::int16_t> killers;
  std::vector<std::int8_t> tiers;

  // Appends one trial's record and outcomes.
  void add(const Plan& plan, const std::int64_t* record, const ThreatOutcome* outcomes) {
    records.insert(records.end(), record, record + plan.layout.size());
    for (std::int64_t i = 0; i < plan.threat_count(); ++i) {
      fates.push_back(outcomes[i].fate);
      killers.push_back(outcomes[i].intercept_layer);
      tiers.push_back(outcomes[i].tier);
    }
  }
};
inline TrialData trial_data(const Plan& plan, std::int64_t trials, std::uint64_t seed) {
  TrialData data;
  for_each_trial(plan, trials, seed, [&](std::uint64_t, const std::int64_t* record, const ThreatOutcome* outcomes) {
    data.add(plan, record, outcomes);
  });
  return data;
}

struct Estimate {
  double mean = 0.0;
  double se = 0.0;
};

inline std::int64_t selection(const Results& r, const std::string& label) { return r.index("selection", label); }

inline Estimate fate(const Results& r, const std::string& sel, Fate f) {
  const std::int64_t s = selection(r, sel);
  const auto k = static_cast<std::int64_t>(f);
  return {r.value("fate_mean", {s, k}), r.value("fate_se", {s, k})};
}

inline Estimate intercepts(const Results& r, const std::string& sel, std::int64_t layer) {
  const std::int64_t s = selection(r, sel);
  return {r.value("intercepts_mean", {s, layer}), r.value("intercepts_se", {s, layer})};
}

inline Estimate engaged(const Results& r, const std::string& sel) {
  const std::int64_t s = selection(r, sel);
  return {r.value("engaged_mean", {s}), r.value("engaged_se", {s})};
}

inline Estimate layer_metric(const Results& r, std::int64_t layer, LayerMetric m) {
  const auto k = static_cast<std::int64_t>(m);
  return {r.value("layer_mean", {layer, k}), r.value("layer_se", {layer, k})};
}

inline Estimate rate(const Results& r, const std::string& sel, Rate which) {
  const std::int64_t s = selection(r, sel);
  const auto k = static_cast<std::int64_t>(which);
  return {r.value("rate_mean", {s, k}), r.value("rate_se", {s, k})};
}

inline std::int64_t layer_sum(const Results& r, std::int64_t layer, LayerMetric m) {
  const DataArray& a = r.array("layer_sum");
  return a.integers[static_cast<std::size_t>(a.offset({layer, static_cast<std::int64_t>(m)}))];
}

// The one statistical check of the kernel tests: |estimate - expected| <= tolerance_se SE. When the
// closed form is 0 or certain the SE is 0 and the estimate must be exact (up to rounding).
inline void expect_within_se(const std::string& what, const Estimate& estimate, double expected) {
  const double slack = 1e-12 * std::max(1.0, std::abs(expected));
  EXPECT_LE(std::abs(estimate.mean - expected), tolerance_se * estimate.se + slack)
      << what << ": estimate " << estimate.mean << " ± " << estimate.se << " (SE), closed form " << expected
      << ", off by " << (estimate.mean - expected) / estimate.se << " SE";
}

// How many SE `wrong` is from the estimate: used to show that a check can fail.
inline double distance_in_se(const Estimate& estimate, double wrong) {
  return std::abs(estimate.mean - wrong) / estimate.se;
}

// A plausibly wrong formula must be clearly out of tolerance, or the check proves nothing.
inline constexpr double wrong_formula_min_se = 20.0;

// ---------------------------------------------------------------------------------------
// Closed forms of MODEL.md §4.

// P(B = k) for B ~ Binomial(n, p).
inline double binomial_pmf(std::int64_t n, double p, std::int64_t k) {
  const double log_choose = std::lgamma(static_cast<double>(n) + 1.0) - std::lgamma(static_cast<double>(k) + 1.0) -
                            std::lgamma(static_cast<double>(n - k) + 1.0);
  return std::exp(log_choose + static_cast<double>(k) * std::log(p) + static_cast<double>(n - k) * std::log1p(-p));
}

inline double salvo_survival(double pk, std::int64_t shots) { return std::pow(1.0 - pk, static_cast<double>(shots)); }

// S_1 = Q, S_m = Q·((1 − a) + a·S_{m−1}).
inline double sls_survival_recursive(double q_salvo, double a, std::int64_t m) {
  double s = q_salvo;
  for (std::int64_t k = 2; k <= m; ++k) s = q_salvo * ((1.0 - a) + a * s);
  return s;
}

// S_m = Q·(1 − a)·Σ_{j=0}^{m−2} (a·Q)^j + Q·(a·Q)^{m−1}.
inline double sls_survival_sum(double q_salvo, double a, std::int64_t m) {
  double sum = 0.0;
  for (std::int64_t j = 0; j <= m - 2; ++j) sum += std::pow(a * q_salvo, static_cast<double>(j));
  return q_salvo * (1.0 - a) * sum + q_salvo * std::pow(a * q_salvo, static_cast<double>(m - 1));
}

// The (k+1)-th engagement happens if the k-th left the threat alive and it was correctly
// assessed: E[engagements] = Σ_{j=0}^{m−1} (a·Q)^j.
inline double sls_mean_engagements(double q_salvo, double a, std::int64_t m) {
  double sum = 0.0;
  for (std::int64_t j = 0; j < m; ++j) sum += std::pow(a * q_salvo, static_cast<double>(j));
  return sum;
}

}  // namespace salvosim::kernel_test
