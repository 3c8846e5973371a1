# Analyzer tests (stemmer/): charset conversion, the analysis tables, and the
# corpus-wide proof that the fast paths give the full ICU pipeline's tokens.
foreach(t test_charset test_analyzer test_analyzer_corpus)
  f8k_add_cmocka_test(${t} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c LINK f8k::analysis
    TIMEOUT 1500)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/stemmer)
endforeach()
set_tests_properties(test_analyzer_corpus PROPERTIES LABELS "corpus;slow")

# End to end: each token class found by its own text through f8k-index and
# f8k-search (needs both commands).
if(TARGET f8k-index AND TARGET f8k-search)
  f8k_add_cmocka_test(test_analyzer_e2e SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_analyzer_e2e.c)
  add_dependencies(test_analyzer_e2e f8k-index f8k-search)
endif()
