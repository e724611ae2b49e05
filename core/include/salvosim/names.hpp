// One home for every name that labels results: fates, rates, layer metrics and selections.
// Arrays are indexed by the enums below in this order; C++ (results, reports, HDF5, the
// config's [published] keys) and Python (salvosim._core.FATE_NAMES, ...) read the names here.
#pragma once

#include <cstdint>
#include <string_view>

namespace salvosim {

// The five fates of docs/model.md §3.7, in the order every array of fates uses.
enum class Fate : std::int8_t {
  launch_failure = 0,
  flight_failure = 1,
  intercepted = 2,
  leaked_defended = 3,
  leaked_open = 4,
};
inline constexpr std::int64_t fate_count = 5;
inline constexpr const char* fate_names[fate_count] = {"launch_failure", "flight_failure", "intercepted",
                                                       "leaked_defended", "leaked_open"};

// The three interception rates of docs/model.md §3.
enum class Rate : std::int64_t { launched = 0, engaged = 1, threatening = 2 };
inline constexpr std::int64_t rate_count = 3;
inline constexpr const char* rate_names[rate_count] = {"launched", "engaged", "threatening"};

// Per-layer counters of one trial, in the order of every per-layer metric array.
enum class LayerMetric : std::int64_t {
  engagements = 0,
  fired = 1,
  intercepts = 2,
  missed_window = 3,      // the request came too late for the window, even with a free channel
  missed_no_channel = 4,  // it would have fit, but no channel came free in time
  missed_magazine = 5,    // the magazine was empty
};
inline constexpr std::int64_t layer_metric_count = 6;
inline constexpr const char* layer_metric_names[layer_metric_count] = {"engagements",       "fired",
                                                                       "intercepts",        "missed_window",
                                                                       "missed_no_channel", "missed_magazine"};

// The sets of threats statistics are reported for, labelled by a group's name, "class:<class>",
// "salvo:<salvo>", "tier:<tier>" (the threats aimed at a declared tier in the trial: drawn per
// trial, not a set of groups) or "all". Group and tier names may not take these labels
// (validate() refuses them, by is_reserved_selection_name).
enum class SelectionKind { group, threat_class, salvo, all, tier };
inline constexpr std::string_view selection_all = "all";
inline constexpr std::string_view selection_class_prefix = "class:";
inline constexpr std::string_view selection_salvo_prefix = "salvo:";
inline constexpr std::string_view selection_tier_prefix = "tier:";

// Whether a group or tier name would be taken for another selection's label. (No
// starts_with: this header is installed, and consumers may compile it as C++17.)
inline bool is_reserved_selection_name(std::string_view name) {
  return name == selection_all || name.substr(0, selection_class_prefix.size()) == selection_class_prefix ||
         name.substr(0, selection_salvo_prefix.size()) == selection_salvo_prefix ||
         name.substr(0, selection_tier_prefix.size()) == selection_tier_prefix;
}
inline constexpr std::string_view reserved_selection_name_message =
    "the name \"all\" and names starting with \"class:\", \"salvo:\" or \"tier:\" are reserved for the "
    "statistics over all threats, over a class, a salvo and a tier";

// Tiers of targets (docs/model.md §2.7): at most 64, since a layer's engaged tiers are a 64-bit
// mask. A scenario that declares none has two implicit tiers, in this order, with the shares
// defended_fraction and 1 - defended_fraction.
inline constexpr std::int64_t max_tiers = 64;
inline constexpr std::string_view implicit_defended_tier = "defended";
inline constexpr std::string_view implicit_open_tier = "open";

}  // namespace salvosim
