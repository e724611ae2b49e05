// Results as text: the table the command prints, and the JSON object scripts rely on.
#pragma once

#include <string>

#include "salvosim/results.hpp"

namespace salvosim {

// A readable summary: fates per group, intercepts by layer, layer counters and costs, and
// the three interception rates with standard errors and 95% intervals.
std::string format_table(const Results& results);

// One JSON object (the contract is in docs/cli.md); NaN (an undefined statistic) is null.
std::string format_json(const Results& results);

// A run to a precision target (info.precision.used()) in one line: whether the target was
// reached and after how many trials, and each statistic's standard error against its target.
std::string precision_summary(const RunInfo& info);

}  // namespace salvosim
