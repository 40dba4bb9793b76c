# kafkasim_add_scenario_test: a kafkasim scenario sweep as a ctest test
# (docs/ci.md). Include this file from a project's CMakeLists.txt:
#
#   include(path/to/kafkasim/cmake/KafkasimScenarioTest.cmake)
#   kafkasim_add_scenario_test(NAME orders-failover
#                              SCENARIO ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/orders-failover.json
#                              SEEDS 1..200 JOBS 4 LABELS kafkasim)
#
# Arguments:
#   NAME      the test's name (required)
#   SCENARIO  the scenario file (required)
#   SEEDS     one seed (42) or an inclusive range (1..200) (required)
#   KAFKASIM  the kafkasim executable: a path or a CMake target; default the
#             target `kafkasim` when the project has it, else the program
#             found as KAFKASIM_EXECUTABLE (set it to point at one)
#   JOBS      seeds run at a time (--jobs); default 1
#   SHARD     K/N: only shard K of N of the seeds (--shard)
#   BUGS      planted bug switches (--bug NAME each)
#   OUT       folder for the failing seeds' reports, DIR/junit.xml and
#             DIR/summary.md (--out)
#   SHRINK    shrink each failing seed to DIR/.../minimal.json (--shrink)
#   LABELS    ctest labels
#   TIMEOUT   seconds before ctest stops the test
#   EXTRA_ARGS  further arguments for `kafkasim run`
#
# The test passes when every seed meets the scenario's `expect` block
# (kafkasim's exit status 0) and fails otherwise: 1 for a seed that did not,
# 2 for bad input, 3 for a harness failure (nondeterminism, a deadlock).
include_guard(GLOBAL)

function(kafkasim_add_scenario_test)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "SHRINK"
                        "NAME;SCENARIO;SEEDS;KAFKASIM;JOBS;SHARD;OUT;TIMEOUT" "BUGS;LABELS;EXTRA_ARGS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "kafkasim_add_scenario_test: unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  foreach(_required NAME SCENARIO SEEDS)
    if(NOT ARG_${_required})
      message(FATAL_ERROR "kafkasim_add_scenario_test: ${_required} is required")
    endif()
  endforeach()

  if(ARG_KAFKASIM)
    set(_exe ${ARG_KAFKASIM})
  elseif(TARGET kafkasim)
    set(_exe kafkasim)
  else()
    find_program(KAFKASIM_EXECUTABLE kafkasim)
    if(NOT KAFKASIM_EXECUTABLE)
      message(FATAL_ERROR "kafkasim_add_scenario_test(${ARG_NAME}): no kafkasim found; "
                          "pass KAFKASIM or set KAFKASIM_EXECUTABLE")
    endif()
    set(_exe ${KAFKASIM_EXECUTABLE})
  endif()
  if(TARGET ${_exe})
    set(_exe $<TARGET_FILE:${_exe}>)
  endif()

  if(ARG_SEEDS MATCHES "^[0-9]+$")
    set(_seeds --seed ${ARG_SEEDS})
  elseif(ARG_SEEDS MATCHES "^[0-9]+\\.\\.[0-9]+$")
    set(_seeds --seeds ${ARG_SEEDS})
  else()
    message(FATAL_ERROR "kafkasim_add_scenario_test(${ARG_NAME}): SEEDS is a seed (42) or a range (1..200), "
                        "got \"${ARG_SEEDS}\"")
  endif()

  set(_args run ${ARG_SCENARIO} ${_seeds} --quiet)
  if(ARG_JOBS)
    list(APPEND _args --jobs ${ARG_JOBS})
  endif()
  if(ARG_SHARD)
    list(APPEND _args --shard ${ARG_SHARD})
  endif()
  foreach(_bug IN LISTS ARG_BUGS)
    list(APPEND _args --bug ${_bug})
  endforeach()
  if(ARG_OUT)
    list(APPEND _args --out ${ARG_OUT})
  endif()
  if(ARG_SHRINK)
    list(APPEND _args --shrink)
  endif()
  list(APPEND _args ${ARG_EXTRA_ARGS})

  add_test(NAME ${ARG_NAME} COMMAND ${_exe} ${_args})
  if(ARG_LABELS)
    set_tests_properties(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
  if(ARG_TIMEOUT)
    set_tests_properties(${ARG_NAME} PROPERTIES TIMEOUT ${ARG_TIMEOUT})
  endif()
endfunction()
