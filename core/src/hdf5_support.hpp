// What every salvosim HDF5 file is written and read with, private to core/src: errors as
// exceptions that name the file, typed attributes and datasets, groups that keep creation
// order, dimension scales (what h5py and xarray read as named dimensions), named arrays, and
// files that appear under their final name only when complete. The results file
// (hdf5_io.cpp) and the sweep file (hdf5_sweep.cpp) are both built from these.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hdf5_handles.hpp"
#include "salvosim/results.hpp"

namespace salvosim::hdf5 {

// ---------------------------------------------------------------------------------------
// Errors

// The innermost message on HDF5's error stack: the one that says what actually went wrong
// (e.g. "unable to open file: ... errno = 13, error message = 'Permission denied'").
std::string hdf5_reason();

// Turns failures into exceptions whose messages start with the file's name: std::runtime_error
// while writing (exit code 1), BadFileError while reading (the file is bad input, exit code 2).
class Context {
 public:
  enum class Access { write, read };
  explicit Context(std::string path, Access access = Access::write) : path_(std::move(path)), access_(access) {}

  // A failure of ours (wrong version, missing dataset): nothing on HDF5's stack to add.
  [[noreturn]] void fail(const std::string& what) const;

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

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  Access access_;
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
Datatype string_type(const Context& ctx);

// An empty shape is a scalar.
Dataspace make_space(const Context& ctx, const std::vector<hsize_t>& shape, const std::vector<hsize_t>* max = nullptr);
hsize_t element_count(const std::vector<hsize_t>& shape);
std::vector<hsize_t> to_hsize(const std::vector<std::int64_t>& shape);

// ---------------------------------------------------------------------------------------
// Writing: one path for attributes, one for datasets

void write_attribute_raw(const Context& ctx, hid_t object, const std::string& where, const std::string& name,
                         hid_t file_type, hid_t memory_type, const std::vector<hsize_t>& shape, const void* data);

void write_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name,
                     const std::string& value);

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
Dataset create_dataset(const Context& ctx, const GroupAt& group, const std::string& name, hid_t file_type, hid_t space,
                       hid_t dcpl, const Meta& meta);

// Chunked storage with shuffle + gzip: integer counts that are mostly small or zero (rows of
// records, histograms) shrink several times over.
PropertyList compressed(const Context& ctx, const std::vector<hsize_t>& chunk, const std::string& where);

// The one way a whole dataset is written: created, described and filled in one go. Large
// ones (the rate histograms) are compressed as one chunk; small ones stay contiguous.
Dataset write_dataset_raw(const Context& ctx, const GroupAt& group, const std::string& name,
                          const std::vector<hsize_t>& shape, hid_t file_type, hid_t memory_type, const void* data,
                          const Meta& meta);

template <class T>
Dataset write_dataset(const Context& ctx, const GroupAt& group, const std::string& name,
                      const std::vector<hsize_t>& shape, const T* data, const Meta& meta = {}) {
  return write_dataset_raw(ctx, group, name, shape, Type<T>::file(), Type<T>::memory(), data, meta);
}

// Strings: a scalar when `scalar`, else a 1-D dataset.
Dataset write_strings(const Context& ctx, const GroupAt& group, const std::string& name,
                      const std::vector<std::string>& strings, bool scalar, const Meta& meta = {});

// Groups remember the order their members were created in, so that a reader gets the arrays
// back in the order they were written (netCDF-4 does the same).
PropertyList creation_order(const Context& ctx, hid_t list_class);
GroupAt create_group(const Context& ctx, const GroupAt& parent, const std::string& name);

// File locking fails on some file systems (NFS, Lustre): there, go on without it.
PropertyList file_access(const Context& ctx);

// A new file, written under a temporary name beside `path` (`<path>.<pid>.partial`) and
// renamed to `path` by commit(). Destroyed uncommitted (an error, a cancelled run), it
// removes the temporary file, so that a file at `path` is always whole.
class NewFile {
 public:
  explicit NewFile(const Context& ctx);
  NewFile(const NewFile&) = delete;
  NewFile& operator=(const NewFile&) = delete;

  const GroupAt& root() const { return root_; }
  const std::string& temporary_path() const { return temporary_.path; }
  // Closes the file and renames it. Every dataset and group opened in it must be closed first.
  void commit();

 private:
  // Removes the temporary file unless told to keep it. A member of its own, destroyed last,
  // so that it also runs when the constructor fails half way and after the file is closed.
  struct Temporary {
    std::string path;
    bool keep = false;
    explicit Temporary(std::string name) : path(std::move(name)) {}
    Temporary(const Temporary&) = delete;
    Temporary& operator=(const Temporary&) = delete;
    ~Temporary();
  };

  Context ctx_;
  Temporary temporary_;
  File file_;
  GroupAt root_;
};

// ---------------------------------------------------------------------------------------
// Dimensions and named arrays

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

  hid_t find(const Context& ctx, const std::string& dim) const;

