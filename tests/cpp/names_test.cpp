// The names that label results (names.hpp) and the blocks of a per-trial record (plan.hpp):
// each name once, in the order the arrays use, and the blocks covering a record exactly.
#include "salvosim/names.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "salvosim/config.hpp"
#include "salvosim/plan.hpp"

namespace salvosim {
namespace {

template <std::size_t N>
void expect_distinct(const char* const (&names)[N]) {
  const std::set<std::string> distinct(std::begin(names), std::end(names));
  EXPECT_EQ(distinct.size(), N);
}

TEST(Names, OneNameForEachIndex) {
  static_assert(std::size(fate_names) == fate_count && std::size(rate_names) == rate_count &&
                std::size(layer_metric_names) == layer_metric_count);
  expect_distinct(fate_names);
  expect_distinct(rate_names);
  expect_distinct(layer_metric_names);
  // The enums index the name arrays: spot checks at both ends.
  EXPECT_STREQ(fate_names[static_cast<int>(Fate::launch_failure)], "launch_failure");
  EXPECT_STREQ(fate_names[static_cast<int>(Fate::leaked_open)], "leaked_open");
  EXPECT_STREQ(rate_names[static_cast<int>(Rate::threatening)], "threatening");
  EXPECT_STREQ(layer_metric_names[static_cast<int>(LayerMetric::missed_magazine)], "missed_magazine");
}

// Selections are labelled with the names here (plan.cpp): "all", "class:<c>", "salvo:<s>".
TEST(Names, SelectionLabels) {
  const Plan plan = compile(load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/campaign_example.toml"));
  std::set<SelectionKind> kinds;
  for (const Selection& s : plan.selections) {
    kinds.insert(s.kind);
    if (s.kind == SelectionKind::all) {
      EXPECT_EQ(s.label, selection_all);
    } else if (s.kind == SelectionKind::threat_class) {
      EXPECT_EQ(s.label.rfind(selection_class_prefix, 0), 0u) << s.label;
    } else if (s.kind == SelectionKind::salvo) {
      EXPECT_EQ(s.label.rfind(selection_salvo_prefix, 0), 0u) << s.label;
    }
  }
  EXPECT_EQ(kinds.size(), 4u);
}

// The blocks follow one another from 0 to size(), each at the offset its accessor gives.
void expect_blocks_cover(const RecordLayout& layout) {
  std::int64_t next = 0;
  std::vector<std::string> names;
  for (const RecordBlock& block : layout.blocks()) {
    EXPECT_EQ(block.offset, next) << block.name;
    EXPECT_EQ(block.dims.size(), block.shape.size()) << block.name;
    std::int64_t size = 1;
    for (std::int64_t extent : block.shape) size *= extent;
    EXPECT_EQ(block.size, size) << block.name;
    EXPECT_FALSE(block.units.empty() || block.description.empty()) << block.name;
    next += block.size;
    names.push_back(block.name);
  }
  EXPECT_EQ(next, layout.size());
  const std::vector<RecordBlock> blocks = layout.blocks();
  EXPECT_EQ(blocks[0].offset, layout.fate(0, Fate::launch_failure));
  EXPECT_EQ(blocks[1].offset, layout.engaged(0));
  EXPECT_EQ(blocks[2].offset, layout.group_intercepts(0, 0));
  EXPECT_EQ(blocks[3].offset, layout.layer_metric(0, LayerMetric::engagements));
  if (layout.per_salvo()) {
    ASSERT_EQ(blocks.size(), 6u);
    EXPECT_EQ(blocks[4].offset, layout.salvo_layer_metric(0, 0, LayerMetric::engagements));
    EXPECT_EQ(blocks[5].offset, layout.salvo_magazine(0, 0));
  } else {
    EXPECT_EQ(blocks.size(), 4u);
  }
}

TEST(RecordLayout, BlocksCoverTheRecordInOrder) {
  expect_blocks_cover(RecordLayout{3, 2, 1});
  expect_blocks_cover(RecordLayout{4, 3, 2});
  expect_blocks_cover(RecordLayout{0, 1, 1});
  const Plan campaign = compile(load_scenario_file(std::string(SALVOSIM_CONFIGS_DIR) + "/campaign_example.toml"));
  expect_blocks_cover(campaign.layout);
  EXPECT_TRUE(campaign.layout.per_salvo());
}

}  // namespace
}  // namespace salvosim
