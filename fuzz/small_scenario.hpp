// What the fuzz targets share: which valid scenarios are small enough to compile and run
// within the few milliseconds an input may take.
#pragma once

#include <cstdint>

#include "salvosim/scenario.hpp"

namespace salvosim::fuzz {

// Bounds of a scenario worth running: a few hundred threats against a few layers. Each is a
// size the kernel's work or memory grows with; they say nothing about what is valid.
inline constexpr std::int64_t max_threats = 500;
inline constexpr std::int64_t max_layers = 8;
inline constexpr std::int64_t max_salvos = 8;
inline constexpr std::int64_t max_channels = 64;  // fire_units x channels of one layer
inline constexpr std::int64_t max_shots = 8;
inline constexpr std::int64_t max_engagements = 64;   // engages entries of one layer
inline constexpr std::int64_t max_magazine = 100000;  // interceptors, capacity, resupply
inline constexpr std::int64_t max_tiers = 16;         // the tallies keep tiers x tiers sums per selection

inline bool is_small(const Scenario& scenario) {
  std::int64_t threats = 0;
  std::int64_t groups = 0;
  for (const SalvoView& salvo : campaign_salvos(scenario)) {
    for (const ThreatGroup& group : *salvo.threats) {
      if (group.count < 0 || group.count > max_threats) return false;
      threats += group.count;
      ++groups;
    }
  }
  if (threats > max_threats || groups > max_threats) return false;
  if (static_cast<std::int64_t>(scenario.salvos.size()) > max_salvos) return false;
  if (static_cast<std::int64_t>(scenario.layers.size()) > max_layers) return false;
  if (static_cast<std::int64_t>(scenario.tiers.size()) > max_tiers) return false;
  for (const Layer& layer : scenario.layers) {
    if (layer.fire_units < 1 || layer.channels < 1 || layer.fire_units > max_channels ||
        layer.channels > max_channels || layer.fire_units * layer.channels > max_channels)
      return false;
    if (layer.shots > max_shots) return false;
    if (static_cast<std::int64_t>(layer.engages.size()) > max_engagements) return false;
    if (layer.interceptors.value_or(0) > max_magazine || layer.capacity.value_or(0) > max_magazine ||
        layer.resupply > max_magazine)
      return false;
    for (const auto& [salvo, count] : layer.resupply_schedule) {
      if (count > max_magazine) return false;
    }
    for (const Ration& ration : layer.rations) {
      if (ration.shots.value_or(0) > max_shots) return false;
    }
  }
  return true;
}

}  // namespace salvosim::fuzz
