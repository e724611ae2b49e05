// The scenario value an axis sets, found once in the base scenario when the sweep is expanded:
// every point is then a copy of the base with its axes' fields set in place, checked by
// validate() like any scenario, without writing or reading TOML. Not installed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "salvosim/scenario.hpp"
#include "salvosim/sweep.hpp"
#include "sweep_path.hpp"

namespace salvosim::detail {

class ScenarioField {
 public:
  // The field `path` (a scenario, threat or layer path; not trials or seed) names in `base`.
  // Throws std::invalid_argument saying what `base` lacks: the group or layer, a table on the
  // way, or the key (each with a "did you mean"); or that the key holds a table or an array.
  ScenarioField(const Scenario& base, const AxisPath& path);

  // "" when `value` fits the field as the loader would take it from TOML (an integer is a
  // fine number, "unlimited" a fine magazine), else the loader's message for it, e.g.
  // `must be an integer, got float 0.5`.
  std::string misfit(const SweepValue& value) const { return misfit_(value); }

  // Sets the field of `scenario`, a copy of the base, to `value`, which misfit() accepted.
  void set(Scenario& scenario, const SweepValue& value) const { set_(scenario, value); }

  // The key path of the field as the loader and validate() spell it:
  // `layer[2] "arrow-3".engages.ballistic.pk`.
  const std::string& key_path() const { return key_path_; }

  // For look_time and max_engagements, which a layer of doctrine "salvo" must not be given:
  // the layer's index in the scenario; else -1.
  std::int64_t shoot_look_shoot_layer() const { return shoot_look_shoot_layer_; }

 private:
  // Binds a plain member (a number, integer, string or boolean) of the entity `locate` finds.
  template <class Entity, class T>
  void bind(std::function<Entity&(Scenario&)> locate, T Entity::*member);

  std::function<std::string(const SweepValue&)> misfit_;
  std::function<void(Scenario&, const SweepValue&)> set_;
  std::string key_path_;
  std::int64_t shoot_look_shoot_layer_ = -1;
};

// How a value is described in a message: `string "fast"`, `integer 5`, `float 3.0`,
// `boolean true` (as the loader describes a TOML value).
std::string describe(const SweepValue& value);

}  // namespace salvosim::detail
