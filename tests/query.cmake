# Query-language tests (included from tests/CMakeLists.txt).
if(TARGET f8k::query)
  foreach(t qparse)
    f8k_add_cmocka_test(test_${t} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_${t}.c
                        LINK f8k::query LABELS query)
  endforeach()

  # libFuzzer targets: clang only, and only on request.  The code under test
  # is compiled into the fuzzer itself so that it carries the coverage
  # instrumentation.  Each also runs for a bounded number of inputs under
  # ctest, so a crash shows up in CI.
  if(F8K_BUILD_FUZZERS AND CMAKE_C_COMPILER_ID MATCHES "Clang")
    foreach(f qparse)
      add_executable(fuzz_${f} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_${f}.c
                     ${PROJECT_SOURCE_DIR}/query/${f}.c)
      target_compile_options(fuzz_${f} PRIVATE -fsanitize=fuzzer,address,undefined -g)
      target_link_options(fuzz_${f} PRIVATE -fsanitize=fuzzer,address,undefined)
      target_include_directories(fuzz_${f} PRIVATE ${PROJECT_SOURCE_DIR}/query)
      target_link_libraries(fuzz_${f} PRIVATE f8k::headers)
      add_test(NAME fuzz_${f} COMMAND fuzz_${f} -runs=200000 -max_len=600 -seed=1)
      set_tests_properties(fuzz_${f} PROPERTIES TIMEOUT 300 LABELS "query;fuzz")
    endforeach()
  endif()
endif()
