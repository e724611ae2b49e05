// The `salvosim` command stopped by a signal, as Ctrl-C, `kill`, `timeout` and Slurm stop it
// (docs/cli.md#signals): SIGINT, SIGTERM and SIGHUP each end a run with exit code 128 + the
// signal's number, a message, and no output file, whole or partial; a sweep keeps its
// checkpoints and prints the command that goes on from them, which then finishes the sweep.
// No timing is asserted: each test waits until the program has visibly started (its
// temporary file or first checkpoint exists) before it sends the signal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace salvosim {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// Far longer than any wait here: reached only if the program hangs, and then a failure.
constexpr auto give_up_after = std::chrono::minutes(5);

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The salvosim program, started with `arguments` in `dir`, its stdout and stderr in files.
class Program {
 public:
  Program(const std::vector<std::string>& arguments, const fs::path& dir) : dir_(dir) {
    pid_ = ::fork();
    if (pid_ == 0) {
      if (!freopen((dir / "stdout").c_str(), "w", stdout) || !freopen((dir / "stderr").c_str(), "w", stderr) ||
          ::chdir(dir.c_str()) != 0) {
        ::_exit(127);
      }
      std::vector<char*> argv{const_cast<char*>(SALVOSIM_EXE)};
      for (const std::string& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(SALVOSIM_EXE, argv.data());
      ::_exit(127);
    }
  }
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  ~Program() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  pid_t pid() const { return pid_; }
  bool running() {
    if (reaped_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      status_ = status;
    }
    return !reaped_;
  }
  // Waits until `ready` holds; false if the program ended first or it took too long.
  bool wait_for(const std::function<bool()>& ready) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < give_up_after) {
      if (ready()) return true;
      if (!running()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  // The exit code once it ends (-1 if it was killed by a signal instead, or hung).
  int finish() {
    if (!wait_for([] { return false; }) && running()) return -1;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }
  std::string err() const { return read_text(dir_ / "stderr"); }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

class CliSignalTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("salvosim_signal_" + std::to_string(::getpid()) + "_" + std::to_string(GetParam()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Every file in the directory but the program's own output.
  std::vector<std::string> left_behind() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      if (name != "stdout" && name != "stderr" && name != "sweep.toml") names.push_back(name);
    }
    return names;
  }

  fs::path dir_;
};

std::string signal_name(int signal) { return signal == SIGTERM ? "SIGTERM" : signal == SIGHUP ? "SIGHUP" : "SIGINT"; }

TEST_P(CliSignalTest, ARunLeavesNoFileAndExitsWith128PlusTheSignal) {
  const int signal = GetParam();
  // As many trials as a run may have: it cannot end before the signal comes.
  Program run({"run", std::string(SALVOSIM_CONFIGS_DIR) + "/example.toml", "--trials", "2147483647", "--threads", "1",
               "--per-trial", "--out", "out.h5"},
              dir_);
  const std::string partial = "out.h5." + std::to_string(run.pid()) + ".partial";
  ASSERT_TRUE(run.wait_for([&] { return fs::exists(dir_ / partial); })) << run.err();
  ASSERT_EQ(::kill(run.pid(), signal), 0);
  EXPECT_EQ(run.finish(), 128 + signal) << run.err();
  EXPECT_THAT(run.err(), HasSubstr("no output file was written"));
  if (signal != SIGINT) {
    EXPECT_THAT(run.err(), HasSubstr("interrupted (" + signal_name(signal) + ")"));
  }
  EXPECT_TRUE(left_behind().empty()) << left_behind().front();
}

TEST_P(CliSignalTest, ASweepKeepsItsCheckpointsAndSaysHowToResume) {
  const int signal = GetParam();
  std::ofstream(dir_ / "sweep.toml") << "[sweep]\nname = \"signals\"\nbase = \"" << SALVOSIM_CONFIGS_DIR
                                     << "/example.toml\"\nmode = \"grid\"\ntrials = 20000\nseed = 1\n\n"
                                     << "[[axis]]\npath = \"threat.shahed.count\"\nrange = { start = 10, stop = 100, "
                                        "step = 10 }\n";
  const fs::path checkpoints = dir_ / "out.h5.checkpoint";
  const auto points_done = [&] {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(checkpoints, error)) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".h5")) names.push_back(name);
    }
    return names;
  };
  {
    // Each point written as it completes, so that a checkpoint is there to wait for.
    Program sweep({"sweep", "sweep.toml", "--out", "out.h5", "--threads", "1", "--checkpoint-every", "0"}, dir_);
    ASSERT_TRUE(sweep.wait_for([&] { return !points_done().empty(); })) << sweep.err();
    ASSERT_EQ(::kill(sweep.pid(), signal), 0);
    const int code = sweep.finish();
    if (code == 0)
      GTEST_SKIP() << "the sweep ended before the signal came";  // 10 points of about 0.1 s: not seen in practice
    EXPECT_EQ(code, 128 + signal) << sweep.err();
    EXPECT_THAT(sweep.err(), HasSubstr("the points completed are kept in out.h5.checkpoint"));
    EXPECT_THAT(sweep.err(),
                HasSubstr("\n  salvosim sweep sweep.toml --out out.h5 --threads 1 --checkpoint-every 0 --resume\n"));
  }
  EXPECT_FALSE(fs::exists(dir_ / "out.h5"));
  EXPECT_FALSE(points_done().empty());

  Program resumed({"sweep", "sweep.toml", "--out", "out.h5", "--threads", "1", "--resume"}, dir_);
  EXPECT_EQ(resumed.finish(), 0) << resumed.err();
  EXPECT_THAT(resumed.err(), HasSubstr("resuming"));
  EXPECT_EQ(left_behind(), std::vector<std::string>{"out.h5"});
}

INSTANTIATE_TEST_SUITE_P(Signals, CliSignalTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const ::testing::TestParamInfo<int>& param) { return signal_name(param.param); });

}  // namespace
}  // namespace salvosim
