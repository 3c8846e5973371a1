# Tests of the xapian-c binding: one executable per area, sharing the
# corpus fixture.
if(TARGET f8k_xapian)
  foreach(unit search db lock shards)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_xapian_${unit}.c)
      f8k_add_cmocka_test(test_xapian_${unit}
        SOURCES test_xapian_${unit}.c test_xapian_fixture.c
        LINK f8k::xapian m
        LABELS xapian)
    endif()
  endforeach()
endif()
