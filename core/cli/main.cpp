// The `salvosim` command: a thin front end over the core library. Each subcommand lives in
// a file of its own (commands.hpp); this only parses the command line and dispatches.
// Exit codes: 0 success, 2 bad input (config, arguments, files), 1 any other failure, 128 + the
// signal's number when stopped by SIGINT, SIGTERM or SIGHUP (cli_common.hpp).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "salvosim/config.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/version.hpp"

int main(int argc, char** argv) {
  using namespace salvosim::cli;
  CLI::App app{"salvosim " + salvosim::version() +
               ": Monte Carlo simulation of layered air and missile defence against mixed salvos."};
  app.set_version_flag("--version", "salvosim " + salvosim::version() + " (" + salvosim::git_sha1() + ")");
  app.require_subcommand(1);
  const std::vector<Command> commands{add_run_command(app), add_validate_command(app), add_sweep_command(app),
                                      add_merge_command(app), add_schema_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    const std::string hint = suggestion(app, std::vector<std::string>(argv + 1, argv + argc));
    if (!hint.empty()) std::cerr << salvosim::printable(hint) << "\n";
    return exit_bad_input;
  }
  // The kernel ignores a value it does not know; the command refuses it, so that a test meant
  // to run a slower path does not pass on the fastest one unnoticed.
  if (const char* isa = std::getenv(salvosim::draw_isa_variable); isa != nullptr) {
    const auto& names = salvosim::draw_isa_names;
    if (std::find(std::begin(names), std::end(names), std::string_view(isa)) == std::end(names)) {
      std::cerr << "error: " << salvosim::draw_isa_variable << "=" << salvosim::printable(isa) << ": must be one of";
      for (const char* name : names) std::cerr << " " << name;
      std::cerr << " (or unset)\n";
      return exit_bad_input;
    }
  }
  for (const Command& command : commands) {
    if (*command.app) return command.run();
  }
  return exit_failure;  // not reached: CLI11 requires one subcommand
}
