#include "hdf5_support.hpp"

#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "hdf5_checksum.hpp"
#include "salvosim/hdf5_io.hpp"

namespace salvosim::hdf5 {

namespace fs = std::filesystem;

namespace {

constexpr unsigned gzip_level = 4;
// Whole datasets at least this large are compressed.
constexpr hsize_t compress_bytes = hsize_t{1} << 16;

std::vector<const char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<const char*> pointers;
  pointers.reserve(strings.size());
  for (const std::string& s : strings) pointers.push_back(s.c_str());
  return pointers;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Errors

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

void Context::fail(const std::string& what) const {
  if (access_ == Access::read) throw BadFileError(path_ + ": " + what);
  throw std::runtime_error(path_ + ": " + what);
}

// ---------------------------------------------------------------------------------------
// Types

Datatype string_type(const Context& ctx) {
  Datatype type(ctx.check(H5Tcopy(H5T_C_S1), "cannot make a string type"));
  ctx.check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot make a string type");
  ctx.check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot make a string type");
  return type;
}

Dataspace make_space(const Context& ctx, const std::vector<hsize_t>& shape, const std::vector<hsize_t>* max) {
  if (shape.empty()) return Dataspace(ctx.check(H5Screate(H5S_SCALAR), "cannot make a dataspace"));
  return Dataspace(
      ctx.check(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), max ? max->data() : nullptr),
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
// Writing

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

Dataset create_dataset(const Context& ctx, const GroupAt& group, const std::string& name, hid_t file_type, hid_t space,
                       hid_t dcpl, const Meta& meta) {
  const std::string where = group.child(name);
  Dataset dataset(ctx.check(H5Dcreate2(group.id(), name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                            "cannot create dataset " + where));
  if (!meta.units.empty()) write_attribute(ctx, dataset.get(), where, "units", meta.units);
  if (!meta.long_name.empty()) write_attribute(ctx, dataset.get(), where, "long_name", meta.long_name);
  return dataset;
}

PropertyList compressed(const Context& ctx, const std::vector<hsize_t>& chunk, const std::string& where) {
  PropertyList dcpl(ctx.check(H5Pcreate(H5P_DATASET_CREATE), "cannot make a property list"));
  const std::string what = "cannot set up compression of " + where;
  ctx.check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), what);
  ctx.check(H5Pset_shuffle(dcpl.get()), what);
  ctx.check(H5Pset_deflate(dcpl.get(), gzip_level), what);
  return dcpl;
}

Dataset write_dataset_raw(const Context& ctx, const GroupAt& group, const std::string& name,
                          const std::vector<hsize_t>& shape, hid_t file_type, hid_t memory_type, const void* data,
                          const Meta& meta) {
  const Dataspace space = make_space(ctx, shape);
  const hsize_t bytes = element_count(shape) * H5Tget_size(file_type);
  const bool compress = !shape.empty() && bytes >= compress_bytes && H5Tis_variable_str(file_type) <= 0;
  const PropertyList dcpl = compress
                                ? compressed(ctx, shape, group.child(name))
                                : PropertyList(ctx.check(H5Pcreate(H5P_DATASET_CREATE), "cannot make a property list"));
  Dataset dataset = create_dataset(ctx, group, name, file_type, space.get(), dcpl.get(), meta);
  if (element_count(shape) > 0) {
    ctx.check(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
              "cannot write dataset " + group.child(name));
  }
  return dataset;
}

Dataset write_strings(const Context& ctx, const GroupAt& group, const std::string& name,
                      const std::vector<std::string>& strings, bool scalar, const Meta& meta) {
  const Datatype type = string_type(ctx);
  const std::vector<const char*> pointers = c_strings(strings);
  const std::vector<hsize_t> shape = scalar ? std::vector<hsize_t>{} : std::vector<hsize_t>{strings.size()};
  return write_dataset_raw(ctx, group, name, shape, type.get(), type.get(), pointers.data(), meta);
}

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

PropertyList file_access(const Context& ctx) {
  PropertyList fapl(ctx.check(H5Pcreate(H5P_FILE_ACCESS), "cannot make a property list"));
#if H5_VERSION_GE(1, 10, 7)
  ctx.check(H5Pset_file_locking(fapl.get(), true, true), "cannot set file locking");
#endif
  return fapl;
}

NewFile::Temporary::~Temporary() {
  std::error_code ignored;  // a destructor must not throw; nothing more can be done here
  if (!keep) fs::remove(path, ignored);
}

NewFile::NewFile(const Context& ctx)
    : ctx_(ctx), temporary_(ctx.path() + "." + std::to_string(::getpid()) + ".partial") {
  std::error_code error;  // an error here means "no": HDF5 then reports what is wrong
  const fs::path parent = fs::path(ctx_.path()).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, error)) {
    ctx_.fail("cannot create the file: directory " + parent.string() + " does not exist");
  }
  if (fs::is_directory(ctx_.path(), error)) ctx_.fail("cannot write the file: a directory of that name exists");
  const PropertyList fcpl = creation_order(ctx_, H5P_FILE_CREATE);
  ctx_.check(H5Pset_userblock(fcpl.get(), checksum_block_size), "cannot reserve the checksum's user block");
  const PropertyList fapl = file_access(ctx_);
  file_ = File(ctx_.check(H5Fcreate(temporary_.path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()),
                          "cannot create the temporary file " + temporary_.path));
  root_ = {Group(ctx_.check(H5Gopen2(file_.get(), "/", H5P_DEFAULT), "cannot open the root group")), "/"};
}

