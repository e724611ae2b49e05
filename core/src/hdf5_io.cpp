#include "salvosim/hdf5_io.hpp"

#include <hdf5.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hdf5_support.hpp"

namespace salvosim {
namespace {

using namespace hdf5;

constexpr const char* filetype = "salvosim-results";
// The group of a run to a precision target (docs/hdf5-format.md); absent from a plain run's file.
constexpr const char* precision_group = "precision";

// Trials per HDF5 chunk of a per-trial dataset, unless a row is so wide that this would make
// chunks over chunk_bytes (HDF5's default chunk cache is 1 MiB per dataset).
constexpr hsize_t chunk_trials = 1024;
constexpr hsize_t chunk_bytes = hsize_t{1} << 20;

// ---------------------------------------------------------------------------------------
// Datasets that grow along trial, chunk by chunk

struct Growing {
  Dataset dataset;
  std::string path;
  hid_t memory_type = H5I_INVALID_HID;
  std::vector<hsize_t> row_shape;  // the dimensions after trial
};

Growing create_growing(const Context& ctx, const GroupAt& group, const std::string& name, hid_t file_type,
                       hid_t memory_type, std::vector<hsize_t> row_shape, const Meta& meta) {
  std::vector<hsize_t> shape{0}, max{H5S_UNLIMITED}, chunk;
  shape.insert(shape.end(), row_shape.begin(), row_shape.end());
  max.insert(max.end(), row_shape.begin(), row_shape.end());
  // Chunk dimensions must be > 0, even along an empty dimension.
  hsize_t row_bytes = H5Tget_size(file_type);
  for (hsize_t extent : row_shape) {
    chunk.push_back(std::max<hsize_t>(extent, 1));
    row_bytes *= chunk.back();
  }
  chunk.insert(chunk.begin(), std::clamp<hsize_t>(chunk_bytes / row_bytes, 1, chunk_trials));

  Dataspace space = make_space(ctx, shape, &max);
  const PropertyList dcpl = compressed(ctx, chunk, group.child(name));
  return {create_dataset(ctx, group, name, file_type, space.get(), dcpl.get(), meta), group.child(name), memory_type,
          std::move(row_shape)};
}

template <class T>
Growing create_growing(const Context& ctx, const GroupAt& group, const std::string& name,
                       std::vector<hsize_t> row_shape, const Meta& meta) {
  return create_growing(ctx, group, name, Type<T>::file(), Type<T>::memory(), std::move(row_shape), meta);
}

// Writes rows [first_row, first_row + rows) from `data`, laid out as `memory_space` says.
void append(const Context& ctx, const Growing& growing, hsize_t first_row, hsize_t rows, hid_t memory_space,
            const void* data) {
  const std::string what = "cannot append to " + growing.path;
  std::vector<hsize_t> extent{first_row + rows}, start{first_row}, count{rows};
  extent.insert(extent.end(), growing.row_shape.begin(), growing.row_shape.end());
  start.resize(extent.size(), 0);
  count.insert(count.end(), growing.row_shape.begin(), growing.row_shape.end());
  ctx.check(H5Dset_extent(growing.dataset.get(), extent.data()), what);
  if (element_count(count) == 0) return;
  Dataspace file_space(ctx.check(H5Dget_space(growing.dataset.get()), what));
  ctx.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), what);
  ctx.check(H5Dwrite(growing.dataset.get(), growing.memory_type, memory_space, file_space.get(), H5P_DEFAULT, data),
            what);
}

// Rows held contiguously in memory.
void append(const Context& ctx, const Growing& growing, hsize_t first_row, hsize_t rows, const void* data) {
  std::vector<hsize_t> shape{rows};
  shape.insert(shape.end(), growing.row_shape.begin(), growing.row_shape.end());
  const Dataspace memory = make_space(ctx, {std::max<hsize_t>(element_count(shape), 1)});
  append(ctx, growing, first_row, rows, memory.get(), data);
}

std::vector<std::int64_t> iota(std::int64_t count) {
  std::vector<std::int64_t> values(static_cast<std::size_t>(count));
  for (std::int64_t k = 0; k < count; ++k) values[static_cast<std::size_t>(k)] = k;
  return values;
}

// The dimensions of per-trial and per-threat data that the plan defines.
Coordinate group_coordinate(const Plan& plan) {
  Coordinate c{"group", {}, {}};
  for (const PlanGroup& g : plan.groups) c.labels.push_back(g.name);
  return c;
}

