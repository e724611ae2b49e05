// What a run may take (limits.hpp): the memory estimate against what the code really
// allocates, compile() refusing a scenario that could not run at all, run_trials() refusing a
// run that would not fit (with what would), and the bound on threads. No test here allocates
// more than a few tens of megabytes: refusals happen before allocation.
#include "salvosim/limits.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <malloc.h>
#include <stdlib.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "salvosim/config.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/simulate.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t mib = std::int64_t{1} << 20;
constexpr std::int64_t gib = std::int64_t{1} << 30;

// `count` threats in one group against one layer (plus `layer_keys`).
std::string scenario_text(const std::string& count, const std::string& layer_keys = "") {
  return "[scenario]\nname = \"limits\"\n[[threat]]\nname = \"drone\"\nclass = \"uav\"\ncount = " + count +
         "\nlaunch = { start = 0.0, duration = 600.0 }\nflight_time = { mean = 600.0, sd = 30.0 }\n"
         "p_launch = 0.9\np_flight = 0.95\ndefended_fraction = 0.8\n"
         "[[layer]]\nname = \"gun\"\nfire_units = 4\nchannels = 2\nengagement_time = 5.0\n"
         "interceptors = \"unlimited\"\n" +
         layer_keys + "engages.uav = { pk = 0.5, window = { open = 300.0, close = 10.0 } }\n";
}

Plan plan_of(const std::string& count, std::int64_t max_memory = 0, const std::string& layer_keys = "") {
  return compile(load_scenario_string(scenario_text(count, layer_keys), "limits.toml"), max_memory);
}

// The same with declared tiers (docs/model.md §2.7), which add per-threat arrays of their own.
Plan tiered_plan_of(const std::string& count) {
  std::string text = scenario_text(count);
  const std::string aim = "defended_fraction = 0.8\n";
  text.replace(text.find(aim), aim.size(), "targets = { city = 0.8, field = 0.2 }\n");
  const std::string tiers = "[[tier]]\nname = \"city\"\nvalue = 1.0\n[[tier]]\nname = \"field\"\nvalue = 0.0\n";
  text.insert(text.find("[[threat]]"), tiers);
  return compile(load_scenario_string(text, "limits_tiers.toml"));
}

RunOptions options(std::int64_t trials, int threads, std::int64_t max_memory = 0) {
  RunOptions o;
  o.trials = trials;
  o.seed = 3;
  o.threads = threads;
  o.max_memory = max_memory;
  return o;
}

// Bytes the allocator has handed out and not taken back (arena and mmap).
std::int64_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<std::int64_t>(info.uordblks + info.hblkhd);
}

// Whether heap_in_use() sees allocations: glibc's allocator does; a sanitizer's (the debug
// preset's AddressSanitizer) replaces it and mallinfo2() then reports nothing.
bool heap_is_measured() {
  const std::int64_t before = heap_in_use();
  const auto block = std::make_unique<char[]>(std::size_t{1} << 20);
  asm volatile("" : : "r"(block.get()) : "memory");  // the block escapes: the compiler may not elide it
  return heap_in_use() - before >= (std::int64_t{1} << 20);
}

// ---- The estimate against the code ------------------------------------------------------------

// The per-threat part of the estimate is derived from KernelScratch's members: a real one must
// take what it says, within 2% (allocator headers and page rounding).
TEST(MemoryEstimate, KernelScratchTakesWhatTheEstimateSays) {
  if (!heap_is_measured()) GTEST_SKIP() << "mallinfo2() does not see this allocator (a sanitizer's)";
  for (const char* count : {"100000", "300000"}) {
    for (const bool tiers : {false, true}) {
      const Plan plan = tiers ? tiered_plan_of(count) : plan_of(count);
      ASSERT_EQ(plan.tiers_declared, tiers);
      const MemoryEstimate estimate = estimate_run_memory(plan, options(10, 1));
      const std::int64_t before = heap_in_use();
      auto scratch = std::make_unique<KernelScratch>(plan);
      const std::int64_t measured = heap_in_use() - before;
      EXPECT_NEAR(static_cast<double>(measured), static_cast<double>(estimate.scratch), 0.02 * estimate.scratch)
          << count << " threats" << (tiers ? " with tiers" : "") << ": measured " << measured << " bytes, estimated "
          << estimate.scratch;
    }
    const Plan plan = plan_of(count);
    const MemoryEstimate estimate = estimate_run_memory(plan, options(10, 1));
    // What the lead's probe of the release build measured: about 190 bytes a threat a thread.
    EXPECT_GT(estimate.scratch / std::stoll(count), 150);
    EXPECT_LT(estimate.scratch / std::stoll(count), 250);
  }
}

