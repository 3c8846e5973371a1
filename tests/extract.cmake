# Tests of indexer/extract*.c: tables and sentences (test_extract), and
# the figures on the shared corpus as regression floors
# (test_extract_corpus; skips when the corpus is absent).
f8k_add_cmocka_test(test_extract SOURCES test_extract.c LINK f8k::indexer)
f8k_add_cmocka_test(test_extract_corpus
  SOURCES test_extract_corpus.c ${PROJECT_SOURCE_DIR}/bench/officers/measure.c
  LINK f8k::indexer TIMEOUT 1200)
target_include_directories(test_extract_corpus PRIVATE ${PROJECT_SOURCE_DIR}/bench/officers)
