/*
 * test_index_util.h - helpers shared by the tests/test_index_*.c
 * end-to-end tests of f8k-index (add, remove, status, compact).
 */
#ifndef F8K_TEST_INDEX_UTIL_H
#define F8K_TEST_INDEX_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* The counts of f8k-index add's summary line. */
typedef struct idx_summary {
    unsigned long added, replaced, unchanged, removed, failed;
    double seconds;
} idx_summary_t;

/* The built f8k-index: $F8K_BUILD_DIR/indexer/f8k-index (malloc'd). */
char *idx_bin(void);

/*
 * Run f8k-index with the NULL-terminated arguments that follow
 * (no shell), capturing stdout and stderr (either may be NULL; free
 * them).  Returns the exit code, -1 when killed.
 */
int idx_run(int timeout_s, char **out, char **err, ...);

/* Parse the summary line in OUT; false when it is not exactly the format. */
bool idx_parse_summary(const char *out, idx_summary_t *summary);

/* Filings (XF terms that are not XFORM terms) and documents of DB. */
unsigned long idx_filings(const char *db);
unsigned long idx_documents(const char *db);

/* Term frequency of TERM in DB (0 when absent or on error). */
unsigned idx_termfreq(const char *db, const char *term);

/* True when every Q (unique) term of DB indexes exactly one document. */
bool idx_unique_terms_once(const char *db);

/* Copy the file SRC to DST; false on failure. */
bool idx_copy_file(const char *src, const char *dst);

/* Replace the first occurrence of FROM in the file PATH by TO. */
bool idx_edit_file(const char *path, const char *from, const char *to);

#endif /* F8K_TEST_INDEX_UTIL_H */
