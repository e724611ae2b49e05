// `salvosim validate`: check a scenario file, or a sweep file and every point it makes, without
// running anything.
#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/sweep.hpp"
#include "toml_reader.hpp"

namespace salvosim::cli {
namespace {

int validate_scenario(const std::string& path, std::int64_t limit) {
  const Scenario scenario = load_scenario_file(path);
  const Plan plan = compile(scenario, limit);
  std::cout << path << ": valid: scenario \"" << scenario.name << "\", ";
  if (plan.salvo_count() > 1) std::cout << "a campaign of " << plan.salvo_count() << " salvos, ";
  std::cout << plan.group_count() << " threat groups (" << plan.threat_count() << " threats), " << plan.layer_count()
            << " layers\n";
  return exit_ok;
}

// The sweep file's keys and axes, then every point as a sweep builds it (the base scenario with
// the point's values, by the rules of a scenario, and its tables within the memory limit).
int validate_sweep(const std::string& path, const std::string& text, std::int64_t limit) {
  const SweepSpec spec = load_sweep_string(text, path);
  const ExpandedSweep sweep = expand_sweep(spec);
  for (const Scenario& scenario : sweep.scenarios) {
    compile(scenario, limit);
    if (interrupted) throw RunCancelled();
  }
  // Every point has the base's name (a sweep cannot vary it).
  const std::string base = sweep.scenarios.empty() ? std::string() : sweep.scenarios.front().name;
  std::cout << printable(path) << ": valid: sweep \"" << printable(spec.name) << "\" (" << to_string(spec.mode)
            << ") of " << sweep.points.size() << (sweep.points.size() == 1 ? " point" : " points") << " over "
            << spec.axes.size() << (spec.axes.size() == 1 ? " axis" : " axes") << "; its base scenario \""
            << printable(base) << "\" and every point checked by the rules of a scenario\n";
  return exit_ok;
}

}  // namespace

Command add_validate_command(CLI::App& app) {
  auto config = std::make_shared<std::string>();
  auto max_memory = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a scenario or sweep file without running it");
  cmd->add_option("config", *config, "Scenario or sweep file (TOML)")->required();
  add_max_memory_option(cmd, *max_memory);
  return {cmd, [config, max_memory] {
            watch_for_interrupt();
            std::string text;
            const int read = guarded([&] {
              text = detail::read_text_file(*config, "scenario");
              return exit_ok;
            });
            if (read != exit_ok) return read;
            const bool sweep = is_sweep_text(text);
            return guarded(
                [&] {
                  const std::int64_t limit = max_memory_bytes(*max_memory);
                  return sweep ? validate_sweep(*config, text, limit) : validate_scenario(*config, limit);
                },
                sweep ? "sweep" : "scenario");
          }};
}

}  // namespace salvosim::cli