void NewFile::commit() {
  root_.handle.reset();
  ctx_.check(file_.close(), "cannot close the file " + temporary_.path);
  write_checksum(ctx_, temporary_.path);
  std::error_code error;
  fs::rename(temporary_.path, ctx_.path(), error);
  if (error) ctx_.fail("cannot rename " + temporary_.path + " to it: " + error.message());
  temporary_.keep = true;
}

// ---------------------------------------------------------------------------------------
// Dimensions and named arrays

hid_t Scales::find(const Context& ctx, const std::string& dim) const {
  for (const auto& [name, scale] : by_name_) {
    if (name == dim) return scale;
  }
  ctx.fail("no coordinate for dimension \"" + dim + "\"");
}

void Scales::attach(const Context& ctx, const std::string& where, hid_t dataset,
                    const std::vector<std::string>& dims) const {
  for (std::size_t axis = 0; axis < dims.size(); ++axis) {
    ctx.check(H5DSattach_scale(dataset, find(ctx, dims[axis]), static_cast<unsigned>(axis)),
              "cannot attach dimension " + dims[axis] + " to " + where);
  }
}

void make_scale(const Context& ctx, const GroupAt& group, hid_t dataset, const std::string& name) {
  ctx.check(H5DSset_scale(dataset, name.c_str()), "cannot make " + group.child(name) + " a dimension scale");
}

void write_coordinate(const Context& ctx, const GroupAt& group, const Coordinate& coordinate, Scales& scales) {
  Dataset scale =
      !coordinate.labels.empty() ? write_strings(ctx, group, coordinate.name, coordinate.labels, false)
      : !coordinate.numbers.empty()
          ? write_dataset(ctx, group, coordinate.name, {coordinate.numbers.size()}, coordinate.numbers.data())
          : write_dataset(ctx, group, coordinate.name, {coordinate.values.size()}, coordinate.values.data());
  make_scale(ctx, group, scale.get(), coordinate.name);
  scales.add(coordinate.name, std::move(scale));
}

void write_coordinates(const Context& ctx, const GroupAt& group, const std::vector<Coordinate>& coordinates,
                       Scales& scales) {
  for (const Coordinate& coordinate : coordinates) write_coordinate(ctx, group, coordinate, scales);
}

void write_arrays(const Context& ctx, const GroupAt& group, const std::vector<Coordinate>& coordinates,
                  const std::vector<DataArray>& arrays, const Scales& scales, const std::string& auxiliary) {
  const auto extent = [&](const std::string& dim) -> std::int64_t {
    for (const Coordinate& c : coordinates) {
      if (c.name == dim) return c.size();
    }
    ctx.fail("no coordinate for dimension \"" + dim + "\"");
  };
  for (const DataArray& array : arrays) {
    const std::size_t size = static_cast<std::size_t>(array.size());
    const std::size_t stored = array.integer ? array.integers.size() : array.values.size();
    if (array.dims.size() != array.shape.size() || stored != size) {
      ctx.fail("array " + array.name + " has inconsistent dims, shape and values");
    }
    for (std::size_t d = 0; d < array.dims.size(); ++d) {
      if (extent(array.dims[d]) != array.shape[d]) {
        ctx.fail("array " + array.name + " has size " + std::to_string(array.shape[d]) + " along " + array.dims[d] +
                 ", its coordinate " + std::to_string(extent(array.dims[d])));
      }
    }
    const Meta meta{array.units, array.description};
    const std::vector<hsize_t> shape = to_hsize(array.shape);
    const Dataset dataset = array.integer ? write_dataset(ctx, group, array.name, shape, array.integers.data(), meta)
                                          : write_dataset(ctx, group, array.name, shape, array.values.data(), meta);
    scales.attach(ctx, group.child(array.name), dataset.get(), array.dims);
    if (!auxiliary.empty()) write_attribute(ctx, dataset.get(), group.child(array.name), "coordinates", auxiliary);
  }
}

