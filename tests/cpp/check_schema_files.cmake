# The schema files shipped in schema/ are what `salvosim schema` prints: a rule or a key changed
# in the loader or the validator without regenerating them fails here (docs/editors.md says how
# to regenerate). Run by ctest as `schema_files_are_generated`:
#   cmake -DSALVOSIM=<program> -DSCHEMA_DIR=<schema/> -P check_schema_files.cmake
foreach(kind scenario sweep)
  set(arguments schema)
  if(kind STREQUAL "sweep")
    list(APPEND arguments --sweep)
  endif()
  string(JOIN " " command salvosim ${arguments})
  execute_process(COMMAND ${SALVOSIM} ${arguments} OUTPUT_VARIABLE printed ERROR_VARIABLE errors RESULT_VARIABLE code)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${command} failed (${code}): ${errors}")
  endif()
  file(READ ${SCHEMA_DIR}/${kind}.schema.json shipped)
  if(NOT printed STREQUAL shipped)
    message(FATAL_ERROR "schema/${kind}.schema.json is not what `${command}` prints: regenerate it "
                        "(${command} > schema/${kind}.schema.json)")
  endif()
endforeach()
