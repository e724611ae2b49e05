// The `salvosim` command as a user meets it: exit codes (0 success, 2 bad input, 1 other
// failure), messages, the JSON contract, and same seed -> same output whatever --threads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "salvosim/hdf5_io.hpp"

namespace salvosim {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

// Runs the salvosim program with `arguments` (shell syntax) and collects what it printed.
Outcome salvosim(const std::string& arguments) {
  const std::string command = std::string(SALVOSIM_EXE) + " " + arguments + " 2>&1";
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
                          "\"groups\"", "\"shahed\": {\"launch_failure\": {\"mean\"", "\"leaked_open\"",
                          "\"layers\"", "\"upper-tier\": {\"engagements\"", "\"missed_no_channel\"",
                          "\"missed_magazine\"", "\"cost\"", "\"rates\"", "\"threatening\"", "\"ci95\": ["}) {
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

TEST(Cli, ValidateAcceptsAGoodConfig) {
  const Outcome outcome = salvosim("validate " + config("example.toml"));
  EXPECT_EQ(outcome.exit_code, 0) << outcome.out;
  EXPECT_THAT(outcome.out, HasSubstr("valid"));
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
  for (const char* arguments : {"", "frobnicate", "run --trials 0", "run --trials -5", "run --trials many",
                                "run --threads -1", "run --seed -3", "run --per-trial", "validate",
                                "run --no-such-flag"}) {
    const Outcome outcome = salvosim(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << "salvosim " << arguments << "\n" << outcome.out;
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

}  // namespace
}  // namespace salvosim
