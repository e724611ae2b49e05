// `salvosim schema`: print the JSON Schema of a scenario file, or of a sweep file with
// --sweep, for editors that check TOML as it is typed (docs/editors.md). The files in schema/
// are this command's output.
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands.hpp"
#include "salvosim/config.hpp"
#include "salvosim/sweep.hpp"

namespace salvosim::cli {

Command add_schema_command(CLI::App& app) {
  auto sweep = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("schema", "Print the JSON Schema of a scenario file (of a sweep file: --sweep)");
  cmd->add_flag("--sweep", *sweep, "The schema of a sweep file");
  return {cmd, [sweep] {
            return guarded([&] {
              std::cout << (*sweep ? sweep_schema() : scenario_schema()) << std::flush;
              // Written to a full disk or a closed pipe, a schema cut short must not pass for one.
              if (!std::cout) throw std::runtime_error("cannot write the schema to standard output");
              return exit_ok;
            });
          }};
}

}  // namespace salvosim::cli
