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

# f8k-search over shards served by xapian-tcpsrv on loopback (issue #8).
if(TARGET f8k::query AND TARGET f8k-search AND TARGET f8k-index)
  f8k_add_cmocka_test(test_remote SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_remote.c
                      LINK PkgConfig::JSONC m TIMEOUT 1800 LABELS search remote)
  add_dependencies(test_remote f8k-search f8k-index)
endif()
if(TARGET f8k::query AND TARGET f8k-search AND TARGET f8k-index AND TARGET f8k_xapian)
  f8k_add_cmocka_test(test_remote_admin SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_remote_admin.c
                      LINK f8k::xapian PkgConfig::JSONC TIMEOUT 900 LABELS search remote)
  add_dependencies(test_remote_admin f8k-search f8k-index)
endif()
