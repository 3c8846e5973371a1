# Tests of the filing parser (indexer/filing.c, parse_*.c, html.c) and
# the f8k-index inspect command.
foreach(t test_parse test_parse_hostile)
  f8k_add_cmocka_test(${t} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c
    LINK f8k::indexer LibXml2::LibXml2 TIMEOUT 600 LABELS indexer)
endforeach()

# libFuzzer entry points, only with clang and -DF8K_BUILD_FUZZERS=ON.
if(F8K_BUILD_FUZZERS)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    foreach(f fuzz_parse_sgml fuzz_parse_html)
      add_executable(${f} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${f}.c)
      target_link_libraries(${f} PRIVATE f8k::indexer)
      target_compile_options(${f} PRIVATE -fsanitize=fuzzer,address,undefined)
      target_link_options(${f} PRIVATE -fsanitize=fuzzer,address,undefined)
    endforeach()
  else()
    message(STATUS "fuzzers: F8K_BUILD_FUZZERS needs clang; skipped")
  endif()
endif()

# The parallel build from empty (shard writers and their merge) against
# --jobs 1, kill -9 and SIGTERM during it (corpus; skips without it).
if(TARGET f8k-index AND TARGET f8k-search AND TARGET f8k_xapian
   AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_index_parallel.c)
  f8k_add_cmocka_test(test_index_parallel SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_index_parallel.c
    ${CMAKE_CURRENT_SOURCE_DIR}/test_reliability_util.c ${CMAKE_CURRENT_SOURCE_DIR}/test_index_util.c
    LINK f8k::indexer f8k::xapian PkgConfig::JSONC TIMEOUT 900 LABELS cli)
  add_dependencies(test_index_parallel f8k-index f8k-search)
endif()

# add --shard-by year|hash:N: sharded indexes answer as one, route each
# filing to its shard, and keep add's guarantees (corpus; skips without it).
if(TARGET f8k-index AND TARGET f8k-search AND TARGET f8k_xapian
   AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_index_shard.c)
  f8k_add_cmocka_test(test_index_shard SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_index_shard.c
    ${CMAKE_CURRENT_SOURCE_DIR}/test_reliability_util.c ${CMAKE_CURRENT_SOURCE_DIR}/test_index_util.c
    LINK f8k::indexer f8k::xapian PkgConfig::JSONC TIMEOUT 600 LABELS cli)
  add_dependencies(test_index_shard f8k-index f8k-search)
endif()
