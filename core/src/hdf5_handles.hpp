// A thin RAII layer over the HDF5 C API, private to core/src: every hid_t we open is owned by
// a handle that closes it, so no path out of a function (return or exception) leaks an id.
// Failures are turned into exceptions by the callers (hdf5_io.cpp), which know the file name.
#pragma once

#include <hdf5.h>

#include <utility>

namespace salvosim::hdf5 {

// Owns one id and closes it with `Close` (H5Fclose, H5Dclose, ...). Move-only.
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

  // Closes now and reports whether closing worked: closing a file is where HDF5 flushes it,
  // so a writer must look at this result rather than let a destructor swallow it.
  herr_t close() {
    if (!valid()) return 0;
    return Close(std::exchange(id_, H5I_INVALID_HID));
  }
  void reset() { (void)close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using Attribute = Handle<H5Aclose>;
using PropertyList = Handle<H5Pclose>;

// While alive, HDF5 prints nothing to stderr on failure: we report failures ourselves, as
// exceptions. The previous handler is put back afterwards, so other HDF5 users in the process
// (and other threads: the setting is per thread in a thread-safe build) are left as they were.
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &function_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, function_, data_); }

 private:
  H5E_auto2_t function_ = nullptr;
  void* data_ = nullptr;
};

}  // namespace salvosim::hdf5
