// The JSON Schema of a scenario file (`salvosim schema`), made from what the loader and the
// validator read: each table's keys (config_fields.hpp, the lists the loader accepts), the
// plain keys' presence and rules (their Fields), the rules of the keys read by hand
// (field_rule), enumerations from their one home (to_string(Doctrine), names.hpp). What a
// schema cannot say (rules between values, names that must exist, finiteness, a float written
// for an integer) stays with the validator alone; docs/editors.md lists it.
#include "config_schema.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "config_detail.hpp"
#include "config_fields.hpp"
#include "json_value.hpp"
#include "salvosim/config.hpp"
#include "salvosim/names.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::detail {
namespace {

Json type_schema(const char* type) { return Json{{"type", type}}; }

template <class Entity>
Json member_schema(double Entity::*) {
  return type_schema("number");
}
template <class Entity>
Json member_schema(std::int64_t Entity::*) {
  return type_schema("integer");
}
template <class Entity>
Json member_schema(std::string Entity::*) {
  return type_schema("string");
}
template <class Entity>
Json member_schema(bool Entity::*) {
  return type_schema("boolean");
}

// The schema of a table whose keys are `fields` and then `by_hand` (the loader's list, in its
// order), the latter described by `shapes`. A key of the list without a shape, or a shape of a
// key the loader does not take, is a logic_error: a key cannot be added to the loader without
// its schema (the `schema` tests run this).
template <class Entity>
Json fields_table_schema(const Fields<Entity>& fields, const std::vector<std::string>& by_hand,
                         std::vector<KeyShape> shapes) {
  Json properties;
  std::vector<std::string> required_keys;
  for (const Field<Entity>& field : fields) {
    Json schema = field.rule ? rule_schema(*field.rule)
                             : std::visit([](auto member) { return member_schema(member); }, field.member);
    properties.set(field.key, std::move(schema));
    if (field.presence == Presence::required) required_keys.emplace_back(field.key);
  }
  for (const std::string& key : by_hand) {
    auto shape = std::find_if(shapes.begin(), shapes.end(), [&](const KeyShape& s) { return s.key == key; });
    if (shape == shapes.end()) throw std::logic_error("schema: no schema for the key \"" + key + "\"");
    properties.set(key, std::move(shape->schema));
    if (shape->presence == Presence::required) required_keys.push_back(key);
    shapes.erase(shape);
  }
  if (!shapes.empty()) throw std::logic_error("schema: \"" + shapes[0].key + "\" is not a key the loader reads");
  return closed_object(std::move(properties), required_keys);
}

Json reference(const char* definition) { return Json{{"$ref", "#/definitions/" + std::string(definition)}}; }

Json array_of(Json items, std::int64_t min_items = 0) {
  Json schema{{"type", "array"}, {"items", std::move(items)}};
  if (min_items > 0) schema.set("minItems", min_items);
  return schema;
}

// A table of `<name> = value` entries (engages, targets, a resupply schedule).
Json map_of(Json values) { return Json{{"type", "object"}, {"additionalProperties", std::move(values)}}; }

Json doctrine_schema() { return one_of_names({to_string(Doctrine::salvo), to_string(Doctrine::shoot_look_shoot)}); }

// `tiers = [...]`: names, each once, at least one (validate.cpp check_tier_names).
Json tier_names_schema() { return array_of(type_schema("string"), 1).set("uniqueItems", true); }

// `launch`: { start, duration } or { waves = [[time, count], ...] } (config.cpp read_launch).
Json launch_schema() {
  Json uniform = fields_table_schema(uniform_launch_fields, {}, {});
  Json wave{{"type", "array"},
            {"items",
             Json::array({rule_schema(field_rule::launch::wave_time), rule_schema(field_rule::launch::wave_count)})},
            {"minItems", 2},
            {"additionalItems", false}};
  Json waves = table_schema(launch_keys_by_hand, {{"waves", array_of(std::move(wave)), Presence::required}});
  return Json{{"description", "{ start = ..., duration = ... } or { waves = [[time, count], ...] }"},
              {"oneOf", Json::array({std::move(uniform), std::move(waves)})}};
}

// A group's or tier's name: the name rule, and not a selection's label ("all", "class:...",
// ...; is_reserved_selection_name).
Json selection_free_name_schema(ValueRule rule) {
  const std::string reserved = "^(" + std::string(selection_class_prefix) + "|" + std::string(selection_salvo_prefix) +
                               "|" + std::string(selection_tier_prefix) + ")";
  Json name = rule_schema(rule);
  name.set("not", Json{{"anyOf", Json::array({Json{{"const", selection_all}}, Json{{"pattern", reserved}}})}});
  return name;
}

Json threat_group_schema() {
  Json group =
      fields_table_schema(threat_fields, threat_keys_by_hand,
                          {{"name", selection_free_name_schema(field_rule::threat::name), Presence::required},
                           {"launch", launch_schema(), Presence::required},
                           {"flight_time", fields_table_schema(flight_time_fields, {}, {}), Presence::required},
                           {"targets", map_of(rule_schema(field_rule::threat::target_share))}});
  group.at("properties").set("class", label_schema());  // the name rule, but may be empty (validate.cpp)
  return group;
}

Json tier_schema() {
  return fields_table_schema(tier_fields, tier_keys_by_hand,
                             {{"name", selection_free_name_schema(field_rule::tier::name), Presence::required}});
}

Json salvo_schema() {
  return table_schema(salvo_keys, {{"name", rule_schema(field_rule::salvo::name), Presence::required},
                                   {"start", rule_schema(field_rule::salvo::start), Presence::required},
                                   {"threat", array_of(reference("threat_group"), 1), Presence::required}});
}

Json ration_schema() {
  return fields_table_schema(ration_fields, ration_keys_by_hand,
                             {{"shots", rule_schema(field_rule::ration::shots)},
                              {"doctrine", doctrine_schema()},
                              {"point_defense", type_schema("boolean")},
                              {"tiers", tier_names_schema()}});
}

Json engagement_schema() {
  return fields_table_schema(engagement_fields, engagement_keys_by_hand,
                             {{"window", fields_table_schema(window_fields, {}, {}), Presence::required}});
}

Json layer_schema() {
  Json layer =
      fields_table_schema(layer_fields, layer_keys_by_hand,
                          {{"name", rule_schema(field_rule::layer::name), Presence::required},
                           {"interceptors", rule_schema(field_rule::layer::interceptors)},
                           {"resupply",
                            Json{{"anyOf", Json::array({rule_schema(field_rule::layer::resupply),
                                                        map_of(rule_schema(field_rule::layer::delivery))})}}},
                           {"capacity", type_schema("integer")},
                           {"magazine", type_schema("string")},
                           {"doctrine", doctrine_schema()},
                           {"max_engagements", rule_schema(field_rule::layer::max_engagements)},
                           {"ration", array_of(ration_schema())},
                           {"tiers", tier_names_schema()},
                           // At least one entry: validate.cpp check_engages.
                           {"engages", map_of(engagement_schema()).set("minProperties", 1), Presence::required}});
  // interceptors is required of a layer with a magazine of its own (config.cpp read_layer).
  layer.set("if", Json{{"required", Json::strings(std::vector<std::string>{"magazine"})},
                       {"properties", Json{{"magazine", Json{{"minLength", 1}}}}}});
  layer.set("else", Json{{"required", Json::strings(std::vector<std::string>{"interceptors"})}});
  return layer;
}

Json scenario_schema_value() {
  Json scenario =
      table_schema(root_keys,
                   {{"scenario", table_schema(scenario_keys, {{"name", rule_schema(field_rule::scenario::name)},
                                                              {"description", type_schema("string")}})},
                    {"tier", array_of(tier_schema()).set("maxItems", max_tiers)},
                    {"threat", array_of(reference("threat_group"))},
                    {"salvo", array_of(salvo_schema())},
                    {"layer", array_of(layer_schema())},
                    {"published", published_schema()}});
  // Threat groups: [[threat]], or [[salvo]] tables (validate.cpp check_threats).
  Json groups = Json::array();
  for (const char* key : {"threat", "salvo"}) {
    groups.push(Json{{"required", Json::strings(std::vector<std::string>{key})},
                     {"properties", Json{{key, Json{{"minItems", 1}}}}}});
  }
  scenario.set("anyOf", std::move(groups));
  return scenario;
}

}  // namespace

