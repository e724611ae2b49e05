// The small vocabulary of sweeps: how axis values are spelled, mode names, a sweep's shape.
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include "config_detail.hpp"
#include "salvosim/sweep.hpp"

namespace salvosim {

std::string to_toml_text(const SweepValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return detail::quoted(*s);
  return to_label(value);
}

std::string to_label(const SweepValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(v);
        if constexpr (std::is_same_v<T, double>) return detail::float_text(v);
        if constexpr (std::is_same_v<T, std::string>) return v;
        if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
      },
      value);
}

const char* to_string(SweepMode mode) {
  const auto index = static_cast<std::size_t>(mode);
  if (index >= std::size(sweep_mode_names)) throw std::logic_error("to_string: unknown sweep mode");
  return sweep_mode_names[index];
}

std::optional<SweepMode> sweep_mode_named(std::string_view name) {
  for (std::size_t k = 0; k < std::size(sweep_mode_names); ++k) {
    if (name == sweep_mode_names[k]) return static_cast<SweepMode>(k);
  }
  return std::nullopt;
}

std::vector<std::int64_t> sweep_shape(const SweepSpec& spec) {
  if (spec.axes.empty()) return {};
  if (spec.mode == SweepMode::grid) {
    std::vector<std::int64_t> shape;
    for (const SweepAxis& axis : spec.axes) shape.push_back(static_cast<std::int64_t>(axis.values.size()));
    return shape;
  }
  return {static_cast<std::int64_t>(spec.axes.front().values.size())};
}

}  // namespace salvosim
