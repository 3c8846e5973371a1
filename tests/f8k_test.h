/*
 * f8k_test.h - include first in every cmocka test.
 *
 * cmocka 1.1 needs stdarg.h, stddef.h, stdint.h and setjmp.h before
 * <cmocka.h>.  The helpers below give each test its own temporary
 * directory and find the shared corpus, skipping (exit 77) where it is
 * absent.
 */
#ifndef F8K_TEST_H
#define F8K_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* Exit code ctest treats as "skipped" (SKIP_RETURN_CODE). */
#define F8K_TEST_SKIP 77

/*
 * Create a fresh private directory under $TMPDIR (default /tmp).
 * Returns a malloc'd path; aborts the test program on failure.
 */
char *f8k_test_tmpdir(void);

/* Remove PATH recursively (like rm -rf).  NULL is a no-op. */
void f8k_test_rmtree(const char *path);

/*
 * The shared corpus directory: $F8K_CORPUS, else
 * $F8K_SOURCE_DIR/../shared/corpus.  Returns a malloc'd path, or NULL
 * when the directory does not exist.
 */
char *f8k_test_corpus_dir(void);

/* The same for the seeds directory ($F8K_SEEDS, else ../shared/seeds). */
char *f8k_test_seeds_dir(void);

/* The project's own sample filings: $F8K_SOURCE_DIR/corpus/samples. */
char *f8k_test_samples_dir(void);

/* The build directory ($F8K_BUILD_DIR), where the CLIs are. */
const char *f8k_test_build_dir(void);

/*
 * Join A and B with a '/'.  Returns a malloc'd string.
 */
char *f8k_test_path(const char *a, const char *b);

/*
 * Read a whole file.  Returns a malloc'd, NUL-terminated buffer and
 * stores its length in *len_out (may be NULL); NULL on failure.
 */
char *f8k_test_read_file(const char *path, size_t *len_out);

/*
 * Run ARGV (argv[0] a path) with no shell, capturing stdout and
 * stderr into malloc'd strings (either out pointer may be NULL).
 * Returns the exit status (0-255), or -1 when it could not run or was
 * killed by a signal.  STDIN_TEXT, when not NULL, is written to its
 * standard input.  The child is killed after TIMEOUT_S seconds.
 */
int f8k_test_run(char *const argv[], const char *stdin_text, int timeout_s, char **out, char **err);

/*
 * Call FN(path, closure) for every filing under DIR, recursively: every
 * regular file except dotfiles, *.tsv and README.md (the corpus's own
 * metadata).  Aborts the test when DIR cannot be read.
 */
void f8k_test_each_filing(const char *dir, void (*fn)(const char *path, void *closure),
                          void *closure);

/* Whether S (N bytes) is well-formed UTF-8 without NUL bytes. */
bool f8k_test_valid_utf8(const char *s, size_t n);

/*
 * Index PATHS (NULL-terminated; files or directories) into the database
 * DB with the built f8k-index (`add --quiet`).  Returns its exit code,
 * after printing its standard error when that is not 0.
 */
int f8k_test_index(const char *db, const char *const paths[]);

/* Write TEXT to PATH, replacing it (asserts on failure). */
void f8k_test_write_file(const char *path, const char *text);

/*
 * Run the built f8k-search --db DB --format json ARGS... (ARGS
 * NULL-terminated, at most 26) within TIMEOUT_S; asserts exit 0 and
 * returns its standard output (malloc'd).
 */
char *f8k_test_search_json(const char *db, const char *const *args, int timeout_s);

/* A loopback TCP port that was free a moment ago (asserts on failure). */
int f8k_test_free_port(void);

/* Whether something accepts connections on loopback PORT. */
bool f8k_test_port_accepts(int port);

/* Print a skip reason and exit 77 when COND is false. */
#define F8K_REQUIRE_OR_SKIP(cond, why)                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "skipped: %s\n", (why));                                               \
            exit(F8K_TEST_SKIP);                                                                   \
        }                                                                                          \
    } while (0)

#endif /* F8K_TEST_H */
