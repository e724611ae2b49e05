// `salvosim validate`: check a scenario file without running it.
#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"

namespace salvosim::cli {

Command add_validate_command(CLI::App& app) {
  auto config = std::make_shared<std::string>();
  auto max_memory = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a scenario file without running it");
  cmd->add_option("config", *config, "Scenario file (TOML)")->required();
  add_max_memory_option(cmd, *max_memory);
  return {cmd, [config, max_memory] {
            watch_for_interrupt();
            return guarded([&] {
              const std::int64_t limit = max_memory_bytes(*max_memory);
              const Scenario scenario = load_scenario_file(*config);
              const Plan plan = compile(scenario, limit);
              std::cout << *config << ": valid: scenario \"" << scenario.name << "\", ";
              if (plan.salvo_count() > 1) std::cout << "a campaign of " << plan.salvo_count() << " salvos, ";
              std::cout << plan.group_count() << " threat groups (" << plan.threat_count() << " threats), "
                        << plan.layer_count() << " layers\n";
              return exit_ok;
            });
          }};
}

}  // namespace salvosim::cli