Coordinate layer_coordinate(const Plan& plan) {
  Coordinate c{"layer", {}, {}};
  for (const PlanLayer& l : plan.layers) c.labels.push_back(l.name);
  return c;
}

Coordinate tier_coordinate(const Plan& plan) {
  Coordinate c{"tier", {}, {}};
  for (const PlanTier& t : plan.tiers) c.labels.push_back(t.name);
  return c;
}

// The trial dimension of a per-trial group: a scale that grows with the rows.
Growing create_trial_scale(const Context& ctx, const GroupAt& group, Scales& scales) {
  Growing trial = create_growing<std::uint64_t>(ctx, group, "trial", {}, {"1", "trial index"});
  make_scale(ctx, group, trial.dataset.get(), "trial");
  scales.add("trial", trial.dataset.get());
  return trial;
}

PrecisionInfo read_precision(const Context& ctx, const GroupAt& group) {
  const std::string where = std::string("/") + precision_group;
  const hid_t g = group.id();
  PrecisionInfo info;
  info.batch_trials = read_scalar_attribute<std::int64_t>(ctx, g, where, "batch_trials");
  info.max_trials = read_scalar_attribute<std::int64_t>(ctx, g, where, "max_trials");
  info.reached = read_scalar_attribute<std::int8_t>(ctx, g, where, "reached") != 0;
  if (info.batch_trials < 1 || info.max_trials < 1) ctx.fail(where + ": batch_trials and max_trials must be >= 1");
  const Dataset statistic = open_dataset(ctx, group, "statistic");
  const Dataset target = open_dataset(ctx, group, "target_se");
  const Dataset se = open_dataset(ctx, group, "se");
  const std::vector<std::string> statistics = read_strings(ctx, {statistic.get(), false, where + "/statistic"});
  const std::vector<double> targets = read_values<double>(ctx, {target.get(), false, where + "/target_se"});
  const std::vector<double> errors = read_values<double>(ctx, {se.get(), false, where + "/se"});
  if (targets.size() != statistics.size() || errors.size() != statistics.size() || statistics.empty()) {
    ctx.fail(where + ": statistic, target_se and se must hold one value per target");
  }
  for (std::size_t k = 0; k < statistics.size(); ++k) info.targets.push_back({statistics[k], targets[k], errors[k]});
  return info;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The writer

struct ResultsFileWriter::Impl {
  // /per_trial: each trial's record (RecordLayout) cut into one dataset per block.
  struct PerTrial {
    struct Block {
      Growing dataset;
      std::int64_t offset = 0;  // of the block in a record
      std::int64_t size = 0;
    };
    GroupAt group;
    Scales scales;
    Growing trial;
    std::vector<Block> blocks;
  };
  // /per_threat: each threat's fate, killer and (with declared tiers) tier, one row per trial.
  struct PerThreat {
    GroupAt group;
    Scales scales;
    Growing trial, fate, intercept_layer;
    std::optional<Growing> tier;        // with declared tiers
    std::vector<std::int8_t> fates;     // of the current chunk
    std::vector<std::int16_t> killers;  // of the current chunk
    std::vector<std::int8_t> tiers;     // of the current chunk
  };

  Impl(const std::string& final_path, const Plan& plan, bool per_trial, bool per_threat);
  void open_per_trial(const Plan& plan);
  void open_per_threat(const Plan& plan);
  void write_chunk(const TrialChunk& chunk);
  void finish(const Results& results);
  void write_provenance(const RunInfo& run, bool tiers);
  void write_precision(const PrecisionInfo& precision);
  void write_summary(const Results& results);

  Context ctx;
  std::string path;
  std::int64_t record_size = 0, threats = 0;
  std::uint64_t first_trial = 0;  // of the first chunk: the rows are trials [first_trial, first_trial + rows)
  std::uint64_t rows = 0;         // trials appended so far
  bool finished = false;
  // Members are destroyed in reverse order: the datasets and groups, then the file (which
  // removes its temporary file unless committed).
  NewFile file;
  std::optional<PerTrial> trials;
  std::optional<PerThreat> outcomes;
  std::vector<std::uint64_t> trial_indices;  // of the current chunk
};

ResultsFileWriter::Impl::Impl(const std::string& final_path, const Plan& plan, bool per_trial, bool per_threat)
    : ctx(final_path), path(final_path), record_size(plan.layout.size()), threats(plan.threat_count()), file(ctx) {
  if (per_trial) open_per_trial(plan);
  if (per_threat) open_per_threat(plan);
}

void ResultsFileWriter::Impl::open_per_trial(const Plan& plan) {
  PerTrial& t = trials.emplace();
  t.group = create_group(ctx, file.root(), "per_trial");
  t.trial = create_trial_scale(ctx, t.group, t.scales);
  std::vector<Coordinate> coordinates{
      group_coordinate(plan),
      layer_coordinate(plan),
      {"fate", std::vector<std::string>(fate_names, fate_names + fate_count), {}},
      {"layer_metric", std::vector<std::string>(layer_metric_names, layer_metric_names + layer_metric_count), {}}};
  const RecordLayout& layout = plan.layout;
  if (layout.per_salvo()) {
    Coordinate& salvos = coordinates.emplace_back(Coordinate{"salvo", {}, {}});
    for (const PlanSalvo& salvo : plan.salvos) salvos.labels.push_back(salvo.name);
  }
  if (layout.tiers > 0) coordinates.push_back(tier_coordinate(plan));
  for (const Coordinate& c : coordinates) write_coordinate(ctx, t.group, c, t.scales);
  // The blocks of a record (plan.hpp), each row-major in its dimensions: one dataset each.
  for (const RecordBlock& block : layout.blocks()) {
    const std::vector<hsize_t> row_shape(block.shape.begin(), block.shape.end());
    Growing dataset =
        create_growing<std::int64_t>(ctx, t.group, block.name, row_shape, {block.units, block.description});
    std::vector<std::string> dims{"trial"};
    dims.insert(dims.end(), block.dims.begin(), block.dims.end());
    t.scales.attach(ctx, dataset.path, dataset.dataset.get(), dims);
    t.blocks.push_back({std::move(dataset), block.offset, block.size});
  }
}

void ResultsFileWriter::Impl::open_per_threat(const Plan& plan) {
  PerThreat& o = outcomes.emplace();
  o.group = create_group(ctx, file.root(), "per_threat");
  o.trial = create_trial_scale(ctx, o.group, o.scales);
  std::vector<Coordinate> coordinates{Coordinate{"threat", {}, iota(threats)}, group_coordinate(plan),
                                      layer_coordinate(plan)};
  if (plan.tiers_declared) coordinates.push_back(tier_coordinate(plan));
  for (const Coordinate& c : coordinates) write_coordinate(ctx, o.group, c, o.scales);

  const std::vector<std::int64_t> groups(plan.threat_group.begin(), plan.threat_group.end());
  const Dataset threat_group = write_dataset(ctx, o.group, "threat_group", {groups.size()}, groups.data(),
                                             {"1", "index along group of the threat's group"});
  o.scales.attach(ctx, o.group.child("threat_group"), threat_group.get(), {"threat"});

  const std::vector<hsize_t> row_shape{static_cast<hsize_t>(threats)};
  o.fate = create_growing<std::int8_t>(ctx, o.group, "fate", row_shape, {"1", "fate of each threat"});
  o.intercept_layer =
      create_growing<std::int16_t>(ctx, o.group, "intercept_layer", row_shape,
                                   {"1", "index along layer of the layer that killed the threat, -1 if none"});
  if (plan.tiers_declared) {
    o.tier = create_growing<std::int8_t>(ctx, o.group, "target_tier", row_shape,
                                         {"1", "index along tier of the tier the threat aimed at"});
  }
  for (const Growing* g : {&o.fate, &o.intercept_layer, o.tier ? &*o.tier : nullptr}) {
    if (g != nullptr) o.scales.attach(ctx, g->path, g->dataset.get(), {"trial", "threat"});
  }
  // The code -> name table of fates, as CF's flag_values / flag_meanings.
  std::vector<std::int8_t> codes;
  std::string meanings;
  for (std::int64_t f = 0; f < fate_count; ++f) {
    codes.push_back(static_cast<std::int8_t>(f));
    if (f > 0) meanings += ' ';  // (not `" " + name`: GCC 12 misreports that as an overlapping copy)
    meanings += fate_names[f];
  }
  write_attribute(ctx, o.fate.dataset.get(), o.fate.path, "flag_values", codes);
  write_attribute(ctx, o.fate.dataset.get(), o.fate.path, "flag_meanings", meanings);
}

void ResultsFileWriter::Impl::write_chunk(const TrialChunk& chunk) {
  if (finished) throw std::logic_error("ResultsFileWriter::write_chunk after finish()");
  if (rows == 0) first_trial = chunk.first_trial;
  if (chunk.first_trial != first_trial + rows) {
    ctx.fail("chunk starts at trial " + std::to_string(chunk.first_trial) + ", expected " +
             std::to_string(first_trial + rows) + " (chunks must follow one another in trial order)");
  }
  if (trials && chunk.trials > 0 && chunk.records == nullptr) {
    ctx.fail("the chunk has no per-trial records (run with keep_records)");
  }
  if (outcomes && chunk.trials > 0 && chunk.outcomes == nullptr) {
    ctx.fail("the chunk has no per-threat outcomes (run with keep_outcomes)");
  }
  const auto count = static_cast<hsize_t>(chunk.trials);
  if (count == 0) return;
  trial_indices.resize(count);
  for (hsize_t k = 0; k < count; ++k) trial_indices[k] = chunk.first_trial + k;

  if (trials) {
    append(ctx, trials->trial, rows, count, trial_indices.data());
    // Each block is a column range of the records [trials, record_size]: HDF5 gathers it
    // straight from the chunk's buffer, no copy.
    const std::vector<hsize_t> shape{count, static_cast<hsize_t>(record_size)};
    Dataspace memory = make_space(ctx, shape);
    for (const PerTrial::Block& block : trials->blocks) {
      if (block.size == 0) continue;
      const hsize_t start[2] = {0, static_cast<hsize_t>(block.offset)};
      const hsize_t columns[2] = {count, static_cast<hsize_t>(block.size)};
      ctx.check(H5Sselect_hyperslab(memory.get(), H5S_SELECT_SET, start, nullptr, columns, nullptr),
                "cannot select " + block.dataset.path + " in a record");
      append(ctx, block.dataset, rows, count, memory.get(), chunk.records);
    }
  }
  if (outcomes) {
    append(ctx, outcomes->trial, rows, count, trial_indices.data());
    const std::size_t size = count * static_cast<std::size_t>(threats);
    outcomes->fates.resize(size);
    outcomes->killers.resize(size);
    const bool with_tiers = outcomes->tier.has_value();
    outcomes->tiers.resize(with_tiers ? size : 0);
    for (std::size_t k = 0; k < size; ++k) {
      outcomes->fates[k] = chunk.outcomes[k].fate;
      outcomes->killers[k] = chunk.outcomes[k].intercept_layer;
      if (with_tiers) outcomes->tiers[k] = chunk.outcomes[k].tier;
    }
    append(ctx, outcomes->fate, rows, count, outcomes->fates.data());
    append(ctx, outcomes->intercept_layer, rows, count, outcomes->killers.data());
    if (outcomes->tier) append(ctx, *outcomes->tier, rows, count, outcomes->tiers.data());
  }
  rows += count;
}

void ResultsFileWriter::Impl::write_provenance(const RunInfo& run, bool tiers) {
  const Context& c = ctx;
  const hid_t r = file.root().id();
  write_attribute(c, r, "/", "filetype", std::string(filetype));
  const std::int32_t minor = run.precision.used() ? results_format_minor_with_precision
                             : tiers              ? results_format_minor_with_tiers
                                                  : results_format_minor;
  write_attribute(c, r, "/", "version", std::vector<std::int32_t>{results_format_major, minor});
  write_made_by(c, r, run);
  write_attribute(c, r, "/", "scenario_name", run.scenario_name);
  write_attribute(c, r, "/", "seed", run.seed);
  write_attribute(c, r, "/", "first_trial", run.first_trial);
  write_attribute(c, r, "/", "trials", run.trials);
  write_attribute(c, r, "/", "threads", static_cast<std::int32_t>(run.threads));

  const GroupAt scenario = create_group(c, file.root(), "scenario");
  write_strings(c, scenario, "text", {run.scenario_text}, true, {"", "the scenario's config text (TOML)"});
  write_strings(c, scenario, "source_name", {run.source_name}, true, {"", "the file the scenario was loaded from"});
  if (run.precision.used()) write_precision(run.precision);
}

void ResultsFileWriter::Impl::write_precision(const PrecisionInfo& precision) {
  const Context& c = ctx;
  const GroupAt group = create_group(c, file.root(), precision_group);
  const hid_t g = group.id();
  const std::string where = std::string("/") + precision_group;
  write_attribute(c, g, where, "batch_trials", precision.batch_trials);
  write_attribute(c, g, where, "max_trials", precision.max_trials);
  write_attribute(c, g, where, "reached", static_cast<std::int8_t>(precision.reached ? 1 : 0));
  std::vector<std::string> statistics;
  std::vector<double> targets, errors;
  for (const SeTarget& t : precision.targets) {
    statistics.push_back(t.statistic);
    targets.push_back(t.target);
    errors.push_back(t.se);
  }
  const std::vector<hsize_t> shape{statistics.size()};
  write_strings(c, group, "statistic", statistics, false, {"", "the statistic of each target (<array>.<label>...)"});
  write_dataset(c, group, "target_se", shape, targets.data(), {"as the statistic", "the standard error asked"});
  write_dataset(c, group, "se", shape, errors.data(), {"as the statistic", "the standard error reached"});
}

void ResultsFileWriter::Impl::write_summary(const Results& results) {
  const GroupAt summary = create_group(ctx, file.root(), "summary");
  Scales scales;
  write_coordinates(ctx, summary, results.coordinates, scales);
  write_arrays(ctx, summary, results.coordinates, results.arrays, scales);
}

void ResultsFileWriter::Impl::finish(const Results& results) {
  if (finished) throw std::logic_error("ResultsFileWriter::finish called twice");
  if (trials || outcomes) {
    // The provenance written is the results' own (results.info): the rows must be its trials.
    const RunInfo& run = results.info;
    if (run.trials < 0 || static_cast<std::uint64_t>(run.trials) != rows ||
        (rows > 0 && run.first_trial != first_trial)) {
      ctx.fail("the results (trials " + std::to_string(run.first_trial) + " + " + std::to_string(run.trials) +
               ") are not those of the per-trial rows written (trials " + std::to_string(first_trial) + " + " +
               std::to_string(rows) + ")");
    }
  }
  write_provenance(results.info, results.has_array("damage_mean"));
  write_summary(results);

  outcomes.reset();
  trials.reset();
  file.commit();
  finished = true;
}

ResultsFileWriter::ResultsFileWriter(const std::string& path, const Plan& plan, bool per_trial, bool per_threat) {
  const QuietErrors quiet;
  impl_ = std::make_unique<Impl>(path, plan, per_trial, per_threat);
}

// Destroying an unfinished writer closes HDF5 handles: quietly, like every other call.
ResultsFileWriter::ResultsFileWriter(ResultsFileWriter&&) noexcept = default;
ResultsFileWriter& ResultsFileWriter::operator=(ResultsFileWriter&& other) noexcept {
  const QuietErrors quiet;
  impl_ = std::move(other.impl_);
  return *this;
}
ResultsFileWriter::~ResultsFileWriter() {
  const QuietErrors quiet;
  impl_.reset();
}

void ResultsFileWriter::write_chunk(const TrialChunk& chunk) {
  const QuietErrors quiet;
  impl_->write_chunk(chunk);
}

void ResultsFileWriter::finish(const Results& results) {
  const QuietErrors quiet;
  impl_->finish(results);
}

const std::string& ResultsFileWriter::temporary_path() const { return impl_->file.temporary_path(); }

void write_results(const std::string& path, const Plan& plan, const Results& results) {
  ResultsFileWriter writer(path, plan, false, false);
  writer.finish(results);
}

// ---------------------------------------------------------------------------------------
// Reading

Results read_results(const std::string& path) {
  const QuietErrors quiet;
  const Context ctx(path, Context::Access::read);
  const OpenFile file = open_for_reading(ctx, filetype, "results", results_format_major);
  const GroupAt& root = file.root;
  const hid_t r = root.id();

  Results results;
  RunInfo& info = results.info;
  info.scenario_name = read_string_attribute(ctx, r, "/", "scenario_name");
  read_made_by(ctx, r, info);
  info.seed = read_scalar_attribute<std::uint64_t>(ctx, r, "/", "seed");
  info.first_trial = read_scalar_attribute<std::uint64_t>(ctx, r, "/", "first_trial");
  info.trials = read_scalar_attribute<std::int64_t>(ctx, r, "/", "trials");
  info.threads = read_scalar_attribute<std::int32_t>(ctx, r, "/", "threads");
  const GroupAt scenario = open_group(ctx, root, "scenario");
  info.scenario_text = read_string_dataset(ctx, scenario, "text");
  info.source_name = read_string_dataset(ctx, scenario, "source_name");
  const std::vector<std::string> members = member_names(ctx, root);
  if (std::find(members.begin(), members.end(), precision_group) != members.end()) {
    info.precision = read_precision(ctx, open_group(ctx, root, precision_group));
  }

  const GroupAt summary = open_group(ctx, root, "summary");
  read_named_arrays(ctx, summary, results.coordinates, results.arrays);
  check_summary(ctx, summary, results.coordinates, results.arrays, {}, {});
  return results;
}

}  // namespace salvosim
