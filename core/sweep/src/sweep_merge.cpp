// Shards of one sweep -> the whole sweep, by the same assembly as a run in one piece.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "salvosim/run.hpp"
#include "salvosim/sweep.hpp"
#include "sweep_assembly.hpp"

namespace salvosim {

SweepResults merge_sweeps(const std::vector<SweepResults>& shards, const std::vector<std::string>& names) {
  if (shards.empty()) throw std::invalid_argument("nothing to merge: give the shard files");
  const auto name = [&](std::size_t k) {
    return k < names.size() ? names[k] : "shard " + std::to_string(shards[k].info.shard.index);
  };
  const SweepInfo& first = shards.front().info;
  std::map<std::int64_t, std::size_t> by_index;
  for (std::size_t k = 0; k < shards.size(); ++k) {
    const SweepInfo& info = shards[k].info;
    if (info.id != first.id) {
      throw std::invalid_argument("shards of different sweeps: " + name(0) + " is of sweep \"" + first.name + "\" (" +
                                  first.id + "), " + name(k) + " of sweep \"" + info.name + "\" (" + info.id + ")");
    }
    if (info.shard.count != first.shard.count) {
      throw std::invalid_argument(name(k) + " is shard " + std::to_string(info.shard.index) + " of " +
                                  std::to_string(info.shard.count) + ", but " + name(0) + " is one of " +
                                  std::to_string(first.shard.count));
    }
    const auto [it, fresh] = by_index.emplace(info.shard.index, k);
    if (!fresh) {
      throw std::invalid_argument("shard " + std::to_string(info.shard.index) + " of " +
                                  std::to_string(info.shard.count) + " is given twice: " + name(it->second) + " and " +
                                  name(k));
    }
  }
  for (std::int64_t i = 1; i <= first.shard.count; ++i) {
    if (by_index.count(i) == 0) {
      throw std::invalid_argument("shard " + std::to_string(i) + " of " + std::to_string(first.shard.count) +
                                  " is missing");
    }
  }

  // Every point once, in order, with its statistics as the shard holds them.
  std::map<std::int64_t, std::pair<const SweepPoint*, Results>> points;
  for (const SweepResults& shard : shards) {
    for (std::size_t k = 0; k < shard.points.size(); ++k) {
      points.emplace(shard.points[k].index,
                     std::pair(&shard.points[k], point_results(shard, static_cast<std::int64_t>(k))));
    }
  }
  if (static_cast<std::int64_t>(points.size()) != first.points) {
    throw std::invalid_argument("the shards hold " + std::to_string(points.size()) + " points of a sweep of " +
                                std::to_string(first.points));
  }
  std::vector<SweepPoint> all;
  std::vector<Results> per_point;
  for (auto& [index, entry] : points) {
    all.push_back(*entry.first);
    per_point.push_back(std::move(entry.second));
  }
  SweepInfo info = first;
  info.shard = {};
  RunInfo provenance = shards.front().summary.info;
  stamp_made_by(provenance);
  return detail::assemble_sweep(std::move(info), std::move(all), per_point, std::move(provenance));
}

}  // namespace salvosim
