// Reading TOML into salvosim's structures with messages that say where and what: the
// machinery the scenario loader (config.cpp) and the sweep loader (sweep_config.cpp) share.
// Every problem is collected, with its file, line, column and key path, before anything
// throws. Not installed.
#pragma once

#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config_detail.hpp"
#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::detail {

enum class Presence { optional, required };

// What a value is, for the "got ..." of a message: `string "fast"`, `integer 5`, `float 3.0`
// (with the ".0" that makes it a float in TOML), `boolean true`, `table`, `array of 3 values`.
inline std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "string \"" + node.as_string()->get() + "\"";
    case toml::node_type::integer:
      return "integer " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point:
      return "float " + float_text(node.as_floating_point()->get());
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "boolean true" : "boolean false";
    case toml::node_type::table:
      return "table";
    case toml::node_type::array: {
      const std::size_t size = node.as_array()->size();
      return "array of " + std::to_string(size) + (size == 1 ? " value" : " values");
    }
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "nothing";
  }
}

// Taking a TOML value as a C++ one: false when the type does not fit. A float never passes
// for an integer (3.0 as a count is a mistake worth pointing out); an integer is a fine float.
inline bool take(const toml::node& node, double& out) {
  if (const auto* value = node.as_floating_point()) {
    out = value->get();
    return true;
  }
  if (const auto* value = node.as_integer()) {
    out = static_cast<double>(value->get());
    return true;
  }
  return false;
}
inline bool take(const toml::node& node, std::int64_t& out) {
  const auto* value = node.as_integer();
  if (value != nullptr) out = value->get();
  return value != nullptr;
}
inline bool take(const toml::node& node, std::string& out) {
  const auto* value = node.as_string();
  if (value != nullptr) out = value->get();
  return value != nullptr;
}
inline bool take(const toml::node& node, bool& out) {
  const auto* value = node.as_boolean();
  if (value != nullptr) out = value->get();
  return value != nullptr;
}
inline const char* expected(const double&) { return "a number"; }
inline const char* expected(const std::int64_t&) { return "an integer"; }
inline const char* expected(const std::string&) { return "a string"; }
inline const char* expected(const bool&) { return "true or false"; }

// Collects what the loader finds: problems, positions, and which values could not be read
// (so that validate() does not report them a second time).
class Loader {
 public:
  Loader(std::string file, std::map<std::string, SourcePosition>& positions)
      : file_(std::move(file)), positions_(positions) {}

  void record(const std::string& path, const toml::node& node) { positions_[path] = position(node.source()); }

  // A problem at `where`; `unreadable` (if not empty) is the key path of the value it leaves
  // at its default.
  void report(const toml::source_region& where, const std::string& path, std::string message,
              const std::string& unreadable) {
    const SourcePosition at = position(where);
    problems_.push_back({at.file, at.line, at.column, path, std::move(message)});
    if (!unreadable.empty()) unreadable_.insert(unreadable);
  }

  // Reads one value into `out`, or reports its type.
  template <class T>
  bool read_value(const toml::node& node, const std::string& path, T& out) {
    record(path, node);
    if (take(node, out)) return true;
    report(node.source(), path, std::string("must be ") + expected(out) + ", got " + describe(node), path);
    return false;
  }

  std::vector<ConfigProblem>& problems() { return problems_; }
  const std::set<std::string>& unreadable() const { return unreadable_; }

 private:
  SourcePosition position(const toml::source_region& where) const {
    return {file_, static_cast<std::int64_t>(where.begin.line), static_cast<std::int64_t>(where.begin.column)};
  }

  std::string file_;
  std::map<std::string, SourcePosition>& positions_;
  std::vector<ConfigProblem> problems_;
  std::set<std::string> unreadable_;
};

// One TOML table being read at key path `path`, with the keys valid there: any other key is
// reported at once, with a "did you mean" among the valid ones.
class TableReader {
 public:
  TableReader(Loader& loader, const toml::table& table, std::string path, std::vector<std::string> keys)
      : loader_(loader), table_(table), path_(std::move(path)) {
    for (auto&& [key, node] : table_) {
      if (std::find(keys.begin(), keys.end(), key.str()) != keys.end()) continue;
      loader_.report(key.source(), this->path(key.str()),
                     "unknown key \"" + std::string(key.str()) + "\"" + detail::did_you_mean(key.str(), keys), "");
    }
  }

  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool has(std::string_view key) const { return table_.contains(key); }

  // The value of `key` (its position recorded), or nullptr when absent (reported if required).
  const toml::node* find(std::string_view key, Presence presence) {
    const toml::node* node = table_.get(key);
    if (node != nullptr) {
      loader_.record(path(key), *node);
    } else if (presence == Presence::required) {
      loader_.report(table_.source(), path_, "missing required key \"" + std::string(key) + "\"", path(key));
    }
    return node;
  }