void write_made_by(const Context& ctx, hid_t root, const RunInfo& run) {
  write_attribute(ctx, root, "/", "salvosim_version", run.salvosim_version);
  write_attribute(ctx, root, "/", "git_sha1", run.git_sha1);
  write_attribute(ctx, root, "/", "created", run.created);
}

void read_made_by(const Context& ctx, hid_t root, RunInfo& run) {
  run.salvosim_version = read_string_attribute(ctx, root, "/", "salvosim_version");
  run.git_sha1 = read_string_attribute(ctx, root, "/", "git_sha1");
  run.created = read_string_attribute(ctx, root, "/", "created");
}

// ---------------------------------------------------------------------------------------
// Reading

Datatype Readable::type(const Context& ctx) const {
  return Datatype(ctx.check(attribute ? H5Aget_type(id) : H5Dget_type(id), "cannot read " + what));
}
Dataspace Readable::space(const Context& ctx) const {
  return Dataspace(ctx.check(attribute ? H5Aget_space(id) : H5Dget_space(id), "cannot read " + what));
}
void Readable::read(const Context& ctx, hid_t memory_type, void* buffer) const {
  ctx.check(attribute ? H5Aread(id, memory_type, buffer)
                      : H5Dread(id, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer),
            "cannot read " + what);
}
std::size_t Readable::count(const Context& ctx) const {
  return static_cast<std::size_t>(ctx.check(H5Sget_simple_extent_npoints(space(ctx).get()), "cannot read " + what));
}

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
    if (width == 0) ctx.fail(source.what + " is a string of no length");
    std::vector<char> buffer(count * width);
    source.read(ctx, file_type.get(), buffer.data());
    for (std::size_t k = 0; k < count; ++k)
      strings.emplace_back(&buffer[k * width], strnlen(&buffer[k * width], width));
  }
  return strings;
}

bool has_attribute(const Context& ctx, hid_t object, const std::string& name, const std::string& where) {
  return ctx.check(H5Aexists(object, name.c_str()), "cannot look for attribute " + name + " of " + where) > 0;
}

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

