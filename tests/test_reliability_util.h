/*
 * test_reliability_util.h - helpers shared by the tests/test_reliability_ files
 * (issue 7): running f8k-search and xapian-check, linking corpus
 * filings into an input directory, starting f8k-index in the background.
 */
#ifndef F8K_TEST_RELIABILITY_UTIL_H
#define F8K_TEST_RELIABILITY_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The built f8k-search (malloc'd). */
char *rel_search_bin(void);

/*
 * Run f8k-search --db DB with the NULL-terminated arguments that
 * follow; returns the exit code (-1 when killed), output in OUT and ERR.
 */
int rel_search(const char *db, int timeout_s, char **out, char **err, ...);

/* xapian-check DB: 0 when it passes (or is not installed). */
int rel_xapian_check(const char *db);

/*
 * Make DIR (mode 0700) and fill it with symbolic links to N files of
 * the corpus subdirectory SUB, skipping the first SKIP in name order.
 * Skips the test (77) without the corpus.  Returns the number made.
 */
int rel_link_corpus(const char *dir, const char *sub, int skip, int n);

/*
 * Start ARGV (argv[0] a path) with stdout to /dev/null and stderr to
 * the file ERR_PATH (truncated), or /dev/null when it is NULL.
 */
pid_t rel_spawn(char *const argv[], const char *err_path);

/* waitpid: the exit code, or -1 when it died of a signal. */
int rel_wait(pid_t pid);

/* Monotonic seconds. */
double rel_now(void);

/* Sleep MS milliseconds. */
void rel_sleep_ms(double ms);

/* A field "KEY":N of f8k-index status --format json (-1 when absent). */
long rel_status_field(const char *db, const char *key);

/* Whether S is one JSON value (json-c) with the keys of f8k-search's object. */
bool rel_valid_search_json(const char *s);

#endif
