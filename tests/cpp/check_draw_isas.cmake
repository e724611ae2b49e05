# The kernel's loops run on AVX-512, AVX2 or plain x86-64, whichever the CPU has (kernel.cpp);
# each path must give the same numbers. SALVOSIM_DRAW_ISA caps the path (kernel.hpp), so this
# runs every path this machine has on a few scenarios and compares the statistics, byte for
# byte; and checks that the command refuses a value it does not know. Run by ctest as
# `draw_isas_agree`:
#   cmake -DSALVOSIM=<program> -DCONFIGS_DIR=<configs/> -P check_draw_isas.cmake
# Which path each cap runs (`salvosim --version` says): never above the cap, and printed, so
# that a machine without AVX-512 shows it ran fewer paths than this one.
set(order portable avx2 avx512)
set(paths_run "")
foreach(isa avx512 avx2 portable)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env SALVOSIM_DRAW_ISA=${isa} ${SALVOSIM} --version
                  OUTPUT_VARIABLE version RESULT_VARIABLE code)
  if(NOT code EQUAL 0 OR NOT version MATCHES "kernel loops on ([a-z0-9]+)")
    message(FATAL_ERROR "SALVOSIM_DRAW_ISA=${isa} salvosim --version did not name its path (${code}): ${version}")
  endif()
  set(path ${CMAKE_MATCH_1})
  list(FIND order ${isa} cap_rank)
  list(FIND order ${path} path_rank)
  if(path_rank LESS 0 OR path_rank GREATER cap_rank)
    message(FATAL_ERROR "SALVOSIM_DRAW_ISA=${isa}: the kernel runs on ${path}, not at most ${isa}")
  endif()
  list(APPEND paths_run ${path})
endforeach()
list(REMOVE_DUPLICATES paths_run)
message(STATUS "kernel paths compared: ${paths_run}")

foreach(config true_promise_1 june_2025 campaign_example example saturation)
  set(first_output "")
  foreach(isa avx512 avx2 portable)
    execute_process(COMMAND ${CMAKE_COMMAND} -E env SALVOSIM_DRAW_ISA=${isa} ${SALVOSIM} run
                            ${CONFIGS_DIR}/${config}.toml --json --trials 3000 --seed 11 --threads 2
                    OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE code)
    if(NOT code EQUAL 0)
      message(FATAL_ERROR "SALVOSIM_DRAW_ISA=${isa} salvosim run ${config}.toml failed (${code}): ${errors}")
    endif()
    if(first_output STREQUAL "")
      set(first_output "${output}")
    elseif(NOT output STREQUAL first_output)
      message(FATAL_ERROR "${config}.toml: the statistics with SALVOSIM_DRAW_ISA=${isa} differ from those "
                          "on the best path; compare `salvosim run ${config}.toml --json` under both")
    endif()
  endforeach()
endforeach()

execute_process(COMMAND ${CMAKE_COMMAND} -E env SALVOSIM_DRAW_ISA=sse9 ${SALVOSIM} run --trials 10
                OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE code)
if(NOT code EQUAL 2 OR NOT errors MATCHES "SALVOSIM_DRAW_ISA=sse9: must be one of portable avx2 avx512")
  message(FATAL_ERROR "SALVOSIM_DRAW_ISA=sse9 was not refused as bad input (exit ${code}): ${errors}")
endif()
