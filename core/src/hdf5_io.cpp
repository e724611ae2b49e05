#include "salvosim/hdf5_io.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "hdf5_handles.hpp"

namespace salvosim {
namespace {

namespace fs = std::filesystem;
using hdf5::Attribute;
using hdf5::Dataset;
using hdf5::Dataspace;
using hdf5::Datatype;
using hdf5::File;
using hdf5::Group;
using hdf5::PropertyList;
using hdf5::QuietErrors;

constexpr const char* filetype = "salvosim-results";

// Trials per HDF5 chunk of a per-trial dataset, unless a row is so wide that this would make
// chunks over chunk_bytes (HDF5's default chunk cache is 1 MiB per dataset).
constexpr hsize_t chunk_trials = 1024;
constexpr hsize_t chunk_bytes = hsize_t{1} << 20;
constexpr unsigned gzip_level = 4;
// Whole datasets at least this large are compressed.
constexpr hsize_t compress_bytes = hsize_t{1} << 16;

// ---------------------------------------------------------------------------------------
// Errors

// The innermost message on HDF5's error stack: the one that says what actually went wrong
// (e.g. "unable to open file: ... errno = 13, error message = 'Permission denied'").
std::string hdf5_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* error, void* data) -> herr_t {
        if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(data) = error->desc;
        return 0;
      },
      &reason);
  return reason;
}

// Turns failures into std::runtime_error messages that start with the file's name.
class Context {
 public:
  explicit Context(std::string path) : path_(std::move(path)) {}

  // A failure of ours (wrong version, missing dataset): nothing on HDF5's stack to add.
  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(path_ + ": " + what); }

  // Checks an HDF5 return value (negative on failure) and adds HDF5's own reason. The
  // message must not be built by HDF5 calls: they would clear the error stack first.
  template <class T>
  T check(T result, const std::string& what) const {
    if (result < 0) {
      const std::string reason = hdf5_reason();
      fail(reason.empty() ? what : what + " (HDF5: " + reason + ")");
    }
    return result;
  }

 private:
  std::string path_;
};

// An open group and its path inside the file, for messages.
struct GroupAt {
  Group handle;
  std::string path;

  hid_t id() const { return handle.get(); }
  std::string child(const std::string& name) const { return (path == "/" ? "/" : path + "/") + name; }
};

// ---------------------------------------------------------------------------------------
// Types

// How each C++ type is held in memory and stored in the file (little-endian, as on every
// machine salvosim runs on, so that reading needs no conversion).
template <class T>
struct Type;
template <>
struct Type<double> {
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
};
template <>
struct Type<std::int64_t> {
  static hid_t memory() { return H5T_NATIVE_INT64; }
  static hid_t file() { return H5T_STD_I64LE; }
};
template <>
struct Type<std::uint64_t> {
  static hid_t memory() { return H5T_NATIVE_UINT64; }
  static hid_t file() { return H5T_STD_U64LE; }
};
template <>
struct Type<std::int32_t> {
  static hid_t memory() { return H5T_NATIVE_INT32; }
  static hid_t file() { return H5T_STD_I32LE; }
};
template <>
struct Type<std::int16_t> {
  static hid_t memory() { return H5T_NATIVE_INT16; }
  static hid_t file() { return H5T_STD_I16LE; }
};
template <>
struct Type<std::int8_t> {
  static hid_t memory() { return H5T_NATIVE_INT8; }
  static hid_t file() { return H5T_STD_I8LE; }
};

// Variable-length UTF-8: what h5py reads as str (attributes) and xarray as str (always).
Datatype string_type(const Context& ctx) {
  Datatype type(ctx.check(H5Tcopy(H5T_C_S1), "cannot make a string type"));
  ctx.check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot make a string type");
  ctx.check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot make a string type");
  return type;
}

std::vector<const char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<const char*> pointers;
  pointers.reserve(strings.size());
  for (const std::string& s : strings) pointers.push_back(s.c_str());
  return pointers;
}

// An empty shape is a scalar.
Dataspace make_space(const Context& ctx, const std::vector<hsize_t>& shape, const std::vector<hsize_t>* max = nullptr) {
  if (shape.empty()) return Dataspace(ctx.check(H5Screate(H5S_SCALAR), "cannot make a dataspace"));
  return Dataspace(ctx.check(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), max ? max->data() : nullptr),
                             "cannot make a dataspace"));
}

hsize_t element_count(const std::vector<hsize_t>& shape) {
  hsize_t count = 1;
  for (hsize_t extent : shape) count *= extent;
  return count;
}

std::vector<hsize_t> to_hsize(const std::vector<std::int64_t>& shape) {
  return std::vector<hsize_t>(shape.begin(), shape.end());
}

