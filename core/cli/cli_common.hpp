// What the commands of the `salvosim` program share: exit codes, Ctrl-C, turning failures
// into messages and exit codes, and the progress line.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace salvosim::cli {

// Exit codes: 0 success, 2 bad input (config, arguments, files), 1 any other failure, and
// 128 + the signal's number when stopped by one (interrupted_exit_code()).
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_input = 2;

// One subcommand of the program: added to the app, run when chosen.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// Once watch_for_interrupt() has been called, the number of the first signal that asked the
// program to stop: SIGINT (Ctrl-C), SIGTERM (kill, timeout, a batch system ending a job) or
// SIGHUP (the terminal went away); 0 until then. A command that sees it set stops cleanly
// (throws RunCancelled). A second such signal ends the program at once, as it would have
// without the handler.
extern std::atomic<int> interrupted;
void watch_for_interrupt();

// The exit code of a command stopped by the signal in `interrupted`: 128 + its number (130
// for SIGINT, 143 for SIGTERM, 129 for SIGHUP), what a shell reports for a process it killed.
int interrupted_exit_code();
// "interrupted (SIGTERM)": what stopped the command, for messages.
std::string interruption();

// Runs a command's body and turns what it throws into a message on stderr and an exit code.
// `subject` is what a ConfigError is about ("scenario", "sweep"); `speak` false keeps it
// silent (the other processes of an MPI job, which fail alike).
int guarded(const std::function<int()>& body, const std::string& subject = "scenario", bool speak = true);

// After CLI11 rejected the command line `words` (argv without the program), a line that
// names the unknown subcommand or flag and the one most likely meant, e.g.
// `salvosim: unknown option "--trails" (did you mean "--trials"?)`; "" when none is close.
std::string suggestion(CLI::App& app, const std::vector<std::string>& words);

// A progress line on stderr. On a terminal it is redrawn in place, at most five times a
// second, once a run has lasted a second; elsewhere (a batch job's log) a full line is
// written every `log_every` seconds, or never when that is 0.
class ProgressLine {
 public:
  explicit ProgressLine(double log_every = 0.0);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine();

  double elapsed() const;
  // Draws `text` if it is time to; `last` forces the final state out on a terminal.
  void show(const std::string& text, bool last);

 private:
  using Clock = std::chrono::steady_clock;
  static double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
  bool terminal_;
  double log_every_;
  bool shown_ = false;
  Clock::time_point start_, last_;
};

// The --threads option of a command that runs trials, bounded by max_threads (parallel.hpp).
void add_threads_option(CLI::App* cmd, int& threads, const std::string& help);

// The --max-memory option (text such as 8G; parse_memory_size in limits.hpp) and what it means
// in bytes: 0 when not given, for memory_limit()'s default.
void add_max_memory_option(CLI::App* cmd, std::string& max_memory);
std::int64_t max_memory_bytes(const std::string& max_memory);

// "12.3 s", "4 min 05 s", "2 h 03 min": a time left, readable at a glance.
std::string format_duration(double seconds);

}  // namespace salvosim::cli
