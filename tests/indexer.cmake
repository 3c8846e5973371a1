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
