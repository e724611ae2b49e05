// "Did you mean": after a command line that CLI11 rejected, the subcommand or flag the user
// most likely meant, chosen by the loader's rule (config_detail.hpp did_you_mean), so that
// `salvosim rnu` and `--trails` get the same help as a misspelt key in a config.
#include <string>
#include <string_view>
#include <vector>

#include "cli_common.hpp"
#include "config_detail.hpp"

namespace salvosim::cli {
namespace {

// The long and short names of `app`'s options, with their dashes ("--trials", "-n").
std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

bool is_flag(std::string_view word) {
  // "-5" is a negative number (a value), "-" alone a file name (stdin), "--" ends the flags.
  return word.size() > 1 && word[0] == '-' && !(word[1] >= '0' && word[1] <= '9') && word != "--";
}

bool contains(const std::vector<std::string>& names, const std::string& word) {
  for (const std::string& name : names) {
    if (name == word) return true;
  }
  return false;
}

}  // namespace

std::string suggestion(CLI::App& app, const std::vector<std::string>& words) {
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) commands.push_back(sub->get_name());
  const std::vector<std::string> top_flags = flag_names(app);
  CLI::App* command = nullptr;
  std::vector<std::string> flags = top_flags;
  for (const std::string& word : words) {
    if (word == "--") break;
    if (is_flag(word)) {
      const std::string flag = word.substr(0, word.find('='));
      if (contains(flags, flag) || contains(top_flags, flag)) continue;
      const std::string hint = detail::did_you_mean(flag, flags);
      if (!hint.empty()) return "salvosim: unknown option " + detail::quoted(flag) + hint;
    } else if (command == nullptr) {
      if (contains(commands, word)) {
        command = app.get_subcommand(word);
        flags = flag_names(*command);
        continue;
      }
      const std::string hint = detail::did_you_mean(word, commands);
      if (!hint.empty()) return "salvosim: unknown command " + detail::quoted(word) + hint;
      return "";  // not a command, nor like one: CLI11's message says enough
    }
  }
  return "";
}

}  // namespace salvosim::cli