  // Names the dataset's dimensions by attaching their scales: what xarray reads as dims,
  // and h5py as dataset.dims[i].keys(). (Axis labels, H5DSset_label, would also show in
  // h5py, but xarray would list them among every variable's attributes.)
  void attach(const Context& ctx, const std::string& where, hid_t dataset, const std::vector<std::string>& dims) const;

 private:
  std::vector<Dataset> owned_;
  std::vector<std::pair<std::string, hid_t>> by_name_;
};

void make_scale(const Context& ctx, const GroupAt& group, hid_t dataset, const std::string& name);

// A coordinate as a 1-D dimension scale named after its dimension: labels as strings,
// values as int64, numbers as float64.
void write_coordinate(const Context& ctx, const GroupAt& group, const Coordinate& coordinate, Scales& scales);

// Coordinates into `group`, as dimension scales added to `scales`.
void write_coordinates(const Context& ctx, const GroupAt& group, const std::vector<Coordinate>& coordinates,
                       Scales& scales);

// Arrays into `group`, in the order given, each with its units, description and named
// dimensions: the scales of `scales` named after them, whose sizes `coordinates` gives.
// `auxiliary`, if not empty, is written as the CF attribute `coordinates` of every array (the
// names of variables that label a dimension without being one, which xarray then shows as
// coordinates).
void write_arrays(const Context& ctx, const GroupAt& group, const std::vector<Coordinate>& coordinates,
                  const std::vector<DataArray>& arrays, const Scales& scales, const std::string& auxiliary = "");

// What every salvosim file says of its making, as root attributes: the salvosim that wrote
// it, the commit it was built from, and when (`salvosim_version`, `git_sha1`, `created`).
void write_made_by(const Context& ctx, hid_t root, const RunInfo& run);
void read_made_by(const Context& ctx, hid_t root, RunInfo& run);

// ---------------------------------------------------------------------------------------
// Reading

// A dataset or an attribute: both are read the same way.
struct Readable {
  hid_t id;
  bool attribute;
  std::string what;  // for messages, e.g. "/summary/fate_mean" or "attribute seed of /"

  Datatype type(const Context& ctx) const;
  Dataspace space(const Context& ctx) const;
  void read(const Context& ctx, hid_t memory_type, void* buffer) const;
  std::size_t count(const Context& ctx) const;
};

template <class T>
std::vector<T> read_values(const Context& ctx, const Readable& source) {
  std::vector<T> values(source.count(ctx));
  if (!values.empty()) source.read(ctx, Type<T>::memory(), values.data());
  return values;
}

// Variable-length strings (ours) or fixed-length ones (from other writers).
std::vector<std::string> read_strings(const Context& ctx, const Readable& source);

bool has_attribute(const Context& ctx, hid_t object, const std::string& name, const std::string& where);
// Opens attribute `name` of `where`; a missing one is an error that names it.
Attribute open_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name);
std::string read_string_attribute(const Context& ctx, hid_t object, const std::string& where, const std::string& name);
// Optional descriptive attributes (units, long_name) read as "" when absent.
std::string read_optional_string(const Context& ctx, hid_t object, const std::string& where, const std::string& name);

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

Dataset open_dataset(const Context& ctx, const GroupAt& group, const std::string& name);
GroupAt open_group(const Context& ctx, const GroupAt& parent, const std::string& name);
std::string read_string_dataset(const Context& ctx, const GroupAt& group, const std::string& name);

// The members of a group in the order they were created (by name if the file does not
// track the order).
std::vector<std::string> member_names(const Context& ctx, const GroupAt& group);

// Every member of `group` that write_coordinates and write_arrays wrote: dimension scales as coordinates,
// the others as arrays (with their dims, units and descriptions). Members named in `skip`
// are passed over. Each array's dimensions must be scales of the group, and its extents
// their lengths.
void read_named_arrays(const Context& ctx, const GroupAt& group, std::vector<Coordinate>& coordinates,
                       std::vector<DataArray>& arrays, const std::vector<std::string>& skip = {});

// Checks that `arrays`, read from `group`, hold every array of summary_arrays(): a
// campaign's if a coordinate is named salvo, each over the dimensions `leading` and then its
// own, and of its kind. Arrays named in `left_out` are not expected; others may be there too.
void check_summary(const Context& ctx, const GroupAt& group, const std::vector<Coordinate>& coordinates,
                   const std::vector<DataArray>& arrays, const std::vector<std::string>& leading,
                   const std::vector<std::string>& left_out = {});

// An existing file of ours, open for reading: checked to exist, to be HDF5, to have the
// root attribute filetype = `filetype` and a root attribute version [major, minor] with the
// major version `major`. Its checksum, if it has one, is checked before HDF5 opens it.
// `kind` names the kind of file in messages ("results", "sweep").
struct OpenFile {
  File file;
  GroupAt root;
};
OpenFile open_for_reading(const Context& ctx, const std::string& filetype, const std::string& kind, int major);

}  // namespace salvosim::hdf5