// ---------------------------------------------------------------------------------------
// Writing: one path for attributes, one for datasets

void write_attribute_raw(const Context& ctx, hid_t object, const std::string& where, const std::string& name,
                         hid_t file_type, hid_t memory_type, const std::vector<hsize_t>& shape, const void* data) {
  const std::string what = "cannot write attribute " + name + " of " + where;
  Dataspace space = make_space(ctx, shape);
  Attribute attribute(
      ctx.check(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), what));
  ctx.check(H5Awrite(attribute.get(), memory_type, data), what);
}

void write_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name,
                     const std::string& value) {
  const Datatype type = string_type(ctx);
  const char* pointer = value.c_str();
  write_attribute_raw(ctx, object, where, name, type.get(), type.get(), {}, &pointer);
}

template <class T>
void write_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name, T value) {
  write_attribute_raw(ctx, object, where, name, Type<T>::file(), Type<T>::memory(), {}, &value);
}

template <class T>
void write_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name,
                     const std::vector<T>& values) {
  write_attribute_raw(ctx, object, where, name, Type<T>::file(), Type<T>::memory(), {values.size()}, values.data());
}

// What a dataset says about itself (CF names, which xarray shows as attrs).
struct Meta {
  std::string units;
  std::string long_name;
};

// Creates a dataset and writes its attributes; `dcpl` says how it is stored.
Dataset create_dataset(const Context& ctx, const GroupAt& group, const std::string& name, hid_t file_type,
                       hid_t space, hid_t dcpl, const Meta& meta) {
  const std::string where = group.child(name);
  Dataset dataset(ctx.check(H5Dcreate2(group.id(), name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                            "cannot create dataset " + where));
  if (!meta.units.empty()) write_attribute(ctx, dataset.get(), where, "units", meta.units);
  if (!meta.long_name.empty()) write_attribute(ctx, dataset.get(), where, "long_name", meta.long_name);
  return dataset;
}

// Chunked storage with shuffle + gzip: integer counts that are mostly small or zero (rows of
// records, histograms) shrink several times over.
PropertyList compressed(const Context& ctx, const std::vector<hsize_t>& chunk, const std::string& where) {
  PropertyList dcpl(ctx.check(H5Pcreate(H5P_DATASET_CREATE), "cannot make a property list"));
  const std::string what = "cannot set up compression of " + where;
  ctx.check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), what);
  ctx.check(H5Pset_shuffle(dcpl.get()), what);
  ctx.check(H5Pset_deflate(dcpl.get(), gzip_level), what);
  return dcpl;
}

// The one way a whole dataset is written: created, described and filled in one go. Large
// ones (the rate histograms) are compressed as one chunk; small ones stay contiguous.
Dataset write_dataset_raw(const Context& ctx, const GroupAt& group, const std::string& name,
                          const std::vector<hsize_t>& shape, hid_t file_type, hid_t memory_type, const void* data,
                          const Meta& meta) {
  const Dataspace space = make_space(ctx, shape);
  const hsize_t bytes = element_count(shape) * H5Tget_size(file_type);
  const bool compress = !shape.empty() && bytes >= compress_bytes && H5Tis_variable_str(file_type) <= 0;
  const PropertyList dcpl =
      compress ? compressed(ctx, shape, group.child(name))
               : PropertyList(ctx.check(H5Pcreate(H5P_DATASET_CREATE), "cannot make a property list"));
  Dataset dataset = create_dataset(ctx, group, name, file_type, space.get(), dcpl.get(), meta);
  if (element_count(shape) > 0) {
    ctx.check(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
              "cannot write dataset " + group.child(name));
  }
  return dataset;
}

template <class T>
Dataset write_dataset(const Context& ctx, const GroupAt& group, const std::string& name,
                      const std::vector<hsize_t>& shape, const T* data, const Meta& meta = {}) {
  return write_dataset_raw(ctx, group, name, shape, Type<T>::file(), Type<T>::memory(), data, meta);
}

// Strings: a scalar when `scalar`, else a 1-D dataset.
Dataset write_strings(const Context& ctx, const GroupAt& group, const std::string& name,
                      const std::vector<std::string>& strings, bool scalar, const Meta& meta = {}) {
  const Datatype type = string_type(ctx);
  const std::vector<const char*> pointers = c_strings(strings);
  const std::vector<hsize_t> shape = scalar ? std::vector<hsize_t>{} : std::vector<hsize_t>{strings.size()};
  return write_dataset_raw(ctx, group, name, shape, type.get(), type.get(), pointers.data(), meta);
}

