// The `salvosim` command: a thin front end over the core library. Each subcommand lives in
// a file of its own (commands.hpp); this only parses the command line and dispatches.
// Exit codes: 0 success, 2 bad input (config, arguments, files), 1 any other failure, 128 + the
// signal's number when stopped by SIGINT, SIGTERM or SIGHUP (cli_common.hpp).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "salvosim/config.hpp"
#include "salvosim/kernel.hpp"
#include "salvosim/version.hpp"

int main(int argc, char** argv) {
  using namespace salvosim::cli;
  CLI::App app{"salvosim " + salvosim::version() +
               ": Monte Carlo simulation of layered air and missile defence against mixed salvos."};
  // With the instruction set the kernel's loops run on, so that a test capping it
  // (SALVOSIM_DRAW_ISA) can see the cap took effect.
  app.set_version_flag("--version", "salvosim " + salvosim::version() + " (" + salvosim::git_sha1() +
                                        "), kernel loops on " + salvosim::kernel_draw_isa());
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
  if (const std::string problem = salvosim::draw_isa_problem(); !problem.empty()) {
    std::cerr << "error: " << problem << "\n";
    return exit_bad_input;
  }
  for (const Command& command : commands) {
    if (*command.app) return command.run();
  }
  return exit_failure;  // not reached: CLI11 requires one subcommand
}
