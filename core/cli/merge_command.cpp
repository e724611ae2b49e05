// `salvosim merge`: join the shard files of one sweep into the file a whole run would write.
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.hpp"
#include "salvosim/hdf5_io.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/sweep_file.hpp"

namespace salvosim::cli {
namespace {

struct MergeArguments {
  std::vector<std::string> shards;
  std::string out;
};

int merge(const MergeArguments& args) {
  std::vector<SweepResults> shards;
  for (const std::string& path : args.shards) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) throw std::invalid_argument(path + ": no such file");
    shards.push_back(read_sweep(path));
    if (interrupted) throw RunCancelled();
  }
  const SweepResults merged = merge_sweeps(shards, args.shards);
  if (interrupted) throw RunCancelled();
  write_sweep(args.out, merged);
  std::cout << "sweep \"" << merged.info.name << "\": merged " << shards.size() << " shard"
            << (shards.size() > 1 ? "s" : "") << " (" << merged.points.size() << " points)\nwrote " << args.out << "\n";
  return exit_ok;
}

}  // namespace

Command add_merge_command(CLI::App& app) {
  auto args = std::make_shared<MergeArguments>();
  CLI::App* cmd = app.add_subcommand("merge", "Join the shard files of a sweep (salvosim sweep --shard I/N)");
  cmd->add_option("shards", args->shards, "The shard files, one of each shard, in any order")->required();
  cmd->add_option("--out,-o", args->out, "Write the whole sweep to this HDF5 file")->required();
  return {cmd, [args] {
            watch_for_interrupt();
            return guarded([&] { return merge(*args); }, "sweep");
          }};
}

}  // namespace salvosim::cli
