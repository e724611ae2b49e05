# `cmake --install` puts the library, headers and command in place, with a CMake package so
# that a downstream project can `find_package(salvosim)` and link `salvosim::core` (and
# `salvosim::sweep` for sweeps).
include(CMakePackageConfigHelpers)

set(_targets salvosim_core salvosim_sweep)
if(SALVOSIM_BUILD_CLI)
  list(APPEND _targets salvosim)
endif()
install(TARGETS ${_targets} EXPORT salvosimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The interface targets the libraries link privately must be exported too (static libraries).
install(TARGETS salvosim_warnings salvosim_hdf5 EXPORT salvosimTargets)
install(DIRECTORY core/include/salvosim core/sweep/include/salvosim DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/generated/salvosim/version_config.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/salvosim)

set(_config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/salvosim)
install(EXPORT salvosimTargets NAMESPACE salvosim:: DESTINATION ${_config_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/salvosimConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/salvosimConfig.cmake
                              INSTALL_DESTINATION ${_config_dir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/salvosimConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/salvosimConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/salvosimConfigVersion.cmake
        DESTINATION ${_config_dir})
