// What the TOML loader (config.cpp) and the rule checker (validate.cpp) share: how key paths
// are spelled, how numbers are printed in messages, and "did you mean". Not installed.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/scenario.hpp"

namespace salvosim::detail {

// Loads a scenario's TOML text as load_scenario_string does, named `default_name` if the text
// gives no name (load_scenario_file: the file's stem): the one loader of both, and of a
// scenario's source text again (source_text_describes).
Scenario load_scenario_text(std::string_view text, const std::string& source_name, const std::string& default_name);

// `threat[1] "mrbm"`, or `threat[1]` for an entry without a name: the prefix of every key
// path inside an entry of an array of tables.
inline std::string entry_path(std::string_view array, std::int64_t index, std::string_view name) {
  std::string path = std::string(array) + "[" + std::to_string(index) + "]";
  if (!name.empty()) path += " \"" + std::string(name) + "\"";
  return path;
}
inline std::string threat_path(std::int64_t index, std::string_view name) { return entry_path("threat", index, name); }
inline std::string layer_path(std::int64_t index, std::string_view name) { return entry_path("layer", index, name); }
inline std::string salvo_path(std::int64_t index, std::string_view name) { return entry_path("salvo", index, name); }
inline std::string tier_path(std::int64_t index, std::string_view name) { return entry_path("tier", index, name); }
// The key path of a salvo's group: `threat[1] "mrbm"` in a plain scenario (`salvo` < 0),
// `salvo[0] "night-1".threat[1] "mrbm"` in a campaign.
inline std::string group_path(std::int64_t salvo, std::string_view salvo_name, std::int64_t index,
                              std::string_view name) {
  const std::string group = threat_path(index, name);
  return salvo < 0 ? group : salvo_path(salvo, salvo_name) + "." + group;
}

// The shortest text that reads back as the same double (1.3, 30, 35000, 1e+300, inf, nan),
// so a message shows the value as the user wrote it rather than 1.3000000000000000444; plain
// digits over the range where people write them so.
inline std::string format_number(double value) {
  char buffer[400];  // fixed notation of the largest double in range below needs < 30
  const double magnitude = value < 0 ? -value : value;
  const bool plain = magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e15);
  auto result = plain ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                      : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// A float as TOML writes it: format_number, with ".0" added where TOML would otherwise read
// an integer (30 -> 30.0; 1e+300, inf and nan are floats already).
inline std::string float_text(double value) {
  std::string text = format_number(value);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

// `value` in double quotes, escaped so that a TOML basic string and a JSON string both read it
// back unchanged: \" \\ \n \t \r, and \u00XX for the other control characters and DEL. The
// one spelling of a string for the TOML writer (config_writer.cpp), the JSON report
// (report.cpp) and sweep values (sweep_spec.cpp).
inline std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto ch = static_cast<unsigned char>(c);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (ch < 0x20 || ch == 0x7f) {
          static const char* digits = "0123456789abcdef";
          out += "\\u00";
          out += digits[ch >> 4];
          out += digits[ch & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions, which are the
// commonest typo), ignoring case so that "pK" is one step from nothing but "pk". Three rows
// of the table, not all of it: memory grows with the shorter word only.
inline std::int64_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::int64_t> before(m + 1), previous(m + 1), row(m + 1);  // rows i - 2, i - 1, i
  for (std::size_t j = 0; j <= m; ++j) previous[j] = static_cast<std::int64_t>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    row[0] = static_cast<std::int64_t>(i);
    for (std::size_t j = 1; j <= m; ++j) {
      const std::int64_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, row);
  }
  return previous[m];
}

// Words longer than this get no "did you mean": a suggestion is for a typo in a word a person
// wrote, and the distance costs the product of the two lengths.
inline constexpr std::size_t max_suggested_word = 256;

// ` (did you mean "pk"?)` when one candidate is close enough to `word` to be a likely typo
// (at most one edit per three characters), else "". The first of equally close ones wins.
// Words whose lengths differ by more than that are skipped unmeasured: their distance is at
// least the difference.
inline std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.size() > max_suggested_word) return "";
  const std::string* best = nullptr;
  std::int64_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    if (candidate == word || candidate.size() > max_suggested_word) continue;
    const auto longer = static_cast<std::int64_t>(std::max(word.size(), candidate.size()));
    const auto shorter = static_cast<std::int64_t>(std::min(word.size(), candidate.size()));
    if (3 * (longer - shorter) > longer) continue;
    const std::int64_t distance = edit_distance(word, candidate);
    if (3 * distance > longer) continue;
    if (best == nullptr || distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best == nullptr ? std::string() : " (did you mean \"" + *best + "\"?)";
}

// A dotted path's segments: `layer."s.r.".cost` -> layer, s.r., cost. A segment in double
// quotes may hold dots (no escapes: a name with a double quote cannot be written). The one
// reading of key paths (sweep axes, calibration targets) and of statistics' names
// (precision targets). Throws std::invalid_argument saying what is wrong ("has an empty segment").
std::vector<std::string> split_dotted_path(const std::string& path);

// The rule every name obeys (the scenario's, groups', classes', layers', salvos', published
// observables', sweep axes'): names label results, files and terminal output, so a name is
// at most max_name_bytes long and holds no control character (NUL, newline, ESC, DEL, ...),
// which would cut it short in a file or act on a terminal. What is wrong with `name`, or "".
inline constexpr std::size_t max_name_bytes = 256;
std::string name_problem(std::string_view name);

// Said of look_time and max_engagements in a salvo layer, by the loader when the key is
// written at all and by validate() when an in-memory value differs from the default.
inline std::string only_for_shoot_look_shoot() {
  return "applies only to doctrine \"shoot-look-shoot\", but this layer's doctrine is \"salvo\"";
}

// Whether a rationing rule of `layer` switches to shoot-look-shoot: then look_time and
// max_engagements apply, even to a salvo-doctrine layer.
inline bool rations_look(const Layer& layer) {
  return std::any_of(layer.rations.begin(), layer.rations.end(),
                     [](const Ration& r) { return r.doctrine == Doctrine::shoot_look_shoot; });
}

// Said of defended_fraction in a scenario with [[tier]] tables, by the loader when the key is
// written at all and by validate() when an in-memory value differs from the default.
inline std::string defended_fraction_with_tiers() {
  return "the scenario declares [[tier]] tables: a group aims by targets = { <tier> = share, ... }, not by "
         "defended_fraction";
}

// validate(), except that a rule is skipped when it involves a key path in `unreadable`: the
// loader has already reported those values (wrong type, missing required key), and a rule
// checked on the default left in their place would only repeat or confuse that report.
std::vector<ConfigProblem> validate_scenario(const Scenario& scenario, const std::set<std::string>& unreadable);

// The rules of docs/model.md §8 on scenario.published (config_published.cpp), added to
// `problems`; values in `unreadable` are skipped as validate_scenario skips them.
void check_published(const Scenario& scenario, const std::set<std::string>& unreadable,
                     std::vector<ConfigProblem>& problems);

}  // namespace salvosim::detail