// Groups remember the order their members were created in, so that a reader gets the arrays
// back in the order they were written (netCDF-4 does the same).
PropertyList creation_order(const Context& ctx, hid_t list_class) {
  PropertyList list(ctx.check(H5Pcreate(list_class), "cannot make a property list"));
  ctx.check(H5Pset_link_creation_order(list.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
            "cannot track creation order");
  return list;
}

GroupAt create_group(const Context& ctx, const GroupAt& parent, const std::string& name) {
  const PropertyList gcpl = creation_order(ctx, H5P_GROUP_CREATE);
  const std::string path = parent.child(name);
  return {Group(ctx.check(H5Gcreate2(parent.id(), name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                          "cannot create group " + path)),
          path};
}

// File locking fails on some file systems (NFS, Lustre): there, go on without it.
PropertyList file_access(const Context& ctx) {
  PropertyList fapl(ctx.check(H5Pcreate(H5P_FILE_ACCESS), "cannot make a property list"));
#if H5_VERSION_GE(1, 10, 7)
  ctx.check(H5Pset_file_locking(fapl.get(), true, true), "cannot set file locking");
#endif
  return fapl;
}

// ---------------------------------------------------------------------------------------
// Dimensions

// The dimension scales of one group, by dimension name.
class Scales {
 public:
  // A scale this object keeps open (and closes with the group's other handles).
  void add(std::string name, Dataset scale) {
    add(std::move(name), scale.get());
    owned_.push_back(std::move(scale));
  }
  // A scale kept open elsewhere (the growing trial scale).
  void add(std::string name, hid_t scale) { by_name_.emplace_back(std::move(name), scale); }

  hid_t find(const Context& ctx, const std::string& dim) const {
    for (const auto& [name, scale] : by_name_) {
      if (name == dim) return scale;
    }
    ctx.fail("no coordinate for dimension \"" + dim + "\"");
  }

  // Names the dataset's dimensions by attaching their scales: what xarray reads as dims,
  // and h5py as dataset.dims[i].keys(). (Axis labels, H5DSset_label, would also show in
  // h5py, but xarray would list them among every variable's attributes.)
  void attach(const Context& ctx, const std::string& where, hid_t dataset, const std::vector<std::string>& dims) const {
    for (std::size_t axis = 0; axis < dims.size(); ++axis) {
      ctx.check(H5DSattach_scale(dataset, find(ctx, dims[axis]), static_cast<unsigned>(axis)),
                "cannot attach dimension " + dims[axis] + " to " + where);
    }
  }

 private:
  std::vector<Dataset> owned_;
  std::vector<std::pair<std::string, hid_t>> by_name_;
};

void make_scale(const Context& ctx, const GroupAt& group, hid_t dataset, const std::string& name) {
  ctx.check(H5DSset_scale(dataset, name.c_str()), "cannot make " + group.child(name) + " a dimension scale");
}

// A coordinate as a 1-D dimension scale named after its dimension: labels as strings,
// values as int64.
void write_coordinate(const Context& ctx, const GroupAt& group, const Coordinate& coordinate, Scales& scales) {
  Dataset scale = coordinate.labels.empty()
                      ? write_dataset(ctx, group, coordinate.name, {coordinate.values.size()}, coordinate.values.data())
                      : write_strings(ctx, group, coordinate.name, coordinate.labels, false);
  make_scale(ctx, group, scale.get(), coordinate.name);
  scales.add(coordinate.name, std::move(scale));
}

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

// The trial dimension of a per-trial group: a scale that grows with the rows.
Growing create_trial_scale(const Context& ctx, const GroupAt& group, Scales& scales) {
  Growing trial = create_growing<std::uint64_t>(ctx, group, "trial", {}, {"1", "trial index"});
  make_scale(ctx, group, trial.dataset.get(), "trial");
  scales.add("trial", trial.dataset.get());
  return trial;
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
  // /per_threat: each threat's fate and killer, one row per trial.
  struct PerThreat {
    GroupAt group;
    Scales scales;
    Growing trial, fate, intercept_layer;
    std::vector<std::int8_t> fates;      // of the current chunk
    std::vector<std::int16_t> killers;  // of the current chunk
  };

  // Removes the temporary file unless told to keep it. A member rather than ~Impl, so that
  // it also runs when the constructor fails half way.
  struct Temporary {
    std::string path;
    bool keep = false;
    explicit Temporary(std::string name) : path(std::move(name)) {}
    Temporary(const Temporary&) = delete;
    Temporary& operator=(const Temporary&) = delete;
    ~Temporary() {
      std::error_code ignored;  // a destructor must not throw; nothing more can be done here
      if (!keep) fs::remove(path, ignored);
    }
  };

  Impl(const std::string& final_path, const Plan& plan, const RunInfo& run, bool per_trial, bool per_threat);
  void open_per_trial(const Plan& plan);
  void open_per_threat(const Plan& plan);
  void write_chunk(const TrialChunk& chunk);
  void finish(const Results& results);
  void write_provenance(const RunInfo& run);
  void write_summary(const Results& results);

  Context ctx;
  std::string path;
  std::uint64_t seed = 0, first_trial = 0;
  std::int64_t record_size = 0, threats = 0;
  std::uint64_t rows = 0;  // trials appended so far
  bool finished = false;
  // Members are destroyed in reverse order: the datasets and groups, then the file, then
  // (the file being closed) the temporary file is removed.
  Temporary temporary;
  File file;
  GroupAt root;
  std::optional<PerTrial> trials;
  std::optional<PerThreat> outcomes;
  std::vector<std::uint64_t> trial_indices;  // of the current chunk
};

ResultsFileWriter::Impl::Impl(const std::string& final_path, const Plan& plan, const RunInfo& run, bool per_trial,
                              bool per_threat)
    : ctx(final_path),
      path(final_path),
      seed(run.seed),
      first_trial(run.first_trial),
      record_size(plan.layout.size()),
      threats(plan.threat_count()),
      temporary{final_path + "." + std::to_string(::getpid()) + ".partial"} {
  std::error_code error;  // an error here means "no": HDF5 then reports what is wrong
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, error)) {
    ctx.fail("cannot create the file: directory " + parent.string() + " does not exist");
  }
  if (fs::is_directory(path, error)) ctx.fail("cannot write the file: a directory of that name exists");
  const PropertyList fcpl = creation_order(ctx, H5P_FILE_CREATE);
  const PropertyList fapl = file_access(ctx);
  file = File(ctx.check(H5Fcreate(temporary.path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()),
                        "cannot create the temporary file " + temporary.path));
  root = {Group(ctx.check(H5Gopen2(file.get(), "/", H5P_DEFAULT), "cannot open the root group")), "/"};
  if (per_trial) open_per_trial(plan);
  if (per_threat) open_per_threat(plan);
}