// The whole estimate is an upper bound of what a run holds: every worker's scratch and tallies,
// the summed tallies, the chunk buffers of per-trial output (measured between chunks, when all
// are alive).
TEST(MemoryEstimate, BoundsWhatARunHolds) {
  if (!heap_is_measured()) GTEST_SKIP() << "mallinfo2() does not see this allocator (a sanitizer's)";
  const Plan plan = plan_of("50000");
  RunOptions o = options(64, 2);
  o.keep_records = true;
  o.keep_outcomes = true;
  const MemoryEstimate estimate = estimate_run_memory(plan, o);
  const std::int64_t before = heap_in_use();
  std::int64_t most = 0;
  run_trials(
      plan, o, [](const TrialChunk&) {},
      [&](std::int64_t, std::int64_t) {
        most = std::max(most, heap_in_use() - before);
        return true;
      });
  EXPECT_GT(most, 0);
  EXPECT_LE(most, estimate.total() - estimate.plan);
  // Not wildly above it either: the per-threat scratch of two workers is most of it.
  EXPECT_GE(most, 2 * estimate.scratch * 9 / 10);
}

TEST(MemoryEstimate, GrowsWithThreadsAndOutput) {
  const Plan plan = plan_of("1000");
  const MemoryEstimate one = estimate_run_memory(plan, options(1000, 1));
  const MemoryEstimate four = estimate_run_memory(plan, options(1000, 4));
  EXPECT_EQ(four.total() - one.total(), 3 * one.per_worker);
  RunOptions whole = options(1000, 1);
  whole.keep_outcomes = true;
  whole.output_in_memory = true;  // Python's arrays: every trial's outcome of every threat
  EXPECT_GE(estimate_run_memory(plan, whole).output - one.output, 1000 * 1000 * std::int64_t{sizeof(ThreatOutcome)});
}

// ---- compile(): a scenario that could not run even on one thread -----------------------------

// count = 10^9 used to validate after 77 s and 11.7 GB; 4.29e9 was killed for want of memory.
// Now both are refused at once, at the group's count, before any per-threat table exists.
TEST(CompileLimits, AScenarioTooLargeToRunIsRefusedAtItsCount) {
  try {
    plan_of("1000000000", 8 * gib);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    ASSERT_EQ(error.problems().size(), 1u);
    EXPECT_EQ(error.problems()[0].key_path, "threat[0] \"drone\".count");
    EXPECT_EQ(error.problems()[0].line, 6);
    EXPECT_THAT(error.what(), HasSubstr("(1000000000 threats in 1 group) needs about"));
    EXPECT_THAT(error.what(), HasSubstr("more than the memory limit of 8.0 GiB"));
  }
  // The machine's own limit (whatever it is, far below the ~400 GB this needs).
  EXPECT_THROW(plan_of("2000000000"), ConfigError);
  // A limit just under what a scenario needs refuses it; the estimate itself lets it through.
  const Plan small = plan_of("100000");
  const std::int64_t need = estimate_run_memory(small, options(1, 1)).total();
  EXPECT_THROW(plan_of("100000", need - 1), ConfigError);
  EXPECT_NO_THROW(plan_of("100000", need));
}

