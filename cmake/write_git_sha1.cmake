# Writes OUTPUT, a header with the git commit of SOURCE_DIR (`-dirty` after it when tracked
# files differ from it; "unknown" unless SOURCE_DIR is the top of a git checkout, so that a
# source tree unpacked inside another repository is not stamped with that one's commit), and
# leaves the file untouched when
# that has not changed, so that only version.cpp recompiles and only after a commit. Run at
# every build (salvosim_version.cmake), not at configure time: a build dir configured at one
# commit and rebuilt at another must not stamp its outputs with the first.
#   cmake -DSOURCE_DIR=<checkout> -DOUTPUT=<header> -P write_git_sha1.cmake
find_package(Git QUIET)
set(sha1 "unknown")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --show-toplevel HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE answer OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE code ERROR_QUIET)
  string(REPLACE "\n" ";" answer "${answer}")
  list(LENGTH answer lines)
  set(same_top FALSE)
  if(code EQUAL 0 AND lines EQUAL 2)
    list(GET answer 0 top)
    list(GET answer 1 head)
    file(REAL_PATH "${top}" top)
    file(REAL_PATH "${SOURCE_DIR}" source)
    if(top STREQUAL source)
      set(same_top TRUE)
    endif()
  endif()
  if(same_top)
    set(sha1 "${head}")
    # --no-optional-locks: a status refreshing the index would take git's lock on every build,
    # and a `git commit` made meanwhile would fail on it.
    execute_process(COMMAND ${GIT_EXECUTABLE} --no-optional-locks status --porcelain --untracked-files=no
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
