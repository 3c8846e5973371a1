# Reliability: libFuzzer targets for the parsers of outside input that
# query.cmake and indexer.cmake do not cover (issue 7): the charset
# converter, the analyzer, and the extractor (cover page, items,
# officers).  Clang only, and only with -DF8K_BUILD_FUZZERS=ON.
# scripts/fuzz.sh builds and runs them all, seeded from the corpora.
#
# The code under test is compiled into each fuzzer (the sources of the
# f8k_analysis and f8k_indexer libraries, read from the targets), so it
# carries libFuzzer's coverage instrumentation; the libraries themselves
# are built without it.  index*.c (the Xapian writer) is left out.
if(F8K_BUILD_FUZZERS AND CMAKE_C_COMPILER_ID MATCHES "Clang"
   AND TARGET f8k_analysis AND TARGET f8k_indexer)
  function(_f8k_fuzz_sources target out)
    get_target_property(_srcs ${target} SOURCES)
    get_target_property(_dir ${target} SOURCE_DIR)
    set(_abs "")
    foreach(s IN LISTS _srcs)
      if(NOT IS_ABSOLUTE "${s}")
        set(s "${_dir}/${s}")
      endif()
      list(APPEND _abs "${s}")
    endforeach()
    list(FILTER _abs INCLUDE REGEX "\\.c$")
    list(FILTER _abs EXCLUDE REGEX "/index[^/]*\\.c$")
    set(${out} "${_abs}" PARENT_SCOPE)
  endfunction()
  _f8k_fuzz_sources(f8k_analysis _f8k_analysis_srcs)
  _f8k_fuzz_sources(f8k_indexer _f8k_indexer_srcs)

  set(_f8k_fuzz_flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -g)
  # name; extra sources; -max_len for the ctest smoke run
  foreach(spec "charset;analysis;65536" "analyzer;analysis;16384" "cover;indexer;65536")
    list(GET spec 0 f)
    list(GET spec 1 what)
    list(GET spec 2 maxlen)
    set(srcs ${_f8k_analysis_srcs})
    if(what STREQUAL "indexer")
      list(APPEND srcs ${_f8k_indexer_srcs})
    endif()
    add_executable(fuzz_${f} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_${f}.c ${srcs})
    target_compile_options(fuzz_${f} PRIVATE ${_f8k_fuzz_flags})
    target_link_options(fuzz_${f} PRIVATE ${_f8k_fuzz_flags})
    target_include_directories(fuzz_${f} PRIVATE ${PROJECT_SOURCE_DIR}/stemmer
                               ${PROJECT_SOURCE_DIR}/indexer)
    target_link_libraries(fuzz_${f} PRIVATE f8k::headers ICU::uc ICU::i18n ICU::data
                          Stemmer::Stemmer Threads::Threads)
    if(what STREQUAL "indexer")
      target_link_libraries(fuzz_${f} PRIVATE LibXml2::LibXml2 PkgConfig::JSONC)
    endif()
    # A bounded smoke run under ctest, so a regression shows up in CI
    # builds made with the fuzzers on; scripts/fuzz.sh runs them longer.
    add_test(NAME fuzz_${f} COMMAND fuzz_${f} -runs=20000 -max_len=${maxlen} -seed=1
             -timeout=10 -rss_limit_mb=2048)
    set_tests_properties(fuzz_${f} PROPERTIES TIMEOUT 300 LABELS "reliability;fuzz")
  endforeach()
elseif(F8K_BUILD_FUZZERS)
  message(STATUS "fuzzers: F8K_BUILD_FUZZERS needs clang and stemmer/, indexer/; "
                 "fuzz_charset, fuzz_analyzer, fuzz_cover skipped")
endif()

# Reliability end-to-end tests of the CLIs (issue 7): crash consistency
# under kill -9, overlapping writers and readers, hostile input files,
# security checks.  tests/hostile/ is the hostile input generator (also
# built as f8k-hostile-gen for trying by hand).  Label "reliability".
if(TARGET f8k-index AND TARGET f8k-search AND TARGET f8k_xapian)
  add_library(f8k_hostile STATIC ${CMAKE_CURRENT_SOURCE_DIR}/hostile/hostile.c)
  target_include_directories(f8k_hostile PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  add_executable(f8k-hostile-gen ${CMAKE_CURRENT_SOURCE_DIR}/hostile/gen.c)
  target_link_libraries(f8k-hostile-gen PRIVATE f8k_hostile)
  # name; ctest timeout (s)
  foreach(spec "crash;900" "overlap;600" "hostile;600" "security;300" "regress;300")
    list(GET spec 0 t)
    list(GET spec 1 tmo)
    set(name test_reliability_${t})
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${name}.c)
      f8k_add_cmocka_test(${name} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${name}.c
        ${CMAKE_CURRENT_SOURCE_DIR}/test_reliability_util.c
        ${CMAKE_CURRENT_SOURCE_DIR}/test_index_util.c
        LINK f8k_hostile f8k::indexer f8k::xapian PkgConfig::JSONC TIMEOUT ${tmo}
        LABELS "reliability")
      add_dependencies(${name} f8k-index f8k-search)
    endif()
  endforeach()
  # It measures a search rate on the machine's cores: alone, not beside
  # another test (ctest -j).  F8K_LONG_TESTS=1 makes its searching last
  # a minute instead of 10 s.
  if(TEST test_reliability_overlap)
    set_tests_properties(test_reliability_overlap PROPERTIES RUN_SERIAL TRUE)
  endif()
endif()

# Allocation failures through the analyzer and the Xapian binding
# (issue 7): the test defines malloc and friends itself, failing the Nth
# allocation, and C++ operator new on top of them (under ASan it
# forwards to ASan's allocator; it skips, exit 77, under valgrind).  Allocations inside ICU and xapian-core
# functions with known defects under allocation failure are kept out
# by their stack (tests/RELIABILITY.md, "Allocation failures").
if(TARGET f8k_xapian AND TARGET f8k_analysis
   AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_reliability_nomem.c)
  f8k_add_cmocka_test(test_reliability_nomem
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_reliability_nomem.c
    LINK f8k::analysis f8k::xapian TIMEOUT 300 LABELS "reliability")
  # Its operator new throws std::bad_alloc from C.
  target_compile_options(test_reliability_nomem PRIVATE -fexceptions)
endif()
