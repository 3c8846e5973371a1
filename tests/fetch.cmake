# f8k-fetch: unit tests of its pure parts, and end-to-end tests against
# a loopback EDGAR server written for them (tests/fetch/edgar_server.c).
if(TARGET f8k-fetch)
  find_package(ZLIB REQUIRED)
  add_executable(f8k_test_edgar_server fetch/edgar_server.c)
  target_link_libraries(f8k_test_edgar_server PRIVATE ZLIB::ZLIB Threads::Threads)

  f8k_add_cmocka_test(test_fetch_core SOURCES test_fetch_core.c LINK f8k_fetch_core TIMEOUT 60
                      LABELS fetch)
  f8k_add_cmocka_test(test_fetch SOURCES test_fetch.c TIMEOUT 300 LABELS fetch)
  target_compile_definitions(test_fetch PRIVATE
    F8K_FETCH_EXE="$<TARGET_FILE:f8k-fetch>"
    F8K_EDGAR_SERVER_EXE="$<TARGET_FILE:f8k_test_edgar_server>")
  add_dependencies(test_fetch f8k-fetch f8k_test_edgar_server)
endif()
