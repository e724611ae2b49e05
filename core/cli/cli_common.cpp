#include "cli_common.hpp"

#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX sigaction, not in <csignal>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string_view>

#include "salvosim/config.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/limits.hpp"
#include "salvosim/parallel.hpp"
#include "salvosim/simulate.hpp"

namespace salvosim::cli {

std::atomic<int> interrupted{0};

namespace {

constexpr int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_interrupt(int signal) {
  int none = 0;
  interrupted.compare_exchange_strong(none, signal);  // the first one is what stopped us
}

}  // namespace

void watch_for_interrupt() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: the handler runs once; a second signal acts as it would without it.
  action.sa_flags = SA_RESETHAND;
  for (int signal : stop_signals) sigaction(signal, &action, nullptr);
}

int interrupted_exit_code() { return 128 + (interrupted != 0 ? interrupted.load() : SIGINT); }

std::string interruption() {
  switch (interrupted.load()) {
    case SIGTERM:
      return "interrupted (SIGTERM)";
    case SIGHUP:
      return "interrupted (SIGHUP)";
    default:
      return "interrupted";
  }
}

int guarded(const std::function<int()>& body, const std::string& subject, bool speak) {
  // Messages quote names and paths the user wrote: nothing in them may act on the terminal.
  // (line by line: a ConfigError lists one problem a line).
  const auto say = [&](const std::string& text) {
    if (!speak) return;
    for (std::size_t begin = 0; begin <= text.size();) {
      const std::size_t end = std::min(text.find('\n', begin), text.size());
      std::cerr << printable(std::string_view(text).substr(begin, end - begin)) << "\n";
      begin = end + 1;
    }
  };
  try {
    return body();
  } catch (const ConfigError& e) {
    say("salvosim: invalid " + subject + ":\n" + e.what());
    return exit_bad_input;
  } catch (const RunCancelled&) {
    say("salvosim: " + interruption() + "; no output file was written");
    return interrupted_exit_code();
  } catch (const BadFileError& e) {
    say(std::string("salvosim: ") + e.what());
    return exit_bad_input;
  } catch (const std::invalid_argument& e) {
    say(std::string("salvosim: ") + e.what());
    return exit_bad_input;
  } catch (const std::exception& e) {
    say(std::string("salvosim: error: ") + e.what());
    return exit_failure;
  }
}

void add_threads_option(CLI::App* cmd, int& threads, const std::string& help) {
  cmd->add_option("--threads,-t", threads, help + " (0: every core; at most " + std::to_string(max_threads) + ")")
      ->capture_default_str()
      ->check(CLI::Range(0, max_threads));
}

void add_max_memory_option(CLI::App* cmd, std::string& max_memory) {
  cmd->add_option("--max-memory", max_memory,
                  "Refuse a run estimated to need more memory than this, e.g. 8G or 512M (default: "
                  "$SALVOSIM_MAX_MEMORY, else the machine's memory)");
}

std::int64_t max_memory_bytes(const std::string& max_memory) {
  return max_memory.empty() ? 0 : parse_memory_size(max_memory);
}

ProgressLine::ProgressLine(double log_every)
    : terminal_(isatty(STDERR_FILENO) != 0), log_every_(log_every), start_(Clock::now()), last_(start_) {}

ProgressLine::~ProgressLine() {
  if (shown_ && terminal_) std::fputs("\n", stderr);
}

double ProgressLine::elapsed() const { return seconds(Clock::now() - start_); }

void ProgressLine::show(const std::string& text, bool last) {
  const auto now = Clock::now();
  if (terminal_) {
    if (seconds(now - start_) < 1.0 || (seconds(now - last_) < 0.2 && !last)) return;
    std::fprintf(stderr, "\r%s   ", text.c_str());
  } else {
    if (log_every_ <= 0.0 || seconds(now - last_) < log_every_) return;
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
  last_ = now;
  shown_ = true;
}

std::string format_duration(double seconds) {
  char text[64];
  if (!(seconds >= 0.0) || seconds > 1e9) return "?";
  if (seconds < 100.0) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else if (seconds < 6000.0) {
    const auto s = static_cast<long long>(seconds + 0.5);
    std::snprintf(text, sizeof text, "%lld min %02lld s", s / 60, s % 60);
  } else {
    const auto m = static_cast<long long>(seconds / 60.0 + 0.5);
    std::snprintf(text, sizeof text, "%lld h %02lld min", m / 60, m % 60);
  }
  return text;
}

}  // namespace salvosim::cli
