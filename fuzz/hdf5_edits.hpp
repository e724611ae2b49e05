// What the structure-aware HDF5 fuzz targets share: a valid file of ours, edited through the
// HDF5 library as the fuzz input says. The edited file is always well-formed HDF5 (libhdf5
// wrote it), but what it holds is hostile: datasets and attributes gone, of another type or
// shape, or holding any numbers and strings. That is what our readers must refuse with a
// message. (Corrupt bytes test libhdf5 rather than our readers: see the *_bytes_fuzzer targets
// and docs/developing.md#fuzzing.)
#pragma once

#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "hdf5_checksum.hpp"
#include "hdf5_handles.hpp"
#include "temporary_file.hpp"

namespace salvosim::fuzz {

class FileEditor {
 public:
  // Keeps the bytes of the file at `base` and lists its objects (groups, datasets) and their
  // attributes.
  explicit FileEditor(const std::string& base) {
    std::ifstream stream(base, std::ios::binary);
    base_bytes_.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
    if (!stream || base_bytes_.empty()) __builtin_trap();
    const hdf5::QuietErrors quiet;
    const hdf5::File file(H5Fopen(base.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!file.valid()) __builtin_trap();
    objects_.push_back({"/", {}});
    H5Lvisit(file.get(), H5_INDEX_NAME, H5_ITER_INC, &FileEditor::add_link, &objects_);
    for (Object& object : objects_) {
      H5Aiterate_by_name(file.get(), object.path.c_str(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
                         &FileEditor::add_attribute, &object.attributes, H5P_DEFAULT);
    }
  }

  // Writes the base file's bytes to `file` and applies one to four edits the input chooses. An
  // edit HDF5 refuses is skipped: the file stays whatever HDF5 made of it.
  void edit(FuzzedDataProvider& input, const TemporaryFile& file) const {
    file.write(reinterpret_cast<const std::uint8_t*>(base_bytes_.data()), base_bytes_.size());
    apply_edits(input, file.path());
    // Sealed again, as salvosim would have written it: what is fuzzed is the content the
    // readers rely on, past the checksum that would otherwise refuse every edited file.
    hdf5::write_checksum(hdf5::Context(file.path()), file.path());
  }

 private:
  void apply_edits(FuzzedDataProvider& input, const std::string& path) const {
    const hdf5::QuietErrors quiet;
    const hdf5::File file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    if (!file.valid()) __builtin_trap();
    const int edits = input.ConsumeIntegralInRange(1, 4);
    for (int e = 0; e < edits && input.remaining_bytes() > 0; ++e) {
      const Object& object = objects_[input.ConsumeIntegralInRange<std::size_t>(0, objects_.size() - 1)];
      const std::string attribute =
          object.attributes.empty()
              ? input.ConsumeRandomLengthString(12)
              : object.attributes[input.ConsumeIntegralInRange<std::size_t>(0, object.attributes.size() - 1)];
      switch (input.ConsumeIntegralInRange(0, 4)) {
        case 0:  // the object gone
          if (object.path != "/") H5Ldelete(file.get(), object.path.c_str(), H5P_DEFAULT);
          break;
        case 1:  // an attribute gone
          H5Adelete_by_name(file.get(), object.path.c_str(), attribute.c_str(), H5P_DEFAULT);
          break;
        case 2:  // an attribute of any type, shape and content (or a new one)
          H5Adelete_by_name(file.get(), object.path.c_str(), attribute.c_str(), H5P_DEFAULT);
          write_any(input, file.get(), object.path, attribute, true);
          break;
        case 3:  // a dataset of any type, shape and content in place of the object
          if (object.path != "/") {
            H5Ldelete(file.get(), object.path.c_str(), H5P_DEFAULT);
            write_any(input, file.get(), object.path, "", false);
          }
          break;
        default:  // a dataset's values overwritten, its type and shape kept
          overwrite_values(input, file.get(), object.path);
          break;
      }
    }
  }

  struct Object {
    std::string path;
    std::vector<std::string> attributes;
  };

  static herr_t add_link(hid_t, const char* name, const H5L_info_t*, void* objects) {
    static_cast<std::vector<Object>*>(objects)->push_back({std::string("/") + name, {}});
    return 0;
  }
  static herr_t add_attribute(hid_t, const char* name, const H5A_info_t*, void* names) {
    static_cast<std::vector<std::string>*>(names)->push_back(name);
    return 0;
  }

  // Numbers and strings of the types our files use, and some they do not.
  static hdf5::Datatype any_type(FuzzedDataProvider& input) {
    switch (input.ConsumeIntegralInRange(0, 6)) {
      case 0:
        return hdf5::Datatype(H5Tcopy(H5T_NATIVE_INT64));
      case 1:
        return hdf5::Datatype(H5Tcopy(H5T_NATIVE_DOUBLE));
      case 2:
        return hdf5::Datatype(H5Tcopy(H5T_NATIVE_INT32));
      case 3:
        return hdf5::Datatype(H5Tcopy(H5T_NATIVE_UINT8));
      case 4:
        return hdf5::Datatype(H5Tcopy(H5T_NATIVE_FLOAT));
      default: {
        hdf5::Datatype type(H5Tcopy(H5T_C_S1));
        H5Tset_size(type.get(), input.ConsumeBool() ? H5T_VARIABLE : input.ConsumeIntegralInRange<std::size_t>(1, 8));
        return type;
      }
    }
  }

  // Fills `count` elements of `type` from the input and writes them with `write`.
  template <class Write>
  static void fill_and_write(FuzzedDataProvider& input, hid_t type, std::size_t count, Write write) {
    if (H5Tis_variable_str(type) > 0) {
      std::vector<std::string> strings(count);
      std::vector<const char*> pointers(count);
      for (std::size_t k = 0; k < count; ++k) {
        strings[k] = input.ConsumeRandomLengthString(16);
        pointers[k] = strings[k].c_str();
      }
      write(static_cast<const void*>(pointers.data()));
    } else {
      std::vector<std::uint8_t> bytes = input.ConsumeBytes<std::uint8_t>(count * H5Tget_size(type));
      bytes.resize(count * H5Tget_size(type));
      write(static_cast<const void*>(bytes.data()));
    }
  }

  // A dataset (attribute = false: at `path`) or an attribute `name` of `path`.
  static void write_any(FuzzedDataProvider& input, hid_t file, const std::string& path, const std::string& name,
                        bool attribute) {
    const hdf5::Datatype type = any_type(input);
    const int rank = input.ConsumeIntegralInRange(0, 3);
    std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
    std::size_t count = 1;
    for (hsize_t& extent : shape) {
      extent = input.ConsumeIntegralInRange<hsize_t>(0, 6);
      count *= extent;
    }
    const hdf5::Dataspace space(rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, shape.data(), nullptr));
    if (attribute) {
      const hdf5::Attribute created(H5Acreate_by_name(file, path.c_str(), name.c_str(), type.get(), space.get(),
                                                      H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      if (!created.valid()) return;
      fill_and_write(input, type.get(), count, [&](const void* data) { H5Awrite(created.get(), type.get(), data); });
    } else {
      const hdf5::Dataset created(
          H5Dcreate2(file, path.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      if (!created.valid()) return;
      fill_and_write(input, type.get(), count, [&](const void* data) {
        H5Dwrite(created.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
      });
    }
  }

  static void overwrite_values(FuzzedDataProvider& input, hid_t file, const std::string& path) {
    const hdf5::Dataset dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
    if (!dataset.valid()) return;  // a group
    const hdf5::Datatype stored(H5Dget_type(dataset.get()));
    const hdf5::Datatype type(H5Tget_native_type(stored.get(), H5T_DIR_ASCEND));
    const hdf5::Dataspace space(H5Dget_space(dataset.get()));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (!type.valid() || count < 0 || count > 100000) return;
    const H5T_class_t kind = H5Tget_class(type.get());
    if (kind != H5T_INTEGER && kind != H5T_FLOAT && kind != H5T_STRING) return;  // references stay
    fill_and_write(input, type.get(), static_cast<std::size_t>(count),
                   [&](const void* data) { H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data); });
  }

  std::vector<char> base_bytes_;
  std::vector<Object> objects_;
};

}  // namespace salvosim::fuzz
