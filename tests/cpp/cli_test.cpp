// The `salvosim` command as a user meets it: exit codes (0 success, 2 bad input, 1 other
// failure), messages, the JSON contract, and same seed -> same output whatever --threads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include "salvosim/hdf5_io.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/sweep_file.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

// Runs a shell command line and collects what it printed.
Outcome salvosim_command(const std::string& command_line) {
  const std::string command = command_line + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {};
  Outcome outcome;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) outcome.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}
// Runs the salvosim program with `arguments` (shell syntax).
Outcome salvosim(const std::string& arguments) { return salvosim_command(std::string(SALVOSIM_EXE) + " " + arguments); }

// The same with an environment variable set (`NAME=value`).
Outcome salvosim_with_environment(const std::string& assignment, const std::string& arguments) {
  return salvosim_command(assignment + " " + std::string(SALVOSIM_EXE) + " " + arguments);
}

std::string config(const std::string& name) { return std::string(SALVOSIM_CONFIGS_DIR) + "/" + name; }
std::string test_config(const std::string& name) { return std::string(SALVOSIM_TEST_DATA_DIR) + "/configs/" + name; }

fs::path temp_dir() {
  fs::path dir = fs::temp_directory_path() / ("salvosim_cli_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

TEST(Cli, VersionAndHelpSucceed) {
  const Outcome version = salvosim("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("salvosim 0."));
  EXPECT_THAT(version.out, HasSubstr(std::string("kernel loops on ") + salvosim::kernel_draw_isa()));
  for (const char* help : {"--help", "run --help", "validate --help"}) {
    const Outcome outcome = salvosim(help);
    EXPECT_EQ(outcome.exit_code, 0) << help;
    EXPECT_THAT(outcome.out, HasSubstr("Usage")) << help;
  }
}

TEST(Cli, RunsTheDefaultScenarioWithoutArguments) {
  const Outcome outcome = salvosim("run --trials 200");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.out;
  EXPECT_THAT(outcome.out, HasSubstr("true-promise-1"));
  EXPECT_THAT(outcome.out, HasSubstr("Interception rates"));
}

TEST(Cli, PrintsTheTableForAConfig) {
  const Outcome outcome = salvosim("run " + config("example.toml") + " --trials 500 --seed 7");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out;
  for (const char* expected : {"shahed", "mrbm", "upper-tier", "short-range", "leaked_defended", "missed_magazine",
                               "threatening", "interceptor cost"}) {
    EXPECT_THAT(outcome.out, HasSubstr(expected));
  }
}

TEST(Cli, JsonHasTheDocumentedKeys) {
  const Outcome outcome = salvosim("run " + config("example.toml") + " --trials 300 --seed 7 --json");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out;
  for (const char* key : {"\"salvosim_version\"", "\"scenario\": \"example\"", "\"trials\": 300", "\"seed\": 7",
                          "\"groups\"", "\"shahed\": {\"launch_failure\": {\"mean\"", "\"leaked_open\"", "\"layers\"",
                          "\"upper-tier\": {\"engagements\"", "\"missed_no_channel\"", "\"missed_magazine\"",
                          "\"cost\"", "\"rates\"", "\"threatening\"", "\"ci95\": ["}) {
    EXPECT_THAT(outcome.out, HasSubstr(key));
  }
}

TEST(Cli, SameSeedSameOutputWhateverTheThreads) {
  const std::string run = "run " + config("example.toml") + " --trials 3000 --seed 11 --json --threads ";
  const Outcome one = salvosim(run + "1");
  const Outcome two = salvosim(run + "2");
  const Outcome eight = salvosim(run + "8");
  ASSERT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.out, eight.out);
  const Outcome other_seed = salvosim("run " + config("example.toml") + " --trials 3000 --seed 12 --json");
  EXPECT_NE(one.out, other_seed.out);
}

TEST(Cli, SameSeedSameFileContentsWhateverTheThreads) {
  const fs::path dir = temp_dir();
  const std::string base = "run " + config("example.toml") + " --trials 2000 --seed 3 --per-trial --per-threat --out ";
  ASSERT_EQ(salvosim(base + (dir / "a.h5").string() + " --threads 1").exit_code, 0);
  ASSERT_EQ(salvosim(base + (dir / "b.h5").string() + " --threads 2").exit_code, 0);
  const Results a = read_results((dir / "a.h5").string());
  const Results b = read_results((dir / "b.h5").string());
  ASSERT_EQ(a.arrays.size(), b.arrays.size());
  for (std::size_t k = 0; k < a.arrays.size(); ++k) {
    EXPECT_EQ(a.arrays[k].values.size(), b.arrays[k].values.size());
    for (std::size_t i = 0; i < a.arrays[k].values.size(); ++i) {
      const double x = a.arrays[k].values[i], y = b.arrays[k].values[i];
      EXPECT_TRUE((std::isnan(x) && std::isnan(y)) || x == y) << a.arrays[k].name;
    }
    EXPECT_EQ(a.arrays[k].integers, b.arrays[k].integers) << a.arrays[k].name;
  }
  // The per-trial data must be identical too: compare the files' bytes with h5dump's data.
  const std::string dump = "h5dump -d /per_trial/fates -d /per_threat/fate ";
  auto dump_of = [&](const fs::path& file) {
    std::string text;
    FILE* pipe = popen((dump + file.string() + " 2>&1 | tail -n +2").c_str(), "r");
    std::array<char, 4096> buffer;
    std::size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
    pclose(pipe);
    return text;
  };
  EXPECT_EQ(dump_of(dir / "a.h5"), dump_of(dir / "b.h5"));
  fs::remove_all(dir);
}

// A campaign: the documented keys and "salvos" in JSON, the same output whatever the threads,
// and validate says how many salvos.
TEST(Cli, CampaignRunsAndValidates) {
  const std::string run = "run " + config("campaign_example.toml") + " --trials 500 --seed 5 --json --threads ";
  const Outcome one = salvosim(run + "1");
  ASSERT_EQ(one.exit_code, 0) << one.out;
  for (const char* key : {"\"groups\"", "\"classes\"", "\"total\"", "\"layers\"", "\"rates\"", "\"group_rates\"",
                          "\"salvos\": {\"night-1\": {\"start\": 0, ", "\"night-3\": {\"start\": 172800, ",
                          "\"magazine\": {\"mean\": 48, \"se\": 0}"}) {
    EXPECT_THAT(one.out, HasSubstr(key));
  }
  EXPECT_EQ(one.out, salvosim(run + "2").out);
  const Outcome valid = salvosim("validate " + config("campaign_example.toml"));
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
  EXPECT_THAT(valid.out, HasSubstr("a campaign of 3 salvos, 5 threat groups (190 threats)"));
}

TEST(Cli, ValidateAcceptsAGoodConfig) {
  const Outcome outcome = salvosim("validate " + config("example.toml"));
  EXPECT_EQ(outcome.exit_code, 0) << outcome.out;
  EXPECT_THAT(outcome.out, HasSubstr("valid"));
}

// The sourced scenarios carry a [published] table, which the loader reads and checks; the
// June 2025 prediction is a campaign of 12 salvos.
TEST(Cli, ValidateAcceptsTheSourcedConfigs) {
  for (const char* name : {"true_promise_1.toml", "true_promise_2.toml", "june_2025.toml"}) {
    const Outcome outcome = salvosim(std::string("validate ") + config(name));
    EXPECT_EQ(outcome.exit_code, 0) << name << "\n" << outcome.out;
    EXPECT_THAT(outcome.out, HasSubstr("valid"));
  }
}

TEST(Cli, BadConfigsExitWithTwoAndSayWhereAndWhat) {
  const Outcome missing = salvosim("validate /nonexistent/scenario.toml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.out, HasSubstr("/nonexistent/scenario.toml"));

  const Outcome malformed = salvosim("run " + test_config("malformed.toml"));
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_THAT(malformed.out, HasSubstr("malformed.toml:"));

  const Outcome several = salvosim("validate " + test_config("several_errors.toml"));
  EXPECT_EQ(several.exit_code, 2);
  EXPECT_THAT(several.out, HasSubstr("several_errors.toml:"));

  const Outcome empty = salvosim("run " + test_config("empty.toml"));
  EXPECT_EQ(empty.exit_code, 2);
}

TEST(Cli, BadArgumentsExitWithTwo) {
  for (const char* arguments :
       {"", "frobnicate", "run --trials 0", "run --trials -5", "run --trials many", "run --threads -1", "run --seed -3",
        "run --per-trial", "validate", "run --no-such-flag"}) {
    const Outcome outcome = salvosim(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << "salvosim " << arguments << "\n" << outcome.out;
  }
}

TEST(Cli, AMisspeltCommandOrFlagGetsADidYouMean) {
  struct Case {
    const char* arguments;
    const char* suggestion;
  };
  for (const Case& c : {
           Case{"rnu", "salvosim: unknown command \"rnu\" (did you mean \"run\"?)"},
           Case{"swep configs/sweep.toml", "salvosim: unknown command \"swep\" (did you mean \"sweep\"?)"},
           Case{"run --trails 5", "salvosim: unknown option \"--trails\" (did you mean \"--trials\"?)"},
           Case{"run --trails=5", "salvosim: unknown option \"--trails\" (did you mean \"--trials\"?)"},
           Case{"run --seed 3 --thread 2", "salvosim: unknown option \"--thread\" (did you mean \"--threads\"?)"},
           Case{"sweep s.toml --out o.h5 --resmue",
                "salvosim: unknown option \"--resmue\" (did you mean \"--resume\"?)"},
           Case{"merge --ot o.h5 a.h5", "salvosim: unknown option \"--ot\" (did you mean \"--out\"?)"},
       }) {
    const Outcome outcome = salvosim(c.arguments);
    EXPECT_EQ(outcome.exit_code, 2) << "salvosim " << c.arguments << "\n" << outcome.out;
    EXPECT_THAT(outcome.out, HasSubstr(c.suggestion)) << "salvosim " << c.arguments;
  }
  // Nothing close: CLI11's own message alone, no guess.
  for (const char* arguments : {"frobnicate", "run --no-such-flag", "run --trials -5"}) {
    const Outcome outcome = salvosim(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << "salvosim " << arguments << "\n" << outcome.out;
    EXPECT_THAT(outcome.out, ::testing::Not(HasSubstr("did you mean"))) << "salvosim " << arguments;
  }
}

TEST(Cli, AnUnwritableOutputFileIsAFailureAndLeavesNothing) {
  const Outcome outcome = salvosim("run " + config("example.toml") + " --trials 100 --out /nonexistent-dir/run.h5");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.out;
  EXPECT_THAT(outcome.out, HasSubstr("/nonexistent-dir/run.h5"));
}

TEST(Cli, WritesAFileThatReadsBack) {
  const fs::path dir = temp_dir();
  const fs::path file = dir / "run.h5";
  const Outcome outcome = salvosim("run " + config("example.toml") + " --trials 1000 --seed 7 --out " + file.string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out;
  const Results results = read_results(file.string());
  EXPECT_EQ(results.info.trials, 1000);
  EXPECT_EQ(results.info.seed, 7u);
  EXPECT_EQ(results.info.scenario_name, "example");
  EXPECT_THAT(results.info.scenario_text, HasSubstr("[[layer]]"));
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path(), file) << "left behind: " << entry.path();
  }
  fs::remove_all(dir);
}

// ---------------------------------------------------------------------------------------
// sweep and merge (byte-identical results across ways of running: tests/python/test_sweep_files.py)

// A small sweep file in `dir` over the example scenario; `more` is added to [sweep].
std::string write_sweep_file(const fs::path& dir, const std::string& name, const std::string& more = "") {
  const fs::path path = dir / name;
  std::ofstream(path) << "[sweep]\nname = \"cli\"\nbase = \"" << config("example.toml") << "\"\ntrials = 300\n"
                      << more << "\n[[axis]]\npath = \"threat.shahed.count\"\nvalues = [5, 10, 15]\n";
  return path.string();
}

TEST(Cli, SweepAndMergeHaveHelp) {
  for (const char* help : {"sweep --help", "merge --help"}) {
    const Outcome outcome = salvosim(help);
    EXPECT_EQ(outcome.exit_code, 0) << help;
    EXPECT_THAT(outcome.out, HasSubstr("Usage")) << help;
  }
  EXPECT_THAT(salvosim("sweep --help").out, HasSubstr("--resume"));
}

TEST(Cli, SweepWritesAFileAndCleansUpItsCheckpoints) {
  const fs::path dir = temp_dir();
  const std::string sweep = write_sweep_file(dir, "sweep.toml");
  const fs::path out = dir / "sweep.h5";
  const Outcome outcome = salvosim("sweep " + sweep + " --out " + out.string() + " --threads 1");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out;
  EXPECT_THAT(outcome.out, HasSubstr("sweep \"cli\": grid 3, on 1 process of 1 thread"));
  const SweepResults results = read_sweep(out.string());
  EXPECT_EQ(results.points.size(), 3u);
  EXPECT_FALSE(fs::exists(out.string() + ".checkpoint"));
  fs::remove_all(dir);
}

TEST(Cli, BadSweepsAndArgumentsExitWithTwoAndSayWhat) {
  const fs::path dir = temp_dir();
  const std::string good = write_sweep_file(dir, "good.toml");
  const std::string out = " --out " + (dir / "out.h5").string();

  const Outcome bad = salvosim("sweep " + write_sweep_file(dir, "bad.toml", "mode = \"gird\"") + out);
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_THAT(bad.out, HasSubstr("salvosim: invalid sweep:"));
  EXPECT_THAT(bad.out, HasSubstr("bad.toml:5:8: sweep.mode:"));

  const Outcome point = salvosim("sweep " +
                                 write_sweep_file(dir, "point.toml",
                                                  "seed = 1\n[[axis]]\npath = "
                                                  "\"layer.upper-tier.shots\"\n"
                                                  "values = [0]") +
                                 out);
  EXPECT_EQ(point.exit_code, 2) << point.out;
  EXPECT_THAT(point.out, HasSubstr("axis[0] \"layer.upper-tier.shots\": at point 0 (layer.upper-tier.shots = 0, "
                                   "threat.shahed.count = 5)"));

  for (const char* shard : {"3/2", "0/2", "1", "x/y"}) {
    const Outcome outcome = salvosim("sweep " + good + out + " --shard " + shard);
    EXPECT_EQ(outcome.exit_code, 2) << shard << "\n" << outcome.out;
    EXPECT_THAT(outcome.out, HasSubstr("shard")) << shard;
  }
  EXPECT_THAT(salvosim("sweep " + good + out + " --shard 3/2").out, HasSubstr("shard 3/2 does not exist"));
  for (const std::string& arguments :
       {std::string("sweep"), "sweep " + good, "sweep /no/such.toml" + out, "sweep " + good + out + " --threads -1",
        std::string("merge"), "merge " + good}) {
    const Outcome outcome = salvosim(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << "salvosim " << arguments << "\n" << outcome.out;
  }
  fs::remove_all(dir);
}

TEST(Cli, MergeRefusesMissingForeignAndRepeatedShards) {
  const fs::path dir = temp_dir();
  const std::string sweep = write_sweep_file(dir, "sweep.toml");
  const std::string other = write_sweep_file(dir, "other.toml", "seed = 2");
  for (int i = 1; i <= 2; ++i) {
    for (const std::string& name : {std::string("sweep"), std::string("other")}) {
      const std::string file = (dir / (name + std::to_string(i) + ".h5")).string();
      const Outcome outcome = salvosim("sweep " + (dir / (name + ".toml")).string() + " --out " + file + " --shard " +
                                       std::to_string(i) + "/2");
      ASSERT_EQ(outcome.exit_code, 0) << outcome.out;
    }
  }
  const auto merge = [&](const std::string& shards) {
    return salvosim("merge " + shards + " --out " + (dir / "merged.h5").string());
  };
  const std::string s1 = (dir / "sweep1.h5").string(), s2 = (dir / "sweep2.h5").string();
  const std::string o2 = (dir / "other2.h5").string();

  const Outcome missing = merge(s1);
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
  EXPECT_THAT(missing.out, HasSubstr("shard 2 of 2 is missing"));
  const Outcome foreign = merge(s1 + " " + o2);
  EXPECT_EQ(foreign.exit_code, 2) << foreign.out;
  EXPECT_THAT(foreign.out, HasSubstr("shards of different sweeps: " + s1));
  const Outcome twice = merge(s1 + " " + s1 + " " + s2);
  EXPECT_EQ(twice.exit_code, 2) << twice.out;
  EXPECT_THAT(twice.out, HasSubstr("shard 1 of 2 is given twice"));
  const Outcome absent = merge(s1 + " " + (dir / "nothing.h5").string());
  EXPECT_EQ(absent.exit_code, 2) << absent.out;
  EXPECT_THAT(absent.out, HasSubstr("nothing.h5: no such file"));
  EXPECT_FALSE(fs::exists(dir / "merged.h5"));

  const Outcome merged = merge(s2 + " " + s1);
  ASSERT_EQ(merged.exit_code, 0) << merged.out;
  EXPECT_EQ(read_sweep((dir / "merged.h5").string()).points.size(), 3u);
  fs::remove_all(dir);
}

TEST(Cli, ACheckpointNeedsResumeAndAnUnwritableOutputIsAFailure) {
  const fs::path dir = temp_dir();
  const std::string sweep = write_sweep_file(dir, "sweep.toml");
  const fs::path out = dir / "sweep.h5";
  fs::create_directories(out.string() + ".checkpoint");
  std::ofstream(out.string() + ".checkpoint/point-00000001.h5") << "left by a killed run";
  const Outcome refused = salvosim("sweep " + sweep + " --out " + out.string());
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  EXPECT_THAT(refused.out, HasSubstr("holds points of an earlier run: run again with --resume"));

  const Outcome unwritable = salvosim("sweep " + sweep + " --out /nonexistent-dir/sweep.h5");
  EXPECT_EQ(unwritable.exit_code, 1) << unwritable.out;
  EXPECT_THAT(unwritable.out, HasSubstr("/nonexistent-dir/sweep.h5"));
  fs::remove_all(dir);
}

// ---- Hostile input: each ends with exit 2 and a message naming what, never a signal ----------

// A copy of configs/example.toml with the first `from` replaced by `to`, written to `dir`.
std::string edited_example(const fs::path& dir, const std::string& name, const std::string& from,
                           const std::string& to) {
  std::ifstream in(config("example.toml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  const fs::path path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(Cli, CountsThatOverflowOrCannotFitAreRefusedByValidateAndRun) {
  const fs::path dir = temp_dir();
  // [file, what the message must say]; each used to validate, then crash `run` or take all memory.
  const std::pair<std::string, std::string> cases[] = {
      {edited_example(dir, "channels.toml", "channels = 4", "channels = 4611686018427387904"),
       "\"upper-tier\".channels: fire_units x channels = 2 x 4611686018427387904 is more than 2^63 - 1"},
      {edited_example(dir, "shots.toml", "shots = 2", "shots = 9223372036854775807"),
       "\"upper-tier\".shots: must be <= 2^20"},
      {edited_example(dir, "count.toml", "count = 50", "count = 300000000"),
       "\"shahed\".count: this scenario (300000030 threats in 2 groups) needs about"},
      {edited_example(dir, "magazine.toml", "interceptors = 48", "interceptors = 9223372036854775807"),
       "\"upper-tier\".interceptors: one trial could count up to 9223372036854775807"},
  };
  for (const auto& [file, message] : cases) {
    // Whatever the machine, no case may get far enough to allocate: 8G is far below the count's need.
    for (const std::string command : {"validate --max-memory 8G ", "run --trials 10 --max-memory 8G "}) {
      const Outcome outcome = salvosim(command + file);
      EXPECT_EQ(outcome.exit_code, 2) << command << file << "\n" << outcome.out;
      EXPECT_THAT(outcome.out, HasSubstr(message)) << command << file;
    }
  }
  fs::remove_all(dir);
}

TEST(Cli, ThreadsAreBoundedOnEveryCommand) {
  const Outcome run = salvosim("run --trials 10 --threads 100000");
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_THAT(run.out, HasSubstr("4096"));
  const fs::path dir = temp_dir();
  const Outcome sweep = salvosim("sweep " + write_sweep_file(dir, "sweep.toml") + " --out " + (dir / "s.h5").string() +
                                 " --threads 4097");
  EXPECT_EQ(sweep.exit_code, 2) << sweep.out;
  EXPECT_THAT(sweep.out, HasSubstr("4096"));
  EXPECT_FALSE(fs::exists(dir / "s.h5"));
  fs::remove_all(dir);
}

TEST(Cli, MaxMemoryRefusesARunThatWouldNotFitAndSaysWhatWould) {
  const Outcome tiny = salvosim("validate " + config("large_raid.toml") + " --max-memory 1M");
  EXPECT_EQ(tiny.exit_code, 2) << tiny.out;
  EXPECT_THAT(tiny.out, HasSubstr("more than the memory limit of 1.0 MiB"));
  const Outcome threads = salvosim("run " + config("large_raid.toml") + " --trials 10 --threads 64 --max-memory 40M");
  EXPECT_EQ(threads.exit_code, 2) << threads.out;
  EXPECT_THAT(threads.out, HasSubstr("threads fit"));
  const Outcome from_environment =
      salvosim_with_environment("SALVOSIM_MAX_MEMORY=1M", "run " + config("large_raid.toml") + " --trials 10");
  EXPECT_EQ(from_environment.exit_code, 2) << from_environment.out;
  EXPECT_THAT(from_environment.out, HasSubstr("memory limit of 1.0 MiB"));
  const Outcome bad = salvosim("run --trials 10 --max-memory lots");
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_THAT(bad.out, HasSubstr("a memory size is a number of bytes"));
  const Outcome fits = salvosim("run " + config("large_raid.toml") + " --trials 10 --threads 1 --max-memory 1G --json");
  EXPECT_EQ(fits.exit_code, 0) << fits.out;
}

TEST(Cli, NamesWithControlCharactersAreRefusedAndNeverEchoedRaw) {
  const fs::path dir = temp_dir();
  const std::string file =
      edited_example(dir, "escape.toml", "name = \"mrbm\"", "name = \"mrbm\\u001b]0;owned\\u0007\\n\"");
  const Outcome outcome = salvosim("validate " + file);
  EXPECT_EQ(outcome.exit_code, 2) << outcome.out;
  EXPECT_THAT(outcome.out, HasSubstr("must not hold control characters"));
  EXPECT_THAT(outcome.out, HasSubstr("mrbm\\x1b]0;owned\\x07\\n"));
  for (const char c : outcome.out) {
    EXPECT_FALSE((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) << "raw control character";
  }
  fs::remove_all(dir);
}

TEST(Cli, SweepAxisNamesAreCheckedBeforeAnyPointRuns) {
  const fs::path dir = temp_dir();
  for (const std::string& name : {std::string("."), std::string(70000, 'a'), std::string("a\\u0000b")}) {
    const fs::path path = dir / "axis.toml";
    std::ofstream(path) << "[sweep]\nname = \"cli\"\nbase = \"" << config("example.toml")
                        << "\"\ntrials = 300\n\n[[axis]]\npath = \"threat.shahed.count\"\nname = \"" << name
                        << "\"\nvalues = [5, 10, 15]\n";
    const Outcome outcome = salvosim("sweep " + path.string() + " --out " + (dir / "s.h5").string());
    EXPECT_EQ(outcome.exit_code, 2) << outcome.out.substr(0, 300);
    EXPECT_THAT(outcome.out, HasSubstr("axis[0] \"threat.shahed.count\".name"));
    EXPECT_FALSE(fs::exists(dir / "s.h5"));
    EXPECT_FALSE(fs::exists(dir / "s.h5.checkpoint"));  // no point ran
  }
  fs::remove_all(dir);
}

// A damaged checkpoint, or a shard that is no sweep file, is bad input (exit code 2) with a
// message naming the file; it was an error (1).
TEST(Cli, DamagedCheckpointsAndShardsAreBadInput) {
  const fs::path dir = temp_dir();
  const std::string sweep = write_sweep_file(dir, "sweep.toml");
  const fs::path out = dir / "sweep.h5";
  const std::string checkpoint = out.string() + ".checkpoint/points-00000001.h5";
  fs::create_directories(out.string() + ".checkpoint");
  std::ofstream(checkpoint) << "left by a killed run";
  const Outcome resumed = salvosim("sweep " + sweep + " --out " + out.string() + " --resume");
  EXPECT_EQ(resumed.exit_code, 2) << resumed.out;
  EXPECT_THAT(resumed.out, HasSubstr(checkpoint + ": not a salvosim file, or damaged"));
  EXPECT_THAT(resumed.out, HasSubstr("delete this checkpoint to run its points again"));
  EXPECT_FALSE(fs::exists(out));

  const Outcome merged = salvosim("merge " + checkpoint + " --out " + (dir / "merged.h5").string());
  EXPECT_EQ(merged.exit_code, 2) << merged.out;
  EXPECT_THAT(merged.out, HasSubstr(checkpoint + ": not a salvosim file, or damaged"));
  fs::remove_all(dir);
}

// ---- Precision targets (run --target-se) ------------------------------------------------------

// The JSON line of `name` ("trials": ...) in `json`, or "".
std::string json_member(const std::string& json, const std::string& name) {
  const std::size_t at = json.find("\"" + name + "\": ");
  if (at == std::string::npos) return "";
  return json.substr(at, json.find(", \"", at) - at);
}

TEST(Cli, ATargetSeRunIsAPlainRunOfTheTrialsItUsed) {
  const std::string example = config("example.toml");
  const Outcome target = salvosim("run " + example +
                                  " --seed 3 --trials 100000 --batch 500 --threads 2 --json "
                                  "--target-se fate.all.intercepted=0.06,rate.all.launched=0.004");
  ASSERT_EQ(target.exit_code, 0) << target.out;
  EXPECT_THAT(target.out,
              HasSubstr("\"precision\": {\"reached\": true, \"batch_trials\": 500, \"max_trials\": 100000"));
  const std::string trials = json_member(target.out, "trials");
  const std::int64_t used = std::stoll(trials.substr(trials.find(' ') + 1));
  EXPECT_EQ(used % 500, 0);
  EXPECT_GT(used, 500);
  EXPECT_LT(used, 100000);
  // The same numbers as a plain run of `used` trials on another thread count.
  const Outcome plain = salvosim("run " + example + " --seed 3 --threads 1 --json --trials " + std::to_string(used));
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  const auto statistics = [](const std::string& json) {
    const std::size_t from = json.find("\"groups\"");
    const std::size_t to = json.find(", \"precision\"");
    return json.substr(from, (to == std::string::npos ? json.rfind('}') : to) - from);
  };
  EXPECT_EQ(statistics(target.out), statistics(plain.out));
  // The table says how it went.
  const Outcome table = salvosim("run " + example + " --seed 3 --trials 100000 --batch 500 --target-se " +
                                 "fate.all.intercepted=0.06,rate.all.launched=0.004");
  EXPECT_THAT(table.out,
              HasSubstr("precision target reached after " + std::to_string(used) + " trials (batches of 500)"));
}

TEST(Cli, ATargetNotReachedSaysSo) {
  const Outcome outcome = salvosim("run " + config("example.toml") +
                                   " --trials 1200 --batch 500 --target-se rate.all.launched=1e-6 --json");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out;
  EXPECT_THAT(outcome.out, HasSubstr("salvosim: warning: precision target not reached: stopped at 1200 trials"));
  EXPECT_THAT(outcome.out, HasSubstr("\"precision\": {\"reached\": false"));
  EXPECT_THAT(outcome.out, HasSubstr("\"trials\": 1200"));
}

TEST(Cli, BadTargetsExitWithTwoAndSayWhat) {
  const std::string run = "run " + config("example.toml") + " --trials 1000 ";
  const std::pair<std::string, std::string> cases[] = {
      {"--target-se fate.all.intercepte=0.1", "no fate \"intercepte\" (did you mean \"intercepted\"?)"},
      {"--target-se rates.all.launched=0.1", "no statistic \"rates\" (did you mean \"rate\"?)"},
      {"--target-se fate.all.intercepted=0", "the standard error must be a finite number > 0, got 0"},
      {"--target-se fate.all.intercepted=-0.1", "got -0.1"},
      {"--target-se fate.all.intercepted", "must be STAT=SE"},
      {"--target-se fate.all.intercepted=0.1 --batch 0", "--batch"},
      {"--batch 100", "--batch needs --target-se"},
  };
  for (const auto& [arguments, message] : cases) {
    const Outcome outcome = salvosim(run + arguments);
    EXPECT_EQ(outcome.exit_code, 2) << arguments << "\n" << outcome.out;
    EXPECT_THAT(outcome.out, HasSubstr(message)) << arguments;
  }
}

// ---- Sweep planning: validate, --dry-run, --status ----------------------------------------------

TEST(Cli, ValidateAcceptsASweepFileAndSaysWhatItChecked) {
  const fs::path dir = temp_dir();
  const Outcome good = salvosim("validate " + write_sweep_file(dir, "good.toml"));
  EXPECT_EQ(good.exit_code, 0) << good.out;
  EXPECT_THAT(good.out, HasSubstr("good.toml: valid: sweep \"cli\" (grid) of 3 points over 1 axis; its base scenario "
                                  "\"example\" and every point checked"));
  // The errors a sweep would give, file, line and did-you-mean included.
  const Outcome bad = salvosim("validate " + write_sweep_file(dir, "bad.toml", "mode = \"gird\""));
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_THAT(bad.out, HasSubstr("salvosim: invalid sweep:"));
  EXPECT_THAT(bad.out, HasSubstr("bad.toml:5:8: sweep.mode:"));
  const Outcome point = salvosim(
      "validate " + write_sweep_file(dir, "point.toml", "[[axis]]\npath = \"layer.upper-tier.shots\"\nvalues = [0]"));
  EXPECT_EQ(point.exit_code, 2) << point.out;
  EXPECT_THAT(point.out, HasSubstr("axis[0] \"layer.upper-tier.shots\": at point 0"));
  const Outcome typo = salvosim(
      "validate " + write_sweep_file(dir, "typo.toml", "[[axis]]\npath = \"layer.upper-tier.shot\"\nvalues = [1]"));
  EXPECT_EQ(typo.exit_code, 2) << typo.out;
  EXPECT_THAT(typo.out, HasSubstr("did you mean \"shots\"?"));
  fs::remove_all(dir);
}

TEST(Cli, DryRunListsThePointsEstimatesTheCostAndWritesNothing) {
  const fs::path dir = temp_dir();
  const std::string sweep = write_sweep_file(dir, "sweep.toml");
  const Outcome outcome = salvosim("sweep " + sweep + " --dry-run --threads 1 --target-hours 2");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out;
  EXPECT_THAT(outcome.out, HasSubstr("sweep \"cli\": grid 3, 3 points, each valid"));
  EXPECT_THAT(outcome.out, HasSubstr("  0: threat.shahed.count=5  (300 trials)"));
  EXPECT_THAT(outcome.out, HasSubstr("  2: threat.shahed.count=15  (300 trials)"));
  EXPECT_THAT(outcome.out, HasSubstr("on 1 thread in"));
  EXPECT_THAT(outcome.out, HasSubstr("estimated: "));
  EXPECT_THAT(outcome.out, HasSubstr("for at most 2 h 00 min a task (--target-hours): 1 shard"));
  EXPECT_THAT(outcome.out, HasSubstr("sbatch --array=1-1 "));
  EXPECT_THAT(outcome.out, HasSubstr("nothing was written"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // the sweep file only

  const std::pair<std::string, std::string> refused[] = {
      {" --dry-run --out " + (dir / "x.h5").string(), "--dry-run writes and runs nothing: leave out --out"},
      {" --dry-run --resume", "leave out --resume"},
      {" --dry-run --status", "give one"},
      {" --target-hours 2 --out " + (dir / "x.h5").string(), "--target-hours plans shards for --dry-run"},
      {" --dry-run --target-hours 0", "--target-hours"},
      {" --dry-run --target-hours -1", "--target-hours"},
  };
  for (const auto& [arguments, message] : refused) {
    const Outcome bad = salvosim("sweep " + sweep + arguments);
    EXPECT_EQ(bad.exit_code, 2) << arguments << "\n" << bad.out;
    EXPECT_THAT(bad.out, HasSubstr(message)) << arguments;
  }
  EXPECT_FALSE(fs::exists(dir / "x.h5"));
  fs::remove_all(dir);
}

TEST(Cli, StatusShowsThePointsDoneAndMissingAndHowToGoOn) {
  const fs::path dir = temp_dir();
  const std::string sweep = write_sweep_file(dir, "sweep.toml");
  const fs::path out = dir / "out.h5";

  const Outcome nothing = salvosim("sweep " + sweep + " --status --out " + out.string());
  EXPECT_EQ(nothing.exit_code, 0) << nothing.out;
  EXPECT_THAT(nothing.out, HasSubstr("sweep \"cli\": 0 of 3 points done (no checkpoints: "));
  EXPECT_THAT(nothing.out, HasSubstr("missing: 0, 1, 2"));
  EXPECT_THAT(nothing.out, HasSubstr("to run them:\n  salvosim sweep " + sweep + " --out " + out.string() + "\n"));
  EXPECT_FALSE(fs::exists(out.string() + ".checkpoint"));  // looked for, not made

  // A shard file is a partial sweep file, as a checkpoint is: one left as the checkpoint of
  // shard 1/2 stands for a shard stopped after its points.
  const fs::path shard = dir / "shard.h5";
  ASSERT_EQ(salvosim("sweep " + sweep + " --shard 1/2 --threads 1 --out " + shard.string()).exit_code, 0);
  const SweepResults held = read_sweep(shard.string());
  fs::create_directories(out.string() + ".checkpoint");
  fs::copy_file(shard, out.string() + ".checkpoint/points-00000000.h5");
  const Outcome partial = salvosim("sweep " + sweep + " --status --out " + out.string());
  EXPECT_EQ(partial.exit_code, 0) << partial.out;
  EXPECT_THAT(partial.out, HasSubstr("sweep \"cli\", shard 1/2: " + std::to_string(held.points.size()) + " of " +
                                     std::to_string(held.points.size()) + " points done (1 checkpoint file in "));
  EXPECT_THAT(partial.out, HasSubstr("to go on from them, run\n  salvosim sweep " + sweep + " --out " + out.string() +
                                     " --shard 1/2 --resume\n"));
  const Outcome other = salvosim("sweep " + sweep + " --status --shard 2/2 --out " + out.string());
  EXPECT_EQ(other.exit_code, 2) << other.out;
  EXPECT_THAT(other.out, HasSubstr("a checkpoint of shard 1/2, not of shard 2/2"));

  // Files that are not checkpoints, and a sweep file already complete.
  std::ofstream(out.string() + ".checkpoint/points-00000001.h5") << "not a checkpoint";
  const Outcome damaged = salvosim("sweep " + sweep + " --status --out " + out.string());
  EXPECT_EQ(damaged.exit_code, 2) << damaged.out;
  EXPECT_THAT(damaged.out, HasSubstr("points-00000001.h5: not a salvosim file, or damaged"));
  const fs::path results = dir / "results.h5";
  ASSERT_EQ(salvosim("run " + config("example.toml") + " --trials 10 --out " + results.string()).exit_code, 0);
  const Outcome foreign = salvosim("sweep " + sweep + " --status --out " + results.string());
  EXPECT_EQ(foreign.exit_code, 2) << foreign.out;
  EXPECT_THAT(foreign.out, HasSubstr("not a salvosim sweep file"));
  const Outcome complete = salvosim("sweep " + sweep + " --status --out " + shard.string());
  EXPECT_EQ(complete.exit_code, 0) << complete.out;
  EXPECT_THAT(complete.out, HasSubstr(shard.string() + ": complete (shard 1/2)"));
  EXPECT_EQ(salvosim("sweep " + sweep + " --status").exit_code, 2);  // --out names what to look at
  EXPECT_EQ(salvosim("sweep " + sweep + " --status --resume --out " + out.string()).exit_code, 2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace salvosim
