#include "salvosim/precision.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "config_detail.hpp"
#include "salvosim/run.hpp"

namespace salvosim {
namespace {

constexpr std::string_view se_suffix = "_se";

// `text` cut at each `separator` outside double quotes.
std::vector<std::string> split_outside_quotes(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (c == separator && !quoted) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

std::string number_text(double value) {
  std::ostringstream out;
  out << value;  // shortest readable form: 0.05, 1e-06
  return out.str();
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + detail::quoted(name);
  return text;
}

}  // namespace

std::string se_target_problem(double se) {
  if (std::isfinite(se) && se > 0.0) return "";
  return "must be a finite number > 0, got " + number_text(se);
}

std::vector<SeTarget> parse_se_targets(const std::string& text) {
  std::vector<SeTarget> targets;
  for (const std::string& item : split_outside_quotes(text, ',')) {
    const std::vector<std::string> sides = split_outside_quotes(item, '=');
    if (sides.size() != 2 || sides[0].empty() || sides[1].empty()) {
      throw std::invalid_argument("precision target " + detail::quoted(item) +
                                  " must be STAT=SE, e.g. fate.all.intercepted=0.05");
    }
    SeTarget target;
    target.statistic = sides[0];
    const std::string& number = sides[1];
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), target.target);
    if (error != std::errc() || end != number.data() + number.size()) {
      throw std::invalid_argument("precision target " + detail::quoted(target.statistic) + ": the standard error " +
                                  detail::quoted(number) + " is not a number");
    }
    if (const std::string problem = se_target_problem(target.target); !problem.empty()) {
      throw std::invalid_argument("precision target " + detail::quoted(target.statistic) + ": the standard error " +
                                  problem);
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

StatisticRef find_statistic(const Results& results, const std::string& statistic) {
  const std::string where = "precision target " + detail::quoted(statistic);
  std::vector<std::string> segments;
  try {
    segments = detail::split_dotted_path(statistic);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(where + ": the name " + error.what());
  }
  const std::string& name = segments[0];
  const std::string se_array = name + std::string(se_suffix);
  if (!results.has_array(se_array)) {
    std::vector<std::string> names;
    for (const DataArray& array : results.arrays) {
      const std::string& a = array.name;
      if (a.size() > se_suffix.size() && a.compare(a.size() - se_suffix.size(), se_suffix.size(), se_suffix) == 0) {
        names.push_back(a.substr(0, a.size() - se_suffix.size()));
      }
    }
    throw std::invalid_argument(where + ": no statistic " + detail::quoted(name) + detail::did_you_mean(name, names) +
                                "; those with a standard error are " + quoted_list(names));
  }
  const DataArray& array = results.array(se_array);
  std::string form = name;
  for (const std::string& dim : array.dims) form += ".<" + dim + ">";
  if (segments.size() != array.dims.size() + 1) {
    throw std::invalid_argument(where + ": " + detail::quoted(name) + " takes " + std::to_string(array.dims.size()) +
                                " label" + (array.dims.size() == 1 ? "" : "s") + ", as " + form);
  }
  std::int64_t offset = 0;
  for (std::size_t d = 0; d < array.dims.size(); ++d) {
    const Coordinate& coordinate = results.coordinate(array.dims[d]);
    const std::string& label = segments[d + 1];
    const auto found = std::find(coordinate.labels.begin(), coordinate.labels.end(), label);
    if (found == coordinate.labels.end()) {
      throw std::invalid_argument(where + ": no " + array.dims[d] + " " + detail::quoted(label) +
                                  detail::did_you_mean(label, coordinate.labels) + " (" + form + "; the " +
                                  array.dims[d] + "s are " + quoted_list(coordinate.labels) + ")");
    }
    offset = offset * array.shape[d] + (found - coordinate.labels.begin());
  }
  return {se_array, offset};
}

namespace {

// The targets resolved in the arrays of a summary of `plan` (all summaries of a plan have the
// same arrays and labels).
std::vector<StatisticRef> resolve(const Plan& plan, const PrecisionTarget& target) {
  const Results shape = summarize(plan, Tallies(plan), RunInfo{}, false);
  std::vector<StatisticRef> refs;
  std::set<std::string> seen;
  for (const SeTarget& t : target.targets) {
    if (!seen.insert(t.statistic).second) {
      throw std::invalid_argument("precision target " + detail::quoted(t.statistic) + " is given twice");
    }
    if (const std::string problem = se_target_problem(t.target); !problem.empty()) {
      throw std::invalid_argument("precision target " + detail::quoted(t.statistic) + ": the standard error " +
                                  problem);
    }
    refs.push_back(find_statistic(shape, t.statistic));
  }
  return refs;
}

}  // namespace

void check_precision_target(const Plan& plan, const PrecisionTarget& target) {
  if (target.targets.empty()) throw std::invalid_argument("a precision target names no statistic");
  if (const std::string problem = trials_problem(target.batch_trials); !problem.empty()) {
    throw std::invalid_argument("batch trials " + problem);
  }
  resolve(plan, target);
}

PrecisionRun run_to_precision(const Plan& plan, const RunOptions& options, const PrecisionTarget& target,
                              const ChunkSink& sink, const ProgressCallback& progress) {
  check_run(plan, options);  // the most trials: the exact sums and the memory hold for all of them
  check_precision_target(plan, target);
  const std::vector<StatisticRef> refs = resolve(plan, target);

  PrecisionRun run{Tallies(plan), PrecisionInfo{}};
  PrecisionInfo& info = run.info;
  info.batch_trials = target.batch_trials;
  info.max_trials = options.trials;
  info.targets = target.targets;
  RunOptions batch = options;
  for (std::int64_t done = 0; done < options.trials && !info.reached;) {
    batch.trials = std::min(target.batch_trials, options.trials - done);
    batch.first_trial = options.first_trial + static_cast<std::uint64_t>(done);
    ProgressCallback batch_progress;
    if (progress) {
      batch_progress = [&](std::int64_t batch_done, std::int64_t) {
        return progress(done + batch_done, options.trials);
      };
    }
    run.tallies.merge(run_trials(plan, batch, sink, batch_progress));
    done += batch.trials;
    const Results summary = summarize(plan, run.tallies, RunInfo{}, false);
    info.reached = true;
    for (std::size_t k = 0; k < refs.size(); ++k) {
      const double se = summary.array(refs[k].se_array).values[static_cast<std::size_t>(refs[k].offset)];
      info.targets[k].se = se;
      info.reached = info.reached && se <= info.targets[k].target;  // NaN (undefined): not reached
    }
  }
  return run;
}

}  // namespace salvosim
