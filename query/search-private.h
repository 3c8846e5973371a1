/*
 * search-private.h - internals shared by the files of the search
 * library (query/compile.c, search.c, snippet.c, output.c) and their
 * tests.  Not installed; nothing here is part of the public API.
 */
#ifndef F8K_SEARCH_PRIVATE_H
#define F8K_SEARCH_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <f8k/f8k_analyzer.h>
#include <f8k/f8k_search.h>
#include <f8k/f8k_xapian.h>

/* A growable list of malloc'd strings (no duplicates when added with
 * search_strset_add). */
typedef struct search_strset {
    char **v;   /* the strings, each malloc'd */
    size_t n;   /* entries used */
    size_t cap; /* entries allocated */
} search_strset_t;

/* What the snippet looks for: the query's positive words. */
typedef struct search_highlight {
    search_strset_t terms;    /* unstemmed terms (NFKC_Casefold) */
    search_strset_t stems;    /* Snowball stems, without the Z prefix */
    search_strset_t prefixes; /* wildcard prefixes */
} search_highlight_t;

/* One synonym member after analysis: its tokens' terms and stems. */
typedef struct search_syn_member {
    size_t n;     /* tokens */
    char **terms; /* n unstemmed terms */
    char **stems; /* n stems (NULL entries where none) */
} search_syn_member_t;

/* An open index, its analyzer and the analyzed synonym table. */
struct f8k_search {
    f8k_db_t *db;                 /* read-only database */
    f8k_analyzer_t *analyzer;     /* the shared analyzer, QUERY mode */
    search_syn_member_t **groups; /* analyzed synonym groups (lazily built) */
    size_t *group_sizes;          /* members per group */
    size_t n_groups;              /* groups; 0 until built */
    char error[512];              /* last failure's message */
};

/* ---- Interface to code in search.c ---- */

/* Record a message (printf-style) as SEARCH's last error. */
void search_set_error(f8k_search_t *search, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Strings. */
f8k_status_t search_strset_add(search_strset_t *set, const char *s, size_t len);
bool search_strset_has(const search_strset_t *set, const char *s, size_t len);
void search_strset_clear(search_strset_t *set);
void search_highlight_clear(search_highlight_t *hl);

/* ---- Interface to code in compile.c ---- */

/*
 * Compile ROOT (NULL: match everything) with SEARCH's analyzer; HL (may
 * be NULL) collects the words to highlight.  *EXHAUSTIVE_OUT (may be
 * NULL) tells whether the query must be ranked over every match, not
 * pruned (see compile.c).  Errors as in f8k_search_compile().
 */
f8k_status_t search_compile(f8k_search_t *search, const f8k_qnode_t *root, search_highlight_t *hl,
                            f8k_query_t **query_out, bool *exhaustive_out,
                            f8k_qparse_error_t *error_out);

/*
 * The filters of OPTIONS as one boolean query, or *query_out NULL when
 * OPTIONS sets none.  BAD_QUERY names the bad option in ERROR_OUT.
 */
f8k_status_t search_compile_filters(f8k_search_t *search, const f8k_search_options_t *options,
                                    f8k_query_t **query_out, f8k_qparse_error_t *error_out);

/* Parse a --from/--to date (YYYY, YYYY-MM, YYYY-MM-DD) into YYYYMMDD;
 * END picks the last day of the period.  False when malformed. */
bool search_parse_date(const char *text, bool end, char out[9]);

/* ---- Interface to code in snippet.c ---- */

/*
 * The best passage of TEXT (LEN bytes) for HL: about
 * F8K_SEARCH_SNIPPET_BYTES bytes around the most distinct matched
 * words, cut at word boundaries, white space collapsed, "..." where
 * cut.  *snippet_out is malloc'd; *spans_out (malloc'd, NULL when
 * none) the matched words within it.
 */
f8k_status_t search_snippet(f8k_analyzer_t *analyzer, const search_highlight_t *hl,
                            const char *text, size_t len, char **snippet_out,
                            f8k_search_span_t **spans_out, size_t *n_spans_out);

#endif /* F8K_SEARCH_PRIVATE_H */
