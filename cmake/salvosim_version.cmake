# The version and the git commit the build came from, for the provenance of every output.
find_package(Git QUIET)
set(SALVOSIM_GIT_SHA1 "unknown")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse HEAD
                  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                  OUTPUT_VARIABLE _sha OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _rc ERROR_QUIET)
  if(_rc EQUAL 0)
    set(SALVOSIM_GIT_SHA1 "${_sha}")
  endif()
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/version_config.hpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/generated/salvosim/version_config.hpp @ONLY)
