// A JSON document built in code and printed with two-space indents, members in the order they
// were added: what the schema generators (config_schema.cpp, the sweep's sweep_schema.cpp)
// build, so that the files they print are stable and read well. Not installed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config_detail.hpp"

namespace salvosim::detail {

class Json {
 public:
  using Array = std::vector<Json>;
  using Member = std::pair<std::string, Json>;
  using Object = std::vector<Member>;

  Json() : value_(Object{}) {}  // an empty object
  Json(bool value) : value_(value) {}
  Json(std::int64_t value) : value_(value) {}
  Json(int value) : value_(std::int64_t{value}) {}
  Json(double value) : value_(value) {}
  Json(std::string value) : value_(std::move(value)) {}
  Json(std::string_view value) : value_(std::string(value)) {}
  Json(const char* value) : value_(std::string(value)) {}
  Json(Array value) : value_(std::move(value)) {}
  Json(std::initializer_list<Member> members) : value_(Object(members)) {}

  static Json array(Array items = {}) { return Json(std::move(items)); }
  // Strings as a JSON array: the names of an enumeration.
  template <class Names>
  static Json strings(const Names& names) {
    Array items;
    for (const auto& name : names) items.emplace_back(std::string_view(name));
    return Json(std::move(items));
  }

  // Sets `key` of an object (replacing it, or adding it last); returns *this for chaining.
  Json& set(std::string_view key, Json value) {
    Object& object = std::get<Object>(value_);
    for (Member& member : object) {
      if (member.first == key) {
        member.second = std::move(value);
        return *this;
      }
    }
    object.emplace_back(std::string(key), std::move(value));
    return *this;
  }
  // Appends to an array.
  Json& push(Json value) {
    std::get<Array>(value_).push_back(std::move(value));
    return *this;
  }
  const Object& members() const { return std::get<Object>(value_); }
  // The value of `key` in an object; a logic_error if there is none.
  Json& at(std::string_view key) {
    for (Member& member : std::get<Object>(value_)) {
      if (member.first == key) return member.second;
    }
    throw std::logic_error("Json: no member \"" + std::string(key) + "\"");
  }

  std::string dump() const {
    std::string out;
    write(out, 0);
    return out + "\n";
  }

 private:
  void write(std::string& out, int depth) const {
    const std::string indent(static_cast<std::size_t>(2 * (depth + 1)), ' ');
    const std::string close(static_cast<std::size_t>(2 * depth), ' ');
    if (const auto* object = std::get_if<Object>(&value_)) {
      if (object->empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      for (std::size_t k = 0; k < object->size(); ++k) {
        out += indent + quoted((*object)[k].first) + ": ";
        (*object)[k].second.write(out, depth + 1);
        out += k + 1 < object->size() ? ",\n" : "\n";
      }
      out += close + "}";
    } else if (const auto* array = std::get_if<Array>(&value_)) {
      // Arrays of plain values (enumerations, type lists) on one line; of objects, one a line.
      const bool plain = std::none_of(array->begin(), array->end(), [](const Json& item) {
        return std::holds_alternative<Object>(item.value_) || std::holds_alternative<Array>(item.value_);
      });
      if (array->empty() || plain) {
        out += "[";
        for (std::size_t k = 0; k < array->size(); ++k) {
          if (k > 0) out += ", ";
          (*array)[k].write(out, depth + 1);
        }
        out += "]";
        return;
      }
      out += "[\n";
      for (std::size_t k = 0; k < array->size(); ++k) {
        out += indent;
        (*array)[k].write(out, depth + 1);
        out += k + 1 < array->size() ? ",\n" : "\n";
      }
      out += close + "]";
    } else if (const auto* text = std::get_if<std::string>(&value_)) {
      out += quoted(*text);
    } else if (const auto* integer = std::get_if<std::int64_t>(&value_)) {
      out += std::to_string(*integer);
    } else if (const auto* number = std::get_if<double>(&value_)) {
      out += float_text(*number);  // finite numbers only: a schema holds no inf or nan
    } else {
      out += std::get<bool>(value_) ? "true" : "false";
    }
  }

  std::variant<bool, std::int64_t, double, std::string, Array, Object> value_;
};

}  // namespace salvosim::detail