void ResultsFileWriter::Impl::open_per_trial(const Plan& plan) {
  PerTrial& t = trials.emplace();
  t.group = create_group(ctx, root, "per_trial");
  t.trial = create_trial_scale(ctx, t.group, t.scales);
  const std::vector<Coordinate> coordinates{
      group_coordinate(plan), layer_coordinate(plan),
      {"fate", std::vector<std::string>(fate_names, fate_names + fate_count), {}},
      {"layer_metric", std::vector<std::string>(layer_metric_names, layer_metric_names + layer_metric_count), {}}};
  for (const Coordinate& c : coordinates) write_coordinate(ctx, t.group, c, t.scales);
  const auto extent = [&](const std::string& dim) {
    for (const Coordinate& c : coordinates) {
      if (c.name == dim) return c.size();
    }
    throw std::logic_error("per_trial: no dimension " + dim);
  };

  // The blocks of a record, in its order (plan.hpp): each is row-major in its dimensions.
  struct BlockSpec {
    const char* name;
    std::vector<std::string> dims;  // after trial
    std::int64_t offset;
    Meta meta;
  };
  const RecordLayout& layout = plan.layout;
  const std::vector<BlockSpec> specs{
      {"fates", {"group", "fate"}, layout.fate(0, Fate::launch_failure),
       {"threats", "threats of each group with each fate"}},
      {"engaged", {"group"}, layout.engaged(0), {"threats", "threats of each group engaged at least once"}},
      {"intercepts", {"group", "layer"}, layout.group_intercepts(0, 0),
       {"threats", "threats of each group killed by each layer"}},
      {"layer_metrics", {"layer", "layer_metric"}, layout.layer_metric(0, LayerMetric::engagements),
       {"1", "counters of each layer (engagements, interceptors fired, ...)"}},
  };
  for (const BlockSpec& spec : specs) {
    std::vector<hsize_t> row_shape;
    std::int64_t size = 1;
    for (const std::string& dim : spec.dims) {
      row_shape.push_back(static_cast<hsize_t>(extent(dim)));
      size *= extent(dim);
    }
    Growing dataset = create_growing<std::int64_t>(ctx, t.group, spec.name, row_shape, spec.meta);
    std::vector<std::string> dims{"trial"};
    dims.insert(dims.end(), spec.dims.begin(), spec.dims.end());
    t.scales.attach(ctx, dataset.path, dataset.dataset.get(), dims);
    t.blocks.push_back({std::move(dataset), spec.offset, size});
  }
}

