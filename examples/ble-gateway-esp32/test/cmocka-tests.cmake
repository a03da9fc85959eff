# Each test file is one executable whose cmocka tests CTest runs one at a time, so the test command
# counts and names every test. `main` runs only the test named by CMOCKA_TEST_ONLY when it is set
# (test_main.h); the names come from the file's `GW_TEST(...)` lines, read at configure time.
function(gw_add_cmocka_test name)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/test/${name}.c ${ARGN})
  target_link_libraries(${name} PRIVATE gw_core PkgConfig::CMOCKA)
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/test)
  target_compile_options(${name} PRIVATE ${GW_WARNINGS})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test/${name}.c)
  file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/test/${name}.c lines REGEX "^ *GW_TEST\\([a-z0-9_]+\\)")
  set(count 0)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^ *GW_TEST\\(([a-z0-9_]+)\\).*" "\\1" test "${line}")
    add_test(NAME ${name}.${test} COMMAND ${name})
    set_tests_properties(${name}.${test} PROPERTIES ENVIRONMENT "CMOCKA_TEST_ONLY=${test}")
    math(EXPR count "${count} + 1")
  endforeach()
  if(count EQUAL 0)
    message(FATAL_ERROR "test/${name}.c lists no GW_TEST(...)")
  endif()
endfunction()

gw_add_cmocka_test(crc_test)
gw_add_cmocka_test(line_reader_test)
gw_add_cmocka_test(command_test)
gw_add_cmocka_test(message_test)
gw_add_cmocka_test(parser_fuzz_test)
gw_add_cmocka_test(gateway_fuzz_test)
gw_add_cmocka_test(gateway_test)
gw_add_cmocka_test(characteristics_test)
gw_add_cmocka_test(subscribe_read_test)
gw_add_cmocka_test(host_radio_test ${CMAKE_CURRENT_SOURCE_DIR}/host/sim_radio.c ${CMAKE_CURRENT_SOURCE_DIR}/host/sim_devices.c)
target_include_directories(host_radio_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/host)

# The cross-language vectors, turned into a C header at build time (never committed, never stale).
find_program(NODE node)
set(GW_VECTORS_JSONL ${CMAKE_CURRENT_SOURCE_DIR}/../../packages/devices/vectors/gateway-lines.jsonl)
if(NODE AND EXISTS ${GW_VECTORS_JSONL})
  set(GW_VECTORS_HEADER ${CMAKE_CURRENT_BINARY_DIR}/generated/gateway_lines.h)
  add_custom_command(
    OUTPUT ${GW_VECTORS_HEADER}
    COMMAND ${NODE} ${CMAKE_CURRENT_SOURCE_DIR}/tools/vectors-to-c.mjs ${GW_VECTORS_JSONL} ${GW_VECTORS_HEADER}
    DEPENDS ${GW_VECTORS_JSONL} ${CMAKE_CURRENT_SOURCE_DIR}/tools/vectors-to-c.mjs
    COMMENT "gateway line vectors -> C header")
  gw_add_cmocka_test(vectors_test ${GW_VECTORS_HEADER})
  target_include_directories(vectors_test PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
else()
  message(WARNING "node or ${GW_VECTORS_JSONL} not found: the cross-language vector test is not built")
endif()