std::string read_optional_string(const Context& ctx, hid_t object, const std::string& where, const std::string& name) {
  return has_attribute(ctx, object, name, where) ? read_string_attribute(ctx, object, where, name) : std::string();
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

namespace {

// The address of an object in its file: what an object reference (hobj_ref_t) holds.
haddr_t address_of(const Context& ctx, hid_t object, const std::string& where) {
#if H5_VERSION_GE(1, 12, 0)
  H5O_info2_t info;
  ctx.check(H5Oget_info3(object, &info, H5O_INFO_BASIC), "cannot read " + where);
  haddr_t address = 0;
  std::memcpy(&address, &info.token, sizeof address);  // the native file format's token is the address
  return address;
#else
  H5O_info_t info;
  ctx.check(H5Oget_info2(object, &info, H5O_INFO_BASIC), "cannot read " + where);
  return info.addr;
#endif
}

// Whether a dataset is a dimension scale: its attribute CLASS is "DIMENSION_SCALE". What
// H5DSis_scale checks, but read with read_strings' checks: H5DSis_scale trusts the
// attribute's type, and a damaged one crashed it.
bool is_scale(const Context& ctx, hid_t dataset, const std::string& where) {
  if (!has_attribute(ctx, dataset, "CLASS", where)) return false;
  const Attribute attribute = open_attribute(ctx, dataset, where, "CLASS");
  const std::vector<std::string> value = read_strings(ctx, {attribute.get(), true, "attribute CLASS of " + where});
  return value.size() == 1 && value[0] == "DIMENSION_SCALE";
}

// A dimension scale of a group, by its address in the file.
struct ScaleAt {
  haddr_t address;
  std::string name;
};

// The names of the dimensions of a dataset of `rank` axes: its attribute DIMENSION_LIST
// (written by H5DSattach_scale) holds one object reference per axis, each matched here against
// the addresses of the group's scales. Nothing is dereferenced: H5DSiterate_scales follows
// whatever a reference says, and damaged references crashed it.
std::vector<std::string> dimension_names(const Context& ctx, hid_t dataset, int rank, const std::string& where,
                                         const std::vector<ScaleAt>& scales) {
  if (rank == 0) return {};
  const std::string list = "attribute DIMENSION_LIST of " + where;
  const Attribute attribute = open_attribute(ctx, dataset, where, "DIMENSION_LIST");
  const Readable source{attribute.get(), true, list};
  const Datatype type = source.type(ctx);
  const bool references = H5Tget_class(type.get()) == H5T_VLEN && [&] {
    const Datatype base(ctx.check(H5Tget_super(type.get()), "cannot read " + list));
    return H5Tequal(base.get(), H5T_STD_REF_OBJ) > 0;
  }();
  if (!references) ctx.fail(list + " is not a list of object references");
  const Dataspace space = source.space(ctx);
  if (H5Sget_simple_extent_ndims(space.get()) != 1 || source.count(ctx) != static_cast<std::size_t>(rank)) {
    ctx.fail(list + " does not name one dimension scale for each of its " + std::to_string(rank) + " axes");
  }
  const Datatype memory(ctx.check(H5Tvlen_create(H5T_STD_REF_OBJ), "cannot read " + list));
  std::vector<hvl_t> entries(static_cast<std::size_t>(rank), hvl_t{0, nullptr});
  source.read(ctx, memory.get(), entries.data());
  std::vector<std::string> names;
  std::string problem;
  for (int axis = 0; axis < rank && problem.empty(); ++axis) {
    const hvl_t& entry = entries[static_cast<std::size_t>(axis)];
    if (entry.len < 1 || entry.p == nullptr) {
      problem = where + " has no dimension scale on axis " + std::to_string(axis);
      break;
    }
    const auto reference = static_cast<const hobj_ref_t*>(entry.p)[0];  // the first scale is the dimension's
    const auto scale = std::find_if(scales.begin(), scales.end(),
                                    [&](const ScaleAt& s) { return static_cast<hobj_ref_t>(s.address) == reference; });
    if (scale == scales.end()) {
      problem = where + ": the dimension scale of axis " + std::to_string(axis) + " is not a coordinate of its group";
    } else {
      names.push_back(scale->name);
    }
  }
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(memory.get(), space.get(), H5P_DEFAULT, entries.data());
#else
  H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, entries.data());
#endif
  if (!problem.empty()) ctx.fail(problem);
  return names;
}

std::int64_t coordinate_size(const std::vector<Coordinate>& coordinates, const std::string& name) {
  for (const Coordinate& c : coordinates) {
    if (c.name == name) return c.size();
  }
  return -1;
}

}  // namespace

void read_named_arrays(const Context& ctx, const GroupAt& group, std::vector<Coordinate>& coordinates,
                       std::vector<DataArray>& arrays, const std::vector<std::string>& skip) {
  // Scales first, whatever the order of the members: the arrays' dimensions refer to them.
  std::vector<std::string> array_names;
  std::vector<ScaleAt> scales;
  std::vector<Coordinate> found;
  for (const std::string& name : member_names(ctx, group)) {
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    const std::string where = group.child(name);
    const Dataset dataset = open_dataset(ctx, group, name);
    if (!is_scale(ctx, dataset.get(), where)) {
      array_names.push_back(name);
      continue;
    }
    const Readable source{dataset.get(), false, where};
    const H5T_class_t type_class = H5Tget_class(source.type(ctx).get());
    const Dataspace space = source.space(ctx);
    if (H5Sget_simple_extent_ndims(space.get()) != 1) ctx.fail(where + " is a coordinate but not one-dimensional");
    Coordinate coordinate{name, {}, {}};
    if (type_class == H5T_STRING) {
      coordinate.labels = read_strings(ctx, source);
    } else if (type_class == H5T_INTEGER) {
      coordinate.values = read_values<std::int64_t>(ctx, source);
    } else if (type_class == H5T_FLOAT) {
      coordinate.numbers = read_values<double>(ctx, source);
    } else {
      ctx.fail(where + " is a coordinate neither of strings nor of numbers");
    }
    scales.push_back({address_of(ctx, dataset.get(), where), name});
    found.push_back(std::move(coordinate));
  }
  for (const std::string& name : array_names) {
    const std::string where = group.child(name);
    const Dataset dataset = open_dataset(ctx, group, name);
    const Readable source{dataset.get(), false, where};
    const H5T_class_t type_class = H5Tget_class(source.type(ctx).get());
    DataArray array;
    array.name = name;
    array.units = read_optional_string(ctx, dataset.get(), where, "units");
    array.description = read_optional_string(ctx, dataset.get(), where, "long_name");
    const Dataspace space = source.space(ctx);
    const int rank = ctx.check(H5Sget_simple_extent_ndims(space.get()), "cannot read " + where);
    std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
    ctx.check(H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr), "cannot read " + where);
    array.dims = dimension_names(ctx, dataset.get(), rank, where, scales);
    for (int axis = 0; axis < rank; ++axis) {
      const auto extent = static_cast<std::int64_t>(shape[static_cast<std::size_t>(axis)]);
      const std::string& dim = array.dims[static_cast<std::size_t>(axis)];
      if (extent != coordinate_size(found, dim)) {
        ctx.fail(where + " has " + std::to_string(extent) + " elements along " + dim + ", its coordinate " +
                 group.child(dim) + " " + std::to_string(coordinate_size(found, dim)));
      }
      array.shape.push_back(extent);
    }
    if (type_class == H5T_INTEGER) {
      array.integer = true;
      array.integers = read_values<std::int64_t>(ctx, source);
    } else if (type_class == H5T_FLOAT) {
      array.values = read_values<double>(ctx, source);
    } else {
      ctx.fail(where + " is neither integer nor floating point");
    }
    arrays.push_back(std::move(array));
  }
  for (Coordinate& coordinate : found) coordinates.push_back(std::move(coordinate));
}

