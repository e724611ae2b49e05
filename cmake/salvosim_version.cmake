# The version (fixed at configure time) and the git commit the build came from (found at every
# build: cmake/write_git_sha1.cmake), for the provenance of every output.
configure_file(${CMAKE_CURRENT_LIST_DIR}/version_config.hpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/generated/salvosim/version_config.hpp @ONLY)
add_custom_target(salvosim_git_sha1
                  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}
                          -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/generated/salvosim/git_sha1.hpp
                          -P ${CMAKE_CURRENT_LIST_DIR}/write_git_sha1.cmake
                  BYPRODUCTS ${CMAKE_CURRENT_BINARY_DIR}/generated/salvosim/git_sha1.hpp
                  COMMENT "Finding the git commit of the build" VERBATIM)
