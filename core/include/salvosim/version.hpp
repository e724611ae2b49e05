// What version of salvosim this is, for provenance in every output.
#pragma once

#include <string>

namespace salvosim {

std::string version();   // "0.1.0"
std::string git_sha1();  // the commit the library was built from ("-dirty" after it: with changes), or "unknown"
std::string utc_now();   // ISO 8601, e.g. "2026-11-22T03:15:00Z"

}  // namespace salvosim
