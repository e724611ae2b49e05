# Every dependency comes from the system (Debian packages; scripts/setup.sh installs them).
find_package(tomlplusplus 3 REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C HL)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
if(SALVOSIM_WITH_TBB)
  find_package(TBB REQUIRED)
endif()
if(SALVOSIM_WITH_MPI)
  # The C API is all salvosim uses (no MPI C++ bindings, which MPI-3 deprecated).
  find_package(MPI REQUIRED COMPONENTS C)
endif()
if(SALVOSIM_BUILD_CLI)
  find_package(CLI11 REQUIRED)
endif()

# FindHDF5 gives variables, not a target: wrap them once.
add_library(salvosim_hdf5 INTERFACE)
target_include_directories(salvosim_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(salvosim_hdf5 INTERFACE ${HDF5_C_LIBRARIES} ${HDF5_HL_LIBRARIES})
target_compile_definitions(salvosim_hdf5 INTERFACE ${HDF5_DEFINITIONS})
