// The keys of the scenario's tables: the plain keys and the members they fill, read by the
// loader (config.cpp) and set by sweep axes (the sweep library), and the keys each table takes
// beside them, read by hand in config.cpp (names, launch shapes, "unlimited", doctrines,
// engages, ...). The loader accepts exactly these keys, and the JSON Schema of a scenario file
// (config_schema.cpp) is made from them, so that both know the same keys. Not installed.
#pragma once

#include <string>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"
#include "toml_reader.hpp"

namespace salvosim::detail {

inline constexpr Presence required = Presence::required;
inline constexpr Presence optional = Presence::optional;

// The top-level tables. Adding one means a key here and a reader in read_root.
inline const std::vector<std::string> root_keys = {"scenario", "tier", "threat", "salvo", "layer", "published"};
inline const std::vector<std::string> scenario_keys = {"name", "description"};

inline const Fields<ThreatGroup> threat_fields = {
    {"class", &ThreatGroup::threat_class, optional, std::nullopt},  // a name that may be empty (validate.cpp)
    {"count", &ThreatGroup::count, required, field_rule::threat::count},
    {"p_launch", &ThreatGroup::p_launch, optional, field_rule::threat::p_launch},
    {"p_flight", &ThreatGroup::p_flight, optional, field_rule::threat::p_flight},
    {"defended_fraction", &ThreatGroup::defended_fraction, optional, field_rule::threat::defended_fraction},
    {"cost", &ThreatGroup::cost, optional, field_rule::threat::cost},
};
inline const std::vector<std::string> threat_keys_by_hand = {"name", "launch", "flight_time", "targets"};
inline const Fields<Tier> tier_fields = {
    {"value", &Tier::value, optional, field_rule::tier::value},
    {"defended", &Tier::defended, optional, std::nullopt},
};
inline const std::vector<std::string> tier_keys_by_hand = {"name"};
inline const Fields<LaunchSpec> uniform_launch_fields = {
    {"start", &LaunchSpec::start, required, field_rule::launch::start},
    {"duration", &LaunchSpec::duration, required, field_rule::launch::duration},
};
inline const std::vector<std::string> launch_keys_by_hand = {"waves"};
inline const Fields<FlightTime> flight_time_fields = {
    {"mean", &FlightTime::mean, required, field_rule::flight_time::mean},
    {"sd", &FlightTime::sd, optional, field_rule::flight_time::sd},
};
inline const std::vector<std::string> salvo_keys = {"name", "start", "threat"};
inline const Fields<Layer> layer_fields = {
    {"fire_units", &Layer::fire_units, required, field_rule::layer::fire_units},
    {"channels", &Layer::channels, required, field_rule::layer::channels},
    {"engagement_time", &Layer::engagement_time, required, field_rule::layer::engagement_time},
    {"shots", &Layer::shots, optional, field_rule::layer::shots},
    {"look_time", &Layer::look_time, optional, field_rule::layer::look_time},
    {"kill_assessment", &Layer::kill_assessment, optional, field_rule::layer::kill_assessment},
    {"point_defense", &Layer::point_defense, optional, std::nullopt},
    {"coverage", &Layer::coverage, optional, field_rule::layer::coverage},
    {"cost", &Layer::cost, optional, field_rule::layer::cost},
    {"reserve", &Layer::reserve, optional, field_rule::layer::reserve},
    {"reserve_per_salvo", &Layer::reserve_per_salvo, optional, field_rule::layer::reserve_per_salvo},
};
// `resupply` (an integer or a schedule), `capacity` and `magazine` are among these.
inline const std::vector<std::string> layer_keys_by_hand = {"name",     "interceptors", "resupply",        "capacity",
                                                            "magazine", "doctrine",     "max_engagements", "ration",
                                                            "tiers",    "engages"};
inline const Fields<Ration> ration_fields = {
    {"below", &Ration::below, required, field_rule::ration::below},
};
inline const std::vector<std::string> ration_keys_by_hand = {"shots", "doctrine", "point_defense", "tiers"};
inline const Fields<EngagementSpec> engagement_fields = {
    {"pk", &EngagementSpec::pk, required, field_rule::engagement::pk},
    {"detect", &EngagementSpec::detect, optional, field_rule::engagement::detect},
};
inline const std::vector<std::string> engagement_keys_by_hand = {"window"};
inline const Fields<Window> window_fields = {
    {"open", &Window::open, required, field_rule::engagement::window_open},
    {"close", &Window::close, required, field_rule::engagement::window_close},
};

}  // namespace salvosim::detail
