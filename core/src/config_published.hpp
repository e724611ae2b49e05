// The `[published]` table of a scenario (docs/model.md §8): read by the TOML loader
// (config.cpp), checked with the rest of the scenario (validate.cpp). Not installed.
#pragma once

#include "toml_reader.hpp"

namespace salvosim::detail {

// Reads `[published]` from the root table: its keys, their types, and that an observable
// writes only the keys its statistic takes (the others are reported and left empty).
void read_published(Loader& loader, TableReader& root, Published& published);

}  // namespace salvosim::detail