// Each group and class has its statistics, rate histograms of 10001 bins among them: thousands
// of small groups are refused at the groups, not at a count.
TEST(CompileLimits, ManyGroupsAreRefusedAtTheGroups) {
  std::string text = "[scenario]\nname = \"many\"\n";
  for (int g = 0; g < 2000; ++g) {
    text +=
        "[[threat]]\nname = \"g" + std::to_string(g) +
        "\"\nclass = \"uav\"\ncount = 1\nlaunch = { start = 0.0, duration = 0.0 }\nflight_time = { mean = 600.0 }\n";
  }
  const Scenario scenario = load_scenario_string(text, "many.toml");
  try {
    compile(scenario, 256 * mib);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.problems().at(0).key_path, "threat");
    EXPECT_THAT(error.what(), HasSubstr("(2000 threats in 2000 groups) needs about"));
  }
  EXPECT_NO_THROW(compile(scenario, 4 * gib));
}

// The kill tables grow with shots, 16 bytes a shot for each group a layer engages.
TEST(CompileLimits, KillTablesTooLargeAreRefusedAtShots) {
  try {
    plan_of("10", 4 * mib, "shots = 1048576\n");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.problems().at(0).key_path, "layer[0] \"gun\".shots");
    EXPECT_THAT(error.what(), HasSubstr("the plan 16.0 MiB"));
  }
}

// A magazine of INT64_MAX validated, then `run` said "counts reach -9223372036854775808".
TEST(CompileLimits, CountsWhoseSquaresCannotFitAreRefusedAtTheirKey) {
  const auto refused_at = [](const std::string& layer_keys, const std::string& key, const std::string& reach) {
    try {
      plan_of("100", 0, layer_keys);
      ADD_FAILURE() << "no error for " << layer_keys;
    } catch (const ConfigError& error) {
      EXPECT_EQ(error.problems().at(0).key_path, "layer[0] \"gun\"." + key);
      EXPECT_THAT(error.what(), HasSubstr("one trial could count up to " + reach));
    }
  };
  const auto magazine = [](const std::string& n) { return "interceptors = " + n + "\n"; };
  // 100 threats, each engaged at most floor((300 - 10 - 5) / 5) + 2 = 59 times in its window, 2^20 shots each.
  refused_at("doctrine = \"shoot-look-shoot\"\nshots = 1048576\n", "max_engagements", "6186598400");
  // Under salvo doctrine each threat is engaged once: 100 x 2^20 fits, 3000 x 2^20 does not.
  EXPECT_NO_THROW(plan_of("100", 0, "shots = 1048576\n"));
  try {
    plan_of("3000", 0, "shots = 1048576\n");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.problems().at(0).key_path, "layer[0] \"gun\".shots");
    EXPECT_THAT(error.what(), HasSubstr("one trial could count up to 3145728000"));
  }
  for (const std::string& n : {std::to_string(std::numeric_limits<std::int64_t>::max()), std::string("3037000500")}) {
    std::string keys = scenario_text("100");
    keys.replace(keys.find("interceptors = \"unlimited\"\n"), 27, magazine(n));
    try {
      compile(load_scenario_string(keys, "limits.toml"));
      ADD_FAILURE() << "no error for interceptors = " << n;
    } catch (const ConfigError& error) {
      EXPECT_EQ(error.problems().at(0).key_path, "layer[0] \"gun\".interceptors");
      EXPECT_THAT(error.what(), HasSubstr("one trial could count up to " + n));
      EXPECT_THAT(error.what(), Not(HasSubstr("-9223372036854775808")));
    }
  }
  std::string fits = scenario_text("100");
  fits.replace(fits.find("interceptors = \"unlimited\"\n"), 27, magazine("3037000499"));
  EXPECT_NO_THROW(compile(load_scenario_string(fits, "limits.toml")));
}

// ---- run_trials(): threads and memory ----------------------------------------------------------