Json rule_schema(ValueRule rule) {
  Json schema;
  switch (rule) {
    case ValueRule::finite:
      schema = type_schema("number");
      break;
    case ValueRule::positive:
      schema = Json{{"type", "number"}, {"exclusiveMinimum", 0}};
      break;
    case ValueRule::non_negative:
    case ValueRule::before_impact:
      schema = Json{{"type", "number"}, {"minimum", 0}};
      break;
    case ValueRule::probability:
      schema = Json{{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
      break;
    case ValueRule::count:
      schema = Json{{"type", "integer"}, {"minimum", 0}};
      break;
    case ValueRule::at_least_one:
      schema = Json{{"type", "integer"}, {"minimum", 1}};
      break;
    case ValueRule::count_or_unlimited:
    case ValueRule::at_least_one_or_unlimited: {
      const std::int64_t least = rule == ValueRule::count_or_unlimited ? 0 : 1;
      schema =
          Json{{"anyOf", Json::array({Json{{"type", "integer"}, {"minimum", least}}, Json{{"const", "unlimited"}}})}};
      break;
    }
    case ValueRule::shots:
      schema = Json{{"type", "integer"}, {"minimum", 1}, {"maximum", max_shots}};
      break;
    case ValueRule::name:
      schema = label_schema().set("minLength", 1);
      break;
  }
  return schema.set("description", describe_rule(rule));
}

Json label_schema() {
  // maxLength counts characters, the rule bytes: the bound is never stricter than the rule, and
  // a name of more bytes than characters is the validator's to refuse.
  return Json{{"type", "string"},
              {"maxLength", static_cast<std::int64_t>(max_name_bytes)},
              {"pattern", "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"}};
}

Json table_schema(const std::vector<std::string>& keys, std::vector<KeyShape> shapes) {
  struct None {};
  return fields_table_schema(Fields<None>{}, keys, std::move(shapes));
}

Json closed_object(Json properties, const std::vector<std::string>& required_keys) {
  Json schema{{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required_keys.empty()) schema.set("required", Json::strings(required_keys));
  return schema;
}

Json one_of_names(const std::vector<std::string>& names) { return Json{{"enum", Json::strings(names)}}; }

Json scenario_schema_definitions() {
  return Json{{"threat_group", threat_group_schema()}, {"scenario", scenario_schema_value()}};
}

}  // namespace salvosim::detail

namespace salvosim {

std::string scenario_schema() {
  using detail::Json;
  Json schema{{"$schema", detail::json_schema_dialect},
              {"title", "salvosim scenario"},
              {"description",
               "A salvosim scenario file (docs/model.md). Generated by `salvosim schema` from the loader's keys and "
               "the validator's rules: do not edit. It checks keys, types, ranges, enumerations and required keys; "
               "the rules between values (names that must exist, sums, orders) are checked by `salvosim validate` "
               "alone (docs/editors.md)."}};
  Json definitions = detail::scenario_schema_definitions();
  for (const auto& [key, value] : definitions.at("scenario").members()) schema.set(key, value);
  schema.set("definitions", Json{{"threat_group", definitions.at("threat_group")}});
  return schema.dump();
}

}  // namespace salvosim