void ResultsFileWriter::Impl::open_per_threat(const Plan& plan) {
  PerThreat& o = outcomes.emplace();
  o.group = create_group(ctx, root, "per_threat");
  o.trial = create_trial_scale(ctx, o.group, o.scales);
  for (const Coordinate& c : {Coordinate{"threat", {}, iota(threats)}, group_coordinate(plan), layer_coordinate(plan)}) {
    write_coordinate(ctx, o.group, c, o.scales);
  }

  const std::vector<std::int64_t> groups(plan.threat_group.begin(), plan.threat_group.end());
  const Dataset threat_group = write_dataset(ctx, o.group, "threat_group", {groups.size()}, groups.data(),
                                             {"1", "index along group of the threat's group"});
  o.scales.attach(ctx, o.group.child("threat_group"), threat_group.get(), {"threat"});

  const std::vector<hsize_t> row_shape{static_cast<hsize_t>(threats)};
  o.fate = create_growing<std::int8_t>(ctx, o.group, "fate", row_shape, {"1", "fate of each threat"});
  o.intercept_layer = create_growing<std::int16_t>(
      ctx, o.group, "intercept_layer", row_shape,
      {"1", "index along layer of the layer that killed the threat, -1 if none"});
  for (const Growing* g : {&o.fate, &o.intercept_layer}) {
    o.scales.attach(ctx, g->path, g->dataset.get(), {"trial", "threat"});
  }
  // The code -> name table of fates, as CF's flag_values / flag_meanings.
  std::vector<std::int8_t> codes;
  std::string meanings;
  for (std::int64_t f = 0; f < fate_count; ++f) {
    codes.push_back(static_cast<std::int8_t>(f));
    meanings += (f > 0 ? " " : "") + std::string(fate_names[f]);
  }
  write_attribute(ctx, o.fate.dataset.get(), o.fate.path, "flag_values", codes);
  write_attribute(ctx, o.fate.dataset.get(), o.fate.path, "flag_meanings", meanings);
}

void ResultsFileWriter::Impl::write_chunk(const TrialChunk& chunk) {
  if (finished) throw std::logic_error("ResultsFileWriter::write_chunk after finish()");
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
    for (std::size_t k = 0; k < size; ++k) {
      outcomes->fates[k] = chunk.outcomes[k].fate;
      outcomes->killers[k] = chunk.outcomes[k].intercept_layer;
    }
    append(ctx, outcomes->fate, rows, count, outcomes->fates.data());
    append(ctx, outcomes->intercept_layer, rows, count, outcomes->killers.data());
  }
  rows += count;
}

void ResultsFileWriter::Impl::write_provenance(const RunInfo& run) {
  const Context& c = ctx;
  const hid_t r = root.id();
  write_attribute(c, r, "/", "filetype", std::string(filetype));
  write_attribute(c, r, "/", "version", std::vector<std::int32_t>{results_format_major, results_format_minor});
  write_attribute(c, r, "/", "salvosim_version", run.salvosim_version);
  write_attribute(c, r, "/", "git_sha1", run.git_sha1);
  write_attribute(c, r, "/", "created", run.created);
  write_attribute(c, r, "/", "scenario_name", run.scenario_name);
  write_attribute(c, r, "/", "seed", run.seed);
  write_attribute(c, r, "/", "first_trial", run.first_trial);
  write_attribute(c, r, "/", "trials", run.trials);
  write_attribute(c, r, "/", "threads", static_cast<std::int32_t>(run.threads));

  const GroupAt scenario = create_group(c, root, "scenario");
  write_strings(c, scenario, "text", {run.scenario_text}, true, {"", "the scenario's config text (TOML)"});
  write_strings(c, scenario, "source_name", {run.source_name}, true, {"", "the file the scenario was loaded from"});
}

void ResultsFileWriter::Impl::write_summary(const Results& results) {
  const GroupAt summary = create_group(ctx, root, "summary");
  Scales scales;
  for (const Coordinate& coordinate : results.coordinates) write_coordinate(ctx, summary, coordinate, scales);
  for (const DataArray& array : results.arrays) {
    const std::size_t size = static_cast<std::size_t>(array.size());
    const std::size_t stored = array.integer ? array.integers.size() : array.values.size();
    if (array.dims.size() != array.shape.size() || stored != size) {
      ctx.fail("array " + array.name + " has inconsistent dims, shape and values");
    }
    for (std::size_t d = 0; d < array.dims.size(); ++d) {
      if (results.coordinate(array.dims[d]).size() != array.shape[d]) {
        ctx.fail("array " + array.name + " has size " + std::to_string(array.shape[d]) + " along " + array.dims[d] +
                 ", its coordinate " + std::to_string(results.coordinate(array.dims[d]).size()));
      }
    }
    const Meta meta{array.units, array.description};
    const std::vector<hsize_t> shape = to_hsize(array.shape);
    const Dataset dataset = array.integer ? write_dataset(ctx, summary, array.name, shape, array.integers.data(), meta)
                                          : write_dataset(ctx, summary, array.name, shape, array.values.data(), meta);
    scales.attach(ctx, summary.child(array.name), dataset.get(), array.dims);
  }
}

