// The subcommands of the `salvosim` program, one file each; main.cpp only dispatches.
#pragma once

#include "cli_common.hpp"

namespace salvosim::cli {

Command add_run_command(CLI::App& app);       // run_command.cpp
Command add_validate_command(CLI::App& app);  // validate_command.cpp
Command add_sweep_command(CLI::App& app);     // sweep_command.cpp
Command add_merge_command(CLI::App& app);     // merge_command.cpp
Command add_schema_command(CLI::App& app);    // schema_command.cpp

}  // namespace salvosim::cli
