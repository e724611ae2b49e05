// The JSON Schema of a scenario file, built from the loader's keys (config_fields.hpp) and the
// validator's rules (config.hpp field_rule, check_value): the pieces the scenario's and the
// sweep's schema generators (config_schema.cpp, config_published.cpp, the sweep's
// sweep_schema.cpp) share. Not installed.
#pragma once

#include <string>
#include <vector>

#include "json_value.hpp"
#include "salvosim/config.hpp"
#include "toml_reader.hpp"

namespace salvosim::detail {

// The JSON Schema dialect of the generated files: draft-07, the one editors (taplo, Even Better
// TOML, VS Code) read.
inline constexpr const char* json_schema_dialect = "http://json-schema.org/draft-07/schema#";

// What check_value(rule, ...) accepts, as far as JSON Schema can say it (it cannot say
// "finite": TOML's inf and nan are the validator's to refuse), with describe_rule's words.
Json rule_schema(ValueRule rule);
// The name rule on a name that may be empty (a group's class): at most max_name_bytes, no
// control characters.
Json label_schema();
// A key of a table, and its schema; whether the loader requires it.
struct KeyShape {
  std::string key;
  Json schema;
  Presence presence = Presence::optional;
};
// The schema of a table that takes exactly `keys` (the list its loader accepts), each described
// by its shape: a key without a shape, or a shape for a key not in the list, is a logic_error,
// so that a key cannot be added to a loader without its schema.
Json table_schema(const std::vector<std::string>& keys, std::vector<KeyShape> shapes);
// A closed object: these properties, these required, no other key.
Json closed_object(Json properties, const std::vector<std::string>& required_keys = {});
// `{"enum": names}`.
Json one_of_names(const std::vector<std::string>& names);

// The definitions a scenario's schema refers to ("#/definitions/<name>"), the scenario itself
// among them as "scenario": the scenario file's schema is that one with these definitions,
// and a sweep file's inline [base] refers to it.
Json scenario_schema_definitions();

// The schema of `[published]` (config_published.cpp, beside the statistics it describes).
Json published_schema();

}  // namespace salvosim::detail
