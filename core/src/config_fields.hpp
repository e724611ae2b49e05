// The plain keys of the scenario's tables and the members they fill: read by the loader
// (config.cpp) and set by sweep axes (the sweep library), so that both know the same keys.
// Keys with more to them (names, launch shapes, "unlimited", doctrines, engages) are read by
// hand in config.cpp. Not installed.
#pragma once

#include "salvosim/scenario.hpp"
#include "toml_reader.hpp"

namespace salvosim::detail {

inline constexpr Presence required = Presence::required;
inline constexpr Presence optional = Presence::optional;

inline const Fields<ThreatGroup> threat_fields = {
    {"class", &ThreatGroup::threat_class, optional},
    {"count", &ThreatGroup::count, required},
    {"p_launch", &ThreatGroup::p_launch, optional},
    {"p_flight", &ThreatGroup::p_flight, optional},
    {"defended_fraction", &ThreatGroup::defended_fraction, optional},
    {"cost", &ThreatGroup::cost, optional},
};
inline const Fields<Tier> tier_fields = {
    {"value", &Tier::value, optional},
    {"defended", &Tier::defended, optional},
};
inline const Fields<LaunchSpec> uniform_launch_fields = {
    {"start", &LaunchSpec::start, required},
    {"duration", &LaunchSpec::duration, required},
};
inline const Fields<FlightTime> flight_time_fields = {
    {"mean", &FlightTime::mean, required},
    {"sd", &FlightTime::sd, optional},
};
inline const Fields<Layer> layer_fields = {
    {"fire_units", &Layer::fire_units, required},
    {"channels", &Layer::channels, required},
    {"engagement_time", &Layer::engagement_time, required},
    {"shots", &Layer::shots, optional},
    {"look_time", &Layer::look_time, optional},
    {"kill_assessment", &Layer::kill_assessment, optional},
    {"point_defense", &Layer::point_defense, optional},
    {"coverage", &Layer::coverage, optional},
    {"cost", &Layer::cost, optional},
    {"reserve", &Layer::reserve, optional},
    {"reserve_per_salvo", &Layer::reserve_per_salvo, optional},
};
// `resupply` (an integer or a schedule), `capacity` and `magazine` are read by hand.
inline const Fields<Ration> ration_fields = {
    {"below", &Ration::below, required},
};
inline const Fields<EngagementSpec> engagement_fields = {
    {"pk", &EngagementSpec::pk, required},
    {"detect", &EngagementSpec::detect, optional},
};
inline const Fields<Window> window_fields = {
    {"open", &Window::open, required},
    {"close", &Window::close, required},
};

}  // namespace salvosim::detail
