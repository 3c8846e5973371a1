# End-to-end tests of `f8k-index add/remove/status/compact` (tests/test_index_*.c).
# They run the built f8k-index on temporary databases, on the seed,
# the samples and the shared corpus (skipping, exit 77, without it).

if(TARGET f8k-index AND TARGET f8k_xapian)
  foreach(t test_index_add test_index_lock test_index_robust test_index_crash)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c)
      f8k_add_cmocka_test(${t} SOURCES ${t}.c test_index_util.c LINK f8k::indexer f8k::xapian TIMEOUT 600
        LABELS cli)
      add_dependencies(${t} f8k-index)
    endif()
  endforeach()
endif()
