# Writes OUTPUT, a header with the git commit of SOURCE_DIR (`-dirty` after it when tracked
# files differ from it; "unknown" outside a git checkout), and leaves the file untouched when
# that has not changed, so that only version.cpp recompiles and only after a commit. Run at
# every build (salvosim_version.cmake), not at configure time: a build dir configured at one
# commit and rebuilt at another must not stamp its outputs with the first.
#   cmake -DSOURCE_DIR=<checkout> -DOUTPUT=<header> -P write_git_sha1.cmake
find_package(Git QUIET)
set(sha1 "unknown")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE code ERROR_QUIET)
  if(code EQUAL 0)
    set(sha1 "${head}")
    execute_process(COMMAND ${GIT_EXECUTABLE} status --porcelain --untracked-files=no
                    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE changes RESULT_VARIABLE code ERROR_QUIET)
    if(code EQUAL 0 AND NOT changes STREQUAL "")
      string(APPEND sha1 "-dirty")
    endif()
  endif()
endif()
set(text "// Generated at build time by cmake/write_git_sha1.cmake: do not edit.\n#pragma once\n#define SALVOSIM_GIT_SHA1_STRING \"${sha1}\"\n")
set(old "")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUTPUT} "${text}")
endif()