void ResultsFileWriter::Impl::finish(const Results& results) {
  if (finished) throw std::logic_error("ResultsFileWriter::finish called twice");
  if (trials || outcomes) {
    const RunInfo& run = results.info;
    if (run.seed != seed || run.first_trial != first_trial || run.trials < 0 ||
        static_cast<std::uint64_t>(run.trials) != rows) {
      ctx.fail("the results (seed " + std::to_string(run.seed) + ", trials " + std::to_string(run.first_trial) +
               " + " + std::to_string(run.trials) + ") are not those of the per-trial rows written (seed " +
               std::to_string(seed) + ", trials " + std::to_string(first_trial) + " + " + std::to_string(rows) + ")");
    }
  }
  write_provenance(results.info);
  write_summary(results);

  outcomes.reset();
  trials.reset();
  root.handle.reset();
  ctx.check(file.close(), "cannot close the file " + temporary.path);
  std::error_code error;
  fs::rename(temporary.path, path, error);
  if (error) ctx.fail("cannot rename " + temporary.path + " to it: " + error.message());
  temporary.keep = true;
  finished = true;
}

ResultsFileWriter::ResultsFileWriter(const std::string& path, const Plan& plan, const RunInfo& info, bool per_trial,
                                     bool per_threat) {
  const QuietErrors quiet;
  impl_ = std::make_unique<Impl>(path, plan, info, per_trial, per_threat);
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

const std::string& ResultsFileWriter::temporary_path() const { return impl_->temporary.path; }

void write_results(const std::string& path, const Plan& plan, const Results& results) {
  ResultsFileWriter writer(path, plan, results.info, false, false);
  writer.finish(results);
}

// ---------------------------------------------------------------------------------------
// Reading

namespace {

// A dataset or an attribute: both are read the same way.
struct Readable {
  hid_t id;
  bool attribute;
  std::string what;  // for messages, e.g. "/summary/fate_mean" or "attribute seed of /"

  Datatype type(const Context& ctx) const {
    return Datatype(ctx.check(attribute ? H5Aget_type(id) : H5Dget_type(id), "cannot read " + what));
  }
  Dataspace space(const Context& ctx) const {
    return Dataspace(ctx.check(attribute ? H5Aget_space(id) : H5Dget_space(id), "cannot read " + what));
  }
  void read(const Context& ctx, hid_t memory_type, void* buffer) const {
    ctx.check(attribute ? H5Aread(id, memory_type, buffer)
                        : H5Dread(id, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer),
              "cannot read " + what);
  }
  std::size_t count(const Context& ctx) const {
    return static_cast<std::size_t>(ctx.check(H5Sget_simple_extent_npoints(space(ctx).get()), "cannot read " + what));
  }
};

template <class T>
std::vector<T> read_values(const Context& ctx, const Readable& source) {
  std::vector<T> values(source.count(ctx));
  if (!values.empty()) source.read(ctx, Type<T>::memory(), values.data());
  return values;
}

// Variable-length strings (ours) or fixed-length ones (from other writers).
std::vector<std::string> read_strings(const Context& ctx, const Readable& source) {
  const Datatype file_type = source.type(ctx);
  if (H5Tget_class(file_type.get()) != H5T_STRING) ctx.fail(source.what + " is not a string");
  const std::size_t count = source.count(ctx);
  std::vector<std::string> strings;
  strings.reserve(count);
  if (H5Tis_variable_str(file_type.get()) > 0) {
    const Datatype memory = string_type(ctx);
    std::vector<char*> pointers(count, nullptr);
    source.read(ctx, memory.get(), pointers.data());
    for (const char* p : pointers) strings.emplace_back(p ? p : "");
    const Dataspace space = source.space(ctx);
    // H5Treclaim replaced H5Dvlen_reclaim in 1.12; Debian 12 has 1.10.
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(memory.get(), space.get(), H5P_DEFAULT, pointers.data());
#else
    H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, pointers.data());
#endif
  } else {
    const std::size_t width = H5Tget_size(file_type.get());
    std::vector<char> buffer(count * width);
    source.read(ctx, file_type.get(), buffer.data());
    for (std::size_t k = 0; k < count; ++k) strings.emplace_back(&buffer[k * width], strnlen(&buffer[k * width], width));
  }
  return strings;
}

bool has_attribute(const Context& ctx, hid_t object, const std::string& name, const std::string& where) {
  return ctx.check(H5Aexists(object, name.c_str()), "cannot look for attribute " + name + " of " + where) > 0;
}

// Opens attribute `name` of `where`; a missing one is an error that names it.
Attribute open_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name) {
  if (!has_attribute(ctx, object, name, where)) ctx.fail("missing attribute " + name + " of " + where);
  return Attribute(
      ctx.check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "cannot open attribute " + name + " of " + where));
}