  template <class T>
  bool read(std::string_view key, T& out, Presence presence) {
    const toml::node* node = find(key, presence);
    return node != nullptr && loader_.read_value(*node, path(key), out);
  }

  // The sub-table at `key`; `shape` shows what is expected, e.g. "{ mean = ..., sd = ... }".
  const toml::table* table(std::string_view key, Presence presence, std::string_view shape) {
    const toml::node* node = find(key, presence);
    if (node == nullptr) return nullptr;
    if (const toml::table* table = node->as_table()) return table;
    problem(key, *node, "must be a table " + std::string(shape) + ", got " + describe(*node));
    return nullptr;
  }

  // A problem with the value of `key`, which is left at its default.
  void problem(std::string_view key, const toml::node& node, std::string message) {
    loader_.report(node.source(), path(key), std::move(message), path(key));
  }

 private:
  Loader& loader_;
  const toml::table& table_;
  std::string path_;
};

// The plain keys of an entity: the config key, the member it fills, whether it is required,
// and the rule its value obeys on its own (config.hpp field_rule; none for a flag). Keys with
// more to them (names, tables, "unlimited", enumerations) are read by hand. The schema of a
// scenario file (config_schema.cpp) is made from the same table.
template <class Entity>
struct Field {
  std::string_view key;
  std::variant<double Entity::*, std::int64_t Entity::*, std::string Entity::*, bool Entity::*> member;
  Presence presence = Presence::optional;
  std::optional<ValueRule> rule;
};

template <class Entity>
using Fields = std::vector<Field<Entity>>;

template <class Entity>
void read_fields(TableReader& reader, Entity& entity, const Fields<Entity>& fields) {
  for (const Field<Entity>& field : fields) {
    std::visit([&](auto member) { reader.read(field.key, entity.*member, field.presence); }, field.member);
  }
}

// The keys valid in a table: its plain fields and the keys read by hand.
template <class Entity>
std::vector<std::string> keys_of(const Fields<Entity>& fields, const std::vector<std::string>& more = {}) {
  std::vector<std::string> keys;
  for (const Field<Entity>& field : fields) keys.emplace_back(field.key);
  keys.insert(keys.end(), more.begin(), more.end());
  return keys;
}

// The TOML header of the table at key path `path`, without the entries' indices and names:
// `salvo[1] "second".threat` -> `salvo.threat`. (A name sits between ` "` and the `".` that
// closes it, or runs to the end.)
inline std::string toml_header(std::string_view path) {
  std::string header;
  for (std::size_t k = 0; k < path.size();) {
    if (path[k] == '[') {
      const std::size_t close = path.find(']', k);
      k = close == std::string_view::npos ? path.size() : close + 1;
    } else if (path.substr(k, 2) == " \"") {
      const std::size_t close = path.find("\".", k + 2);
      k = close == std::string_view::npos ? path.size() : close + 1;
    } else {
      header += path[k++];
    }
  }
  return header;
}

// The entries of `[[key]]`. Anything else there (a single [key] table, an array of numbers)
// is reported, and the whole array left unread rather than read with shifted indices.
inline std::vector<const toml::table*> entries(TableReader& root, std::string_view key) {
  const toml::node* node = root.find(key, Presence::optional);
  if (node == nullptr) return {};
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    if (array == nullptr || !array->empty()) {
      root.problem(key, *node,
                   "must be an array of tables (write [[" + toml_header(root.path(key)) + "]]), got " +
                       describe(*node));
    }
    return {};
  }
  std::vector<const toml::table*> tables;
  for (const toml::node& element : *array) tables.push_back(element.as_table());
  return tables;
}

// In file order; problems without a line (such as "no [[threat]] groups") last.
inline void sort_by_position(std::vector<ConfigProblem>& problems) {
  const auto line_of = [](const ConfigProblem& p) {
    return p.line > 0 ? p.line : std::numeric_limits<std::int64_t>::max();
  };
  std::stable_sort(problems.begin(), problems.end(), [&](const ConfigProblem& a, const ConfigProblem& b) {
    return std::pair(line_of(a), a.column) < std::pair(line_of(b), b.column);
  });
}

// The whole text of a file; a missing, unreadable or directory path is a ConfigError that
// names it. `kind` names what the file should be in messages ("scenario", "sweep").
std::string read_text_file(const std::string& path, const std::string& kind);

// Parses TOML; malformed text is a ConfigError at the line and column of the fault.
toml::table parse_toml(std::string_view text, const std::string& source_name);

// The scenario held by `root` (a whole file, or a table of one such as a sweep file's inline
// [base]), loaded and validated as load_scenario_string does; `text` is kept as its source
// text. Positions and problems are those of root's nodes, so they name lines of `source_name`.
Scenario read_scenario(const toml::table& root, std::string_view text, const std::string& source_name,
                       const std::string& default_name);

// A ConfigError of one problem without a key path.
[[noreturn]] void fail(const std::string& file, std::int64_t line, std::int64_t column, std::string message);

}  // namespace salvosim::detail
