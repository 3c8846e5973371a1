/*
 * hostile.h - writes a tree of hostile input files for f8k-index add
 * (issue 7), each with what f8k-index should make of it.
 */
#ifndef F8K_HOSTILE_H
#define F8K_HOSTILE_H

#include <stddef.h>

typedef enum {
    HOSTILE_REJECT, /* reported as "f8k-index: PATH: REASON", not indexed */
    HOSTILE_INDEX   /* indexed as a filing; found by QUERY */
} hostile_expect_t;

typedef struct hostile_case {
    char *path; /* absolute path of the file written */
    hostile_expect_t expect;
    const char *reason; /* REJECT: a substring of the reason; NULL: any */
    char *query;        /* INDEX: a query that finds exactly this file */
    const char *what;   /* a short description, for messages */
} hostile_case_t;

/*
 * Write the hostile files into the existing directory DIR.  SGML is a
 * real EDGAR submission (with <SEC-HEADER> or <IMS-HEADER>) used as
 * the base of the truncation and encoding cases.  Returns the cases
 * (malloc'd; hostile_free) and their number in *N; NULL on failure.
 * WITH_UNREADABLE adds a mode-0 file (meaningless as root).
 */
hostile_case_t *hostile_generate(const char *dir, const char *sgml, int with_unreadable, size_t *n);

void hostile_free(hostile_case_t *cases, size_t n);

#endif