std::string read_string_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name) {
  const Attribute attribute = open_attribute(ctx, object, where, name);
  const std::vector<std::string> strings =
      read_strings(ctx, {attribute.get(), true, "attribute " + name + " of " + where});
  if (strings.size() != 1) ctx.fail("attribute " + name + " of " + where + " is not one string");
  return strings[0];
}

// Optional descriptive attributes (units, long_name) read as "" when absent.
std::string read_optional_string(const Context& ctx, hid_t object, const std::string& where, const std::string& name) {
  return has_attribute(ctx, object, name, where) ? read_string_attribute(ctx, object, where, name) : std::string();
}

template <class T>
std::vector<T> read_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name) {
  const Attribute attribute = open_attribute(ctx, object, where, name);
  return read_values<T>(ctx, {attribute.get(), true, "attribute " + name + " of " + where});
}

template <class T>
T read_scalar_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name) {
  const std::vector<T> values = read_attribute<T>(ctx, object, where, name);
  if (values.size() != 1) ctx.fail("attribute " + name + " of " + where + " is not one number");
  return values[0];
}

Dataset open_dataset(const Context& ctx, const GroupAt& group, const std::string& name) {
  const std::string where = group.child(name);
  if (ctx.check(H5Lexists(group.id(), name.c_str(), H5P_DEFAULT), "cannot look for " + where) <= 0) {
    ctx.fail("missing dataset " + where);
  }
  return Dataset(ctx.check(H5Dopen2(group.id(), name.c_str(), H5P_DEFAULT), "cannot open dataset " + where));
}

GroupAt open_group(const Context& ctx, const GroupAt& parent, const std::string& name) {
  const std::string where = parent.child(name);
  if (ctx.check(H5Lexists(parent.id(), name.c_str(), H5P_DEFAULT), "cannot look for " + where) <= 0) {
    ctx.fail("missing group " + where);
  }
  return {Group(ctx.check(H5Gopen2(parent.id(), name.c_str(), H5P_DEFAULT), "cannot open group " + where)), where};
}

std::string read_string_dataset(const Context& ctx, const GroupAt& group, const std::string& name) {
  const Dataset dataset = open_dataset(ctx, group, name);
  const std::vector<std::string> strings = read_strings(ctx, {dataset.get(), false, group.child(name)});
  if (strings.size() != 1) ctx.fail(group.child(name) + " is not one string");
  return strings[0];
}

// The members of a group in the order they were created (by name if the file does not
// track the order).
std::vector<std::string> member_names(const Context& ctx, const GroupAt& group) {
  H5G_info_t info;
  ctx.check(H5Gget_info(group.id(), &info), "cannot list " + group.path);
  const H5_index_t index = info.max_corder > 0 || info.nlinks == 0 ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  std::vector<std::string> names;
  for (hsize_t k = 0; k < info.nlinks; ++k) {
    const std::string what = "cannot list " + group.path;
    const ssize_t length =
        ctx.check(H5Lget_name_by_idx(group.id(), ".", index, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT), what);
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    ctx.check(H5Lget_name_by_idx(group.id(), ".", index, H5_ITER_INC, k, name.data(), name.size(), H5P_DEFAULT), what);
    name.resize(static_cast<std::size_t>(length));
    names.push_back(std::move(name));
  }
  return names;
}

// The name of the dimension scale attached to `axis` of a dataset.
std::string dimension_name(const Context& ctx, hid_t dataset, unsigned axis, const std::string& where) {
  const std::string what = "cannot read the dimensions of " + where;
  if (ctx.check(H5DSget_num_scales(dataset, axis), what) < 1) {
    ctx.fail(where + " has no dimension scale on axis " + std::to_string(axis));
  }
  struct Found {
    std::string name;
    bool ok = false;
  } found;
  ctx.check(H5DSiterate_scales(
                dataset, axis, nullptr,
                [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
                  auto* out = static_cast<Found*>(data);
                  const ssize_t length = H5DSget_scale_name(scale, nullptr, 0);
                  if (length < 0) return -1;
                  out->name.assign(static_cast<std::size_t>(length) + 1, '\0');
                  if (H5DSget_scale_name(scale, out->name.data(), out->name.size()) < 0) return -1;
                  out->name.resize(static_cast<std::size_t>(length));
                  out->ok = true;
                  return 1;  // the first scale is the dimension's
                },
                &found),
            what);
  if (!found.ok) ctx.fail(what);
  return found.name;
}