TEST(RunLimits, ThreadsAreBounded) {
  const Plan plan = plan_of("10");
  for (int threads : {max_threads + 1, 100000, std::numeric_limits<int>::max()}) {
    try {
      run_trials(plan, options(10, threads));
      ADD_FAILURE() << "no error for " << threads << " threads";
    } catch (const std::invalid_argument& error) {
      EXPECT_THAT(error.what(), HasSubstr("threads must be an integer in [0, 4096]"));
    }
    EXPECT_THROW(worker_count(threads), std::invalid_argument);
  }
  EXPECT_EQ(worker_count(max_threads), max_threads);
}

TEST(RunLimits, ARunThatDoesNotFitSaysHowManyThreadsWould) {
  const Plan plan = plan_of("100000");
  const MemoryEstimate two = estimate_run_memory(plan, options(100, 2));
  const std::int64_t limit = two.total() + two.per_worker / 2;  // two fit, three do not
  try {
    run_trials(plan, options(100, 16, limit));
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("for each of 16 threads for 100000 threats"));
    EXPECT_THAT(error.what(), HasSubstr("at most 2 threads fit"));
  }
  EXPECT_EQ(run_trials(plan, options(3, 2, limit)).trials, 3);
}

TEST(RunLimits, ARunThatDoesNotFitOnOneThreadSaysHowManyThreatsWould) {
  const Plan plan = plan_of("100000");
  try {
    run_trials(plan, options(100, 1, 4 * mib));
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("even one thread does not fit; a scenario of at most about"));
  }
}

TEST(RunLimits, WholeRunOutputIsCountedBeforeItIsAllocated) {
  const Plan plan = plan_of("1000");
  RunOptions o = options(max_trials_per_tally, 1);
  o.keep_outcomes = true;
  o.output_in_memory = true;  // 2^31 trials x 1000 threats: terabytes
  EXPECT_THROW(check_run_memory(plan, o), std::invalid_argument);
  o.output_in_memory = false;  // a chunk at a time: fits
  EXPECT_NO_THROW(check_run_memory(plan, o));
}

// ---- The limit and its spelling ----------------------------------------------------------------

TEST(MemoryLimit, ParsesSizes) {
  EXPECT_EQ(parse_memory_size("4096"), 4096);
  EXPECT_EQ(parse_memory_size("512M"), 512 * mib);
  EXPECT_EQ(parse_memory_size("8G"), 8 * gib);
  EXPECT_EQ(parse_memory_size("8GiB"), 8 * gib);
  EXPECT_EQ(parse_memory_size("1.5g"), 3 * gib / 2);
  EXPECT_EQ(parse_memory_size("2T"), 2048 * gib);
  for (const char* bad : {"", "G", "-1G", "0", "8X", "8 GB extra", "nan", "inf"}) {
    EXPECT_THROW(parse_memory_size(bad), std::invalid_argument) << bad;
  }
}

TEST(MemoryLimit, ComesFromTheRequestTheEnvironmentOrTheMachine) {
  EXPECT_GT(machine_memory(), 64 * mib);
  EXPECT_EQ(memory_limit(12345), 12345);
  ::setenv("SALVOSIM_MAX_MEMORY", "3G", 1);
  EXPECT_EQ(memory_limit(), 3 * gib);
  EXPECT_EQ(memory_limit(12345), 12345);
  ::setenv("SALVOSIM_MAX_MEMORY", "lots", 1);
  try {
    memory_limit();
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("SALVOSIM_MAX_MEMORY"));
  }
  ::unsetenv("SALVOSIM_MAX_MEMORY");
  EXPECT_EQ(memory_limit(), machine_memory());
}

TEST(MemoryLimit, FormatsBytes) {
  EXPECT_EQ(format_bytes(512), "512 bytes");
  EXPECT_EQ(format_bytes(3 * mib / 2), "1.5 MiB");
  EXPECT_EQ(format_bytes(8 * gib), "8.0 GiB");
  EXPECT_EQ(format_bytes(std::numeric_limits<std::int64_t>::max()), "more than 8 EiB");
}

}  // namespace
}  // namespace salvosim
