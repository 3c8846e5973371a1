# Search tests (query/compile.c, search.c, snippet.c, output.c and the
# f8k-search CLI), end to end over indexes built with the real f8k-index.
if(TARGET f8k::query AND TARGET f8k-search)
  foreach(t test_search_cli test_search_corpus)
    f8k_add_cmocka_test(${t} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c
                        LINK f8k::query PkgConfig::JSONC TIMEOUT 1200 LABELS search)
  endforeach()
  if(TARGET f8k-index)
    add_dependencies(test_search_cli f8k-search f8k-index)
    add_dependencies(test_search_corpus f8k-search f8k-index)
  endif()
endif()