void read_summary(const Context& ctx, const GroupAt& root, Results& results) {
  const GroupAt summary = open_group(ctx, root, "summary");
  for (const std::string& name : member_names(ctx, summary)) {
    const std::string where = summary.child(name);
    const Dataset dataset = open_dataset(ctx, summary, name);
    const Readable source{dataset.get(), false, where};
    const H5T_class_t type_class = H5Tget_class(source.type(ctx).get());
    if (ctx.check(H5DSis_scale(dataset.get()), "cannot read " + where) > 0) {
      Coordinate coordinate{name, {}, {}};
      if (type_class == H5T_STRING) {
        coordinate.labels = read_strings(ctx, source);
      } else if (type_class == H5T_INTEGER) {
        coordinate.values = read_values<std::int64_t>(ctx, source);
      } else {
        ctx.fail(where + " is a coordinate neither of strings nor of integers");
      }
      results.coordinates.push_back(std::move(coordinate));
      continue;
    }
    DataArray array;
    array.name = name;
    array.units = read_optional_string(ctx, dataset.get(), where, "units");
    array.description = read_optional_string(ctx, dataset.get(), where, "long_name");
    const Dataspace space = source.space(ctx);
    const int rank = ctx.check(H5Sget_simple_extent_ndims(space.get()), "cannot read " + where);
    std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
    ctx.check(H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr), "cannot read " + where);
    for (int axis = 0; axis < rank; ++axis) {
      array.dims.push_back(dimension_name(ctx, dataset.get(), static_cast<unsigned>(axis), where));
      array.shape.push_back(static_cast<std::int64_t>(shape[static_cast<std::size_t>(axis)]));
    }
    if (type_class == H5T_INTEGER) {
      array.integer = true;
      array.integers = read_values<std::int64_t>(ctx, source);
    } else if (type_class == H5T_FLOAT) {
      array.values = read_values<double>(ctx, source);
    } else {
      ctx.fail(where + " is neither integer nor floating point");
    }
    results.arrays.push_back(std::move(array));
  }
}

}  // namespace

Results read_results(const std::string& path) {
  const QuietErrors quiet;
  const Context ctx(path);
  std::error_code error;
  if (!fs::exists(path, error)) ctx.fail("no such file");
  if (fs::is_directory(path, error)) ctx.fail("is a directory, not a results file");
  if (H5Fis_hdf5(path.c_str()) <= 0) ctx.fail("not an HDF5 file");
  const PropertyList fapl = file_access(ctx);
  const File file(ctx.check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), "cannot open the file"));
  const GroupAt root{Group(ctx.check(H5Gopen2(file.get(), "/", H5P_DEFAULT), "cannot open the root group")), "/"};
  const hid_t r = root.id();

  const bool ours = has_attribute(ctx, r, "filetype", "/") && read_string_attribute(ctx, r, "/", "filetype") == filetype;
  if (!ours) ctx.fail(std::string("not a salvosim results file (no root attribute filetype = \"") + filetype + "\")");
  const std::vector<std::int64_t> version = read_attribute<std::int64_t>(ctx, r, "/", "version");
  if (version.size() != 2) ctx.fail("the root attribute version is not [major, minor]");
  if (version[0] != results_format_major) {
    ctx.fail("results format version " + std::to_string(version[0]) + "." + std::to_string(version[1]) +
             ", but this salvosim reads version " + std::to_string(results_format_major) + ".x only");
  }

  Results results;
  RunInfo& info = results.info;
  info.scenario_name = read_string_attribute(ctx, r, "/", "scenario_name");
  info.salvosim_version = read_string_attribute(ctx, r, "/", "salvosim_version");
  info.git_sha1 = read_string_attribute(ctx, r, "/", "git_sha1");
  info.created = read_string_attribute(ctx, r, "/", "created");
  info.seed = read_scalar_attribute<std::uint64_t>(ctx, r, "/", "seed");
  info.first_trial = read_scalar_attribute<std::uint64_t>(ctx, r, "/", "first_trial");
  info.trials = read_scalar_attribute<std::int64_t>(ctx, r, "/", "trials");
  info.threads = read_scalar_attribute<std::int32_t>(ctx, r, "/", "threads");
  const GroupAt scenario = open_group(ctx, root, "scenario");
  info.scenario_text = read_string_dataset(ctx, scenario, "text");
  info.source_name = read_string_dataset(ctx, scenario, "source_name");

  read_summary(ctx, root, results);
  return results;
}

}  // namespace salvosim