void check_summary(const Context& ctx, const GroupAt& group, const std::vector<Coordinate>& coordinates,
                   const std::vector<DataArray>& arrays, const std::vector<std::string>& leading,
                   const std::vector<std::string>& left_out) {
  const auto join = [](const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
    return "(" + text + ")";
  };
  const bool campaign = coordinate_size(coordinates, "salvo") >= 0;
  const bool tiers = coordinate_size(coordinates, "tier") >= 0;
  for (const SummaryArray& expected : summary_arrays(campaign, tiers)) {
    if (std::find(left_out.begin(), left_out.end(), expected.name) != left_out.end()) continue;
    const std::string where = group.child(expected.name);
    const auto array =
        std::find_if(arrays.begin(), arrays.end(), [&](const DataArray& a) { return a.name == expected.name; });
    if (array == arrays.end()) ctx.fail("missing dataset " + where);
    std::vector<std::string> dims = leading;
    dims.insert(dims.end(), expected.dims.begin(), expected.dims.end());
    if (array->dims != dims) {
      ctx.fail(where + " has dimensions " + join(array->dims) + ", expected " + join(dims));
    }
    if (array->integer != expected.integer) {
      ctx.fail(where + (expected.integer ? " holds floating point numbers, expected integers"
                                         : " holds integers, expected floating point numbers"));
    }
  }
}

OpenFile open_for_reading(const Context& ctx, const std::string& filetype, const std::string& kind, int major) {
  const std::string& path = ctx.path();
  std::error_code error;
  if (!fs::exists(path, error)) ctx.fail("no such file");
  if (fs::is_directory(path, error)) ctx.fail("is a directory, not a " + kind + " file");
  // Before HDF5 reads anything: a damaged file could crash it. A file without a checksum
  // (an older one) is read all the same, with every check below.
  verify_checksum(ctx);
  if (H5Fis_hdf5(path.c_str()) <= 0) ctx.fail("not an HDF5 file");
  const PropertyList fapl = file_access(ctx);
  OpenFile open;
  open.file = File(ctx.check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), "cannot open the file"));
  open.root = {Group(ctx.check(H5Gopen2(open.file.get(), "/", H5P_DEFAULT), "cannot open the root group")), "/"};
  const hid_t r = open.root.id();

  const bool ours =
      has_attribute(ctx, r, "filetype", "/") && read_string_attribute(ctx, r, "/", "filetype") == filetype;
  if (!ours) ctx.fail("not a salvosim " + kind + " file (no root attribute filetype = \"" + filetype + "\")");
  const std::vector<std::int64_t> version = read_attribute<std::int64_t>(ctx, r, "/", "version");
  if (version.size() != 2) ctx.fail("the root attribute version is not [major, minor]");
  if (version[0] != major) {
    ctx.fail(kind + " format version " + std::to_string(version[0]) + "." + std::to_string(version[1]) +
             ", but this salvosim reads version " + std::to_string(major) + ".x only");
  }
  return open;
}

}  // namespace salvosim::hdf5
